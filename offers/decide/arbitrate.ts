import type { RiskEvent } from '../../core/events/index.js';
import type { MarketingChannel } from '../../customers/profile.js';
import type { RuleContext } from '../../rules/index.js';
import type { Campaign, OfferMessage } from '../campaigns/campaignSchema.js';
import { capChecks, evaluateCaps, type CapCheck, type CapCounters } from './caps.js';
import { chooseChannel } from './channel.js';
import { renderMessage } from './content.js';
import { checkEligibility } from './eligibility.js';
import { isInHoldout } from './holdout.js';
import { triggerContext, type OfferCustomer } from './offerContext.js';
import { DEFAULT_OFFER_POLICY, type OfferPolicy } from './policy.js';
import { isQuietTime, nextAllowedSendTime } from './quietHours.js';
import type { Suppression } from './reasons.js';
import type { TriggeredCampaign } from './trigger.js';

/** The one offer decided for this event. */
export interface ChosenOffer {
  campaign: Campaign;
  channel: MarketingChannel;
  /** In the campaign's control group: decided and recorded, not sent. */
  holdout: boolean;
  /** The message as the customer would read it (also for a holdout, to know what was withheld). */
  content: OfferMessage;
  /**
   * The counters to check and record in one atomic step when the decision is committed. If the
   * store refuses (another decision took the last slot meanwhile), nothing is sent.
   */
  capChecks: CapCheck[];
  /** Why the trigger fired, in words. */
  because: string[];
  /** Deferred past the customer's quiet hours: send at this instant (epoch ms), not now. */
  sendAtMs?: number;
}

export interface OfferDecision {
  chosen?: ChosenOffer;
  suppressed: Suppression[];
  /** The decision in sentences, for the customer's decision record: what was chosen, and why not the rest. */
  explanation: string[];
}

export interface OfferDecisionContext {
  event: RiskEvent;
  customer: OfferCustomer;
}

interface Candidate extends ChosenOffer {
  channelWhy: string;
}

/**
 * At most one offer per event, so a customer is never hit by two messages for one payment:
 * every campaign that fired is screened (state, eligibility, channel, content, quiet hours,
 * caps and budget), and of those that pass the highest priority wins, then the higher expected
 * value, then the smaller id (so ties are decided the same way on every worker). Every other
 * campaign is recorded with its reason. Pure: the caller commits `chosen.capChecks` atomically.
 */
export function decideOffers(
  triggered: readonly TriggeredCampaign[],
  ctx: OfferDecisionContext,
  counters: CapCounters,
  nowMs: number,
  policy: OfferPolicy = DEFAULT_OFFER_POLICY,
): OfferDecision {
  const ruleCtx = triggerContext(ctx.event, ctx.customer, nowMs, policy.default_time_zone);
  const suppressed: Suppression[] = [];
  const candidates: Candidate[] = [];
  for (const fired of triggered) {
    const screened = screen(fired, ctx.customer, ruleCtx, counters, nowMs, policy);
    if ('reason' in screened) suppressed.push(screened);
    else candidates.push(screened);
  }
  const [best, ...rest] = candidates.sort(byRank);
  for (const loser of rest) {
    suppressed.push({ campaignId: loser.campaign.id, reason: 'lower_priority', detail: `${rankText(best?.campaign)} outranks ${rankText(loser.campaign)}` });
  }
  const explanation = explain(best, suppressed, triggered.length);
  if (!best) return { suppressed, explanation };
  const { channelWhy: _, ...chosen } = best;
  return { chosen, suppressed, explanation };
}

