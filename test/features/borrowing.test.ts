import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { VigilEvent } from '../../core/events/index.js';
import { decodeFeatureState, DEFAULT_FEATURE_CONFIG, encodeFeatureState, featuresAt } from '../../features/index.js';
import { DAY, HOUR, T0, ev, replay } from './builders.js';

// Borrowing no lending system reports: money received by transfer and paid back to the same
// counterparty with more. Pure: events in, features out.

const VEXCASH = { id: 'cp-vexcash', account: 'DE53700700100205555500', country: 'DE' };
const CASHPER = { id: 'cp-cashper', account: 'MT31VALL22013000000040018823411', country: 'MT' };
const FERRATUM = { id: 'cp-ferratum', account: 'MT84MALT011000012345MTLCAST001S', country: 'MT' };
const FRIEND = { id: 'payee-jonas', account: 'DE02120300000000202051', country: 'DE' };
const FLATMATE = { id: 'payee-lena', account: 'DE44500105175407324931', country: 'DE' };

type Counterparty = Record<string, unknown>;
/** d days after T0, at 11:00 (loans) or 9:30 (repayments), as the blind scenario has them. */
const lent = (d: number, amount: string, counterparty: Counterparty) => ev('transfer_in', T0 + d * DAY + 11 * HOUR, { channel: 'open_banking', amount, counterparty });
const paid = (d: number, amount: string, counterparty: Counterparty) => ev('transfer_out', T0 + d * DAY + 9.5 * HOUR, { amount, counterparty });
const overdraft = (d: number, balance: string) => ev('balance_snapshot', T0 + d * DAY + 3 * HOUR, { product: { type: 'current_account', id: 'ca-1' }, balance, credit_limit: '800.00' });

const borrowing = (features: Record<string, number | boolean>) => [features.lenders_repaid_with_fee_60d, features.repayments_near_new_loans_60d];
const at = (events: readonly VigilEvent[], d: number) => borrowing(featuresAt(replay(events).state, T0 + d * DAY + 12 * HOUR));

/** The blind scenario's spiral (test/risk/blindScenarios4.test.ts), day 0 its first loan. */
const SPIRAL = [
  lent(0, '300.00', VEXCASH), lent(8, '500.00', CASHPER), lent(15, '400.00', FERRATUM),
  paid(30, '345.00', VEXCASH), lent(31, '500.00', VEXCASH),
  paid(38, '565.00', CASHPER), lent(38, '600.00', CASHPER),
  paid(45, '462.00', FERRATUM), lent(47, '700.00', FERRATUM),
];

