import type { Redis } from 'ioredis';
import { partitionKeys, PROCESSOR_GROUP } from './keys.js';

/** Creates every partition stream and its processor group (from the start, so nothing is skipped). */
export async function ensureProcessorGroups(redis: Redis, prefix: string, partitions: number): Promise<void> {
  await Promise.all(Array.from({ length: partitions }, (_, p) => ensureGroup(redis, partitionKeys(prefix, p).stream, PROCESSOR_GROUP)));
}

/** Creates a stream's consumer group from its first entry unless it exists (MKSTREAM). */
export async function ensureGroup(redis: Redis, stream: string, group: string): Promise<void> {
  try {
    await redis.xgroup('CREATE', stream, group, '0', 'MKSTREAM');
  } catch (err) {
    if (!(err instanceof Error) || !err.message.startsWith('BUSYGROUP')) throw err;
  }
}

/**
 * A Redis that lost its data (restarted without persistence, or flushed) answers NOGROUP for a
 * group that existed: the reader recreates it and goes on with whatever arrives from then on.
 */
export function isMissingGroup(err: unknown): boolean {
  return err instanceof Error && err.message.startsWith('NOGROUP');
}
