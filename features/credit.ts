import type { VigilEvent } from '../core/events/index.js';
import { DAY, wholeDays } from './windows.js';

// A customer's credit as the lending systems report it: missed instalments (and the repayments
// that cure them), direct debits returned unpaid, balance snapshots of credit lines, and cash
// drawn on a credit card. What is kept is small and bounded; every read judges by time, so the
// early warning also moves on a review when nothing arrives (arrears age day by day).

/** [time, days past due as reported, product key] */
export type MissedRepayment = [t: number, daysPastDue: number, product: string];
/** [product key ('' for a repayment naming no product), time of the newest repayment] */
export type Repayment = [product: string, t: number];
/** [time, product key, amount owed in thousandths, limit in thousandths] */
export type CreditLineSnapshot = [t: number, product: string, owedMilli: number, limitMilli: number];

export interface CreditState {
  /** missed instalments, oldest first */ m: MissedRepayment[];
  /** newest repayment per product */ p: Repayment[];
  /** direct debits returned, times, oldest first */ r: number[];
  /** snapshots of lines with a limit, oldest first, one per line and day */ b: CreditLineSnapshot[];
  /** cash advances [time, amount in thousandths], oldest first */ c: [number, number][];
  /**
   * The lines in `b` that are an account's arranged overdraft rather than a card (product keys,
   * sorted): a snapshot's row cannot grow without old readers rejecting the state, so this is a
   * key of its own, which old readers ignore (codec.ts).
   */
  o: string[];
}

export function emptyCreditState(): CreditState {
  return { m: [], p: [], r: [], b: [], c: [], o: [] };
}

export function isEmptyCredit(credit: CreditState): boolean {
  return credit.m.length + credit.p.length + credit.r.length + credit.b.length + credit.c.length + credit.o.length === 0;
}

/** What one event tells about credit, extracted with the other event facts. */
export type CreditFact =
  | { kind: 'missed'; product: string; daysPastDue: number }
  | { kind: 'returned' }
  | { kind: 'snapshot'; product: string; owedMilli: number; limitMilli: number | undefined; overdraft: boolean }
  | { kind: 'repaid'; product: string }
  | { kind: 'cash_advance'; amountMilli: number };

const OWED_ON_BALANCE: ReadonlySet<string> = new Set(['credit_card', 'loan', 'mortgage']);

export function creditFact(
  event: VigilEvent,
  productKey: (product: { type: string; id?: string | undefined }) => string,
  toMilli: (minor: number, currency: string) => number,
): CreditFact | undefined {
  switch (event.type) {
    case 'repayment_missed': return { kind: 'missed', product: productKey(event.product), daysPastDue: event.days_past_due };
    case 'direct_debit_returned': return { kind: 'returned' };
    case 'loan_repayment': return { kind: 'repaid', product: event.product ? productKey(event.product) : '' };
    case 'cash_withdrawal':
      return event.product?.type === 'credit_card' ? { kind: 'cash_advance', amountMilli: toMilli(event.amount_minor, event.currency) } : undefined;
    case 'balance_snapshot': {
      // A card or loan's balance is what is owed; an account's is what it holds, so only an overdraft is owed.
      const balance = toMilli(event.balance_minor, event.currency);
      const overdraft = !OWED_ON_BALANCE.has(event.product.type);
      const owedMilli = overdraft ? Math.max(0, -balance) : Math.max(0, balance);
      const limitMilli = event.credit_limit_minor === undefined ? undefined : toMilli(event.credit_limit_minor, event.currency);
      return { kind: 'snapshot', product: productKey(event.product), owedMilli, limitMilli, overdraft };
    }
    default: return undefined;
  }
}

const MISSED_KEPT = 12;
const MISSED_HISTORY = 400 * DAY;
const REPAYMENTS_KEPT = 8;
const RETURNED_KEPT = 12;
const RETURNED_HISTORY = 120 * DAY;
const SNAPSHOTS_KEPT = 32;
const SNAPSHOT_HISTORY = 120 * DAY;
const ADVANCES_KEPT = 16;
const ADVANCE_HISTORY = 60 * DAY;

