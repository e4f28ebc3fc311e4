import type { Redis } from 'ioredis';
import { partitionKeys, PROCESSOR_GROUP } from './keys.js';

/** Creates every partition stream and its processor group (from the start, so nothing is skipped). */
export async function ensureProcessorGroups(redis: Redis, prefix: string, partitions: number): Promise<void> {
  await Promise.all(
    Array.from({ length: partitions }, async (_, p) => {
      try {
        await redis.xgroup('CREATE', partitionKeys(prefix, p).stream, PROCESSOR_GROUP, '0', 'MKSTREAM');
      } catch (err) {
        if (!(err instanceof Error) || !err.message.startsWith('BUSYGROUP')) throw err;
      }
    }),
  );
}
