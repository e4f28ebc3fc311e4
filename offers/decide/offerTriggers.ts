import type { RiskEvent, VigilEvent } from '../../core/events/index.js';
import type { CustomerProfile } from '../../customers/index.js';
import type { ListLookup } from '../../lists/membership.js';
import type { Campaign } from '../campaigns/campaignSchema.js';
import type { OfferCustomer } from './offerContext.js';
import type { OfferPolicy } from './policy.js';
import { triggeredCampaigns } from './trigger.js';

export type OfferResponseEvent = Extract<VigilEvent, { type: 'offer_response' }>;

// What the batch loop hands to the offer decider through the partition's offer outbox. Planned
// purely with the event's own features (the state after this event, not after the whole batch),
// committed with the batch, decided after the commit.

/** The customer as the trigger saw them; the open-fraud-alert check is made at decision time. */
export type TriggerCustomer = Omit<OfferCustomer, 'openFraudAlert'>;

export type OfferOutboxRecord =
  | {
      kind: 'trigger';
      /** Stream entry of the event: its id's time is when the event entered Vigil (latency). */
      entryId: string;
      event: RiskEvent;
      customer: TriggerCustomer;
      fired: { campaignId: string; because: string[] }[];
    }
  | { kind: 'response'; entryId: string; event: OfferResponseEvent };

export interface TriggerInput {
  entryId: string;
  event: RiskEvent;
  profile: CustomerProfile | undefined;
  tier: string;
  tags: readonly string[];
  features: Readonly<Record<string, number | boolean>>;
  scores: { churn: number; fraud: number };
  /** The lists as the risk batch saw them, for triggers that use `in_list`. */
  lists?: ListLookup | undefined;
}

/**
 * The outbox record for one event, or none: an offer_response closes the loop; any other event
 * produces a trigger record when it is recent enough (policy.max_trigger_age) and at least one
 * campaign that is not a draft fires on it.
 */
export function offerOutboxRecord(
  input: TriggerInput,
  campaigns: readonly Campaign[],
  nowMs: number,
  policy: Pick<OfferPolicy, 'default_time_zone' | 'max_trigger_age'>,
): OfferOutboxRecord | undefined {
  const { event } = input;
  if (event.type === 'offer_response') return { kind: 'response', entryId: input.entryId, event };
  if (nowMs - Date.parse(event.occurred_at) > policy.max_trigger_age) return undefined;
  // Drafts are being written; paused campaigns are still evaluated so their suppression shows.
  const live = campaigns.filter((c) => c.state !== 'draft');
  if (live.length === 0) return undefined;
  const customer: TriggerCustomer = {
    customerId: event.customer_id,
    profile: input.profile,
    tier: input.tier as TriggerCustomer['tier'],
    tags: input.tags,
    features: input.features,
    scores: input.scores,
  };
  const fired = triggeredCampaigns(live, event, { ...customer, openFraudAlert: false }, nowMs, policy.default_time_zone, input.lists);
  if (fired.length === 0) return undefined;
  return {
    kind: 'trigger',
    entryId: input.entryId,
    event,
    customer,
    fired: fired.map((f) => ({ campaignId: f.campaign.id, because: f.because })),
  };
}
