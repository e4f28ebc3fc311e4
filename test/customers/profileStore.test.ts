import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { partitionKeys, partitionOf } from '../../core/streams/index.js';
import { InvalidCustomerIdError, ProfileStore, decodeStoredProfile, type CustomerProfile } from '../../customers/index.js';
import { REDIS_URL, dropPrefix, uniquePrefix } from '../support/testEngine.js';

const PARTITIONS = 4;
const T0 = Date.parse('2026-03-01T09:00:00Z');

let redis: Redis;
let prefix: string;
let store: ProfileStore;

beforeAll(() => {
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 3 });
});
afterAll(async () => redis.quit());
beforeEach(() => {
  prefix = uniquePrefix('profiles');
  store = new ProfileStore(redis, { prefix, partitions: PARTITIONS });
});
afterEach(async () => dropPrefix(prefix));

const anna: CustomerProfile = {
  assets_under_management: 1_234_567.891234567,
  language: 'de-AT',
  relationship_manager: 'Zoë Müller',
  marketing_consent: { email: true, sms: false },
  quiet_hours: { start: '21:00', end: '08:00' },
};

describe('ProfileStore versioning', () => {
  it('creates version 1, then counts up when the CRM sends no version', async () => {
    expect(await store.put('c-1', anna, 'marketing:crm', T0)).toEqual({ status: 'created', version: 1 });
    expect(await store.put('c-1', { ...anna, opted_out: true }, 'marketing:crm', T0 + 1000)).toEqual({ status: 'updated', version: 2 });
    expect(await store.get('c-1')).toEqual({
      customerId: 'c-1', profile: { ...anna, opted_out: true }, version: 2,
      updatedAt: new Date(T0 + 1000).toISOString(), updatedBy: 'marketing:crm',
    });
  });

  it('writes nothing for content equal to the stored one, whatever the field or key order', async () => {
    await store.put('c-1', anna, 'marketing:crm', T0);
    const reordered: CustomerProfile = {
      quiet_hours: { end: '08:00', start: '21:00' }, marketing_consent: { sms: false, email: true },
      relationship_manager: 'Zoë Müller', language: 'de-AT', assets_under_management: 1_234_567.891234567,
    };
    expect(await store.put('c-1', reordered, 'admin:someone-else', T0 + 5000)).toEqual({ status: 'unchanged', version: 1 });
    const stored = await store.get('c-1');
    expect(stored).toMatchObject({ version: 1, updatedAt: new Date(T0).toISOString(), updatedBy: 'marketing:crm' });
    expect(await store.history('c-1', 10)).toEqual([]);
  });

  it('treats a change of a single nested value as an update', async () => {
    await store.put('c-1', anna, 'a', T0);
    const result = await store.put('c-1', { ...anna, marketing_consent: { email: true, sms: true } }, 'a', T0);
    expect(result).toEqual({ status: 'updated', version: 2 });
  });

  it('takes the CRM version when given and refuses an older record as stale', async () => {
    expect(await store.put('c-1', { ...anna, version: 5 }, 'crm', T0)).toEqual({ status: 'created', version: 5 });
    expect(await store.put('c-1', { language: 'en', version: 4 }, 'crm', T0)).toEqual({ status: 'stale', version: 4, currentVersion: 5 });
    expect(await store.put('c-1', { language: 'en', version: 5 }, 'crm', T0)).toEqual({ status: 'stale', version: 5, currentVersion: 5 });
    expect((await store.get('c-1'))?.profile).toEqual(anna);
  });

  it('answers unchanged to a resend of the stored version with the same content', async () => {
    await store.put('c-1', { ...anna, version: 5 }, 'crm', T0);
    expect(await store.put('c-1', { ...anna, version: 5 }, 'crm', T0 + 1)).toEqual({ status: 'unchanged', version: 5 });
  });

  it('records a newer CRM version of equal content, without history, so the older records in flight stay refused', async () => {
    await store.put('c-1', { ...anna, version: 5 }, 'crm', T0);
    expect(await store.put('c-1', { ...anna, version: 9 }, 'crm', T0 + 1)).toEqual({ status: 'unchanged', version: 9 });
    expect(await store.put('c-1', { language: 'en', version: 7 }, 'crm', T0 + 2)).toEqual({ status: 'stale', version: 7, currentVersion: 9 });
    expect(await store.get('c-1')).toMatchObject({ version: 9, profile: anna });
    expect(await store.history('c-1', 10)).toEqual([]);
  });

  it('moves to a newer CRM version, and continues from it without one', async () => {
    await store.put('c-1', { ...anna, version: 5 }, 'crm', T0);
    expect(await store.put('c-1', { language: 'en', version: 9 }, 'crm', T0)).toEqual({ status: 'updated', version: 9 });
    expect(await store.put('c-1', { language: 'fr' }, 'crm', T0)).toEqual({ status: 'updated', version: 10 });
  });

  it('keeps version out of the stored profile, so it has one source', async () => {
    await store.put('c-1', { language: 'en', version: 3 }, 'crm', T0);
    const stored = await store.get('c-1');
    expect(stored?.version).toBe(3);
    expect(stored?.profile).toEqual({ language: 'en' });
  });
});

