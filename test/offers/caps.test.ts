import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MARKETING_CHANNELS, type MarketingChannel } from '../../customers/profile.js';
import {
  applyCaps, capChecks, DEFAULT_OFFER_POLICY, evaluateCaps, localDate, offerPolicySchema,
  type CapCounters, type Campaign, type OfferPolicy,
} from '../../offers/index.js';
import { campaign, NOON } from './fixtures.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const budgeted = campaign({ id: 'travel-card', caps: { cooldown: '30d' }, budget: { max_offers_per_day: 2 } });

function checksFor(c: Campaign, channel: MarketingChannel, nowMs: number, holdout = false, customerId = 'cust-1', policy: OfferPolicy = DEFAULT_OFFER_POLICY) {
  return capChecks({ customerId, campaign: c, channel, nowMs, holdout }, policy);
}

describe('capChecks', () => {
  it('lists cooldown, channel cap, overall cap and budget, with keys the store can apply atomically', () => {
    expect(checksFor(budgeted, 'push', NOON).map(({ key, scope, reason, windowMs, limit, record }) => ({ key, scope, reason, windowMs, limit, record }))).toEqual([
      { key: 'campaign:travel-card:customer:cust-1', scope: 'customer', reason: 'cooldown', windowMs: 30 * DAY, limit: 1, record: true },
      { key: 'customer:cust-1:channel:push', scope: 'customer', reason: 'cap:channel', windowMs: DAY, limit: 1, record: true },
      { key: 'customer:cust-1:all', scope: 'customer', reason: 'cap:overall', windowMs: 7 * DAY, limit: 3, record: true },
      { key: 'campaign:travel-card:budget:2026-03-10', scope: 'campaign', reason: 'budget_exhausted', windowMs: 2 * DAY, limit: 2, record: true },
    ]);
  });

  it('records a holdout decision for the cooldown only: nothing was sent', () => {
    const recorded = checksFor(budgeted, 'push', NOON, true).filter((check) => check.record).map((check) => check.reason);
    expect(recorded).toEqual(['cooldown']);
  });

  it('counts the budget per calendar day of the budget time zone', () => {
    // 23:30Z on 10 March is already 11 March in Berlin.
    const late = checksFor(budgeted, 'push', Date.parse('2026-03-10T23:30:00Z')).find((check) => check.reason === 'budget_exhausted');
    expect(late?.key).toBe('campaign:travel-card:budget:2026-03-11');
  });

  it('has no budget check for a campaign without a budget', () => {
    expect(checksFor(campaign(), 'email', NOON).some((check) => check.reason === 'budget_exhausted')).toBe(false);
  });
});

describe('evaluateCaps and applyCaps', () => {
  it.each<[string, CapCounters, MarketingChannel, string | undefined]>([
    ['nothing recorded', {}, 'push', undefined],
    ['the same campaign 10 days ago', { 'campaign:travel-card:customer:cust-1': [NOON - 10 * DAY] }, 'push', 'cooldown'],
    ['the same campaign 31 days ago', { 'campaign:travel-card:customer:cust-1': [NOON - 31 * DAY] }, 'push', undefined],
    ['a push 3 hours ago', { 'customer:cust-1:channel:push': [NOON - 3 * HOUR] }, 'push', 'cap:channel'],
    ['a push 3 hours ago, now by e-mail', { 'customer:cust-1:channel:push': [NOON - 3 * HOUR], 'customer:cust-1:all': [NOON - 3 * HOUR] }, 'email', undefined],
    ['a push 25 hours ago', { 'customer:cust-1:channel:push': [NOON - 25 * HOUR] }, 'push', undefined],
    ['three offers this week', { 'customer:cust-1:all': [NOON - DAY, NOON - 2 * DAY, NOON - 3 * DAY] }, 'sms', 'cap:overall'],
    ['three offers, one 8 days ago', { 'customer:cust-1:all': [NOON - DAY, NOON - 2 * DAY, NOON - 8 * DAY] }, 'sms', undefined],
    ['the day budget spent', { 'campaign:travel-card:budget:2026-03-10': [NOON - HOUR, NOON - 2 * HOUR] }, 'push', 'budget_exhausted'],
    ["yesterday's budget spent", { 'campaign:travel-card:budget:2026-03-09': [NOON - DAY, NOON - DAY] }, 'push', undefined],
    ['an offer recorded later than now (out of order) still counts', { 'customer:cust-1:channel:push': [NOON + HOUR] }, 'push', 'cap:channel'],
  ])('%s → %s', (_, counters, channel, reason) => {
    const outcome = evaluateCaps(checksFor(budgeted, channel, NOON), counters, NOON);
    if (reason === undefined) expect(outcome).toEqual({ allowed: true });
    else expect(outcome).toMatchObject({ allowed: false, failed: { reason } });
  });

  it('records an admitted offer once per key and leaves the given counters untouched', () => {
    const policy = offerPolicySchema.parse({ frequency_caps: { per_channel: [{ window: '1d', limit: 1 }, { window: '7d', limit: 2 }] } });
    const counters: CapCounters = Object.freeze({});
    const result = applyCaps(checksFor(budgeted, 'push', NOON, false, 'cust-1', policy), counters, NOON);
    expect(result.allowed).toBe(true);
    expect(result.counters['customer:cust-1:channel:push']).toEqual([NOON]);
    expect(counters).toEqual({});
  });

  it('changes nothing when a check fails', () => {
    const counters: CapCounters = { 'customer:cust-1:all': [NOON - DAY, NOON - DAY, NOON - DAY] };
    const result = applyCaps(checksFor(budgeted, 'push', NOON), counters, NOON);
    expect(result).toMatchObject({ allowed: false, counters });
  });

  it('admits every offer spaced at least a window apart', () => {
    let counters: CapCounters = {};
    for (let day = 0; day < 10; day++) {
      const now = NOON + day * 31 * DAY;
      const result = applyCaps(checksFor(budgeted, 'push', now), counters, now);
      expect(result.allowed).toBe(true);
      counters = result.counters;
    }
  });
});

