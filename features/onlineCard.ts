import type { EventFacts } from './eventFacts.js';
import { keepInOrder } from './keptInOrder.js';
import { WINDOW_SECONDS } from './windows.js';

// Card payments made without the card at a terminal (online, by phone), kept for the last six hours
// with the merchant's country. A stolen card number is spent at whatever shops will take it,
// wherever they are: new online merchants in four countries the customer was never in, within
// the hour (or paced through a night), is a card being cashed out, where an evening of genuine
// online shopping stays with shops at home and a country or two abroad. The recent log (recentLog.ts) keeps neither card presence nor a merchant's
// country for these payments (its country is where the customer was), and its stored row cannot
// grow without old readers rejecting the state, so they are kept here, in a key of their own that
// old readers ignore.

/** [time, merchant key, merchant's country ("" when not given)] */
export type OnlineCardPayment = [t: number, merchant: string, country: string];

/**
 * How long they are kept: a fraudster who paces a stolen card's spending (a purchase every twenty
 * minutes through the night) stays under any hour's count; six hours hold the night.
 */
export const ONLINE_CARD_HISTORY = 6 * 3600;

/** Payments kept: far more than any genuine evening online, and bounded for a card run through a bot. */
export const ONLINE_CARD_KEPT = 64;

/** The payment of `facts`, if it is a card payment without the card present. */
export function onlineCardPaymentOf(facts: Pick<EventFacts, 't' | 'type' | 'cardPresent' | 'merchant' | 'merchantCountry'>): OnlineCardPayment | undefined {
  if (facts.type !== 'card_payment' || facts.cardPresent !== false || facts.merchant === undefined) return undefined;
  return [facts.t, facts.merchant, facts.merchantCountry ?? ''];
}

/**
 * Adds a payment, if any, in time order (ties by content, so arrival order does not matter) and
 * forgets those older than the six hours before `newest` less the allowed lateness, then the oldest
 * beyond the cap; the list itself when nothing changes (the common case: empty).
 */
export function keepOnlineCardPayments(
  kept: readonly OnlineCardPayment[], payment: OnlineCardPayment | undefined, newest: number, lateness: number,
): OnlineCardPayment[] {
  return keepInOrder(kept, payment, newest - lateness - ONLINE_CARD_HISTORY, ONLINE_CARD_KEPT, compare);
}

export interface OnlineCardWindow {
  /** Card-not-present payments in the window (the hour or six hours before t) at merchants new when paid. */
  newMerchants: number;
  /**
   * Distinct merchants' countries among those payments that the customer had never been in when
   * paid: a genuine evening online stays with shops at home and a country or two abroad.
   */
  newCountries: number;
}

/**
 * The last hour and the last six hours (ONLINE_CARD_HISTORY: a spree paced through the night), in
 * one pass: each payment is judged new or not once, and counts in every window it falls in.
 */
export function onlineCardWindows(
  kept: readonly OnlineCardPayment[],
  t: number,
  merchantIsNewAt: (merchant: string, at: number) => boolean,
  countryIsNewAt: (country: string, at: number) => boolean,
): { hour: OnlineCardWindow; sixHours: OnlineCardWindow } {
  let hourMerchants = 0;
  let sixHourMerchants = 0;
  const hourCountries = new Set<string>();
  const sixHourCountries = new Set<string>();
  for (const [at, merchant, country] of kept) {
    if (at > t || t - at > ONLINE_CARD_HISTORY) continue;
    const inHour = t - at <= WINDOW_SECONDS['1h'];
    if (merchantIsNewAt(merchant, at)) {
      sixHourMerchants++;
      if (inHour) hourMerchants++;
    }
    if (country !== '' && countryIsNewAt(country, at)) {
      sixHourCountries.add(country);
      if (inHour) hourCountries.add(country);
    }
  }
  return {
    hour: { newMerchants: hourMerchants, newCountries: hourCountries.size },
    sixHours: { newMerchants: sixHourMerchants, newCountries: sixHourCountries.size },
  };
}

export function compare(a: OnlineCardPayment, b: OnlineCardPayment): number {
  return a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0) || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0);
}
