import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { partitionKeys } from '../../core/streams/index.js';
import { PartitionCommitter } from '../../processors/partitionCommit.js';
import { REDIS_URL, dropPrefix, uniquePrefix } from '../support/testEngine.js';

const redis = new Redis(REDIS_URL);
const prefix = uniquePrefix('commit');
const keys = partitionKeys(prefix, 0);
const committer = new PartitionCommitter(redis);
afterAll(async () => {
  await dropPrefix(prefix);
  redis.disconnect();
});

describe('partition commit', () => {
  it('applies every kind of change in order while the lease is held', async () => {
    await redis.set(keys.lease, 'worker-a');
    const hash = `${keys.customerPrefix}c1`;
    const ok = await committer.commit(keys, 'worker-a', [
      { op: 'set', key: `${keys.appliedPrefix}e1`, value: '1-0', ttlSeconds: 60 },
      { op: 'hincrby', key: hash, field: 'events', by: 2 },
      { op: 'hmax', key: hash, field: 'last', value: 10 },
      { op: 'hmax', key: hash, field: 'last', value: 5 },
      { op: 'hmin', key: hash, field: 'first', value: 10 },
      { op: 'hmin', key: hash, field: 'first', value: 5 },
      { op: 'expire', key: hash, ttlSeconds: 100 },
      { op: 'rpush', key: `${keys.customerPrefix}outbox`, value: 'x' },
    ]);
    expect(ok).toBe(true);
    expect(await redis.hgetall(hash)).toEqual({ events: '2', last: '10', first: '5' });
    expect(await redis.ttl(hash)).toBeGreaterThan(90);
    expect(await redis.ttl(`${keys.appliedPrefix}e1`)).toBeGreaterThan(50);
    expect(await redis.lrange(`${keys.customerPrefix}outbox`, 0, -1)).toEqual(['x']);
    expect(await committer.appliedBy(keys, ['e1', 'e2'])).toEqual(['1-0', null]);
  });

  it('writes nothing for a worker that no longer holds the lease', async () => {
    await redis.set(keys.lease, 'worker-b');
    const ok = await committer.commit(keys, 'worker-a', [{ op: 'hincrby', key: `${keys.customerPrefix}c2`, field: 'events', by: 1 }]);
    expect(ok).toBe(false);
    expect(await redis.exists(`${keys.customerPrefix}c2`)).toBe(0);
  });
});
