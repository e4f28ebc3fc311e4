import type { EventFacts } from './eventFacts.js';
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

export function isOwnMoneyIn(facts: Pick<EventFacts, 'fromOwnAccount'>): boolean {
  return facts.fromOwnAccount;
}

/** Adds one in time order and forgets what the 90-day window no longer needs (then the oldest beyond the cap). */
export function recordOwnMoneyIn(kept: readonly OwnMoneyIn[], entry: OwnMoneyIn | undefined, newest: number, lateness: number): OwnMoneyIn[] {
  const oldest = newest - lateness - OWN_MONEY_IN_HISTORY - DAY;
  if (entry === undefined && (kept.length === 0 || kept[0]![0] >= oldest)) return kept as OwnMoneyIn[];
  const next = kept.filter(([t]) => t >= oldest);
  if (entry && entry[0] >= oldest) {
    let at = next.length;
    while (at > 0 && (next[at - 1]![0] > entry[0] || (next[at - 1]![0] === entry[0] && next[at - 1]![1] > entry[1]))) at--;
    next.splice(at, 0, entry);
  }
  return next.length > OWN_MONEY_IN_KEPT ? next.slice(next.length - OWN_MONEY_IN_KEPT) : next;
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
