import { Redis } from 'ioredis';
import type { Logger } from './observability/logger.js';

export interface RedisOptions {
  /**
   * Commands fail at once while the connection is down instead of queueing until it returns:
   * for the connection that serves requests, which must answer 503 within milliseconds. The
   * caller awaits `redisReady` before the first command.
   */
  failFast?: boolean;
}

/**
 * One connection per purpose: blocking XREADGROUP calls hold their connection, so consumers get
 * their own and never starve ingest writes.
 */
export function createRedis(url: string, name: string, log?: Logger, opts: RedisOptions = {}): Redis {
  const redis = new Redis(url, {
    connectionName: `vigil-${name}`,
    maxRetriesPerRequest: 3,
    enableAutoPipelining: true,
    enableOfflineQueue: !opts.failFast,
  });
  if (log) logOutages(redis, log, name);
  return redis;
}

/** Resolves once the connection is ready for commands (a fail-fast connection needs it first). */
export async function redisReady(redis: Redis): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const onReady = () => {
      redis.off('end', onEnd);
      resolve();
    };
    const onEnd = () => {
      redis.off('ready', onReady);
      reject(new Error('the Redis connection was closed before it became ready'));
    };
    redis.once('ready', onReady);
    redis.once('end', onEnd);
  });
}

/**
 * A duplicate connection for background work (blocking reads, outbox consumers, subscribers) that
 * reports its outages like the original. Its commands wait for a reconnect rather than fail at
 * once: background loops retry anyway, and nobody is waiting on an answer.
 */
export function duplicateRedis(redis: Redis, name: string, log: Logger): Redis {
  const copy = redis.duplicate({ connectionName: `vigil-${name}`, enableOfflineQueue: true });
  logOutages(copy, log, name);
  return copy;
}

/** True when the connection can take commands now; false while it is down or reconnecting. */
export function redisIsUp(redis: Redis): boolean {
  return redis.status === 'ready';
}

// What ioredis raises when Redis cannot be reached, rather than a Redis error reply: refused or
// reset connections, the offline queue being off, retries exhausted, a command timing out.
const UNREACHABLE = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENOTFOUND|Connection is closed|Stream isn't writeable|Reached the max retries per request limit|Command timed out|connection (was )?(closed|lost)/i;

/** True for failures that mean "Redis is unreachable", which the API answers with 503 + Retry-After. */
export function isRedisUnreachable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err.name === 'MaxRetriesPerRequestError') return true;
  return UNREACHABLE.test(err.message) || (err.cause instanceof Error && UNREACHABLE.test(err.cause.message));
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
