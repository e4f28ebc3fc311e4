import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { profileTimeline } from '../../backtest/index.js';
import { ProfileStore } from '../../customers/index.js';
import { REDIS_URL, dropPrefix, uniquePrefix } from '../support/testEngine.js';

// A backtest replays each event with the customer's profile as it stood when the live pipeline
// processed it: the profile store's versions, each from when it was written, by pseudonym.

const prefix = uniquePrefix('btprofiles');
const redis = new Redis(REDIS_URL);
afterAll(async () => {
  redis.disconnect();
  await dropPrefix(prefix);
});

describe('profiles as they stood', () => {
  it('gives each moment the version current then, none before the first, for every customer of every partition', async () => {
    const store = new ProfileStore(redis, { prefix, partitions: 4 });
    const t = Date.parse('2026-06-01T00:00:00Z');
    await store.put('cust-a', { birthday: '1980-03-04', age: 46 }, 'crm', t);
    await store.put('cust-a', { birthday: '1980-03-05', age: 46 }, 'crm', t + 1000);
    const many = Array.from({ length: 30 }, (_, i) => ({ customerId: `cust-${i}`, profile: { age: 20 + i } }));
    await store.importMany(many, 'crm', t);

    const timeline = await profileTimeline(store, (id) => `p:${id}`);
    expect(timeline.customers).toBe(31);
    expect(timeline.at('p:cust-a', t - 1)).toBeUndefined();
    expect(timeline.at('p:cust-a', t)?.birthday).toBe('1980-03-04');
    expect(timeline.at('p:cust-a', t + 999)?.birthday).toBe('1980-03-04');
    expect(timeline.at('p:cust-a', t + 1000)?.birthday).toBe('1980-03-05');
    expect(timeline.at('p:cust-29', t)?.age).toBe(49);
    expect(timeline.at('cust-29', t)).toBeUndefined();
  });
});
