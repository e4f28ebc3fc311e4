import type { EventFacts } from './eventFacts.js';
import { keepInOrder } from './keptInOrder.js';
import { DAY } from './windows.js';

// Money borrowed and paid back with more. A payday lender pays 300 in, and three or four weeks
// later takes 345 back; a customer who cannot repay from their income borrows from a second lender
// to repay the first, then from a third, each new loan arriving about when an old one falls due,
// while the overdraft fills. No lending system of the bank reports these loans: what shows is
// money received from a counterparty and later paid back to that same counterparty with 3–40 %
// more (interest and fees), from several counterparties within a couple of months.
//
// Look-alikes: a friend's loan comes back at par; flatmates settling shared bills send each other
// unrelated amounts, often when nothing is owed or far more than was received; a family member is
// repaid at par or in small instalments over months; a buy-now-pay-later provider collects
// instalments of a purchase but never paid anything in.
//
// The flows are kept as they came (the ledger of each counterparty is replayed when features are
// read), so what is read depends on the events, not the order they arrived in. The recent log
// keeps payees only for an hour and no payers, and its rows cannot grow without old readers
// rejecting the state, so the flows have a key of their own that old readers ignore (codec.ts).

/** [time, counterparty (its id's key, else its account's), its account's key ('' without), thousandths: + received from it, − paid to it] */
export type CounterpartyFlow = [t: number, counterparty: string, account: string, milli: number];

/** Flows kept: the newest; a customer exchanges money with few people in a quarter. */
export const FLOWS_KEPT = 24;
/** A short-term loan is repaid within weeks; a quarter holds the loan and its repayment. */
export const FLOW_HISTORY_SECONDS = 90 * 86_400;
/** Lenders repaid with a fee are counted over this: the couple of months a spiral takes to show. */
const LENDERS_WINDOW_SECONDS = 60 * 86_400;
/** A payment this soon after money came in does not repay it: a loan runs for weeks, a split bill is settled the same day. */
const REPAYMENT_AFTER_SECONDS = DAY;

// Paid back against received, in per cent. Within 3 % is the sum lent, rounded (a friend's loan);
// 3–40 % more is a loan's interest and fees (a payday loan to the next payday costs 10–30 %; the
// UK caps it at 0.8 % a day, 24 % over a month); beyond that the payment is for something else
// than the money received. The wider 3–60 % first tried let a third more of the simulator's
// genuine back-and-forth between friends through, and caught no more spirals.
const PAR_FROM = 97;
const FEE_FROM = 103;
const FEE_TO = 140;

/** Whether two flows are with the same counterparty: the same id, or the same account when the ids differ. */
function sameCounterparty(a: CounterpartyFlow, counterparty: string, account: string): boolean {
  return a[1] === counterparty || (account !== '' && a[2] === account);
}

/**
 * The flow an event adds: money received by transfer from someone other than the customer, or paid
 * by transfer to someone who sent money at least a day before (only those can repay a loan: rent,
 * shops and family paid without ever paying in are not kept).
 */
export function flowOf(
  flows: readonly CounterpartyFlow[],
  facts: Pick<EventFacts, 't' | 'type' | 'amountMilli' | 'payer' | 'payerAccount' | 'fromOwnAccount' | 'payee' | 'payeeAccount' | 'ownAccount'>,
): CounterpartyFlow | undefined {
  if (facts.type === 'transfer_in' && facts.payer !== undefined && !facts.fromOwnAccount) {
    return [facts.t, facts.payer, facts.payerAccount ?? '', facts.amountMilli];
  }
  if (facts.type === 'transfer_out' && facts.payee !== undefined && !facts.ownAccount) {
    const account = facts.payeeAccount ?? '';
    const lentBefore = flows.some((flow) => flow[3] > 0 && flow[0] <= facts.t - REPAYMENT_AFTER_SECONDS && sameCounterparty(flow, facts.payee!, account));
    return lentBefore ? [facts.t, facts.payee, account, -facts.amountMilli] : undefined;
  }
  return undefined;
}

/**
 * Adds the event's flow, if any, in time order (ties by content, so arrival order does not
 * matter), and forgets flows older than the quarter before `newest` less the allowed lateness,
 * then the oldest beyond the cap. Whether a payment repays anyone is judged on the flows kept.
 */
export function recordCounterpartyFlow(
  flows: readonly CounterpartyFlow[], facts: Parameters<typeof flowOf>[1], newest: number, lateness: number,
): CounterpartyFlow[] {
  const oldest = newest - lateness - FLOW_HISTORY_SECONDS;
  const kept = keepInOrder(flows, undefined, oldest, FLOWS_KEPT, compareFlows);
  return keepInOrder(kept, flowOf(kept, facts), oldest, FLOWS_KEPT, compareFlows);
}

/** By time, then content: one order whatever the arrival order. */
export function compareFlows(a: CounterpartyFlow, b: CounterpartyFlow): number {
  return a[0] - b[0] || text(a[1], b[1]) || text(a[2], b[2]) || a[3] - b[3];
}