/** Records one fact at time t; `newest` is the newest event time seen (what history is measured from). */
export function recordCredit(credit: CreditState, fact: CreditFact, t: number, newest: number): CreditState {
  switch (fact.kind) {
    case 'missed':
      return { ...credit, m: keepNewest(insertByTime(credit.m, [t, fact.daysPastDue, fact.product]), newest - MISSED_HISTORY, MISSED_KEPT) };
    case 'returned':
      return { ...credit, r: [...credit.r, t].sort((a, b) => a - b).filter((at) => at >= newest - RETURNED_HISTORY).slice(-RETURNED_KEPT) };
    case 'repaid': {
      const previous = credit.p.find(([product]) => product === fact.product);
      if (previous && previous[1] >= t) return credit;
      const others = credit.p.filter(([product]) => product !== fact.product);
      return { ...credit, p: [...others, [fact.product, t] as Repayment].sort((a, b) => a[1] - b[1]).slice(-REPAYMENTS_KEPT) };
    }
    case 'cash_advance':
      return { ...credit, c: keepNewest(insertByTime(credit.c, [t, fact.amountMilli]), newest - ADVANCE_HISTORY, ADVANCES_KEPT) };
    case 'snapshot': {
      if (fact.limitMilli === undefined || fact.limitMilli <= 0) return credit;
      // A line reported several times a day keeps the day's latest figure.
      const day = Math.floor(t / DAY);
      const sameDay = (at: number, product: string) => product === fact.product && Math.floor(at / DAY) === day;
      if (credit.b.some(([at, product]) => sameDay(at, product) && at > t)) return credit;
      const kept = credit.b.filter(([at, product]) => !sameDay(at, product));
      const entry: CreditLineSnapshot = [t, fact.product, fact.owedMilli, fact.limitMilli];
      const b = keepNewest(insertByTime(kept, entry), newest - SNAPSHOT_HISTORY, SNAPSHOTS_KEPT);
      const overdrafts = fact.overdraft && !credit.o.includes(fact.product) ? [...credit.o, fact.product].sort() : credit.o;
      return { ...credit, b, o: overdrafts.filter((product) => b.some((line) => line[1] === product)) };
    }
  }
}

function insertByTime<T extends [number, ...unknown[]]>(entries: readonly T[], entry: T): T[] {
  const next = [...entries, entry];
  next.sort((a, b) => a[0] - b[0]);
  return next;
}

function keepNewest<T extends [number, ...unknown[]]>(entries: T[], oldest: number, cap: number): T[] {
  return entries.filter(([t]) => t >= oldest).slice(-cap);
}

export interface CreditFeatures {
  days_past_due: number;
  repayments_missed_90d: number;
  repayments_missed_365d: number;
  direct_debits_returned_30d: number;
  direct_debits_returned_90d: number;
  credit_utilisation: number;
  credit_utilisation_change_30d: number;
  credit_owed_growth_30d: number;
  overdraft_utilisation: number;
  cash_advances_30d: number;
  cash_advance_amount_30d: number;
}

/** Arrears older than this without a new report are taken as settled by a system that stopped reporting. */
const ARREARS_REPORT_LIFETIME = 120 * DAY;
/** A line's snapshot counts for utilisation this long after it was taken (statements are monthly). */
const SNAPSHOT_VALID = 45 * DAY;
const THIRTY_DAYS = 30 * DAY;

/** What a customer the lending systems never reported on reads as: most customers, at most events. */
const NO_CREDIT_FEATURES: Readonly<CreditFeatures> = Object.freeze({
  days_past_due: 0, repayments_missed_90d: 0, repayments_missed_365d: 0, direct_debits_returned_30d: 0, direct_debits_returned_90d: 0,
  credit_utilisation: -1, credit_utilisation_change_30d: 0, credit_owed_growth_30d: 0, overdraft_utilisation: -1, cash_advances_30d: 0, cash_advance_amount_30d: 0,
});

