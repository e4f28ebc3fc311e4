import { familiarityAt, SEEN_HISTORY } from './distinct.js';
import { EVENT_KIND, type EventFacts } from './eventFacts.js';
import { GEO_JITTER_KM, haversineKm, leastTravelSeconds, travelTimeNeededRatio } from './geo.js';
import type { CustomerFeatureState } from './state.js';
import { DAY } from './windows.js';

// Whether the customer could have travelled from where they were last seen to where this event
// puts them (geo.ts says how fast anyone can). Positions are believed as sent, with one exception:
// a card payment at a merchant the customer pays regularly, at a position nothing else has put the
// customer near lately. Acquirers now and then report a merchant's registered address (its head
// office, hundreds of kilometres off) instead of the till's, and the same shop does so every time:
// the customer's own supermarket would read as a journey on every visit. A regular shop is where
// the customer is anyway, so a far position from it says more about the acquirer than about the
// customer. One that the customer's other sightings confirm is believed, and the journey to it
// from the last position is judged: it is the best alibi there is, whether before a stranger's
// event far away (the usual shop at home, then a till abroad) or after it.

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

/**
 * Where the customer was seen, and the merchant that reported it: none for a device or a cash
 * machine, unknown for the position the recent log forgot.
 */
interface Sighting {
  readonly t: number;
  readonly lat: number;
  readonly lon: number;
  readonly merchant: string | undefined | 'unknown';
}

/**
 * The journey from the newest believed position before this event to the event's own; undefined
 * when either is unknown, or when the event is a payment at a regular merchant far from every
 * position believed lately (the acquirer's address, not the customer's).
 */
export function journeyToEvent(before: CustomerFeatureState, facts: EventFacts): Journey | undefined {
  if (!facts.geo) return undefined;
  const merchant = facts.kind === EVENT_KIND.card_payment ? facts.merchant : undefined;
  const here: Sighting = { t: facts.t, lat: facts.geo[0], lon: facts.geo[1], merchant };
  const seen = sightingsBelieved(before, facts.t);
  const from = seen.at(-1);
  if (!from) return undefined;
  // Not yet recorded, so this payment is one more than the set holds.
  if (merchant !== undefined && !confirmedBy(here, seen) && isRegularMerchant(before, facts.kind, merchant, facts.t, 1)) return undefined;
  const distance = distanceKm(from, here);
  const seconds = facts.t - from.t;
  return { seconds, leastSeconds: leastTravelSeconds(distance), neededRatio: travelTimeNeededRatio(distance, seconds) };
}

/**
 * Where the customer was seen at or before t, oldest first: the newest position the recent log
 * forgot (believed: it carries no merchant to doubt), then the log's, a regular merchant's only
 * when something before it confirms it.
 */
function sightingsBelieved(before: CustomerFeatureState, t: number): Sighting[] {
  const forgotten = before.p.g;
  const believed: Sighting[] = forgotten && forgotten[0] <= t ? [{ t: forgotten[0], lat: forgotten[1], lon: forgotten[2], merchant: 'unknown' }] : [];
  for (const entry of before.r) {
    if (entry.t > t) break;
    if (!entry.g) continue;
    const merchant = entry.k === EVENT_KIND.card_payment ? entry.m : undefined;
    const sighting: Sighting = { t: entry.t, lat: entry.g[0], lon: entry.g[1], merchant };
    // Only a shop's position is doubted; already recorded, so the set counts this payment.
    if (merchant !== undefined && believed.length > 0 && !confirmedBy(sighting, believed) && isRegularMerchant(before, entry.k, merchant, entry.t, 0)) continue;
    believed.push(sighting);
  }
  return believed;
}

/**
 * Within geolocation jitter of a sighting from something else, or nothing to disagree with. A
 * shop's own reports always agree with each other, wherever the acquirer puts it; what the log
 * forgot carries no merchant, so one at exactly the shop's coordinates is taken for its own.
 */
function confirmedBy(sighting: Sighting, others: readonly Sighting[]): boolean {
  if (others.length === 0) return true;
  const sameShop = (other: Sighting) => other.merchant === 'unknown'
    ? sighting.merchant !== undefined && other.lat === sighting.lat && other.lon === sighting.lon
    : other.merchant !== undefined && other.merchant === sighting.merchant;
  return others.some((other) => !sameShop(other) && distanceKm(other, sighting) <= GEO_JITTER_KM);
}

function distanceKm(a: Sighting, b: Sighting): number {
  return haversineKm(a.lat, a.lon, b.lat, b.lon);
}

function isRegularMerchant(before: CustomerFeatureState, kind: number, merchant: string | undefined, t: number, unrecorded: 0 | 1): boolean {
  if (kind !== EVENT_KIND.card_payment || merchant === undefined) return false;
  const { count, first } = familiarityAt(before.s.m, merchant, t, SEEN_HISTORY.m);
  return first !== undefined && t - first >= REGULAR_MERCHANT_SINCE_SECONDS && count + unrecorded >= REGULAR_MERCHANT_PAYMENTS;
}