/** The most instants found in any rolling window (x − window, x]. */
function maxInWindow(instants: readonly number[], windowMs: number): number {
  return Math.max(0, ...instants.map((x) => instants.filter((y) => y > x - windowMs && y <= x).length));
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(keyOf(item), [...(groups.get(keyOf(item)) ?? []), item]);
  return groups;
}

describe('caps hold for any order of decisions', () => {
  const capArb = fc.record({ window: fc.constantFrom('1h', '6h', '1d', '2d', '7d'), limit: fc.integer({ min: 1, max: 3 }) });
  const policyArb = fc.record({
    per_channel: fc.array(capArb, { minLength: 1, maxLength: 2 }),
    overall: fc.array(capArb, { minLength: 1, maxLength: 2 }),
  }).map((frequency_caps) => offerPolicySchema.parse({ frequency_caps }));
  const campaignsArb = fc.array(
    fc.record({ cooldown: fc.constantFrom('1h', '12h', '1d', '3d'), budget: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }) }),
    { minLength: 1, maxLength: 3 },
  ).map((specs) => specs.map((spec, i) => campaign({
    id: `c${i}`, caps: { cooldown: spec.cooldown }, ...(spec.budget === undefined ? {} : { budget: { max_offers_per_day: spec.budget } }),
  })));
  const attemptArb = fc.record({
    customer: fc.constantFrom('a', 'b', 'c'),
    campaign: fc.nat(2),
    channel: fc.constantFrom(...MARKETING_CHANNELS),
    // Ten days, in any order: decisions can be replayed or arrive late.
    atMs: fc.integer({ min: NOON, max: NOON + 10 * DAY }),
    holdout: fc.boolean(),
  });

  it('never lets more through than any cap, cooldown or budget allows', () => {
    fc.assert(fc.property(policyArb, campaignsArb, fc.array(attemptArb, { maxLength: 120 }), (policy, campaigns, attempts) => {
      let counters: CapCounters = {};
      const admitted: { customer: string; campaign: Campaign; channel: MarketingChannel; atMs: number; holdout: boolean }[] = [];
      for (const attempt of attempts) {
        const c = campaigns[attempt.campaign % campaigns.length] as Campaign;
        const result = applyCaps(checksFor(c, attempt.channel, attempt.atMs, attempt.holdout, attempt.customer, policy), counters, attempt.atMs);
        counters = result.counters;
        if (result.allowed) admitted.push({ ...attempt, campaign: c });
      }
      const sent = admitted.filter((a) => !a.holdout);
      for (const group of groupBy(sent, (a) => `${a.customer}:${a.channel}`).values()) {
        for (const cap of policy.frequency_caps.per_channel) expect(maxInWindow(group.map((a) => a.atMs), cap.window)).toBeLessThanOrEqual(cap.limit);
      }
      for (const group of groupBy(sent, (a) => a.customer).values()) {
        for (const cap of policy.frequency_caps.overall) expect(maxInWindow(group.map((a) => a.atMs), cap.window)).toBeLessThanOrEqual(cap.limit);
      }
      for (const group of groupBy(admitted, (a) => `${a.customer}:${a.campaign.id}`).values()) {
        const cooldownMs = { '1h': HOUR, '12h': 12 * HOUR, '1d': DAY, '3d': 3 * DAY }[group[0]?.campaign.caps.cooldown ?? '1h'] ?? 0;
        expect(maxInWindow(group.map((a) => a.atMs), cooldownMs)).toBeLessThanOrEqual(1);
      }
      for (const group of groupBy(sent, (a) => `${a.campaign.id}:${localDate(a.atMs, policy.budget_time_zone)}`).values()) {
        const budget = group[0]?.campaign.budget?.max_offers_per_day;
        if (budget !== undefined) expect(group.length).toBeLessThanOrEqual(budget);
      }
    }), { numRuns: 400 });
  });
});
