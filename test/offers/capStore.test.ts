import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deleteKeysMatching } from '../../core/redis.js';
import type { MarketingChannel } from '../../customers/profile.js';
import {
  applyCaps, capChecks, CapStore, countInWindow, offerPolicySchema, type Campaign, type CapCounters, type OfferPolicy,
} from '../../offers/index.js';
import { campaignBudgetKeyPrefix, customerOfferKeys } from '../../offers/keys.js';
import { REDIS_URL, uniquePrefix } from '../support/testEngine.js';
import { campaign, NOON } from './fixtures.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// More runs for a soak: CAP_PROPERTY_RUNS=1000 npx vitest run test/offers/capStore.test.ts
const NUM_RUNS = Number(process.env.CAP_PROPERTY_RUNS ?? 100);

const redis = new Redis(REDIS_URL);
let prefix: string;
let store: CapStore;

beforeEach(() => {
  prefix = uniquePrefix('caps');
  store = new CapStore(redis, prefix);
});
afterEach(async () => deleteKeysMatching(redis, `${prefix}*`));
afterAll(async () => { await redis.quit(); });

const policy = offerPolicySchema.parse({ frequency_caps: { per_channel: [{ window: '1d', limit: 1 }], overall: [{ window: '7d', limit: 3 }] } });
const savings = campaign({ id: 'savings', caps: { cooldown: '30d' } });
const travel = campaign({ id: 'travel', caps: { cooldown: '30d' }, budget: { max_offers_per_day: 1 } });

function checksFor(c: Campaign, customerId: string, channel: MarketingChannel, nowMs: number, holdout = false, p: OfferPolicy = policy) {
  return capChecks({ customerId, campaign: c, channel, nowMs, holdout }, p);
}

/** Redis's hash tag of a key: what decides its cluster slot. */
function hashTag(key: string): string {
  const open = key.indexOf('{');
  const close = open < 0 ? -1 : key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
}

async function members(key: string): Promise<string[]> {
  return redis.zrange(key, 0, -1);
}

describe('the Redis store decides as applyCaps does', () => {
  const capArb = fc.record({ window: fc.constantFrom('1h', '6h', '1d', '2d'), limit: fc.integer({ min: 1, max: 4 }) });
  const policyArb = fc.record({ per_channel: fc.array(capArb, { minLength: 1, maxLength: 2 }), overall: fc.array(capArb, { minLength: 1, maxLength: 2 }) })
    .map((frequency_caps) => offerPolicySchema.parse({ frequency_caps }));
  const campaignsArb = fc.tuple(
    ...[0, 1, 2].map(() => fc.record({ cooldown: fc.constantFrom('1h', '2h', '12h', '3d'), budget: fc.option(fc.integer({ min: 1, max: 2 }), { nil: undefined }) })),
  ).map((specs) => specs.map((spec, i) => campaign({
    id: `c${i}`, caps: { cooldown: spec.cooldown }, ...(spec.budget === undefined ? {} : { budget: { max_offers_per_day: spec.budget } }),
  })));
  const attemptArb = fc.record({
    customer: fc.constantFrom('ann', 'bob'),
    campaign: fc.nat(2),
    channel: fc.constantFrom<MarketingChannel>('push', 'email'),
    holdout: fc.boolean(),
    // A day and a half in any order, so windows overlap and later instants are counted too; on whole
    // hours give or take a millisecond, so instants land on window edges and coincide.
    atMs: fc.tuple(fc.integer({ min: 0, max: 36 }), fc.integer({ min: -1, max: 1 })).map(([hours, jitter]) => NOON + hours * HOUR + jitter),
  });

  it(`gives the same outcome for every decision of a random sequence (${NUM_RUNS} runs)`, async () => {
    let run = 0;
    await fc.assert(fc.asyncProperty(policyArb, campaignsArb, fc.array(attemptArb, { minLength: 10, maxLength: 60 }), async (p, campaigns, attempts) => {
      // Each run under its own prefix below the test's, so afterEach removes them all in one scan
      // (a scan per run is slow while other test files fill the shared Redis).
      const runStore = new CapStore(redis, `${prefix}-run${run++}`);
      let counters: CapCounters = {};
      for (const [i, attempt] of attempts.entries()) {
        const checks = checksFor(campaigns[attempt.campaign] as Campaign, attempt.customer, attempt.channel, attempt.atMs, attempt.holdout, p);
        const expected = applyCaps(checks, counters, attempt.atMs);
        counters = expected.counters;
        const { counters: _, ...expectedOutcome } = expected;
        expect(await runStore.commit(attempt.customer, `d${i}`, checks, attempt.atMs)).toEqual(expectedOutcome);
      }
      // And what the store reads back is the reference's counters within each window.
      const last = attempts.at(-1)!;
      for (const customer of ['ann', 'bob']) {
        const checks = campaigns.flatMap((c) => (['push', 'email'] as const).map((channel) => checksFor(c, customer, channel, last.atMs, false, p))).flat();
        const read = await runStore.read(customer, campaigns.map((c) => c.id), checks, last.atMs);
        for (const check of checks) {
          expect(countInWindow(read[check.key] ?? [], last.atMs, check.windowMs)).toBe(countInWindow(counters[check.key] ?? [], last.atMs, check.windowMs));
        }
      }
    }), { numRuns: NUM_RUNS });
    // Thousands of Redis round trips: on a machine busy with the other test files this takes more
    // than the default 30 s, and how long it takes is not what the test is about.
  }, 180_000);
});

