import type { HoursOfDay } from './hoursOfDay.js';
import type { AmountBaselines } from './amountBaselines.js';
import type { Buckets } from './buckets.js';
import { emptyCreditState, type CreditState } from './credit.js';
import { emptySeenSet } from './distinct.js';
import type { SessionMarks } from './session.js';
import type { CounterpartyFlow } from './borrowing.js';
import type { NewPayeeRun } from './newPayees.js';
import type { OnlineCardPayment } from './onlineCard.js';
import type { OwnMoneyIn } from './ownMoneyIn.js';

// The per-customer feature state, stored by the caller (one Redis value per customer) and
// encoded compactly by codec.ts. In memory all times are absolute epoch seconds; short keys keep
// the code that touches them close to what is stored. Bump `v` whenever a field changes meaning:
// an unknown version decodes as an empty state; codec.ts says which older versions it still reads
// (version 3 added sighting counts, networks, payers, amount baselines, session marks and reactivations).

/** One recent event, kept exactly for the ≤ 1 h windows and "since the previous …" features. */
export interface RecentEvent {
  t: number;
  /** EVENT_KIND code. */
  k: number;
  /** Amount in thousandths of a major unit (money events only). */
  a?: number;
  /**
   * Counterparty key (hash): the merchant of a card payment, the payee of a transfer out. One slot
   * for both keeps the stored row as it was (the kind says which); readers before payees were
   * kept here read it for card payments only.
   */
  m?: string;
  /** Country where the customer was (geo, else merchant). */
  c?: string;
  /** Geo position [lat, lon]. */
  g?: [number, number];
}

/**
 * The newest event of each kind that has left the recent log (by age or by its cap), so "since
 * the previous login" still has an answer after the log forgot it.
 */
export interface PreviousActivity {
  /** any event */ a?: number;
  /** login */ l?: number;
  /** money event */ m?: number;
  /** password reset */ r?: number;
  /** device added */ d?: number;
  /** event with a geo position: [t, lat, lon] */ g?: [number, number, number];
  /** event with a country: [t, country] */ c?: [number, string];
}

/**
 * Keys seen and when (distinct.ts): `keys[i]` was first seen at `times[3i]`, last seen at
 * `times[3i + 1]`, `times[3i + 2]` times; in the order first recorded.
 */
export interface SeenSet {
  keys: string[];
  times: number[];
}

export interface SeenSets {
  /** merchants */ m: SeenSet;
  /** merchant category codes */ k: SeenSet;
  /** countries */ c: SeenSet;
  /** devices */ d: SeenSet;
  /** payees */ p: SeenSet;
  /** networks the customer came from: IPv4 /24, IPv6 /48 */ n: SeenSet;
  /** payers of incoming transfers */ i: SeenSet;
  /** payee accounts paid (a saved payee's account can change) */ a: SeenSet;
  /** payees' names, as paid (a payee saved again under the same name keeps it) */ q: SeenSet;
}

/** [time of the money event that ended a silence, whole days of that silence] */
export type Reactivation = [t: number, idleDays: number];
export type SeenSetName = keyof SeenSets;

/** [key, last event time, status bits: 1 opened, 2 resolved] */
export type ComplaintEntry = [key: string, last: number, status: number];

export interface CustomerFeatureState {
  v: 3;
  /** Newest occurred_at seen: lateness and pruning are measured from it. */
  n: number;
  /** Oldest occurred_at seen (customer age). */
  f: number;
  /** Events recorded, lifetime. */
  e: number;
  /** Products opened / closed, lifetime. */
  po: number;
  pc: number;
  /** Recent events, oldest first (recentLog.ts). */
  r: RecentEvent[];
  p: PreviousActivity;
  /** 1-hour buckets (HOUR_FIELD) and 1-day buckets (DAY_FIELD), oldest first, end to end (buckets.ts). */
  h: Buckets;
  d: Buckets;
  s: SeenSets;
  /** Salary credit times, the newest 16, oldest first. */
  sal: number[];
  cp: ComplaintEntry[];
  /** Recent outgoing amounts per spending group (amountBaselines.ts). */
  b: AmountBaselines;
  /** Session context: newest times of access changes (session.ts). */
  sm: SessionMarks;
  /** Silences of 30 days or more and when they ended, the newest 2. */
  rv: Reactivation[];
  /** What the lending systems reported: arrears, returned debits, credit lines, cash advances (credit.ts). */
  cr: CreditState;
  /** Card payments without the card present in the last six hours, with the merchant's country (onlineCard.ts). */
  oc: OnlineCardPayment[];
  /** The customer's own events per UTC hour of the day (hoursOfDay.ts). */
  hd: HoursOfDay;
  /** Transfers to each payee first paid in the last 90 days: count, total, largest (newPayees.ts). */
  np: NewPayeeRun[];
  /** Money moved in from the customer's own accounts, 90 days (ownMoneyIn.ts). */
  oi: OwnMoneyIn[];
  /** Money received by transfer in the last 90 days, and paid back to those who sent it (borrowing.ts). */
  cf: CounterpartyFlow[];
}

export function emptyFeatureState(): CustomerFeatureState {
  return {
    v: 3, n: 0, f: 0, e: 0, po: 0, pc: 0, r: [], p: {}, h: [], d: [],
    s: { m: emptySeenSet(), k: emptySeenSet(), c: emptySeenSet(), d: emptySeenSet(), p: emptySeenSet(), n: emptySeenSet(), i: emptySeenSet(), a: emptySeenSet(), q: emptySeenSet() },
    sal: [], cp: [], b: {}, sm: {}, rv: [], cr: emptyCreditState(), oc: [], hd: [], np: [], oi: [], cf: [],
  };
}