describe('ProfileStore layout', () => {
  it("stores the profile under the customer's partition profile key, where the processor MGETs it", async () => {
    await store.put('cust:42@bank', anna, 'crm', T0);
    const key = partitionKeys(prefix, partitionOf('cust:42@bank', PARTITIONS)).profilePrefix + 'cust:42@bank';
    expect(decodeStoredProfile(await redis.get(key))).toEqual(await store.get('cust:42@bank'));
  });

  it('refuses customer ids the events would refuse', async () => {
    await expect(store.put('has space', anna, 'crm')).rejects.toBeInstanceOf(InvalidCustomerIdError);
    await expect(store.put('a#history', anna, 'crm')).rejects.toBeInstanceOf(InvalidCustomerIdError);
    await expect(store.get('')).rejects.toBeInstanceOf(InvalidCustomerIdError);
  });

  it('expires profile and history after ttlSeconds, renewed when the CRM sends the same profile again', async () => {
    const expiring = new ProfileStore(redis, { prefix, partitions: PARTITIONS, ttlSeconds: 100 });
    await expiring.put('c-1', anna, 'crm');
    await expiring.put('c-1', { language: 'en' }, 'crm');
    const key = expiring.profileKey('c-1');
    await redis.expire(key, 10);
    expect(await expiring.put('c-1', { language: 'en' }, 'crm')).toMatchObject({ status: 'unchanged' });
    expect(await redis.ttl(key)).toBeGreaterThan(90);
    expect(await redis.ttl(`${key}#history`)).toBeGreaterThan(90);
  });
});

describe('ProfileStore history', () => {
  it('keeps only the last historyLength previous versions, newest first', async () => {
    const short = new ProfileStore(redis, { prefix, partitions: PARTITIONS, historyLength: 3 });
    for (let v = 1; v <= 6; v++) await short.put('c-1', { age: 30 + v }, `crm-${v}`, T0 + v);
    expect((await short.history('c-1', 10)).map((p) => [p.version, p.profile.age, p.updatedBy])).toEqual([
      [5, 35, 'crm-5'], [4, 34, 'crm-4'], [3, 33, 'crm-3'],
    ]);
    expect((await short.history('c-1', 2)).map((p) => p.version)).toEqual([5, 4]);
    expect((await short.get('c-1'))?.version).toBe(6);
  });

  it('keeps no history with historyLength 0, and none for stale or unchanged puts', async () => {
    const none = new ProfileStore(redis, { prefix, partitions: PARTITIONS, historyLength: 0 });
    await none.put('c-1', { age: 1 }, 'crm');
    await none.put('c-1', { age: 2 }, 'crm');
    expect(await none.history('c-1', 10)).toEqual([]);

    await store.put('c-2', { age: 1, version: 4 }, 'crm');
    await store.put('c-2', { age: 1, version: 4 }, 'crm');
    await store.put('c-2', { age: 9, version: 2 }, 'crm');
    expect(await store.history('c-2', 10)).toEqual([]);
  });
});

