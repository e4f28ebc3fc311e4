import { Redis } from 'ioredis';

/**
 * One connection per purpose: blocking XREADGROUP calls hold their connection, so consumers get
 * their own and never starve ingest writes.
 */
export function createRedis(url: string, name: string): Redis {
  return new Redis(url, {
    connectionName: `vigil-${name}`,
    maxRetriesPerRequest: 3,
    enableAutoPipelining: true,
    lazyConnect: false,
  });
}

export type { Redis };
