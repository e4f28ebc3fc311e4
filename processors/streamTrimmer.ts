import type { Redis } from 'ioredis';
import type { VigilMetrics } from '../core/observability/index.js';
import { fieldsOf, partitionKeys } from '../core/streams/index.js';
import { compareStreamIds } from './streamEntries.js';

/**
 * The oldest entry any consumer group may still need: its oldest pending entry, or, with none
 * pending, the last one delivered to it. Everything below is acknowledged by every group.
 */
export async function safeTrimPoint(redis: Redis, stream: string): Promise<string | undefined> {
  const groups = ((await redis.xinfo('GROUPS', stream)) as unknown[][]).map(fieldsOf);
  if (groups.length === 0) return undefined;
  let safe: string | undefined;
  for (const group of groups) {
    const [count, oldestPending] = (await redis.xpending(stream, String(group.get('name')))) as [number, string | null];
    const needed = Number(count) > 0 && oldestPending ? oldestPending : String(group.get('last-delivered-id'));
    if (safe === undefined || compareStreamIds(needed, safe) < 0) safe = needed;
  }
  return safe;
}

/** Trims a partition stream below what every group has acknowledged (approximate, by whole nodes). */
export async function trimAcknowledged(redis: Redis, prefix: string, partition: number, metrics: VigilMetrics): Promise<number> {
  const { stream } = partitionKeys(prefix, partition);
  const safe = await safeTrimPoint(redis, stream);
  if (!safe || safe === '0-0') return 0;
  const trimmed = Number(await redis.xtrim(stream, 'MINID', '~', safe));
  metrics.streamTrimmed.inc(trimmed);
  return trimmed;
}
