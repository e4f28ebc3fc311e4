import { EVENT_KIND, SMALL_CARD_PAYMENT_MILLI } from './eventFacts.js';
import type { PreviousActivity, RecentEvent } from './state.js';
import { HOUR, WINDOW_SECONDS } from './windows.js';

/**
 * The recent log keeps individual events for 1 h + the allowed lateness behind the newest event,
 * so the 1m/10m/1h windows are exact even for a late event. It is capped: beyond 128 events in
 * that span the oldest leave early, so short-window counts read "at least 128". Keeping the newest
 * by a total order (time, then content) makes the log independent of arrival order.
 */
export const RECENT_LOG_CAP = 128;

export function compareRecent(a: RecentEvent, b: RecentEvent): number {
  return a.t - b.t || a.k - b.k || (a.a ?? 0) - (b.a ?? 0) || compareText(a.m, b.m) || compareText(a.c, b.c)
    || (a.g?.[0] ?? 0) - (b.g?.[0] ?? 0) || (a.g?.[1] ?? 0) - (b.g?.[1] ?? 0);
}

/** Adds an event to the log and drops what no window needs any more into `previous`. */
export function recordRecent(
  log: readonly RecentEvent[],
  previous: PreviousActivity,
  entry: RecentEvent,
  newest: number,
  lateness: number,
): { log: RecentEvent[]; previous: PreviousActivity } {
  const oldestKept = newest - lateness - HOUR;
  if (entry.t < oldestKept) return { log: log.slice(), previous: foldPrevious(previous, entry) };
  const next = log.slice();
  next.splice(insertionPoint(next, entry), 0, entry);
  let dropped = 0;
  while (dropped < next.length && (next.length - dropped > RECENT_LOG_CAP || next[dropped]!.t < oldestKept)) dropped++;
  let folded = previous;
  for (const gone of next.splice(0, dropped)) folded = foldPrevious(folded, gone);
  return { log: next, previous: folded };
}

/** Keeps, per kind, the newest event that left the log; ties resolved by content, not arrival. */
function foldPrevious(previous: PreviousActivity, entry: RecentEvent): PreviousActivity {
  const next: PreviousActivity = { ...previous, a: newer(previous.a, entry.t) };
  if (entry.k === EVENT_KIND.login) next.l = newer(previous.l, entry.t);
  if (entry.a !== undefined) next.m = newer(previous.m, entry.t);
  if (entry.k === EVENT_KIND.password_reset) next.r = newer(previous.r, entry.t);
  if (entry.k === EVENT_KIND.device_added) next.d = newer(previous.d, entry.t);
  if (entry.g) {
    const candidate: [number, number, number] = [entry.t, entry.g[0], entry.g[1]];
    if (!previous.g || compareTuples(candidate, previous.g) > 0) next.g = candidate;
  }
  if (entry.c) {
    const candidate: [number, string] = [entry.t, entry.c];
    if (!previous.c || compareTuples(candidate, previous.c) > 0) next.c = candidate;
  }
  return next;
}

export type ActivityKind = 'any' | 'login' | 'money' | 'passwordReset' | 'deviceAdded';

const KIND_TEST: Record<ActivityKind, (entry: RecentEvent) => boolean> = {
  any: () => true,
  login: (entry) => entry.k === EVENT_KIND.login,
  money: (entry) => entry.a !== undefined,
  passwordReset: (entry) => entry.k === EVENT_KIND.password_reset,
  deviceAdded: (entry) => entry.k === EVENT_KIND.device_added,
};
const PREVIOUS_FIELD = { any: 'a', login: 'l', money: 'm', passwordReset: 'r', deviceAdded: 'd' } as const;

