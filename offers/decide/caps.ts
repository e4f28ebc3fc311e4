import type { MarketingChannel } from '../../customers/profile.js';
import { parseDuration } from '../../rules/index.js';
import type { Campaign } from '../campaigns/campaignSchema.js';
import { localDate } from './localTime.js';
import { DEFAULT_OFFER_POLICY, type OfferPolicy } from './policy.js';
import type { CapReason } from './reasons.js';

// Caps are decided in two steps so that the I/O layer can make them atomic: `capChecks` says
// which counters a decision needs (key, rolling window, limit), and the store checks them all and
// records the offer (capStore.ts: Lua scripts over sorted sets, per check
// ZCOUNT key (now−window) +inf < limit; if every check passes, ZADD key now <decision id> for each
// recorded key and PEXPIRE it past its longest window). `applyCaps` is that step in memory: the
// reference the store must match, and what the property tests run.
//
// A counter holds the instants of the offers recorded under its key. Counting everything after
// now − window, later instants included, keeps a cap safe when decisions arrive out of time
// order: an offer is admitted only if no `limit` others lie within one window of it on either side.

export interface CapCheck {
  /** Logical counter key; the I/O layer adds its prefix and hash tag. */
  key: string;
  /** Customer keys can share the customer's Redis slot; a campaign's budget is one global counter. */
  scope: 'customer' | 'campaign';
  /** Set for scope 'campaign': the campaign whose Redis slot holds the counter. */
  campaignId?: string;
  reason: CapReason;
  windowMs: number;
  /** Allowed while fewer than `limit` offers are counted in the window. */
  limit: number;
  /** Whether an admitted decision is recorded under this key (a holdout is recorded for cooldown only). */
  record: boolean;
  /** The cap in words for the decision record: "1 push per 1 d". */
  describe: string;
}

export interface CapDecisionContext {
  customerId: string;
  campaign: Pick<Campaign, 'id' | 'caps' | 'budget'>;
  channel: MarketingChannel;
  nowMs: number;
  /**
   * A control-group decision sends nothing, so it uses no frequency cap or budget; it does start
   * the cooldown, so control customers are decided as often as treated ones and stay comparable.
   */
  holdout: boolean;
}

/** Key → instants (epoch ms) of the offers recorded under it. */
export type CapCounters = Readonly<Record<string, readonly number[]>>;

export type CapOutcome = { allowed: true } | { allowed: false; failed: CapCheck; count: number };

const DAY_MS = 86_400_000;

/**
 * The logical keys of a customer's counters, one definition for the checks below and for the
 * privacy erasure, which finds a customer's counters by these names rather than by a scan.
 */
export const customerCapKeys = {
  cooldown: (campaignId: string, customerId: string) => `campaign:${campaignId}:customer:${customerId}`,
  channel: (customerId: string, channel: MarketingChannel) => `customer:${customerId}:channel:${channel}`,
  overall: (customerId: string) => `customer:${customerId}:all`,
};

/**
 * Every counter this decision must pass, cooldown first (the reason most specific to the campaign)
 * and the budget last: the store checks the budget in a second step, after the customer's caps.
 */
export function capChecks(ctx: CapDecisionContext, policy: OfferPolicy = DEFAULT_OFFER_POLICY): CapCheck[] {
  const { customerId, campaign, channel, holdout } = ctx;
  const sent = !holdout;
  const checks: CapCheck[] = [{
    key: customerCapKeys.cooldown(campaign.id, customerId),
    scope: 'customer',
    reason: 'cooldown',
    windowMs: parseDuration(campaign.caps.cooldown) ?? 0,
    limit: 1,
    record: true,
    describe: `once per ${campaign.caps.cooldown} for ${campaign.id}`,
  }];
  for (const cap of policy.frequency_caps.per_channel) {
    checks.push({
      key: customerCapKeys.channel(customerId, channel), scope: 'customer', reason: 'cap:channel',
      windowMs: cap.window, limit: cap.limit, record: sent, describe: `${cap.limit} ${channel} per ${windowText(cap.window)}`,
    });
  }
  for (const cap of policy.frequency_caps.overall) {
    checks.push({
      key: customerCapKeys.overall(customerId), scope: 'customer', reason: 'cap:overall',
      windowMs: cap.window, limit: cap.limit, record: sent, describe: `${cap.limit} offers per ${windowText(cap.window)}`,
    });
  }
  if (campaign.budget) {
    const day = localDate(ctx.nowMs, policy.budget_time_zone);
    checks.push({
      key: `campaign:${campaign.id}:budget:${day}`, scope: 'campaign', campaignId: campaign.id, reason: 'budget_exhausted',
      // The day is in the key; the window only has to keep all of that day's offers, and a day
      // with a DST change lasts 25 hours, so two days.
      windowMs: 2 * DAY_MS, limit: campaign.budget.max_offers_per_day, record: sent,
      describe: `${campaign.budget.max_offers_per_day} offers on ${day}`,
    });
  }
  return checks;
}

/** Offers of a counter inside the window: recorded after now − window, including any after now. */
export function countInWindow(instants: readonly number[], nowMs: number, windowMs: number): number {
  const from = nowMs - windowMs;
  let count = 0;
  for (const instant of instants) if (instant > from) count++;
  return count;
}

/** Whether every check passes; the first that does not is the reason. Reads only. */
export function evaluateCaps(checks: readonly CapCheck[], counters: CapCounters, nowMs: number): CapOutcome {
  for (const check of checks) {
    const count = countInWindow(counters[check.key] ?? [], nowMs, check.windowMs);
    if (count >= check.limit) return { allowed: false, failed: check, count };
  }
  return { allowed: true };
}

/**
 * The reference of the atomic step: all checks pass and the offer is recorded once under every
 * recorded key, or nothing changes. Pure: returns new counters, never mutates the given ones.
 */
export function applyCaps(
  checks: readonly CapCheck[],
  counters: CapCounters,
  nowMs: number,
): CapOutcome & { counters: CapCounters } {
  const outcome = evaluateCaps(checks, counters, nowMs);
  if (!outcome.allowed) return { ...outcome, counters };
  const next: Record<string, readonly number[]> = { ...counters };
  // Two checks on one key (a 1-day and a 7-day cap per channel) record the offer once.
  for (const key of new Set(checks.filter((check) => check.record).map((check) => check.key))) {
    next[key] = [...(counters[key] ?? []), nowMs];
  }
  return { allowed: true, counters: next };
}

function windowText(ms: number): string {
  if (ms % DAY_MS === 0) return `${ms / DAY_MS} d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  return `${Math.round(ms / 60_000)} min`;
}
