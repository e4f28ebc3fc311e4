import type { Redis } from 'ioredis';
import { VigilError } from '../../core/errors.js';
import type { CapCheck, CapCounters, CapOutcome } from '../decide/caps.js';
import { campaignBudgetKeyPrefix, customerOfferKeys } from '../keys.js';

// Caps held in Redis, exactly as `applyCaps` decides them in memory. A customer's counters share
// one hash slot and a campaign's budget another, and one Lua script may touch only one slot, so a
// decision commits in two atomic steps:
//
// 1. Customer step (one script on the customer's slot). If the decision's marker exists, its
//    stored outcome is the answer: a redelivered trigger decides once. Otherwise every customer
//    check is counted; a refusal is stored in the marker and returned; if all pass, the decision
//    id is added to every recorded customer counter and the marker says `reserved` (or `allowed`
//    when there is no budget to check).
// 2. Budget step (one script on the campaign's slot), only for a reserved decision: admitted if
//    the decision is already in the budget counter (a replay) or the budget has room. If the
//    budget refuses, a compensation script on the customer's slot takes the decision out of the
//    customer's counters and stores the refusal in the marker; if it admits, the marker becomes
//    `allowed`.
//
// The customer goes first because cooldown and frequency refusals are common and budget refusals
// rare: a budget slot is never held by a decision its customer then refuses. While a decision is
// between the steps, its customer counters count it, so a concurrent decision of that customer
// may be refused for an offer that the budget then refuses too: conservative, never over the cap.
// A crash between the steps leaves the customer counted without an offer (the same conservative
// side; the counters expire with their window). A replay of that decision finds `reserved` and
// completes the budget step, which is idempotent.

/** Marker values: `allowed`, `reserved`, or `refused:<check index>:<count>`. */
type Marker = string;

/**
 * KEYS: marker, then each distinct customer counter. ARGV: now, decision id, marker TTL ms,
 * marker on success, number of checks, then per check [key position in KEYS, exclusive min score,
 * limit, check index], then per counter the PEXPIRE ms if recorded (0 = only read).
 */
const RESERVE_CUSTOMER = `
local marker = redis.call('GET', KEYS[1])
if marker then return marker end
local n = tonumber(ARGV[5])
for i = 0, n - 1 do
  local a = 6 + i * 4
  local count = redis.call('ZCOUNT', KEYS[tonumber(ARGV[a])], ARGV[a + 1], '+inf')
  if count >= tonumber(ARGV[a + 2]) then
    local refusal = 'refused:' .. ARGV[a + 3] .. ':' .. count
    redis.call('SET', KEYS[1], refusal, 'PX', ARGV[3])
    return refusal
  end
end
local base = 6 + n * 4
for k = 2, #KEYS do
  local keep = tonumber(ARGV[base + k - 2])
  if keep > 0 then
    redis.call('ZADD', KEYS[k], ARGV[1], ARGV[2])
    if redis.call('PTTL', KEYS[k]) < keep then redis.call('PEXPIRE', KEYS[k], keep) end
  end
end
redis.call('SET', KEYS[1], ARGV[4], 'PX', ARGV[3])
return ARGV[4]
`;

/**
 * KEYS: the budget counter. ARGV: now, decision id, PEXPIRE ms if recorded (0 = only read), then
 * per check [exclusive min score, limit, check index]. Answers 'allowed' or the refusal.
 */
const RESERVE_BUDGET = `
if redis.call('ZSCORE', KEYS[1], ARGV[2]) then return 'allowed' end
for a = 4, #ARGV, 3 do
  local count = redis.call('ZCOUNT', KEYS[1], ARGV[a], '+inf')
  if count >= tonumber(ARGV[a + 1]) then return 'refused:' .. ARGV[a + 2] .. ':' .. count end
end
local keep = tonumber(ARGV[3])
if keep > 0 then
  redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
  if redis.call('PTTL', KEYS[1]) < keep then redis.call('PEXPIRE', KEYS[1], keep) end
end
return 'allowed'
`;

/** KEYS: marker, then the recorded customer counters. ARGV: decision id, the budget refusal. */
const RELEASE_CUSTOMER = `
local marker = redis.call('GET', KEYS[1])
if marker and marker ~= 'reserved' then return marker end
for k = 2, #KEYS do redis.call('ZREM', KEYS[k], ARGV[1]) end
redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
return ARGV[2]
`;