export function creditFeatures(credit: CreditState, t: number): Readonly<CreditFeatures> {
  if (isEmptyCredit(credit)) return NO_CREDIT_FEATURES;
  const lines = owedAt(credit.b, t);
  const linesBefore = owedAt(credit.b, t - THIRTY_DAYS);
  const now = lines && lines.owed / lines.limit;
  const before = linesBefore && linesBefore.owed / linesBefore.limit;
  const advances = credit.c.filter(([at]) => within(at, t, THIRTY_DAYS));
  return {
    days_past_due: daysPastDue(credit, t),
    repayments_missed_90d: instalmentsMissed(credit, t, 90 * DAY),
    repayments_missed_365d: instalmentsMissed(credit, t, 365 * DAY),
    direct_debits_returned_30d: credit.r.filter((at) => within(at, t, THIRTY_DAYS)).length,
    direct_debits_returned_90d: credit.r.filter((at) => within(at, t, 90 * DAY)).length,
    credit_utilisation: now ?? -1,
    credit_utilisation_change_30d: now === undefined || before === undefined ? 0 : now - before,
    credit_owed_growth_30d: lines === undefined || linesBefore === undefined ? 0 : (lines.owed - linesBefore.owed) / lines.limit,
    overdraft_utilisation: credit.o.length === 0 ? -1 : utilisationAt(credit.b.filter(([, product]) => credit.o.includes(product)), t) ?? -1,
    cash_advances_30d: advances.length,
    cash_advance_amount_30d: advances.reduce((sum, [, milli]) => sum + milli, 0) / 1000,
  };
}

/**
 * How overdue the customer is now: per product, the newest report not followed by a repayment
 * of that product (or one naming none), aged by the days since it was reported; the worst product.
 */
function daysPastDue(credit: CreditState, t: number): number {
  let worst = 0;
  const newestPerProduct = new Map<string, MissedRepayment>();
  for (const missed of credit.m) if (within(missed[0], t, ARREARS_REPORT_LIFETIME)) newestPerProduct.set(missed[2], missed);
  for (const [product, [at, reported]] of newestPerProduct) {
    const cured = credit.p.some(([repaid, repaidAt]) => (repaid === product || repaid === '') && repaidAt > at && repaidAt <= t);
    if (!cured) worst = Math.max(worst, reported + wholeDays(t - at));
  }
  return worst;
}

/** In the window of `window` seconds that ends at t: later entries (a review of the past) do not count. */
function within(at: number, t: number, window: number): boolean {
  return at <= t && at > t - window;
}

/** Reports of one overdue instalment closer than this are that instalment reported again. */
const SAME_INSTALMENT_SECONDS = 25 * DAY;
/** Due dates (report time − days past due) this close are one due date: reports round to days. */
const SAME_DUE_DATE_SECONDS = 3 * DAY;

/**
 * Instalments missed in the window, not reports of them. Lending systems report an arrear again as
 * it ages (2, then 12, then 30 days past due): a report for the same product whose due date is that
 * of the one before, uncured since, and less than a billing cycle after the last one counted, is
 * the same instalment. A cycle on, the next instalment has fallen due unpaid too (30 days past due
 * is two instalments behind), and a report after a repayment is a new miss.
 */
function instalmentsMissed(credit: CreditState, t: number, window: number): number {
  const arrears = new Map<string, { due: number; countedAt: number; reportedAt: number }>();
  let count = 0;
  for (const [at, daysPastDue, product] of credit.m) {
    if (!within(at, t, window)) continue;
    const due = at - daysPastDue * DAY;
    const open = arrears.get(product);
    const curedSince = open !== undefined
      && credit.p.some(([repaid, repaidAt]) => (repaid === product || repaid === '') && repaidAt > open.reportedAt && repaidAt <= at);
    const reportedAgain = open !== undefined && !curedSince
      && Math.abs(due - open.due) <= SAME_DUE_DATE_SECONDS && at - open.countedAt < SAME_INSTALMENT_SECONDS;
    if (reportedAgain) {
      open.reportedAt = at;
      continue;
    }
    count++;
    arrears.set(product, { due, countedAt: at, reportedAt: at });
  }
  return count;
}

/** Owed over limits across the lines with a snapshot valid at t; undefined when there is none. */
function utilisationAt(snapshots: readonly CreditLineSnapshot[], t: number): number | undefined {
  const lines = owedAt(snapshots, t);
  return lines && lines.owed / lines.limit;
}

/** What the lines with a valid snapshot at t owed, and their limits together; undefined with none. */
function owedAt(snapshots: readonly CreditLineSnapshot[], t: number): { owed: number; limit: number } | undefined {
  const latest = new Map<string, CreditLineSnapshot>();
  for (const snapshot of snapshots) if (within(snapshot[0], t, SNAPSHOT_VALID)) latest.set(snapshot[1], snapshot);
  if (latest.size === 0) return undefined;
  let owed = 0;
  let limit = 0;
  for (const [, , o, l] of latest.values()) {
    owed += o;
    limit += l;
  }
  return { owed, limit };
}
