// When Vigil next looks at a customer by itself (a review), decided after every event and every
// review. A customer who acts is assessed on their own events, so a review is only ever due a
// full day after the last thing assessed: busy customers push it ahead and are never reviewed,
// quiet ones are looked at daily for a month, then weekly while Vigil keeps their state, then no
// more. A birthday or a product's anniversary brings the review forward to that day, for
// date-triggered campaigns.

import type { CustomerProfile } from '../customers/index.js';

const DAY_MS = 86_400_000;

export interface ReviewCadence {
  /** Quiet for up to this long: reviewed every day. */
  dailyForMs: number;
  /** Then weekly until quiet this long (the state's lifetime); never after. */
  stopAfterMs: number;
}

export const DEFAULT_REVIEW_CADENCE: ReviewCadence = { dailyForMs: 30 * DAY_MS, stopAfterMs: 400 * DAY_MS };

export interface ReviewTiming {
  /** The event or review just assessed. */
  assessedAtMs: number;
  /** The customer's newest activity; undefined when they have none. */
  lastActivityMs: number | undefined;
  /** "YYYY-MM-DD" from the CRM profile, if known. */
  birthday?: string | undefined;
  /** "YYYY-MM-DD" each held product was opened on (profile `products_opened`). */
  productsOpenedOn?: readonly string[] | undefined;
}

/** The dates of a customer's profile that bring a review forward. */
export function profileDates(profile: Pick<CustomerProfile, 'birthday' | 'products_opened'> | undefined): Pick<ReviewTiming, 'birthday' | 'productsOpenedOn'> {
  return { birthday: profile?.birthday, productsOpenedOn: profile?.products_opened?.map((product) => product.opened_on) };
}

/** The next review (ms, event time), or undefined when the customer is no longer reviewed. Pure. */
export function nextReviewAt(timing: ReviewTiming, cadence: ReviewCadence = DEFAULT_REVIEW_CADENCE): number | undefined {
  if (timing.lastActivityMs === undefined) return undefined;
  const quietFor = timing.assessedAtMs - timing.lastActivityMs;
  if (quietFor >= cadence.stopAfterMs) return undefined;
  const regular = timing.assessedAtMs + (quietFor < cadence.dailyForMs ? DAY_MS : 7 * DAY_MS);
  let next = regular;
  const birthday = timing.birthday === undefined ? undefined : nextBirthdayNoon(timing.birthday, timing.assessedAtMs);
  if (birthday !== undefined && birthday < next) next = birthday;
  for (const openedOn of timing.productsOpenedOn ?? []) {
    const anniversary = nextAnniversaryNoon(openedOn, timing.assessedAtMs);
    if (anniversary !== undefined && anniversary < next) next = anniversary;
  }
  return next;
}

/**
 * Noon UTC on the next anniversary of a product's opening after `afterMs`: a whole year or more
 * after it (the opening day itself is no anniversary). Same calendar as birthdays.
 */
export function nextAnniversaryNoon(openedOn: string, afterMs: number): number | undefined {
  const openingYear = Number(openedOn.slice(0, 4));
  const first = nextBirthdayNoon(openedOn, afterMs);
  if (first === undefined) return undefined;
  if (new Date(first).getUTCFullYear() > openingYear) return first;
  // The opening day is still ahead or today: the first anniversary is a year after it.
  return nextBirthdayNoon(openedOn, Date.UTC(openingYear, 11, 31, 23, 59));
}

/**
 * Noon UTC on the next birthday after `afterMs`: inside the birthday's local date from UTC−11 to
 * UTC+11. A 29 February birthday falls on 28 February in other years, as the campaigns see it.
 */
export function nextBirthdayNoon(birthday: string, afterMs: number): number | undefined {
  const match = /^\d{4}-(\d{2})-(\d{2})$/.exec(birthday);
  if (!match) return undefined;
  const month = Number(match[1]) - 1;
  const day = Number(match[2]);
  const year = new Date(afterMs).getUTCFullYear();
  for (const y of [year, year + 1]) {
    const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    const at = Date.UTC(y, month, month === 1 && day === 29 && !leap ? 28 : day, 12);
    if (at > afterMs) return at;
  }
  return undefined;
}
