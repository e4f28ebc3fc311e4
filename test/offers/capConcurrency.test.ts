import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { deleteKeysMatching } from '../../core/redis.js';
import type { MarketingChannel } from '../../customers/profile.js';
import { capChecks, CapStore, offerPolicySchema, type Campaign, type CapCheck, type CapOutcome } from '../../offers/index.js';
import { campaignBudgetKeyPrefix, customerOfferKeys } from '../../offers/keys.js';
import { REDIS_URL, uniquePrefix } from '../support/testEngine.js';
import { campaign, NOON } from './fixtures.js';

const WORKERS = 16;
const COMMITS_PER_WORKER = 100;
// The budget is contended in the same storm by customers who try only the budgeted campaign.
const OTHER_CUSTOMERS = 12;
const OTHER_COMMITS_PER_WORKER = 10;
const BUDGET = 5;

const prefix = uniquePrefix('capstorm');
const admin = new Redis(REDIS_URL);
afterAll(async () => {
  await deleteKeysMatching(admin, `${prefix}*`);
  await admin.quit();
});

// Two offers per channel a day and three a week: with a 30-day cooldown per campaign, a customer
// can have each campaign at most once, and neither frequency cap can stop the second of them.
const policy = offerPolicySchema.parse({ frequency_caps: { per_channel: [{ window: '1d', limit: 2 }], overall: [{ window: '7d', limit: 3 }] } });
const savings = campaign({ id: 'savings', caps: { cooldown: '30d' } });
const pension = campaign({ id: 'pension', caps: { cooldown: '30d' } });
const travel = campaign({ id: 'travel', caps: { cooldown: '30d' }, budget: { max_offers_per_day: BUDGET } });
const CAMPAIGNS = [savings, pension, travel];
const CHANNELS: MarketingChannel[] = ['push', 'email'];

interface Attempt { decisionId: string; customerId: string; campaign: Campaign; channel: MarketingChannel; atMs: number }

function checksOf(attempt: Attempt): CapCheck[] {
  return capChecks({ customerId: attempt.customerId, campaign: attempt.campaign, channel: attempt.channel, nowMs: attempt.atMs, holdout: false }, policy);
}

function redisKey(customerId: string, check: CapCheck): string {
  return check.scope === 'customer'
    ? customerOfferKeys(prefix, customerId).capPrefix + check.key
    : campaignBudgetKeyPrefix(prefix, check.campaignId ?? '') + check.key;
}

/** Every worker's attempts: each (campaign, channel) pair for the hammered customer, at close instants. */
function attemptsOf(worker: number): Attempt[] {
  const atMs = (i: number) => NOON + ((worker * 7 + i * 13) % 20);
  const mine = Array.from({ length: COMMITS_PER_WORKER }, (_, i): Attempt => {
    const pair = (worker + i) % (CAMPAIGNS.length * CHANNELS.length);
    return {
      decisionId: `w${worker}-ann-${i}`, customerId: 'ann', atMs: atMs(i),
      campaign: CAMPAIGNS[pair % CAMPAIGNS.length] as Campaign, channel: CHANNELS[Math.floor(pair / CAMPAIGNS.length)] as MarketingChannel,
    };
  });
  const others = Array.from({ length: OTHER_COMMITS_PER_WORKER }, (_, i): Attempt => ({
    decisionId: `w${worker}-other-${i}`, customerId: `other-${(worker * OTHER_COMMITS_PER_WORKER + i) % OTHER_CUSTOMERS}`,
    campaign: travel, channel: CHANNELS[i % 2] as MarketingChannel, atMs: atMs(i),
  }));
  return [...mine, ...others];
}

describe('caps under concurrency', () => {
  it('hammering one customer from many workers never exceeds the cap, and admits all the caps allow', async () => {
    const connections = Array.from({ length: WORKERS }, () => new Redis(REDIS_URL));
    const plans = connections.map((_, worker) => attemptsOf(worker));
    let results: { attempt: Attempt; outcome: CapOutcome }[];
    try {
      const perWorker = await Promise.all(connections.map(async (connection, worker) => {
        const store = new CapStore(connection, prefix);
        const plan = plans[worker] as Attempt[];
        const outcomes = await Promise.all(plan.map((attempt) => store.commit(attempt.customerId, attempt.decisionId, checksOf(attempt), attempt.atMs)));
        return plan.map((attempt, i) => ({ attempt, outcome: outcomes[i] as CapOutcome }));
      }));
      results = perWorker.flat();
    } finally {
      connections.forEach((connection) => connection.disconnect());
    }

    // Violations: any counter holding more offers within a window than its check allows.
    const checks = new Map<string, { customerId: string; check: CapCheck }>();
    for (const { attempt } of results) {
      for (const check of checksOf(attempt)) checks.set(`${redisKey(attempt.customerId, check)} ${check.windowMs}`, { customerId: attempt.customerId, check });
    }
    let violations = 0;
    for (const { customerId, check } of checks.values()) {
      if (await admin.zcount(redisKey(customerId, check), `(${NOON - check.windowMs}`, '+inf') > check.limit) violations++;
    }

    const admitted = results.filter((r) => r.outcome.allowed);
    const admittedIds = (where: (a: Attempt) => boolean) => admitted.filter((r) => where(r.attempt)).map((r) => r.attempt.decisionId).sort();
    const budgetRefusals = results.filter((r) => !r.outcome.allowed && r.outcome.failed.reason === 'budget_exhausted').length;
    console.log(
      `cap concurrency: ${results.length} decisions from ${WORKERS} connections, ${admitted.length} admitted, ` +
        `${violations} violations, ${budgetRefusals} budget refusals released`,
    );

    expect(violations).toBe(0);
    // Not under-admitting: each cooldown lets its campaign through exactly once for the hammered
    // customer, and the budget is spent to exactly its limit.
    expect(admittedIds((a) => a.customerId === 'ann' && a.campaign.id === 'savings')).toHaveLength(1);
    expect(admittedIds((a) => a.customerId === 'ann' && a.campaign.id === 'pension')).toHaveLength(1);
    expect(admittedIds((a) => a.campaign.id === 'travel')).toHaveLength(BUDGET);
    expect(admitted).toHaveLength(2 + BUDGET);

    // Every counter holds exactly the admitted decisions recorded under it: no reservation that a
    // budget refusal released is left behind.
    const expectedMembers = new Map<string, string[]>([...checks.values()].map(({ customerId, check }) => [redisKey(customerId, check), []]));
    for (const { attempt } of admitted) {
      for (const key of new Set(checksOf(attempt).filter((check) => check.record).map((check) => redisKey(attempt.customerId, check)))) {
        expectedMembers.get(key)?.push(attempt.decisionId);
      }
    }
    for (const [key, ids] of expectedMembers) expect((await admin.zrange(key, 0, -1)).sort(), key).toEqual(ids.sort());
    // Every decision is settled; none is left reserved between the steps.
    const markers = await admin.mget(results.map((r) => customerOfferKeys(prefix, r.attempt.customerId).decidedPrefix + r.attempt.decisionId));
    expect(markers.filter((marker) => marker !== 'allowed' && !marker?.startsWith('refused:'))).toEqual([]);
  });
});
