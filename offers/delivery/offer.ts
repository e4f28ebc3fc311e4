import type { MarketingChannel } from '../../customers/profile.js';
import type { OfferMessage } from '../campaigns/campaignSchema.js';

/**
 * One offer decided for a customer: what the channel endpoint receives (as JSON, snake_case via
 * `offerPayload`) and what the decision record, the feed and the archive show. A holdout offer is
 * decided and recorded, never sent.
 */
export interface Offer {
  /** Stable: derived from the triggering event and the campaign, so a replay decides the same id. */
  offerId: string;
  /** The decision this offer came from: the id of the triggering event. */
  decisionId: string;
  customerId: string;
  campaignId: string;
  campaignName: string;
  channel: MarketingChannel;
  content: OfferMessage;
  holdout: boolean;
  /** Why the campaign fired, in words. */
  because: string[];
  /** ISO instant of the decision. */
  decidedAt: string;
  /** Held past the customer's quiet hours: delivered at this ISO instant, not at once. */
  sendAt?: string;
  triggeringEvent: { eventId: string; type: string; occurredAt: string };
  /** For rm_task offers: whose task it is. */
  relationshipManager?: string;
  /** BCP 47 tag from the profile, so the channel can pick its template language. */
  language?: string;
}

/** The body POSTed to a channel endpoint. Field names are the public contract: snake_case. */
export function offerPayload(offer: Offer) {
  return {
    offer_id: offer.offerId,
    customer_id: offer.customerId,
    campaign_id: offer.campaignId,
    campaign_name: offer.campaignName,
    channel: offer.channel,
    title: offer.content.title,
    body: offer.content.body,
    because: offer.because,
    decided_at: offer.decidedAt,
    triggering_event_id: offer.triggeringEvent.eventId,
    ...(offer.relationshipManager !== undefined && { relationship_manager: offer.relationshipManager }),
    ...(offer.language !== undefined && { language: offer.language }),
  };
}
export type OfferPayload = ReturnType<typeof offerPayload>;
