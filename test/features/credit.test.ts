import { describe, expect, it } from 'vitest';
import { decodeFeatureState, encodeFeatureState, featuresAt } from '../../features/index.js';
import { DAY, HOUR, T0, ev, pay, replay } from './builders.js';

// Credit early warning from what the lending systems report. Pure: events in, features out.

const missed = (atMs: number, daysPastDue: number, product = 'loan-1') =>
  ev('repayment_missed', atMs, { days_past_due: daysPastDue, product: { type: 'loan', id: product } });
const repaid = (atMs: number, product = 'loan-1') => ev('loan_repayment', atMs, { product: { type: 'loan', id: product } });
const card = (atMs: number, balance: string, limit = '2000.00') =>
  ev('balance_snapshot', atMs, { balance, credit_limit: limit, product: { type: 'credit_card', id: 'cc-1' } });

describe('days past due', () => {
  it('ages an unpaid instalment day by day after it was reported, as a review would see it', () => {
    const { state, last } = replay([missed(T0, 5)]);
    expect(last.days_past_due).toBe(5);
    expect(featuresAt(state, T0 + 25 * DAY).days_past_due).toBe(30);
  });

  it('is cured by a repayment of that product, or one naming none; another product\'s repayment does not cure it', () => {
    expect(replay([missed(T0, 5), repaid(T0 + 2 * DAY)]).last.days_past_due).toBe(0);
    expect(replay([missed(T0, 5), ev('loan_repayment', T0 + 2 * DAY)]).last.days_past_due).toBe(0);
    expect(replay([missed(T0, 5), repaid(T0 + 2 * DAY, 'loan-2')]).last.days_past_due).toBe(7);
  });

  it('takes the worst product, and a repayment made before the report does not cure it', () => {
    const { last } = replay([repaid(T0 - DAY), missed(T0, 5), missed(T0 + HOUR, 40, 'loan-2')]);
    expect(last.days_past_due).toBe(40);
    expect(last.repayments_missed_90d).toBe(2);
  });

  it('counts missed repayments over 90 and 365 days, and forgets arrears no system has reported for 120 days', () => {
    const { state } = replay([missed(T0, 3), missed(T0 + 100 * DAY, 3, 'loan-2'), repaid(T0 + 101 * DAY, 'loan-2')]);
    const later = featuresAt(state, T0 + 130 * DAY);
    expect([later.repayments_missed_90d, later.repayments_missed_365d, later.days_past_due]).toEqual([1, 2, 0]);
  });
});

describe('instalments missed, not reports of them', () => {
  it('reads an arrear reported again as it ages as one instalment, until a billing cycle on the next one is behind too', () => {
    // Reported at 2, 12 and then 32 days past due: one due date. Ten days on it is the same
    // instalment; thirty days on the next instalment has fallen due unpaid as well.
    const { results } = replay([missed(T0, 2), missed(T0 + 10 * DAY, 12), missed(T0 + 30 * DAY, 32)]);
    expect(results.map((r) => r.features.repayments_missed_90d)).toEqual([1, 1, 2]);
  });

  it('counts a report after a repayment, a new due date, and another product as misses of their own', () => {
    expect(replay([missed(T0, 5), repaid(T0 + 2 * DAY), missed(T0 + 6 * DAY, 3)]).last.repayments_missed_90d).toBe(2);
    expect(replay([missed(T0, 5), missed(T0 + 10 * DAY, 4)]).last.repayments_missed_90d).toBe(2);
    expect(replay([missed(T0, 5), missed(T0 + 2 * DAY, 7, 'loan-2')]).last.repayments_missed_90d).toBe(2);
  });
});

describe('credit utilisation', () => {
  it('is owed over limit of the newest snapshot, with its change over 30 days', () => {
    const { last } = replay([card(T0, '500.00'), card(T0 + 30 * DAY, '1900.00')]);
    expect(last.credit_utilisation).toBeCloseTo(0.95);
    expect(last.credit_utilisation_change_30d).toBeCloseTo(0.7);
  });

  it('is steady for a customer who spends near the limit and pays in full every month', () => {
    const events = Array.from({ length: 4 }, (_, month) => card(T0 + month * 30 * DAY, month % 2 ? '1700.00' : '1650.00'));
    const { last } = replay(events);
    expect(last.credit_utilisation).toBeCloseTo(0.85);
    expect(Math.abs(last.credit_utilisation_change_30d as number)).toBeLessThan(0.05);
  });

  it('says how much more is owed than 30 days before, over the limits now: a limit spent again, not a limit cut', () => {
    // Paid down to 20, then owing 3,860 on a 2,000 card: the limit spent twice.
    expect(replay([card(T0, '20.00'), card(T0 + 30 * DAY, '3860.00')]).last.credit_owed_growth_30d).toBeCloseTo(1.92);
    // The bank halves the limit of a card owing 1,700: utilisation 1.7, nothing more owed.
    const cut = replay([card(T0, '1700.00', '2000.00'), card(T0 + 30 * DAY, '1710.00', '1000.00')]).last;
    expect(cut.credit_utilisation).toBeCloseTo(1.71);
    expect(cut.credit_owed_growth_30d).toBeCloseTo(0.01);
  });

  it('counts an arranged overdraft in use, not an account in credit; −1 without a snapshot in 45 days', () => {
    const overdraft = (atMs: number, balance: string) => ev('balance_snapshot', atMs, { product: { type: 'current_account' }, balance, credit_limit: '1000.00' });
    expect(replay([overdraft(T0, '-400.00')]).last.credit_utilisation).toBeCloseTo(0.4);
    expect(replay([overdraft(T0, '2500.00')]).last.credit_utilisation).toBe(0);
    const { state } = replay([card(T0, '500.00')]);
    expect(featuresAt(state, T0 + 46 * DAY).credit_utilisation).toBe(-1);
    expect(featuresAt(state, T0 + 46 * DAY).credit_utilisation_change_30d).toBe(0);
  });

  it('keeps a line\'s latest figure of the day, whatever order the day\'s snapshots arrive in', () => {
    const late = featuresAt(replay([card(T0 + 10 * HOUR, '1500.00'), card(T0 + 2 * HOUR, '100.00')]).state, T0 + 11 * HOUR);
    const inOrder = featuresAt(replay([card(T0 + 2 * HOUR, '100.00'), card(T0 + 10 * HOUR, '1500.00')]).state, T0 + 11 * HOUR);
    expect(late.credit_utilisation).toBeCloseTo(0.75);
    expect(inOrder.credit_utilisation).toBeCloseTo(0.75);
  });
});

