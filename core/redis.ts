import type { ConnectionOptions } from 'bullmq';
import { Cluster, Redis } from 'ioredis';
import type { Logger } from './observability/logger.js';

/** Where Redis is: one server, or a Redis Cluster found through some of its nodes. */
export interface RedisTarget {
  url: string;
  clusterNodes?: readonly { host: string; port: number }[] | undefined;
}

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
export function createRedis(target: RedisTarget | string, name: string, log?: Logger, opts: RedisOptions = {}): Redis {
  const { url, clusterNodes } = typeof target === 'string' ? { url: target, clusterNodes: undefined } : target;
  const connection = { connectionName: `vigil-${name}`, maxRetriesPerRequest: 3 };
  // No auto-pipelining on a cluster: ioredis groups such pipelines by a slot it derives from the
  // first argument, which for XGROUP/XINFO subcommands is not the key (they would be MOVED).
  const redis = clusterNodes?.length
    ? asRedis(new Cluster([...clusterNodes], { redisOptions: connection, enableAutoPipelining: false, enableOfflineQueue: !opts.failFast }))
    : new Redis(url, { ...connection, enableAutoPipelining: true, enableOfflineQueue: !opts.failFast });
  if (log) logOutages(redis, log, name);
  return redis;
}

/**
 * A Cluster client answers the same commands, scripts and pipelines as a single-server client;
 * Vigil's keys are laid out so every multi-key command and script stays in one hash slot. The
 * rest of the code holds it as `Redis`, the one place that differs is duplication (below).
 */
function asRedis(cluster: Cluster): Redis {
  return cluster as unknown as Redis;
}

export function isCluster(redis: Redis): boolean {
  return (redis as unknown as { isCluster?: boolean }).isCluster === true;
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
  const copy = isCluster(redis)
    ? asRedis((redis as unknown as Cluster).duplicate([], {
      enableOfflineQueue: true,
      redisOptions: { ...(redis as unknown as Cluster).options.redisOptions, connectionName: `vigil-${name}` },
    }))
    : redis.duplicate({ connectionName: `vigil-${name}`, enableOfflineQueue: true });
  logOutages(copy, log, name);
  return copy;
}

/**
 * Closes a BullMQ worker or queue, waiting at most `ms`: after a Redis outage BullMQ can wait on a
 * blocking connection that never answers, and a shutdown must end. Jobs not finished stay in Redis
 * and are retried (stalled-job recovery), so giving up the wait loses nothing.
 */
export async function closeWithin(closing: { close(force?: boolean): Promise<void> }, ms: number, log: Logger, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), ms);
  });
  const outcome = await Promise.race([closing.close().then(() => 'closed' as const), late]);
  clearTimeout(timer);
  if (outcome === 'late') {
    log.warn({ what, waitedMs: ms }, 'close did not finish in time; forcing it');
    void closing.close(true).catch(() => undefined);
  }
}

/**
 * Connections for BullMQ queues and their workers (workers block, so BullMQ wants commands that
 * never give up: maxRetriesPerRequest null). On one server BullMQ opens and closes its own from
 * options; on a cluster it is handed Cluster clients, which `close()` ends with the engine.
 */
export class QueueConnections {
  private readonly clusters: Cluster[] = [];

  constructor(private readonly target: RedisTarget) {}

  forQueue(): ConnectionOptions {
    return this.connection({ maxRetriesPerRequest: 3 });
  }

  forWorker(): ConnectionOptions {
    return this.connection({ maxRetriesPerRequest: null });
  }

  async close(): Promise<void> {
    await Promise.all(this.clusters.splice(0).map((cluster) => cluster.quit().catch(() => undefined)));
  }

  private connection(options: { maxRetriesPerRequest: number | null }): ConnectionOptions {
    if (!this.target.clusterNodes?.length) return { url: this.target.url, ...options };
    const cluster = new Cluster([...this.target.clusterNodes], { redisOptions: options });
    this.clusters.push(cluster);
    return cluster as unknown as ConnectionOptions;
  }
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

/**
 * Removes every key matching a SCAN pattern (a deployment's or a test's prefix); returns how many.
 * On a cluster every master is scanned, and keys are unlinked one by one (they span slots).
 */
export async function deleteKeysMatching(redis: Redis, pattern: string): Promise<number> {
  const cluster = isCluster(redis);
  const nodes = cluster ? (redis as unknown as Cluster).nodes('master') : [redis];
  let deleted = 0;
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      if (keys.length && !cluster) deleted += await redis.unlink(...keys);
      if (keys.length && cluster) deleted += (await Promise.all(keys.map((key) => redis.unlink(key)))).reduce((a, b) => a + b, 0);
      cursor = next;
    } while (cursor !== '0');
  }
  return deleted;
}
