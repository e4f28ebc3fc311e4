import type { RiskEvent } from '../../core/events/index.js';
import type { ListLookup } from '../../lists/membership.js';
import { evaluateCondition } from '../../rules/index.js';
import type { Campaign } from '../campaigns/campaignSchema.js';
import { triggerContext, type OfferCustomer } from './offerContext.js';

/** A campaign that fired on an event, with the words that say why (for the decision record). */
export interface TriggeredCampaign {
  campaign: Campaign;
  because: string[];
}

/**
 * The campaigns whose trigger fires on this event, in the order given. State and eligibility
 * are not looked at here: a paused campaign that fires is still recorded as "not active" by
 * `decideOffers`, so marketing can see what a paused campaign would have done.
 */
export function triggeredCampaigns(
  campaigns: readonly Campaign[],
  event: RiskEvent,
  customer: OfferCustomer,
  nowMs: number,
  defaultTimeZone: string,
  lists?: ListLookup,
): TriggeredCampaign[] {
  const ctx = triggerContext(event, customer, nowMs, defaultTimeZone, lists);
  const fired: TriggeredCampaign[] = [];
  for (const campaign of campaigns) {
    if (!(campaign.trigger.event_types as readonly string[]).includes(event.type)) continue;
    const condition = campaign.trigger.condition;
    if (condition === undefined) {
      fired.push({ campaign, because: [`${event.type} event`] });
      continue;
    }
    const outcome = evaluateCondition(condition, ctx);
    if (outcome.holds) fired.push({ campaign, because: outcome.because.map((reason) => reason.text) });
  }
  return fired;
}
