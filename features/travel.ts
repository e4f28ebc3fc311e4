import { familiarityAt, SEEN_HISTORY } from './distinct.js';
import { EVENT_KIND, type EventFacts } from './eventFacts.js';
import { GEO_JITTER_KM, haversineKm, leastTravelSeconds, travelTimeNeededRatio } from './geo.js';
import type { CustomerFeatureState } from './state.js';
import { DAY } from './windows.js';

// Whether the customer could have travelled from where they were last seen to where this event
// puts them (geo.ts says how fast anyone can). Positions are believed as sent, with one exception:
// a card payment at a merchant the customer pays regularly, whose position disagrees with where the
// customer was just before. Acquirers now and then report a merchant's registered address (its
// head office, hundreds of kilometres off) instead of the till's, and the same shop does so every
// time: the customer's own supermarket would read as a journey on every visit. A regular shop is
// where the customer is anyway, so a far position from it says more about the acquirer than about
// the customer. One that agrees is believed: it is the best alibi there is (the card at the
// customer's usual shop at home, then at a till abroad, is the typology itself).

/**
 * A regular merchant: at least three payments there on record (this one included) and the first
 * a month or more before. A cloned card's spree is hours old and at shops the customer never used.
 * The recent log keeps no card presence, so any card payment counts; online, the position is the
 * device's and as good as any other.
 */
export const REGULAR_MERCHANT_PAYMENTS = 3;
export const REGULAR_MERCHANT_SINCE_SECONDS = 30 * DAY;

export interface Journey {
  /** Seconds from the position the customer was last believed at to this event. */
  seconds: number;
  /** The least time anyone needs for that distance (0 within geolocation jitter). */
  leastSeconds: number;
  /** leastSeconds over seconds (1-minute floor): above 1 no one could have made it. */
  neededRatio: number;
}

type Position = readonly [t: number, lat: number, lon: number];

/**
 * The journey from the newest believed position before this event to the event's own; undefined
 * when either is unknown, or when the event is a payment at a regular merchant whose position
 * disagrees with that one (the acquirer's address, not the customer's).
 */
export function journeyToEvent(before: CustomerFeatureState, facts: EventFacts): Journey | undefined {
  if (!facts.geo) return undefined;
  const from = lastBelievedPosition(before, facts.t);
  if (!from) return undefined;
  const distance = haversineKm(from[1], from[2], facts.geo[0], facts.geo[1]);
  // Not yet recorded, so this payment is one more than the set holds.
  if (distance > GEO_JITTER_KM && isRegularMerchant(before, facts.kind, facts.merchant, facts.t, 1)) return undefined;
  const seconds = facts.t - from[0];
  return { seconds, leastSeconds: leastTravelSeconds(distance), neededRatio: travelTimeNeededRatio(distance, seconds) };
}

/**
 * Where the customer was last seen at or before t, oldest to newest through the recent log, each
 * regular merchant's position checked against the one believed before it. What the log forgot
 * (the newest position that left it) carries no merchant and is believed.
 */
function lastBelievedPosition(before: CustomerFeatureState, t: number): Position | undefined {
  const forgotten = before.p.g;
  let believed: Position | undefined = forgotten && forgotten[0] <= t ? forgotten : undefined;
  for (const entry of before.r) {
    if (entry.t > t) break;
    if (!entry.g) continue;
    const position: Position = [entry.t, entry.g[0], entry.g[1]];
    const disagrees = believed !== undefined && haversineKm(believed[1], believed[2], position[1], position[2]) > GEO_JITTER_KM;
    // Already recorded: the set counts this payment.
    if (disagrees && isRegularMerchant(before, entry.k, entry.m, entry.t, 0)) continue;
    believed = position;
  }
  return believed;
}

function isRegularMerchant(before: CustomerFeatureState, kind: number, merchant: string | undefined, t: number, unrecorded: 0 | 1): boolean {
  if (kind !== EVENT_KIND.card_payment || merchant === undefined) return false;
  const { count, first } = familiarityAt(before.s.m, merchant, t, SEEN_HISTORY.m);
  return first !== undefined && t - first >= REGULAR_MERCHANT_SINCE_SECONDS && count + unrecorded >= REGULAR_MERCHANT_PAYMENTS;
}