describe('loans paid back with a fee', () => {
  it('counts each lender once it is paid back more than it lent, and the repayments made within a week of a new loan', () => {
    const { results } = replay(SPIRAL);
    expect(results.map((r) => r.features.lenders_repaid_with_fee_60d)).toEqual([0, 0, 0, 1, 1, 2, 2, 3, 3]);
    // Vexcash's repayment is recycled once it lends again the next day; Cashper's and Ferratum's
    // come within a week of the loan before them (Vexcash's, Cashper's).
    expect(results.map((r) => r.features.repayments_near_new_loans_60d)).toEqual([0, 0, 0, 0, 1, 2, 2, 3, 3]);
  });

  it('forgets a repayment after 60 days and a loan after 90', () => {
    expect(at(SPIRAL, 89)).toEqual([3, 3]);
    // Vexcash's first loan is gone, so its repayment repays a loan from before the quarter: passed over.
    expect(at(SPIRAL, 91)).toEqual([2, 2]);
    expect(at(SPIRAL, 100)).toEqual([1, 1]);
    expect(at(SPIRAL, 140)).toEqual([0, 0]);
  });

  it('reads a repayment in instalments as repaid when they add up to more than was lent', () => {
    const events = [lent(0, '400.00', FERRATUM), paid(14, '150.00', FERRATUM), paid(28, '150.00', FERRATUM), paid(42, '162.00', FERRATUM)];
    expect(replay(events).results.map((r) => r.features.lenders_repaid_with_fee_60d)).toEqual([0, 0, 0, 1]);
  });

  it('repays the oldest loan first: a new loan arriving before the old one is repaid is still a rollover', () => {
    expect(at([lent(0, '400.00', FERRATUM), lent(28, '700.00', FERRATUM), paid(30, '462.00', FERRATUM)], 30)).toEqual([1, 1]);
  });

  it('repays two loans taken close together with one payment', () => {
    expect(at([lent(0, '300.00', VEXCASH), lent(5, '200.00', VEXCASH), paid(30, '580.00', VEXCASH)], 30)).toEqual([1, 0]);
  });

  it('matches the lender by its account when the payee was saved under another id', () => {
    const saved = { id: 'payee-4711', account: 'DE53 7007 0010 0205 5555 00', country: 'DE' };
    expect(at([lent(0, '300.00', VEXCASH), paid(30, '345.00', saved)], 30)).toEqual([1, 0]);
    expect(at([lent(0, '300.00', VEXCASH), paid(30, '345.00', { id: 'payee-4711' })], 30)).toEqual([0, 0]);
  });

  it('reads 3–40 % more as a fee, and half as much again as a payment for something else (no lender)', () => {
    expect(at([lent(0, '300.00', VEXCASH), paid(30, '415.00', VEXCASH)], 30)).toEqual([1, 0]);
    expect(at([lent(0, '300.00', VEXCASH), paid(30, '450.00', VEXCASH)], 30)).toEqual([0, 0]);
    expect(at([lent(0, '300.00', VEXCASH), paid(30, '450.00', VEXCASH), lent(31, '300.00', CASHPER), paid(60, '330.00', CASHPER)], 60)).toEqual([1, 0]);
  });

  it('does not count money sent back within a day of receiving it, nor money from the customer\'s own account', () => {
    expect(at([lent(0, '300.00', VEXCASH), ev('transfer_out', T0 + 20 * HOUR, { amount: '345.00', counterparty: VEXCASH })], 1)).toEqual([0, 0]);
    expect(at([ev('transfer_in', T0, { amount: '300.00', counterparty: { ...VEXCASH, own_account: true } }), paid(30, '345.00', VEXCASH)], 30)).toEqual([0, 0]);
  });
});

describe('genuine look-alikes', () => {
  it('someone the customer paid before they ever lent is someone they settle up with, not a lender', () => {
    expect(at([paid(-40, '30.00', FRIEND), lent(0, '200.00', FRIEND), paid(30, '220.00', FRIEND)], 30)).toEqual([0, 0]);
    // A lender that lent and was repaid half a year ago lent first then too (400 days of payers and payees).
    expect(at([lent(-200, '300.00', VEXCASH), paid(-170, '345.00', VEXCASH), lent(0, '300.00', VEXCASH), paid(30, '345.00', VEXCASH)], 30)).toEqual([1, 0]);
  });

  it('a friend lends 200 and is repaid 200: a loan without a fee, and no lender after a later payment either', () => {
    expect(at([lent(0, '200.00', FRIEND), paid(20, '200.00', FRIEND)], 20)).toEqual([0, 0]);
    expect(at([lent(0, '200.00', FRIEND), paid(20, '200.00', FRIEND), paid(40, '30.00', FRIEND)], 40)).toEqual([0, 0]);
  });

  it('a family member is repaid at par in instalments', () => {
    const mother = { id: 'payee-mum', account: 'DE75512108001245126199' };
    expect(at([lent(0, '1500.00', mother), ...[10, 40, 70].map((d) => paid(d, '500.00', mother))], 70)).toEqual([0, 0]);
  });

  it('flatmates settling shared bills back and forth: paid when nothing was owed, or far more than was received', () => {
    const events = [
      lent(0, '42.50', FLATMATE), paid(6, '48.00', FLATMATE), paid(12, '61.20', FLATMATE), lent(20, '38.00', FLATMATE), paid(33, '120.00', FLATMATE),
      lent(2, '55.00', FRIEND), paid(16, '58.00', FRIEND), paid(30, '19.90', FRIEND),
    ].sort((a, b) => Date.parse(a.occurred_at) - Date.parse(b.occurred_at));
    expect(at(events, 33)).toEqual([0, 0]);
  });

  it('a buy-now-pay-later provider collects instalments of a purchase: nothing came in from it, nothing is followed', () => {
    const klarna = { id: 'cp-klarna', account: 'SE4550000000058398257466' };
    const { state } = replay([0, 14, 28, 42].map((d) => paid(d, '75.00', klarna)));
    expect(state.cf).toEqual([]);
    expect(borrowing(featuresAt(state, T0 + 43 * DAY))).toEqual([0, 0]);
  });

  it('ordinary payees who never paid in are not kept at all', () => {
    const { state } = replay([paid(0, '950.00', { id: 'payee-landlord' }), lent(1, '40.00', FRIEND), paid(3, '950.00', { id: 'payee-landlord' })]);
    expect(state.cf).toHaveLength(1);
  });
});