function text(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface BorrowingFeatures {
  lenders_repaid_with_fee_60d: number;
  repayments_near_new_loans_60d: number;
}

const NO_BORROWING: Readonly<BorrowingFeatures> = Object.freeze({ lenders_repaid_with_fee_60d: 0, repayments_near_new_loans_60d: 0 });

/**
 * A repayment this close to new money from a lender (the same or another) was made with it, or
 * left the customer so short that they borrowed again at once: the loan was recycled, not repaid.
 */
const NEAR_NEW_LOAN_SECONDS = 7 * DAY;

/**
 * Lenders are counterparties whose money the customer paid back with a fee, whose dealings with
 * the customer began with their money, and who were never paid in a way no lender is (when
 * nothing was owed, or far more than was received), in the quarter ending at t: how many were
 * repaid in the last 60 days, and how many of those repayments came within a week of a new loan
 * from a lender.
 */
export function borrowingFeatures(flows: readonly CounterpartyFlow[], t: number, history: CounterpartyHistory): Readonly<BorrowingFeatures> {
  const quarter = flows.filter(([at]) => within(at, t, FLOW_HISTORY_SECONDS));
  // Most customers paid nothing back to anyone who paid them: nothing to replay.
  if (!quarter.some((flow) => flow[3] < 0)) return NO_BORROWING;
  let lenders = 0;
  const repayments: FeePaid[] = [];
  const loans: number[] = [];
  for (const own of byCounterparty(quarter)) {
    if (paidBeforeLending(own, history)) continue;
    const repaidWithFee = feesPaid(own);
    if (repaidWithFee === undefined || repaidWithFee.length === 0) continue;
    if (repaidWithFee.some(({ at }) => within(at, t, LENDERS_WINDOW_SECONDS))) lenders++;
    repayments.push(...repaidWithFee);
    for (const [at, , , milli] of own) if (milli > 0) loans.push(at);
  }
  const nearNewLoan = repayments.filter(({ at, loans: repaid }) => within(at, t, LENDERS_WINDOW_SECONDS)
    && loans.some((loan) => Math.abs(loan - at) <= NEAR_NEW_LOAN_SECONDS && !repaid.includes(loan)));
  return { lenders_repaid_with_fee_60d: lenders, repayments_near_new_loans_60d: nearNewLoan.length };
}

/**
 * When the customer first paid a counterparty (by its key, or at its account) and when it first
 * paid them in, as the seen sets remember (400 days): older than the quarter of flows kept here.
 */
export interface CounterpartyHistory {
  firstPaid(counterparty: string): number | undefined;
  firstPaidAt(account: string): number | undefined;
  firstReceived(counterparty: string): number | undefined;
}

/**
 * A lender's dealings with the customer begin with its loan. Someone the customer paid before (or
 * within a day of) their first money came in is someone they settle up with: a flatmate, a friend,
 * family, a shop that refunded them.
 */
function paidBeforeLending(flows: readonly CounterpartyFlow[], history: CounterpartyHistory): boolean {
  let firstIn = Infinity;
  let firstOut = Infinity;
  for (const [at, counterparty, account, milli] of flows) {
    if (milli > 0) firstIn = Math.min(firstIn, at, history.firstReceived(counterparty) ?? Infinity);
    firstOut = Math.min(firstOut, history.firstPaid(counterparty) ?? Infinity, (account === '' ? undefined : history.firstPaidAt(account)) ?? Infinity);
  }
  return firstOut < firstIn + REPAYMENT_AFTER_SECONDS;
}

/** A repayment with a fee: when, and when the loans it repaid came in. */
interface FeePaid {
  at: number;
  loans: number[];
}

/**
 * The counterparty's account with the customer, replayed in time order: what it sent is owed,
 * oldest first; a payment repays the oldest loans due (received a day or more before), at par or
 * with a fee, or part of them. Answers when loans were repaid with a fee, or undefined when the
 * counterparty is no lender: paid when nothing was due, or more than 40 % over all that was due.
 * Payments before its first money in the quarter may repay a loan from before it, and are passed over.
 */
function feesPaid(flows: readonly CounterpartyFlow[]): FeePaid[] | undefined {
  const open: [t: number, milli: number][] = [];
  const repaidWithFee: FeePaid[] = [];
  let paid = 0;
  for (const [at, , , milli] of flows) {
    if (milli > 0) {
      open.push([at, milli]);
      continue;
    }
    if (!receivedBefore(flows, at)) continue;
    const due = open.filter(([received]) => received <= at - REPAYMENT_AFTER_SECONDS).length;
    if (due === 0) return undefined;
    paid += -milli;
    let owed = 0;
    let settled = 0;
    for (let k = 0; k < due; k++) {
      owed += open[k]![1];
      if (paid * 100 > owed * FEE_TO) continue;
      if (paid * 100 >= owed * FEE_FROM) repaidWithFee.push({ at, loans: open.slice(0, k + 1).map(([received]) => received) });
      if (paid * 100 >= owed * PAR_FROM) settled = k + 1;
      break;
    }
    if (settled > 0) {
      open.splice(0, settled);
      paid = 0;
    } else if (paid * 100 > owed * FEE_TO) {
      return undefined;
    }
  }
  return repaidWithFee;
}

/** Whether the counterparty had sent money a day or more before `at` (flows are in time order). */
function receivedBefore(flows: readonly CounterpartyFlow[], at: number): boolean {
  return flows.some(([received, , , milli]) => milli > 0 && received <= at - REPAYMENT_AFTER_SECONDS);
}

/** The flows grouped by counterparty: flows with the same id, or the same account, are one counterparty's. */
function byCounterparty(flows: readonly CounterpartyFlow[]): CounterpartyFlow[][] {
  const group = flows.map((_, i) => i);
  const root = (i: number): number => (group[i] === i ? i : (group[i] = root(group[i]!)));
  for (let i = 0; i < flows.length; i++) {
    for (let j = 0; j < i; j++) if (sameCounterparty(flows[j]!, flows[i]![1], flows[i]![2])) group[root(i)] = root(j);
  }
  const groups = new Map<number, CounterpartyFlow[]>();
  for (let i = 0; i < flows.length; i++) {
    const r = root(i);
    groups.set(r, [...(groups.get(r) ?? []), flows[i]!]);
  }
  return [...groups.values()];
}

/** In the window of `window` seconds that ends at t: later flows (a review of the past) do not count. */
function within(at: number, t: number, window: number): boolean {
  return at <= t && at > t - window;
}