describe('committing a decision', () => {
  it('answers a replayed decision id with its first outcome and records nothing more', async () => {
    const checks = checksFor(travel, 'ann', 'push', NOON);
    expect(await store.commit('ann', 'dec-1', checks, NOON)).toEqual({ allowed: true });
    const before = await store.read('ann', ['travel'], checks, NOON);
    expect(await store.commit('ann', 'dec-1', checks, NOON)).toEqual({ allowed: true });
    expect(await store.read('ann', ['travel'], checks, NOON)).toEqual(before);
    expect(Object.values(before).map((instants) => instants.length)).toEqual([1, 1, 1, 1]);
  });

  it('reads the counters without the decision being replayed, so it is decided as the first time', async () => {
    const checks = checksFor(travel, 'ann', 'push', NOON);
    await store.commit('ann', 'dec-0', checksFor(savings, 'ann', 'email', NOON - HOUR), NOON - HOUR);
    await store.commit('ann', 'dec-1', checks, NOON);
    // A budget check that does not carry its campaign is placed by the campaign ids given.
    const anonymous = checks.map(({ campaignId: _, ...check }) => check);
    expect(await store.read('ann', ['savings', 'travel'], anonymous, NOON, 'dec-1')).toEqual({
      'campaign:travel:customer:ann': [], 'customer:ann:channel:push': [], 'customer:ann:all': [NOON - HOUR], 'campaign:travel:budget:2026-03-10': [],
    });
    expect(await store.read('ann', ['travel'], checks, NOON)).toMatchObject({ 'campaign:travel:budget:2026-03-10': [NOON], 'customer:ann:all': [NOON - HOUR, NOON] });
  });

  it('keeps a refusal on replay even after the counter that refused it is gone', async () => {
    await store.commit('ann', 'dec-1', checksFor(savings, 'ann', 'push', NOON), NOON);
    const again = checksFor(savings, 'ann', 'email', NOON + HOUR);
    const refusal = await store.commit('ann', 'dec-2', again, NOON + HOUR);
    expect(refusal).toMatchObject({ allowed: false, failed: { reason: 'cooldown' }, count: 1 });
    await redis.del(customerOfferKeys(prefix, 'ann').capPrefix + 'campaign:savings:customer:ann');
    expect(await store.commit('ann', 'dec-2', again, NOON + HOUR)).toEqual(refusal);
    expect(await members(customerOfferKeys(prefix, 'ann').capPrefix + 'customer:ann:channel:email')).toEqual([]);
  });

  it('finishes a decision left between the steps when it is replayed (a crash after the customer step)', async () => {
    const checks = checksFor(travel, 'ann', 'push', NOON);
    await store.commit('ann', 'dec-1', checks, NOON);
    // The state a crash before the budget step leaves: customer counted, budget not, marker reserved.
    const budgetKey = campaignBudgetKeyPrefix(prefix, 'travel') + 'campaign:travel:budget:2026-03-10';
    await redis.zrem(budgetKey, 'dec-1');
    await redis.set(customerOfferKeys(prefix, 'ann').decidedPrefix + 'dec-1', 'reserved', 'KEEPTTL');
    expect(await store.commit('ann', 'dec-1', checks, NOON)).toEqual({ allowed: true });
    expect(await members(budgetKey)).toEqual(['dec-1']);
    expect(await redis.get(customerOfferKeys(prefix, 'ann').decidedPrefix + 'dec-1')).toBe('allowed');
  });

  it('leaves no trace on the customer when the budget refuses: the next offer on that channel goes out', async () => {
    expect(await store.commit('ann', 'dec-ann', checksFor(travel, 'ann', 'push', NOON), NOON)).toEqual({ allowed: true });
    const refused = await store.commit('bob', 'dec-bob-1', checksFor(travel, 'bob', 'push', NOON + 1), NOON + 1);
    expect(refused).toMatchObject({ allowed: false, failed: { reason: 'budget_exhausted' }, count: 1 });
    const bobKeys = customerOfferKeys(prefix, 'bob');
    for (const key of ['campaign:travel:customer:bob', 'customer:bob:channel:push', 'customer:bob:all']) {
      expect(await members(bobKeys.capPrefix + key)).toEqual([]);
    }
    expect(await store.commit('bob', 'dec-bob-1', checksFor(travel, 'bob', 'push', NOON + 1), NOON + 1)).toEqual(refused);
    expect(await store.commit('bob', 'dec-bob-2', checksFor(savings, 'bob', 'push', NOON + 2), NOON + 2)).toEqual({ allowed: true });
  });

  it('checks a holdout against the budget without spending it, and counts it for the cooldown only', async () => {
    expect(await store.commit('ann', 'dec-1', checksFor(travel, 'ann', 'push', NOON, true), NOON)).toEqual({ allowed: true });
    const read = await store.read('ann', ['travel'], checksFor(travel, 'ann', 'push', NOON), NOON);
    expect(read).toEqual({
      'campaign:travel:customer:ann': [NOON], 'customer:ann:channel:push': [], 'customer:ann:all': [], 'campaign:travel:budget:2026-03-10': [],
    });
  });

  it('keeps a counter for its longest window and never shortens a longer expiry', async () => {
    await store.commit('ann', 'dec-1', checksFor(savings, 'ann', 'push', NOON), NOON);
    const keys = customerOfferKeys(prefix, 'ann');
    expect(await redis.pttl(keys.capPrefix + 'campaign:savings:customer:ann')).toBeGreaterThan(30 * DAY - 60_000);
    expect(await redis.pttl(keys.capPrefix + 'customer:ann:channel:push')).toBeLessThanOrEqual(DAY);
    await redis.pexpire(keys.capPrefix + 'customer:ann:all', 100 * DAY);
    await store.commit('ann', 'dec-2', checksFor(campaign({ id: 'other', caps: { cooldown: '1d' } }), 'ann', 'email', NOON), NOON);
    expect(await redis.pttl(keys.capPrefix + 'customer:ann:all')).toBeGreaterThan(99 * DAY);
    expect(await redis.pttl(keys.decidedPrefix + 'dec-2')).toBeGreaterThan(7 * DAY - 60_000);
  });
});

