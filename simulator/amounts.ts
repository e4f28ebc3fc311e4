import { formatMinorUnits, minorUnitDigits } from '../core/events/index.js';
import { CURRENCIES } from './catalogue.js';
import type { SeededRandom } from './random.js';

// Amounts are decided in integer minor units and only then written as decimal text, so every
// amount has exactly the precision its currency allows (whole yen, pence, fils).

function currencyProfile(currency: string) {
  const profile = CURRENCIES[currency];
  if (!profile) throw new RangeError(`no simulated exchange rate for ${currency}`);
  return profile;
}

/** Minor units of `currency` worth `gbp` pounds; never below one minor unit. */
export function minorFromGbp(gbp: number, currency: string): number {
  const major = gbp * currencyProfile(currency).perGbp;
  return Math.max(1, Math.round(major * 10 ** minorUnitDigits(currency)));
}

/** The decimal text the ingest API expects, e.g. "42.10". */
export function amountText(minor: number, currency: string): string {
  return formatMinorUnits(Math.max(1, Math.round(minor)), currency);
}

export function amountFromGbp(gbp: number, currency: string): string {
  return amountText(minorFromGbp(gbp, currency), currency);
}

/** A sum lent, in minor units: a lender's slider or a friend's offer moves in steps of five cash notes (50 pounds or euros). */
export function roundSum(minor: number, currency: string): number {
  const step = 5 * currencyProfile(currency).cashStep * 10 ** minorUnitDigits(currency);
  return Math.max(step, Math.round(minor / step) * step);
}

/** Cash comes in whole notes: a round multiple of the currency's usual step. */
export function cashAmount(rng: SeededRandom, currency: string, tierFactor: number): string {
  const step = currencyProfile(currency).cashStep;
  const notes = rng.weighted<number>([[1, 10], [2, 20], [3, 12], [4, 10], [5, 16], [10, 14], [20, 5], [25, 3]]);
  const stepsForTier = Math.max(1, Math.round(notes * Math.sqrt(tierFactor)));
  return amountText(stepsForTier * step * 10 ** minorUnitDigits(currency), currency);
}
