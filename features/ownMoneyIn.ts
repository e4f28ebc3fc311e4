import { keepInOrder } from './keptInOrder.js';
import { DAY } from './windows.js';

// Money the customer moved in from their own accounts elsewhere: savings brought in, not income.
// "A month of money in" is what a customer can afford to lose; counting savings moved in as
// income halves how much a scam victim who empties a savings account to pay it seems to have
// sent. The day buckets sum all money in and cannot grow a counter without old readers rejecting
// the state (codec.ts), so these are kept in a key of their own that old readers ignore.

/** [time, amount in thousandths], oldest first */
export type OwnMoneyIn = [t: number, amountMilli: number];

/** Kept: a quarter of transfers from oneself is rarely more than a few a month. */
export const OWN_MONEY_IN_KEPT = 24;
const OWN_MONEY_IN_HISTORY = 90 * DAY;

/** By time, then amount: one order whatever the arrival order. */
export function compareOwnMoneyIn(a: OwnMoneyIn, b: OwnMoneyIn): number {
  return a[0] - b[0] || a[1] - b[1];
}

/** Adds one, if any, in order and forgets what the 90-day window no longer needs (then the oldest beyond the cap). */
export function keepOwnMoneyIn(kept: readonly OwnMoneyIn[], entry: OwnMoneyIn | undefined, newest: number, lateness: number): OwnMoneyIn[] {
  return keepInOrder(kept, entry, newest - lateness - OWN_MONEY_IN_HISTORY - DAY, OWN_MONEY_IN_KEPT, compareOwnMoneyIn);
}

/** Own money moved in on the whole UTC days the 90-day buckets cover at t: the part of `amount_in` that is not income. */
export function ownMoneyIn90d(kept: readonly OwnMoneyIn[], t: number): number {
  const [firstDay, lastDay] = [Math.floor((t - OWN_MONEY_IN_HISTORY) / DAY), Math.floor(t / DAY)];
  let total = 0;
  for (const [at, amount] of kept) {
    const day = Math.floor(at / DAY);
    if (day >= firstDay && day <= lastDay) total += amount;
  }
  return total;
}
