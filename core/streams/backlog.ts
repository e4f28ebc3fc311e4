import type { Redis } from 'ioredis';
import { partitionKeys, PROCESSOR_GROUP } from './keys.js';

export interface PartitionBacklog {
  partition: number;
  /** Entries not yet delivered to the processor group. */
  lag: number;
  /** Entries delivered but not acknowledged. */
  pending: number;
}

/** XINFO replies come as a flat [field, value, ...] list per item. */
export function fieldsOf(reply: unknown[]): Map<string, unknown> {
  const fields = new Map<string, unknown>();
  for (let i = 0; i + 1 < reply.length; i += 2) fields.set(String(reply[i]), reply[i + 1]);
  return fields;
}

/**
 * Reads how far the processor group is behind on each partition. Redis reports `lag` as nil when
 * it cannot tell (after deletions); the stream length then bounds it from above.
 */
export async function readBacklog(redis: Redis, prefix: string, partitions: number): Promise<PartitionBacklog[]> {
  const pipeline = redis.pipeline();
  for (let p = 0; p < partitions; p++) {
    const { stream } = partitionKeys(prefix, p);
    pipeline.xinfo('GROUPS', stream);
    pipeline.xlen(stream);
  }
  const replies = (await pipeline.exec()) ?? [];
  const backlog: PartitionBacklog[] = [];
  for (let p = 0; p < partitions; p++) {
    const [groupsErr, groups] = replies[p * 2] ?? [];
    const [, length] = replies[p * 2 + 1] ?? [];
    if (groupsErr) {
      backlog.push({ partition: p, lag: Number(length ?? 0), pending: 0 });
      continue;
    }
    const group = (groups as unknown[][]).map(fieldsOf).find((g) => g.get('name') === PROCESSOR_GROUP);
    const lag = group?.get('lag');
    backlog.push({
      partition: p,
      lag: lag === null || lag === undefined ? Number(length ?? 0) : Number(lag),
      pending: Number(group?.get('pending') ?? 0),
    });
  }
  return backlog;
}
