import { Redis } from 'ioredis';
import type { Logger } from './observability/logger.js';

/**
 * One connection per purpose: blocking XREADGROUP calls hold their connection, so consumers get
 * their own and never starve ingest writes.
 */
export function createRedis(url: string, name: string, log?: Logger): Redis {
  const redis = new Redis(url, {
    connectionName: `vigil-${name}`,
    maxRetriesPerRequest: 3,
    enableAutoPipelining: true,
  });
  if (log) logOutages(redis, log, name);
  return redis;
}

/** A duplicate connection (e.g. for blocking reads) that reports its outages like the original. */
export function duplicateRedis(redis: Redis, name: string, log: Logger): Redis {
  const copy = redis.duplicate({ connectionName: `vigil-${name}` });
  logOutages(copy, log, name);
  return copy;
}

/** ioredis emits an error per reconnect attempt; log the first of an outage and its end only. */
function logOutages(redis: Redis, log: Logger, name: string): void {
  let down = false;
  redis.on('error', (err: Error) => {
    if (down) return;
    down = true;
    log.warn({ connection: name, err: err.message }, 'redis connection lost; reconnecting');
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    log.info({ connection: name }, 'redis connection restored');
  });
}

export type { Redis };

/** Removes every key matching a SCAN pattern (a deployment's or a test's prefix); returns how many. */
export async function deleteKeysMatching(redis: Redis, pattern: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    if (keys.length) deleted += await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
  return deleted;
}