/** KEYS: marker. Turns `reserved` into `allowed`; any settled outcome stays. */
const CONCLUDE = `
local marker = redis.call('GET', KEYS[1])
if marker and marker ~= 'reserved' then return marker end
if marker then redis.call('SET', KEYS[1], 'allowed', 'KEEPTTL') end
return 'allowed'
`;

type CapRedis = Redis & {
  vigilCapReserveCustomer(numKeys: number, ...args: (string | number)[]): Promise<Marker>;
  vigilCapReserveBudget(numKeys: number, ...args: (string | number)[]): Promise<Marker>;
  vigilCapReleaseCustomer(numKeys: number, ...args: (string | number)[]): Promise<Marker>;
  vigilCapConclude(numKeys: number, ...args: (string | number)[]): Promise<Marker>;
};

const DAY_MS = 86_400_000;

/** A counter in Redis and what a decision does with it: the checks on it and how long to keep it. */
interface Counter {
  redisKey: string;
  checks: { index: number; check: CapCheck }[];
  /** PEXPIRE ms after recording (its longest window); 0 when the decision only reads it. */
  keepMs: number;
}

export class CapStore {
  private readonly redis: CapRedis;

  constructor(redis: Redis, private readonly prefix: string) {
    redis.defineCommand('vigilCapReserveCustomer', { lua: RESERVE_CUSTOMER });
    redis.defineCommand('vigilCapReserveBudget', { lua: RESERVE_BUDGET });
    redis.defineCommand('vigilCapReleaseCustomer', { lua: RELEASE_CUSTOMER });
    redis.defineCommand('vigilCapConclude', { lua: CONCLUDE });
    this.redis = redis as CapRedis;
  }

  /**
   * The counters `decideOffers` needs for these checks, keyed by the logical `check.key`: each
   * counter's instants within its longest window (later instants included). One round trip.
   * `campaignIds` name the campaigns whose budgets the checks may read (a check that carries its
   * `campaignId` needs none). A replayed decision passes its own id as `excludeDecisionId`, so it
   * is decided against the counters as they were before it was first committed; the decider commits
   * each campaign under `<id>#<campaign>` ('#' cannot occur in an event id), and those are left out too.
   */
  async read(
    customerId: string,
    campaignIds: readonly string[],
    checks: readonly CapCheck[],
    nowMs: number,
    excludeDecisionId?: string,
  ): Promise<CapCounters> {
    const longest = new Map<string, { redisKey: string; windowMs: number }>();
    for (const check of checks) {
      const seen = longest.get(check.key);
      if (!seen || check.windowMs > seen.windowMs) longest.set(check.key, { redisKey: this.redisKey(customerId, check, campaignIds), windowMs: check.windowMs });
    }
    const pipeline = this.redis.pipeline();
    for (const { redisKey, windowMs } of longest.values()) pipeline.zrangebyscore(redisKey, `(${nowMs - windowMs}`, '+inf', 'WITHSCORES');
    const replies = (await pipeline.exec()) ?? [];
    const counters: Record<string, number[]> = {};
    [...longest.keys()].forEach((key, i) => {
      const [error, reply] = replies[i] ?? [new Error('no reply')];
      if (error) throw error;
      // WITHSCORES answers member, score, member, score…; the members are decision ids.
      const flat = reply as string[];
      const instants: number[] = [];
      const own = (member: string) => excludeDecisionId !== undefined && (member === excludeDecisionId || member.startsWith(`${excludeDecisionId}#`));
      for (let j = 0; j < flat.length; j += 2) if (!own(flat[j]!)) instants.push(Number(flat[j + 1]));
      counters[key] = instants;
    });
    return counters;
  }