function screen(
  fired: TriggeredCampaign,
  customer: OfferCustomer,
  ruleCtx: RuleContext,
  counters: CapCounters,
  nowMs: number,
  policy: OfferPolicy,
): Candidate | Suppression {
  const { campaign } = fired;
  const campaignId = campaign.id;
  if (campaign.state !== 'active') return { campaignId, reason: 'not_active', detail: `campaign is ${campaign.state}` };
  const outside = outsideSchedule(campaign, nowMs);
  if (outside) return { campaignId, reason: 'not_active', detail: outside };

  const eligibility = checkEligibility(campaign, customer);
  if (!eligibility.eligible) return { campaignId, reason: eligibility.reason, detail: eligibility.detail };

  const route = chooseChannel(campaign, customer, policy);
  if (!route.ok) return { campaignId, reason: route.reason, detail: route.detail };

  const message = campaign.content[route.channel];
  const rendered = message ? renderMessage(message, ruleCtx) : { ok: false as const, missing: [] };
  if (!rendered.ok) return { campaignId, reason: 'content_incomplete', detail: `no value for ${rendered.missing.join(', ')} in the ${route.channel} message` };

  let sendAtMs: number | undefined;
  let deferredWhy = '';
  if (policy.quiet_hours_channels.includes(route.channel)) {
    const quiet = customer.profile?.quiet_hours ?? policy.default_quiet_hours;
    const zone = customer.profile?.time_zone ?? policy.default_time_zone;
    if (isQuietTime(quiet, zone, nowMs)) {
      const retryAtMs = nextAllowedSendTime(quiet, zone, nowMs);
      const window = `quiet hours ${quiet.start}–${quiet.end} ${zone}`;
      const endsInSchedule = !outsideSchedule(campaign, retryAtMs);
      if (campaign.quiet_hours !== 'defer' || !endsInSchedule) {
        const detail = `${route.channel} inside ${window}; next allowed ${new Date(retryAtMs).toISOString()}${endsInSchedule ? '' : ', after the campaign ends'}`;
        return { campaignId, reason: 'quiet_hours', detail, retryAtMs };
      }
      sendAtMs = retryAtMs;
      deferredWhy = `; inside ${window}, so held until ${new Date(retryAtMs).toISOString()}`;
    }
  }

  // Control and treatment pass the same screens, so the control group is comparable.
  const holdout = isInHoldout(campaign, customer.customerId);
  // A deferred offer counts against the caps when the customer will get it, not when it was decided.
  const contactAtMs = sendAtMs ?? nowMs;
  const checks = capChecks({ customerId: customer.customerId, campaign, channel: route.channel, nowMs: contactAtMs, holdout }, policy);
  const caps = evaluateCaps(checks, counters, contactAtMs);
  if (!caps.allowed) {
    return { campaignId, reason: caps.failed.reason, detail: `${caps.failed.describe}: ${caps.count} already in the window` };
  }
  return {
    campaign, channel: route.channel, holdout, content: rendered.message, capChecks: checks, because: fired.because,
    channelWhy: route.why + deferredWhy, ...(sendAtMs !== undefined && { sendAtMs }),
  };
}

/**
 * Whether the campaign could be offered at this instant at all: active and inside its schedule.
 * One that cannot is screened out as `not_active` before anything else is looked at, so deciding
 * it needs neither the cap counters nor the fraud review.
 */
export function mayOfferAt(campaign: Campaign, atMs: number): boolean {
  return campaign.state === 'active' && outsideSchedule(campaign, atMs) === undefined;
}

/** Why the instant is outside the campaign's schedule, or undefined when it may send. */
function outsideSchedule(campaign: Campaign, atMs: number): string | undefined {
  const { schedule } = campaign;
  if (schedule?.starts_at && atMs < Date.parse(schedule.starts_at)) return `campaign starts at ${schedule.starts_at}`;
  if (schedule?.ends_at && atMs >= Date.parse(schedule.ends_at)) return `campaign ended at ${schedule.ends_at}`;
  return undefined;
}

function byRank(a: Candidate, b: Candidate): number {
  return b.campaign.priority - a.campaign.priority
    || b.campaign.expected_value - a.campaign.expected_value
    || (a.campaign.id < b.campaign.id ? -1 : a.campaign.id > b.campaign.id ? 1 : 0);
}

function rankText(campaign: Campaign | undefined): string {
  return campaign ? `${campaign.id} (priority ${campaign.priority}, expected value ${campaign.expected_value})` : 'nothing';
}

function explain(best: Candidate | undefined, suppressed: readonly Suppression[], firedCount: number): string[] {
  if (firedCount === 0) return ['No campaign fired on this event.'];
  const lines: string[] = [];
  if (best) {
    const { campaign } = best;
    lines.push(
      `Offered "${campaign.name}" (${campaign.id}) by ${best.channel}: it fired because ${best.because.join('; ')}; ` +
        `eligible; ${best.channelWhy}; ${rankText(campaign)}.`,
    );
    if (best.holdout) lines.push(`The customer is in its control group (${Math.round(campaign.holdout_share * 100)}% held out): decided, not sent.`);
  } else {
    lines.push('No offer: every campaign that fired was suppressed.');
  }
  for (const s of suppressed) lines.push(`Not offered ${s.campaignId}: ${s.reason} (${s.detail}).`);
  return lines;
}
