import { postedByTheBank, type EventFacts } from './eventFacts.js';

// The hours of the day a customer acts in: a count of their own events per UTC hour, halved when
// it grows large so that habits of the last months outweigh those of years ago. A stolen card
// spent through the night reads differently for a customer who never acts after eleven than for
// a night-shift nurse. The share is read over seven hours, the hour and three either side: whether
// the customer is usually up and about around then, not whether they happened to act in that very
// hour (a trip booked at ten at night by someone who shops online at eight is their evening). UTC,
// not local time: a customer lives in one time zone, and the band takes up the summer-time hour.
// Kept in a key of its own (`hd`) that older readers ignore.

/** Counts per UTC hour, 24 of them; empty until the customer's first own event. */
export type HoursOfDay = number[];

/** Halved when the counts reach this: about a year of an active customer's events. */
const HALVE_AT = 4000;
/** Hours either side of the event's hour that its share is read over. */
const BAND_HOURS = 3;
/** Fewer counted events than this and there is no habit to read (−1). */
const MIN_COUNTED = 50;

/** The counts with the event's hour added, if the customer acted; the same array for the bank's postings. */
export function recordHourOfDay(hours: readonly number[], facts: Pick<EventFacts, 't' | 'channel'>): HoursOfDay {
  if (postedByTheBank(facts)) return hours as HoursOfDay;
  const next = hours.length === 24 ? hours.slice() : new Array<number>(24).fill(0);
  next[hourOf(facts.t)]! += 1;
  if (next.reduce((sum, n) => sum + n, 0) >= HALVE_AT) for (let h = 0; h < 24; h++) next[h] = Math.floor(next[h]! / 2);
  return next;
}

/**
 * The share of the customer's own events in the hour of t and the three either side; −1 with
 * fewer than MIN_COUNTED counted (a new customer has no hours yet).
 */
export function hourOfDayShare(hours: readonly number[], t: number): number {
  if (hours.length !== 24) return -1;
  const total = hours.reduce((sum, n) => sum + n, 0);
  if (total < MIN_COUNTED) return -1;
  const h = hourOf(t);
  let around = 0;
  for (let d = -BAND_HOURS; d <= BAND_HOURS; d++) around += hours[(h + d + 24) % 24]!;
  return around / total;
}

/** t in epoch seconds. */
function hourOf(t: number): number {
  return Math.floor((((t % 86_400) + 86_400) % 86_400) / 3600);
}
