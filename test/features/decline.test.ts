import { describe, expect, it } from 'vitest';
import { featuresAt } from '../../features/index.js';
import { DAY, HOUR, T0, ev, pay, replay } from './builders.js';

// Declines measured against the customer's usual rate in the 60 days before the last 30, counting
// only what the customer does themselves: pay and direct debits run on until an account closes.

const salary = (atMs: number) => ev('salary_credit', atMs, { amount: '2500.00' });
const dailyLife = (fromDay: number, toDay: number) => Array.from({ length: toDay - fromDay }, (_, i) => pay(T0 + (fromDay + i) * DAY + 12 * HOUR));
const paydays = (days: number) => Array.from({ length: Math.floor(days / 30) }, (_, i) => salary(T0 + i * 30 * DAY + 8 * HOUR));

describe('own activity against its usual rate', () => {
  it('reads 1 for a customer who goes on as usual', () => {
    const { state } = replay([...dailyLife(0, 100), ...paydays(100)].sort((a, b) => a.occurred_at.localeCompare(b.occurred_at)));
    const f = featuresAt(state, T0 + 100 * DAY);
    expect(f.own_txn_trend_7d).toBeCloseTo(1, 1);
    expect(f.own_txn_trend_30d).toBeCloseTo(1, 1);
    expect(f.own_txn_count_90d).toBe(90);
  });

  it('falls to 0 for a customer who stopped paying by card a week ago, while their salary still arrives', () => {
    const { state } = replay([...dailyLife(0, 93), ...paydays(100)].sort((a, b) => a.occurred_at.localeCompare(b.occurred_at)));
    const f = featuresAt(state, T0 + 100 * DAY);
    expect(f.own_txn_trend_7d).toBe(0);
    expect(f.own_txn_trend_14d).toBeCloseTo(0.5, 1);
    expect(f.txn_trend_30d_vs_90d).toBeGreaterThan(0.7);
  });

  it('reads steady without enough baseline: a customer of five weeks, or one with a handful of payments', () => {
    expect(featuresAt(replay(dailyLife(0, 35)).state, T0 + 42 * DAY).own_txn_trend_7d).toBe(1);
    expect(featuresAt(replay(dailyLife(0, 8)).state, T0 + 100 * DAY).own_txn_trend_30d).toBe(1);
  });

  it('measures app use the same way', () => {
    const sessions = Array.from({ length: 100 }, (_, i) => ev('app_session', T0 + i * DAY + 9 * HOUR)).filter((_, i) => i < 86);
    const f = featuresAt(replay(sessions).state, T0 + 100 * DAY);
    expect(f.app_session_trend_7d).toBe(0);
    expect(f.app_session_trend_30d).toBeCloseTo(16 / 30, 1);
    expect(f.app_session_count_90d).toBe(76);
  });
});