/** Time of the newest event of a kind at or before t (the log first, then what it forgot). */
export function lastTimeAtOrBefore(
  log: readonly RecentEvent[],
  previous: PreviousActivity,
  t: number,
  kind: ActivityKind,
): number | undefined {
  const test = KIND_TEST[kind];
  for (let i = log.length - 1; i >= 0; i--) {
    const entry = log[i]!;
    if (entry.t <= t && test(entry)) return entry.t;
  }
  const forgotten = previous[PREVIOUS_FIELD[kind]];
  return forgotten !== undefined && forgotten <= t ? forgotten : undefined;
}

/** The newest geo position at or before t: [time, lat, lon]. */
export function lastGeoAtOrBefore(log: readonly RecentEvent[], previous: PreviousActivity, t: number) {
  for (let i = log.length - 1; i >= 0; i--) {
    const entry = log[i]!;
    if (entry.t <= t && entry.g) return [entry.t, entry.g[0], entry.g[1]] as const;
  }
  return previous.g && previous.g[0] <= t ? previous.g : undefined;
}

/** The newest country at or before t: [time, country]. */
export function lastCountryAtOrBefore(log: readonly RecentEvent[], previous: PreviousActivity, t: number) {
  for (let i = log.length - 1; i >= 0; i--) {
    const entry = log[i]!;
    if (entry.t <= t && entry.c) return [entry.t, entry.c] as const;
  }
  return previous.c && previous.c[0] <= t ? previous.c : undefined;
}

export interface ShortWindowCounts {
  txn1m: number; txn10m: number; txn1h: number;
  card10m: number; card1h: number; smallCard10m: number; smallCard1h: number; cardNewMerchant10m: number; cardNewMerchant1h: number;
  transfersOut1h: number; amountOut1hMilli: number; failedLogins1h: number;
  cash1h: number; cashPlaces1h: number;
  /** Distinct payees of the hour's transfers out, and how many of those transfers went to a payee paid before that day. */
  transferPayees1h: number; transfersToKnownPayees1h: number;
  /** Small card payments without the card present at merchants first paid that day, repeats counted. */
  smallOnlineFresh10m: number; smallOnlineFresh1h: number;
}

/** What the log alone cannot say of its entries, answered from the rest of the state. */
export interface ShortWindowContext {
  /** The merchant was first paid with this payment. */
  merchantIsNewAt: (merchant: string, at: number) => boolean;
  /** The merchant was first paid that day (or now): not known for a day yet. */
  merchantIsFreshAt: (merchant: string, at: number) => boolean;
  /** The card payment was made without the card present. */
  notPresentAt: (merchant: string, at: number) => boolean;
  /** The payee was paid before the day of this transfer. */
  payeeWasKnownAt: (payee: string, at: number) => boolean;
}

/**
 * Where cash was drawn, to about 100 m: a cash machine is one position, so four withdrawals there
 * (a per-withdrawal limit, paying for a car in cash) are one place, and four machines across town
 * are four. A withdrawal sent without a position is one unknown place, however many there are, so
 * a sender that omits geo never makes places out of one machine.
 */
function cashPlace(entry: RecentEvent): string {
  return entry.g ? `${entry.g[0].toFixed(3)},${entry.g[1].toFixed(3)}` : '?';
}

const OUTGOING_KINDS: ReadonlySet<number> = new Set([
  EVENT_KIND.card_payment, EVENT_KIND.transfer_out, EVENT_KIND.cash_withdrawal,
  EVENT_KIND.bill_payment, EVENT_KIND.loan_repayment,
]);

