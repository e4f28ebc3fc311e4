import { describe, expect, it } from 'vitest';
import { DEFAULT_FEATURE_CONFIG } from '../../features/index.js';
import { DAY, ev, featuresOfLast, HOUR, MINUTE, pay, T0, transferIn, transferOut } from './builders.js';

describe('card payment velocity', () => {
  it('counts card testing: small payments at merchants never seen before, within 10 minutes', () => {
    const events = [
      pay(T0 - 2 * DAY, '30.00', 'm-known'),
      pay(T0, '1.00', 'm-a'),
      pay(T0 + 1 * MINUTE, '5.00', 'm-b'),
      pay(T0 + 2 * MINUTE, '5.01', 'm-c'),
      pay(T0 + 3 * MINUTE, '0.50', 'm-a'), // m-a again: not new any more
      pay(T0 + 4 * MINUTE, '2.00', 'm-known'),
      ev('login', T0 + 5 * MINUTE),
    ];
    expect(featuresOfLast(events)).toMatchObject({
      card_payment_count_10m: 5,
      card_payment_count_1h: 5,
      card_payment_count_24h: 5,
      small_card_payment_count_10m: 4,
      card_payment_new_merchant_count_10m: 3,
      txn_count_10m: 5,
    });
  });

  it.each([
    ['EUR', '5.00', 1], ['EUR', '5.01', 0], ['JPY', '5', 1], ['JPY', '6', 0], ['KWD', '5.000', 1], ['KWD', '5.001', 0],
  ] as const)('a %s card payment of %s is small: %i', (currency, amount, small) => {
    expect(featuresOfLast([pay(T0, amount, 'm-1', { currency })]).small_card_payment_count_10m).toBe(small);
  });

  it('does not count card refunds as card payments', () => {
    expect(featuresOfLast([ev('card_refund', T0)])).toMatchObject({ card_payment_count_10m: 0, txn_count_10m: 1 });
  });
});

describe('transfers, cash and credits', () => {
  it('counts each transaction type in its own windows', () => {
    const events = [
      transferOut(T0 - 3 * HOUR),
      transferOut(T0 - 30 * MINUTE),
      transferIn(T0 - 2 * HOUR),
      ev('cash_deposit', T0 - HOUR),
      ev('salary_credit', T0 - HOUR),
      ev('cash_withdrawal', T0 - 20 * HOUR),
      ev('cash_withdrawal', T0),
    ];
    expect(featuresOfLast(events)).toMatchObject({
      transfer_out_count_1h: 1,
      transfer_out_count_24h: 2,
      transfer_in_count_24h: 1,
      cash_withdrawal_count_24h: 2,
      inbound_credits_count_24h: 2,
      txn_count_24h: 7,
    });
  });
});

describe('amounts (major units, exact sums)', () => {
  it('sums outgoing and incoming amounts without float drift', () => {
    const events = [pay(T0, '0.10'), pay(T0 + MINUTE, '0.20'), ev('card_refund', T0 + 2 * MINUTE, { amount: '0.30' })];
    expect(featuresOfLast(events)).toMatchObject({ amount_out_1h: 0.3, amount_in_24h: 0.3, amount_current: 0.3 });
  });

  it.each([
    ['KWD', '1.234', 1.234], ['JPY', '500', 500], ['EUR', '12.5', 12.5],
  ] as const)('reads a %s amount %s as %d major units', (currency, amount, major) => {
    expect(featuresOfLast([pay(T0, amount, 'm-1', { currency })])).toMatchObject({ amount_current: major, amount_out_1h: major });
  });

  it('counts every outgoing type in amount_out and every incoming type in amount_in', () => {
    const events = [
      pay(T0, '1.00'), transferOut(T0, '2.00'), ev('cash_withdrawal', T0, { amount: '4.00' }),
      ev('bill_payment', T0, { amount: '8.00' }), ev('loan_repayment', T0, { amount: '16.00' }),
      ev('card_refund', T0, { amount: '1.00' }), transferIn(T0, '2.00'), ev('cash_deposit', T0, { amount: '4.00' }),
      ev('salary_credit', T0, { amount: '8.00' }),
    ];
    expect(featuresOfLast(events)).toMatchObject({
      amount_out_1h: 31, amount_out_24h: 31, amount_out_7d: 31, amount_out_30d: 31,
      amount_in_24h: 15, amount_in_7d: 15, amount_in_30d: 15,
    });
  });

  it('gives 0 as amount_current for a non-money event', () => {
    expect(featuresOfLast([pay(T0), ev('login', T0 + MINUTE)]).amount_current).toBe(0);
  });
});

describe('pass-through and outflow ratios', () => {
  it.each([
    ['most of an inflow forwarded within a day', [transferIn(T0, '1000.00'), transferOut(T0 + HOUR, '900.00')], 0.9],
    ['outflow without inflow', [transferOut(T0, '900.00')], 0],
    ['inflow older than the day', [transferIn(T0 - 2 * DAY, '1000.00'), transferOut(T0, '900.00')], 0],
  ] as const)('forwarded_out_ratio_24h: %s', (_case, events, expected) => {
    expect(featuresOfLast(events).forwarded_out_ratio_24h).toBeCloseTo(expected, 12);
  });

  it('relates 30-day outflow to inflow and to other banks', () => {
    const events = [
      transferIn(T0 - 20 * DAY, '1000.00'),
      transferOut(T0 - 10 * DAY, '300.00', 'p-1', 'OTHERBANK'),
      transferOut(T0 - 5 * DAY, '100.00', 'p-2', 'VIGIL'),
      transferOut(T0 - 4 * DAY, '50.00', 'p-3', 'vigil'),
      transferOut(T0 - 3 * DAY, '50.00', 'p-4'),
      pay(T0, '300.00'),
    ];
    expect(featuresOfLast(events)).toMatchObject({
      outflow_ratio_30d: 0.8,
      outflow_to_other_banks_30d: 300,
      outflow_to_other_banks_ratio_30d: 0.375,
    });
  });

  it('takes our own bank id from the config', () => {
    const cfg = { ...DEFAULT_FEATURE_CONFIG, ownBankId: 'OTHERBANK' };
    const events = [transferOut(T0, '300.00', 'p-1', 'OTHERBANK'), transferOut(T0, '100.00', 'p-2', 'VIGIL')];
    expect(featuresOfLast(events, cfg).outflow_to_other_banks_30d).toBe(100);
  });

  it('gives 0 ratios without inflow or outflow', () => {
    expect(featuresOfLast([ev('login', T0)])).toMatchObject({
      outflow_ratio_30d: 0, outflow_to_other_banks_ratio_30d: 0, forwarded_out_ratio_24h: 0,
    });
  });
});
