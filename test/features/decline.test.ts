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

describe('decline evidence: a likelihood-ratio scan against the customer’s own usual', () => {
  /** `perDay` own payments a day, and a login on every `loginEvery`-th day, over [fromDay, toDay). */
  const habit = (fromDay: number, toDay: number, perDay: number, loginEvery = 0) => [
    ...Array.from({ length: (toDay - fromDay) * perDay }, (_, i) => pay(T0 + (fromDay + Math.floor(i / perDay)) * DAY + (9 + (i % perDay)) * HOUR)),
    ...(loginEvery > 0 ? Array.from({ length: Math.ceil((toDay - fromDay) / loginEvery) }, (_, i) => ev('login', T0 + (fromDay + i * loginEvery) * DAY + 8 * HOUR)) : []),
  ];
  const sorted = (events: ReturnType<typeof ev>[]) => events.sort((a, b) => a.occurred_at.localeCompare(b.occurred_at));

  it('stays at 0 for a customer who carries on as usual', () => {
    const f = featuresAt(replay(sorted([...habit(0, 120, 2, 1), ...paydays(120)])).state, T0 + 120 * DAY);
    expect(f.activity_decline_evidence).toBe(0);
    expect(f.own_payments_decline_evidence).toBe(0);
    expect(f.digital_use_decline_evidence).toBe(0);
  });

  it('builds within days for a busy customer who stops paying and logging in, though their salary still arrives', () => {
    const events = sorted([...habit(0, 110, 2, 1), ...paydays(120)]);
    const after = (days: number) => featuresAt(replay(events).state, T0 + (110 + days) * DAY) as Record<string, number>;
    // Each empty day weighs ln(LR) = 2 × 0.8 (payments at a fifth) + ln(0.82 / 0.1) for the missed login.
    expect(after(3).activity_decline_evidence).toBeGreaterThan(7);
    expect(after(3).own_payments_decline_evidence).toBeGreaterThan(4);
    // It keeps growing while the silence lasts: a run, not one day's dip.
    expect(after(10).activity_decline_evidence).toBeGreaterThan(after(3).activity_decline_evidence!);
  });

  it('never builds for an occasional user, however long they are quiet: their silence is ordinary', () => {
    // One payment a week, no app: a month of nothing weighs 30 × (1/7) × 0.8 ≈ 3.4.
    const weekly = Array.from({ length: 16 }, (_, i) => pay(T0 + i * 7 * DAY + 12 * HOUR));
    const f = featuresAt(replay(weekly).state, T0 + 140 * DAY);
    expect(f.own_payments_decline_evidence).toBeGreaterThan(0);
    expect(f.activity_decline_evidence).toBeLessThan(4);
  });

  it('leaves today out, being unfinished: a busy customer read at dawn has not fallen away', () => {
    const events = sorted(habit(0, 110, 3, 1));
    expect(featuresAt(replay(events).state, T0 + 110 * DAY + 1 * HOUR).activity_decline_evidence).toBe(0);
  });

  it('needs six weeks of usual before the last 30 days: a customer of ten weeks has no baseline yet', () => {
    const events = sorted(habit(0, 60, 3, 1));
    expect(featuresAt(replay(events).state, T0 + 70 * DAY).activity_decline_evidence).toBe(0);
    expect(featuresAt(replay(sorted(habit(0, 75, 3, 1))).state, T0 + 85 * DAY).activity_decline_evidence).toBeGreaterThan(7);
  });

  it('weighs a return: a week away followed by a week as usual falls below what the churn rule asks (7)', () => {
    const quietThenBack = sorted([...habit(0, 100, 2, 1), ...habit(107, 114, 2, 1)]);
    const quietOnly = sorted(habit(0, 100, 2, 1));
    const back = featuresAt(replay(quietThenBack).state, T0 + 114 * DAY).activity_decline_evidence;
    const stillQuiet = featuresAt(replay(quietOnly).state, T0 + 107 * DAY).activity_decline_evidence;
    // The best run ends yesterday, so the week back counts against the week away before it.
    expect(stillQuiet).toBeGreaterThan(20);
    expect(back).toBeLessThan(7);
  });
});