/** Exact counts over the closed windows [t − W, t] for W ≤ 1 h. */
export function shortWindowCounts(
  log: readonly RecentEvent[],
  t: number,
  { merchantIsNewAt, merchantIsFreshAt, notPresentAt, payeeWasKnownAt }: ShortWindowContext,
): ShortWindowCounts {
  const counts: ShortWindowCounts = {
    txn1m: 0, txn10m: 0, txn1h: 0, card10m: 0, card1h: 0, smallCard10m: 0, smallCard1h: 0, cardNewMerchant10m: 0, cardNewMerchant1h: 0,
    transfersOut1h: 0, amountOut1hMilli: 0, failedLogins1h: 0, cash1h: 0, cashPlaces1h: 0,
    transferPayees1h: 0, transfersToKnownPayees1h: 0, smallOnlineFresh10m: 0, smallOnlineFresh1h: 0,
  };
  let cashPlaces: string[] | undefined;
  let payees: (string | undefined)[] | undefined;
  for (let i = log.length - 1; i >= 0; i--) {
    const entry = log[i]!;
    const age = t - entry.t;
    if (age < 0) continue;
    if (age > WINDOW_SECONDS['1h']) break;
    const in10m = age <= WINDOW_SECONDS['10m'];
    if (entry.k === EVENT_KIND.login_failed) counts.failedLogins1h++;
    if (entry.a === undefined) continue;
    counts.txn1h++;
    if (in10m) counts.txn10m++;
    if (age <= WINDOW_SECONDS['1m']) counts.txn1m++;
    if (OUTGOING_KINDS.has(entry.k)) counts.amountOut1hMilli += entry.a;
    if (entry.k === EVENT_KIND.transfer_out) {
      counts.transfersOut1h++;
      payees ??= [];
      if (!payees.includes(entry.m)) payees.push(entry.m);
      if (entry.m !== undefined && payeeWasKnownAt(entry.m, entry.t)) counts.transfersToKnownPayees1h++;
    }
    if (entry.k === EVENT_KIND.cash_withdrawal) {
      counts.cash1h++;
      const place = cashPlace(entry);
      cashPlaces ??= [];
      if (!cashPlaces.includes(place)) cashPlaces.push(place);
    }
    if (entry.k !== EVENT_KIND.card_payment) continue;
    counts.card1h++;
    const small = entry.a <= SMALL_CARD_PAYMENT_MILLI;
    const newMerchant = entry.m !== undefined && merchantIsNewAt(entry.m, entry.t);
    // A tester runs a stolen number through one donation page again and again: each payment
    // counts while the merchant is new that day, not only the first.
    const smallOnlineFresh = small && entry.m !== undefined && notPresentAt(entry.m, entry.t) && merchantIsFreshAt(entry.m, entry.t);
    if (small) counts.smallCard1h++;
    if (newMerchant) counts.cardNewMerchant1h++;
    if (smallOnlineFresh) counts.smallOnlineFresh1h++;
    if (!in10m) continue;
    counts.card10m++;
    if (small) counts.smallCard10m++;
    if (newMerchant) counts.cardNewMerchant10m++;
    if (smallOnlineFresh) counts.smallOnlineFresh10m++;
  }
  counts.cashPlaces1h = cashPlaces?.length ?? 0;
  counts.transferPayees1h = payees?.length ?? 0;
  return counts;
}

/**
 * Transfers out to one payee in the closed hour [t − 1 h, t], the current one included: a scam
 * victim is talked into paying one new account again and again ("split it, the limit is 2,000").
 */
export function transfersToPayeeWithinHour(log: readonly RecentEvent[], payee: string, t: number): { count: number; amountMilli: number } {
  let count = 0;
  let amountMilli = 0;
  for (let i = log.length - 1; i >= 0; i--) {
    const entry = log[i]!;
    const age = t - entry.t;
    if (age < 0) continue;
    if (age > WINDOW_SECONDS['1h']) break;
    if (entry.k !== EVENT_KIND.transfer_out || entry.m !== payee) continue;
    count++;
    amountMilli += entry.a ?? 0;
  }
  return { count, amountMilli };
}

function insertionPoint(log: readonly RecentEvent[], entry: RecentEvent): number {
  let lo = 0;
  let hi = log.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareRecent(log[mid]!, entry) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function newer(current: number | undefined, candidate: number): number {
  return current === undefined ? candidate : Math.max(current, candidate);
}

function compareText(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  return a < b ? -1 : 1;
}

function compareTuples(a: readonly (number | string)[], b: readonly (number | string)[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