  /**
   * Checks every cap and records the decision under each recorded key, or refuses with the first
   * check that failed (in the order of `checks`; `capChecks` puts the budget last). Committing a
   * decision id again answers its first outcome and records nothing more.
   */
  async commit(customerId: string, decisionId: string, checks: readonly CapCheck[], nowMs: number): Promise<CapOutcome> {
    const { customer, budget } = this.counters(customerId, checks);
    const marker = customerOfferKeys(this.prefix, customerId).decidedPrefix + decisionId;
    const markerTtlMs = Math.max(DAY_MS, ...checks.map((check) => check.windowMs));

    const keys = [marker, ...customer.map((counter) => counter.redisKey)];
    const args: (string | number)[] = [nowMs, decisionId, markerTtlMs, budget ? 'reserved' : 'allowed'];
    // In the order of `checks`, so the first check that fails is the one `evaluateCaps` names.
    const customerChecks = customer
      .flatMap((counter, k) => counter.checks.map((entry) => ({ ...entry, position: k + 2 })))
      .sort((a, b) => a.index - b.index);
    args.push(customerChecks.length);
    for (const { position, index, check } of customerChecks) args.push(position, `(${nowMs - check.windowMs}`, check.limit, index);
    for (const counter of customer) args.push(counter.keepMs);
    let settled = await this.redis.vigilCapReserveCustomer(keys.length, ...keys, ...args);

    // `reserved` is also what a replay finds after a crash between the steps: finish the decision.
    if (settled === 'reserved' && budget) {
      const budgetArgs: (string | number)[] = [nowMs, decisionId, budget.keepMs];
      for (const { index, check } of budget.checks) budgetArgs.push(`(${nowMs - check.windowMs}`, check.limit, index);
      const answer = await this.redis.vigilCapReserveBudget(1, budget.redisKey, ...budgetArgs);
      if (answer === 'allowed') {
        settled = await this.redis.vigilCapConclude(1, marker);
      } else {
        const recorded = customer.filter((counter) => counter.keepMs > 0).map((counter) => counter.redisKey);
        settled = await this.redis.vigilCapReleaseCustomer(1 + recorded.length, marker, ...recorded, decisionId, answer);
      }
    }
    return outcomeOf(settled, checks, decisionId);
  }

  /** The decision's counters by Redis key: the customer's, and at most one campaign budget. */
  private counters(customerId: string, checks: readonly CapCheck[]): { customer: Counter[]; budget?: Counter } {
    const byKey = new Map<string, Counter & { scope: CapCheck['scope'] }>();
    checks.forEach((check, index) => {
      const redisKey = this.redisKey(customerId, check);
      const counter = byKey.get(redisKey) ?? { redisKey, scope: check.scope, checks: [], keepMs: 0 };
      counter.checks.push({ index, check });
      byKey.set(redisKey, counter);
    });
    // As in applyCaps: a key is recorded if any of its checks records; it is kept for its longest window.
    for (const counter of byKey.values()) {
      const entries = counter.checks;
      if (entries.some((entry) => entry.check.record)) counter.keepMs = Math.max(1, ...entries.map((entry) => entry.check.windowMs));
    }
    const customer = [...byKey.values()].filter((counter) => counter.scope === 'customer');
    const budgets = [...byKey.values()].filter((counter) => counter.scope === 'campaign');
    if (budgets.length > 1) {
      throw new VigilError('CAP_CHECKS_UNSUPPORTED', `a decision may check one campaign budget counter, not ${budgets.length}`);
    }
    return budgets[0] ? { customer, budget: budgets[0] } : { customer };
  }

  private redisKey(customerId: string, check: CapCheck, campaignIds: readonly string[] = []): string {
    if (check.scope === 'customer') return customerOfferKeys(this.prefix, customerId).capPrefix + check.key;
    const campaignId = check.campaignId ?? campaignIds.find((id) => check.key.startsWith(`campaign:${id}:`));
    if (campaignId === undefined) throw new VigilError('CAP_CHECKS_UNSUPPORTED', `campaign check ${check.key} names no campaign`);
    return campaignBudgetKeyPrefix(this.prefix, campaignId) + check.key;
  }
}

function outcomeOf(marker: Marker, checks: readonly CapCheck[], decisionId: string): CapOutcome {
  if (marker === 'allowed') return { allowed: true };
  const [, index, count] = /^refused:(\d+):(\d+)$/.exec(marker) ?? [];
  const failed = checks[Number(index)];
  if (index === undefined || !failed) {
    // Only a replay with other checks than the first commit can get here.
    throw new VigilError('CAP_REPLAY_MISMATCH', `decision ${decisionId} was settled as "${marker}", which its checks do not explain`);
  }
  return { allowed: false, failed, count: Number(count) };
}