describe('ProfileStore under concurrency', () => {
  it('ends with the highest CRM version, whatever order parallel puts arrive in', async () => {
    const connections = Array.from({ length: 4 }, () => new Redis(REDIS_URL, { maxRetriesPerRequest: 3 }));
    try {
      const stores = connections.map((c) => new ProfileStore(c, { prefix, partitions: PARTITIONS }));
      const versions = shuffled(Array.from({ length: 60 }, (_, i) => i + 1));
      const results = await Promise.all(versions.map((v, i) => stores[i % stores.length]!.put('c-race', { age: v, version: v }, 'crm')));

      expect(results.filter((r) => r.status === 'created')).toHaveLength(1);
      for (const r of results) expect(['created', 'updated', 'stale']).toContain(r.status);
      const stored = await store.get('c-race');
      expect(stored).toMatchObject({ version: 60, profile: { age: 60 } });
      // Every version that was written is in history in increasing order: no newer one was ever replaced.
      const written = (await store.history('c-race', 10)).map((p) => p.version);
      expect(written).toEqual([...written].sort((a, b) => b - a));
    } finally {
      await Promise.all(connections.map((c) => c.quit()));
    }
  });
});

describe('ProfileStore.importMany', () => {
  it('applies every row in order, each with the put rules, and answers in row order', async () => {
    await store.put('c-old', { age: 50, version: 8 }, 'crm');
    await store.put('c-same', { age: 40 }, 'crm');
    const results = await store.importMany([
      { customerId: 'c-new', profile: { age: 20 } },
      { customerId: 'c-old', profile: { age: 51, version: 7 } },
      { customerId: 'c-same', profile: { age: 40 } },
      { customerId: 'c-new', profile: { age: 21 } },
    ], 'marketing:import', T0);
    expect(results).toEqual([
      { status: 'created', version: 1 },
      { status: 'stale', version: 7, currentVersion: 8 },
      { status: 'unchanged', version: 1 },
      { status: 'updated', version: 2 },
    ]);
    expect(await store.get('c-new')).toMatchObject({ version: 2, profile: { age: 21 }, updatedBy: 'marketing:import' });
  });

  it('imports thousands of rows', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => ({ customerId: `bulk-${i}`, profile: { age: i % 100 } }));
    const results = await store.importMany(rows, 'crm');
    expect(results.every((r) => r.status === 'created')).toBe(true);
    expect((await store.get('bulk-2999'))?.profile).toEqual({ age: 99 });
  });

  it('answers nothing for no rows', async () => {
    expect(await store.importMany([], 'crm')).toEqual([]);
  });
});

describe('decodeStoredProfile', () => {
  it.each([
    ['nothing stored', null],
    ['not JSON', '{"customerId":'],
    ['not an object', '42'],
    ['no version', '{"customerId":"c","profile":{},"updatedAt":"t","updatedBy":"u"}'],
    ['a fractional version', '{"customerId":"c","profile":{},"version":1.5,"updatedAt":"t","updatedBy":"u"}'],
    ['a profile that is an array', '{"customerId":"c","profile":[],"version":1,"updatedAt":"t","updatedBy":"u"}'],
  ])('answers undefined for %s', (_, text) => {
    expect(decodeStoredProfile(text)).toBeUndefined();
  });

  it('reads a stored document', () => {
    expect(decodeStoredProfile('{"customerId":"c","profile":{"age":3},"version":2,"updatedAt":"t","updatedBy":"u"}'))
      .toEqual({ customerId: 'c', profile: { age: 3 }, version: 2, updatedAt: 't', updatedBy: 'u' });
  });
});

function shuffled<T>(items: T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}