describe('stored flows', () => {
  it('round-trip through the codec; a state stored before them reads as none', () => {
    const { state } = replay([...SPIRAL, overdraft(48, '-612.35')]);
    expect(state.cf).toHaveLength(9);
    expect(decodeFeatureState(encodeFeatureState(state))).toEqual(state);
    const before = JSON.parse(encodeFeatureState(state));
    delete before.cf;
    delete before.cr.o;
    const old = decodeFeatureState(JSON.stringify(before));
    expect([old.cf, old.cr.o]).toEqual([[], []]);
    expect(encodeFeatureState(replay([lent(0, '10.00', FRIEND)]).state)).toContain('"cf"');
  });

  it('keeps at most 24 flows, the newest', () => {
    const { state } = replay(Array.from({ length: 40 }, (_, i) => lent(i, '10.00', { id: `payer-${i}` })));
    expect(state.cf).toHaveLength(24);
    expect(state.cf[0]![0]).toBe((T0 + 16 * DAY + 11 * HOUR) / 1000);
  });

  it('reads the same whatever order the events arrived in, within the allowed lateness', () => {
    const lateness = DEFAULT_FEATURE_CONFIG.allowedLatenessMs;
    const counterparties = [VEXCASH, CASHPER, { id: 'payee-x', account: VEXCASH.account }];
    const flowArb = fc.record({
      incoming: fc.boolean(), who: fc.integer({ min: 0, max: 2 }), offset: fc.integer({ min: 0, max: 50 * DAY }), cents: fc.integer({ min: 1_000, max: 90_000 }),
    });
    fc.assert(
      fc.property(fc.array(flowArb, { minLength: 1, maxLength: 20 }), fc.array(fc.integer({ min: 0, max: lateness - 1000 }), { minLength: 20, maxLength: 20 }), (flows, jitters) => {
        const events = flows.map((f) => ev(f.incoming ? 'transfer_in' : 'transfer_out', T0 + f.offset, { amount: (f.cents / 100).toFixed(2), counterparty: counterparties[f.who] }));
        const byTime = [...events].sort((a, b) => Date.parse(a.occurred_at) - Date.parse(b.occurred_at));
        const arrival = events.map((e, i) => ({ e, key: Date.parse(e.occurred_at) + jitters[i]! })).sort((a, b) => a.key - b.key).map(({ e }) => e);
        const end = T0 + 51 * DAY;
        expect(borrowing(featuresAt(replay(arrival).state, end))).toEqual(borrowing(featuresAt(replay(byTime).state, end)));
      }),
      { numRuns: 300 },
    );
  });
});

describe('the overdraft', () => {
  it('is the share of the arranged overdraft in use, apart from cards', () => {
    const card = ev('balance_snapshot', T0 + 10 * DAY, { product: { type: 'credit_card', id: 'cc-1' }, balance: '1900.00', credit_limit: '2000.00' });
    const { last } = replay([overdraft(0, '180.20'), overdraft(30, '-240.70'), card, overdraft(48, '-612.35')]);
    expect(last.overdraft_utilisation).toBeCloseTo(0.765, 3);
    expect(last.credit_utilisation).toBeCloseTo((612.35 + 1900) / 2800, 3);
    expect(replay([card]).last.overdraft_utilisation).toBe(-1);
    expect(replay([overdraft(0, '180.20')]).last.overdraft_utilisation).toBe(0);
  });
});