describe('cluster slots', () => {
  it('touches keys of one hash tag in every script call: the customer slot or the campaign slot', async () => {
    const monitor = await new Redis(REDIS_URL).monitor();
    const calls: string[][] = [];
    monitor.on('monitor', (_time: string, args: string[]) => {
      const command = args[0]?.toLowerCase();
      if (command !== 'evalsha' && command !== 'eval') return;
      const keys = args.slice(3, 3 + Number(args[2]));
      if (keys.some((key) => key.startsWith(`${prefix}:`))) calls.push(keys);
    });
    try {
      await store.commit('ann', 'dec-1', checksFor(travel, 'ann', 'push', NOON), NOON); // customer, budget, conclude
      await store.commit('bob', 'dec-2', checksFor(travel, 'bob', 'push', NOON), NOON); // customer, budget refused, release
      await store.commit('bob', 'dec-3', checksFor(savings, 'bob', 'push', NOON), NOON); // customer only
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      monitor.disconnect();
    }
    expect(calls).toHaveLength(7);
    for (const keys of calls) expect(new Set(keys.map(hashTag)).size).toBe(1);
    expect(new Set(calls.map((keys) => hashTag(keys[0] as string)))).toEqual(new Set([
      `${prefix}:offers:c:ann`, `${prefix}:offers:c:bob`, `${prefix}:offers:b:travel`,
    ]));
    // The customer step carries the marker and all three customer counters in one call.
    expect(calls.some((keys) => keys.length === 4 && hashTag(keys[0] as string) === `${prefix}:offers:c:ann`)).toBe(true);
  });
});
