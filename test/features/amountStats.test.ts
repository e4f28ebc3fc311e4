import { describe, expect, it } from 'vitest';
import { featuresAt } from '../../features/index.js';
import { DAY, ev, featuresOfLast, HOUR, pay, replay, T0, transferIn } from './builders.js';

const payments = (amounts: readonly string[], start = T0) => amounts.map((amount, i) => pay(start + i * HOUR, amount));

describe('outgoing amount statistics over 90 days', () => {
  it('gives the population mean and standard deviation, the current amount included', () => {
    const f = featuresOfLast(payments(['2', '4', '4', '4', '5', '5', '7', '9']));
    expect(f.amount_mean_90d).toBe(5);
    expect(f.amount_stddev_90d).toBeCloseTo(2, 12);
  });

  it('merges days exactly as one sample (2, 4, 4, 4, 5, 5, 7, 9 spread over days)', () => {
    const events = ['2', '4', '4', '4', '5', '5', '7', '9'].map((amount, i) => pay(T0 + i * 3 * DAY, amount));
    const f = featuresOfLast(events);
    expect(f.amount_mean_90d).toBeCloseTo(5, 12);
    expect(f.amount_stddev_90d).toBeCloseTo(2, 12);
  });

  it('ignores incoming amounts and amounts older than the window', () => {
    const events = [pay(T0 - 100 * DAY, '1000.00'), transferIn(T0, '5000.00'), pay(T0, '10.00'), pay(T0 + HOUR, '30.00')];
    expect(featuresOfLast(events)).toMatchObject({ amount_mean_90d: 20, amount_stddev_90d: 10 });
  });

  it('is 0 without outgoing amounts', () => {
    expect(featuresOfLast([ev('login', T0)])).toMatchObject({ amount_mean_90d: 0, amount_stddev_90d: 0 });
  });

  it('has exactly zero spread for identical large amounts', () => {
    const events = Array.from({ length: 40 }, (_, i) => pay(T0 + i * DAY, '987654321.99'));
    const { state } = replay(events);
    expect(featuresAt(state, T0 + 40 * DAY).amount_stddev_90d).toBe(0);
  });
});

describe('amount_zscore (against the statistics before the event)', () => {
  const prior = ['10', '20', '30', '40', '50'];

  it.each([
    ['an amount far above 5 prior amounts', [...prior, '100'], (100 - 30) / Math.sqrt(200)],
    ['an amount below them', [...prior, '16'], (16 - 30) / Math.sqrt(200)],
    ['only 4 prior amounts', [...prior.slice(1), '100'], 0],
    ['5 identical prior amounts', ['10', '10', '10', '10', '10', '10000'], 0],
  ] as const)('%s', (_case, amounts, expected) => {
    expect(featuresOfLast(payments(amounts)).amount_zscore).toBeCloseTo(expected, 12);
  });

  it('is 0 for incoming money and non-money events', () => {
    const history = payments(prior);
    expect(featuresOfLast([...history, transferIn(T0 + DAY, '100000.00')]).amount_zscore).toBe(0);
    expect(featuresOfLast([...history, ev('login', T0 + DAY)]).amount_zscore).toBe(0);
  });

  it('is 0 when every prior amount was identical, however large the new one', () => {
    const history = Array.from({ length: 9 }, (_, i) => pay(T0 + i * HOUR, '10.00'));
    expect(featuresOfLast([...history, pay(T0 + DAY, '1000000.00')]).amount_zscore).toBe(0);
  });
});
