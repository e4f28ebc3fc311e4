import { EVENT_TYPES, type VigilEvent } from './schema.js';

// A customer who goes quiet sends nothing, so rules that only run on events never see them:
// inactivity, fading app use, a salary that stops arriving. Vigil therefore looks at every customer
// on a clock as well (risk/review): a review is a pseudo-event at a moment in event time, with no
// money and no channel activity, that runs through the same features, rules, alerts and campaign
// triggers as a posted event. Banks never post one: ingest does not know the type.

export const CUSTOMER_REVIEW = 'customer_review';

export interface CustomerReview {
  /** `review:<customer>:<ms>`: one review per customer and moment, so its alerts deduplicate like an event's. */
  event_id: string;
  customer_id: string;
  type: typeof CUSTOMER_REVIEW;
  occurred_at: string;
  channel: 'core_banking';
}

/** What the risk pipeline assesses: a posted event, or a review of the customer. */
export type RiskEvent = VigilEvent | CustomerReview;

/** The types a rule's `when` or a campaign's trigger may name: every posted type, and the review. */
export const TRIGGER_TYPES = [...EVENT_TYPES, CUSTOMER_REVIEW] as const;

export function customerReview(customerId: string, atMs: number): CustomerReview {
  return { event_id: `review:${customerId}:${atMs}`, customer_id: customerId, type: CUSTOMER_REVIEW, occurred_at: new Date(atMs).toISOString(), channel: 'core_banking' };
}

const REVIEW_ID = /^review:(.+):(\d+)$/s;

/**
 * A review's id names the bank's customer id, and it travels on as the id of what the review
 * triggered (an alert's triggering event, an offer decision). Anything leaving for analytics takes
 * `review:<pseudonym>:<ms>` instead; other ids are returned as they are.
 */
export function pseudonymousEventId(eventId: string, pseudonymise: (customerId: string) => string): string {
  const review = REVIEW_ID.exec(eventId);
  return review ? `review:${pseudonymise(review[1]!)}:${review[2]}` : eventId;
}

export function isReview(event: RiskEvent): event is CustomerReview {
  return event.type === CUSTOMER_REVIEW;
}
