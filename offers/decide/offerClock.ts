import type { RiskEvent } from '../../core/events/index.js';

/**
 * What instant an offer is decided as of.
 *
 * - `wall` (production): the moment Vigil decides, which is when the customer would be contacted.
 * - `events` (replays of history: the demo, back-tests of campaigns): the triggering event's own
 *   time. Months of history replayed in a minute then meet the trigger's age, the birthday, the
 *   schedule, quiet hours, cooldowns, frequency caps and budgets as they were at that moment, so
 *   each customer is contacted as often as they would have been live. On the wall clock the whole
 *   history falls on one day, and the first offer of the replay takes that day's caps from every
 *   later one.
 */
export type OfferClock = 'wall' | 'events';

export const OFFER_CLOCKS = ['wall', 'events'] as const satisfies readonly OfferClock[];

export function decisionInstant(clock: OfferClock, event: Pick<RiskEvent, 'occurred_at'>, wallMs: number): number {
  return clock === 'events' ? Date.parse(event.occurred_at) : wallMs;
}