describe('what a credit report is not', () => {
  it('moves no money: a missed instalment and a returned debit count in no spending, transaction or dormancy figure', () => {
    const { last } = replay([pay(T0, '20.00'), missed(T0 + HOUR, 5), ev('direct_debit_returned', T0 + 2 * HOUR), card(T0 + 3 * HOUR, '100.00')]);
    expect([last.txn_count_24h, last.amount_out_24h, last.direct_debits_returned_30d]).toEqual([1, 20, 1]);
  });
});

describe('cash advances, gambling and income', () => {
  it('counts cash drawn on a credit card, not on the current account', () => {
    const { last } = replay([
      ev('cash_withdrawal', T0, { amount: '200.00', product: { type: 'credit_card', id: 'cc-1' } }),
      ev('cash_withdrawal', T0 + DAY, { amount: '50.00' }),
      ev('cash_withdrawal', T0 + 2 * DAY, { amount: '300.00', product: { type: 'credit_card', id: 'cc-1' } }),
    ]);
    expect([last.cash_advances_30d, last.cash_advance_amount_30d]).toEqual([2, 500]);
  });

  it('gives the share of spending at betting shops and casinos', () => {
    const bet = (atMs: number) => pay(atMs, '75.00', 'bookie-1', { merchant: { id: 'bookie-1', mcc: '7995', country: 'DE' } });
    expect(replay([pay(T0, '25.00'), bet(T0 + DAY)]).last.gambling_share_30d).toBeCloseTo(0.75);
  });

  it('sees income falling: the last 30 days against the 90-day rate', () => {
    const salary = (atMs: number) => ev('salary_credit', atMs, { amount: '3000.00' });
    const { state } = replay([salary(T0), salary(T0 + 30 * DAY), salary(T0 + 60 * DAY)]);
    expect(featuresAt(state, T0 + 61 * DAY).income_trend_30d_vs_90d).toBeCloseTo(1);
    expect(featuresAt(state, T0 + 95 * DAY).income_trend_30d_vs_90d).toBe(0);
  });
});

describe('a customer the lending systems never reported on', () => {
  it('reads as one whose only report is long forgotten: nothing owed, no utilisation', () => {
    const never = featuresAt(replay([pay(T0)]).state, T0 + DAY);
    const forgotten = featuresAt(replay([pay(T0), repaid(T0 - 500 * DAY)]).state, T0 + DAY);
    const credit = (features: Record<string, number | boolean>) => Object.fromEntries(Object.entries(features).filter(([name]) => CREDIT_FEATURES.includes(name)));
    expect(credit(never)).toEqual(credit(forgotten));
    expect(credit(never)).toMatchObject({ days_past_due: 0, credit_utilisation: -1, cash_advance_amount_30d: 0 });
  });
});

const CREDIT_FEATURES = [
  'days_past_due', 'repayments_missed_90d', 'repayments_missed_365d', 'direct_debits_returned_30d', 'direct_debits_returned_90d',
  'credit_utilisation', 'credit_utilisation_change_30d', 'overdraft_utilisation', 'cash_advances_30d', 'cash_advance_amount_30d',
];

describe('stored credit state', () => {
  it('round-trips through the codec, and a state stored before credit existed reads as no credit history', () => {
    const { state } = replay([missed(T0, 5), repaid(T0 + DAY, 'loan-2'), ev('direct_debit_returned', T0 + 2 * DAY), card(T0 + 3 * DAY, '900.00'),
      ev('cash_withdrawal', T0 + 4 * DAY, { amount: '200.00', product: { type: 'credit_card', id: 'cc-1' } })]);
    expect(decodeFeatureState(encodeFeatureState(state))).toEqual(state);
    const before = JSON.parse(encodeFeatureState(replay([pay(T0)]).state));
    expect(before).not.toHaveProperty('cr');
    expect(decodeFeatureState(JSON.stringify(before)).cr).toEqual({ m: [], p: [], r: [], b: [], c: [], o: [] });
  });
});
