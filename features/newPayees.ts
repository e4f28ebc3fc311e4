import type { EventFacts } from './eventFacts.js';
import { DAY } from './windows.js';

// What the customer has sent to each payee first paid in the last 90 days: how many transfers, in
// all, and the largest. A romance or investment scam grows over weeks: 200 to a new payee, then
// 450, 900, 1,500, 2,400, 3,000, each ask larger than the last; no single transfer is unusual, the
// run is. Rent to a new landlord stays flat, and a builder is paid a few stages. The seen set knows
// when a payee was first paid and how often (distinct.ts), not how much, and its stored rows cannot
// grow without old readers rejecting the state, so this is kept in a key of its own that old
// readers ignore (codec.ts).

/** [payee key, first paid, transfers, total in thousandths, largest in thousandths] */
export type NewPayeeRun = [payee: string, first: number, transfers: number, totalMilli: number, largestMilli: number];

/** Payees kept: the newest first paid; a customer pays few new payees in a quarter. */
export const NEW_PAYEES_KEPT = 16;
/** How long a payee counts as new for the run: a quarter. */
export const NEW_PAYEE_RUN_SECONDS = 90 * DAY;

/** A transfer out to a payee known by id or account, not to the customer's own account: what a run counts. */
function paysSomeoneElse(facts: Pick<EventFacts, 'type' | 'payee' | 'ownAccount'>): facts is typeof facts & { payee: string } {
  return facts.type === 'transfer_out' && facts.payee !== undefined && !facts.ownAccount;
}

/** The run of the current transfer's payee before it; undefined for other events and unknown payees. */
export function runBefore(runs: readonly NewPayeeRun[], facts: Pick<EventFacts, 'type' | 'payee' | 'ownAccount'>): NewPayeeRun | undefined {
  if (!paysSomeoneElse(facts)) return undefined;
  return runs.find((run) => run[0] === facts.payee);
}

/**
 * Adds a transfer to its payee's run, opening one when the payee was first paid now (`newPayee`),
 * and forgets runs begun before the quarter ending at `newest` less the lateness, then the oldest
 * beyond the cap. Transfers to the customer's own accounts are not payments to anyone.
 */
export function recordNewPayeeTransfer(
  runs: readonly NewPayeeRun[], facts: Pick<EventFacts, 't' | 'type' | 'payee' | 'ownAccount' | 'amountMilli'>, newPayee: boolean, newest: number, lateness: number,
): NewPayeeRun[] {
  const oldest = newest - lateness - NEW_PAYEE_RUN_SECONDS;
  let next = runs.filter((run) => run[1] >= oldest);
  if (paysSomeoneElse(facts)) {
    const at = next.findIndex((run) => run[0] === facts.payee);
    if (at >= 0) {
      const [payee, first, transfers, total, largest] = next[at]!;
      next = next.map((run, i) => (i === at ? [payee, Math.min(first, facts.t), transfers + 1, total + facts.amountMilli, Math.max(largest, facts.amountMilli)] : run));
    } else if (newPayee && facts.t >= oldest) {
      next = [...next, [facts.payee, facts.t, 1, facts.amountMilli, facts.amountMilli]];
    }
    // Oldest first, always: a late transfer can move a run's first payment earlier, and pruning
    // and the stored form (codec.ts) both read the runs in that order.
    next.sort(compareRuns);
  }
  return next.length > NEW_PAYEES_KEPT ? next.slice(next.length - NEW_PAYEES_KEPT) : next;
}

/** Runs as they are when nothing changes them: the list itself unless one has aged out. */
export function pruneNewPayeeRuns(runs: NewPayeeRun[], newest: number, lateness: number): NewPayeeRun[] {
  const oldest = newest - lateness - NEW_PAYEE_RUN_SECONDS;
  return runs.length > 0 && runs[0]![1] < oldest ? runs.filter((run) => run[1] >= oldest) : runs;
}

/** By first payment, then payee key: one order whatever the arrival order. */
export function compareRuns(a: NewPayeeRun, b: NewPayeeRun): number {
  return a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
}

/** How long a run of asks to new payees is read over: a purchase scam's deposit, balance, shipping, customs and insurance come within days. */
export const RECENT_NEW_PAYEES_SECONDS = 14 * DAY;

/**
 * Transfers, and their total in thousandths, to every payee first paid in the 14 days before t,
 * the current transfer included when it goes to one of them (or opens a run): a purchase scam asks
 * again and again, of the seller and of a "carrier", long after a genuine purchase is paid for.
 * Nothing for other events, which say nothing of payees.
 */
export function recentNewPayeeTransfers(
  runs: readonly NewPayeeRun[], facts: Pick<EventFacts, 't' | 'type' | 'payee' | 'ownAccount' | 'amountMilli'>, newPayee: boolean,
): { transfers: number; totalMilli: number } {
  if (!paysSomeoneElse(facts)) return { transfers: 0, totalMilli: 0 };
  const since = facts.t - RECENT_NEW_PAYEES_SECONDS;
  let transfers = 0;
  let totalMilli = 0;
  let current = newPayee;
  for (const [payee, first, count, total] of runs) {
    if (first < since || first > facts.t) continue;
    transfers += count;
    totalMilli += total;
    if (payee === facts.payee) current = true;
  }
  if (current) {
    transfers += 1;
    totalMilli += facts.amountMilli;
  }
  return { transfers, totalMilli };
}
