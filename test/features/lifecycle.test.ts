import { describe, expect, it } from 'vitest';
import { featuresAt } from '../../features/index.js';
import { DAY, ev, featuresOfLast, HOUR, pay, replay, T0 } from './builders.js';

const salary = (atMs: number) => ev('salary_credit', atMs);
const NOON = 12 * HOUR;

describe('salary', () => {
  const monthly = [salary(T0), salary(T0 + 30 * DAY), salary(T0 + 61 * DAY)];
  const last = T0 + 61 * DAY;

  it.each([
    ['4 days after the third monthly credit', monthly, last + 4 * DAY, { salary_credits_90d: 3, days_since_salary: 4, salary_regular: true, salary_stopped: false }],
    ['40 days after it (still regular)', monthly, last + 40 * DAY, { salary_credits_90d: 2, days_since_salary: 40, salary_regular: true, salary_stopped: false }],
    ['41 days after it (stopped)', monthly, last + 41 * DAY, { salary_credits_90d: 2, days_since_salary: 41, salary_regular: false, salary_stopped: true }],
    ['a year after it (still stopped)', monthly, last + 365 * DAY, { salary_credits_90d: 0, days_since_salary: 365, salary_regular: false, salary_stopped: true }],
    ['a single credit', [salary(T0)], T0 + DAY, { salary_credits_90d: 1, days_since_salary: 1, salary_regular: false, salary_stopped: false }],
    ['credits 10 days apart', [salary(T0), salary(T0 + 10 * DAY)], T0 + 11 * DAY, { salary_regular: false }],
    ['credits 36 days apart', [salary(T0), salary(T0 + 36 * DAY)], T0 + 37 * DAY, { salary_regular: false }],
    ['credits 25 days apart', [salary(T0), salary(T0 + 25 * DAY)], T0 + 26 * DAY, { salary_regular: true }],
    ['an irregular stop', [salary(T0), salary(T0 + 10 * DAY)], T0 + 60 * DAY, { salary_stopped: false }],
    ['no salary at all', [pay(T0)], T0 + DAY, { salary_credits_90d: 0, days_since_salary: -1, salary_regular: false, salary_stopped: false }],
  ] as const)('%s', (_case, events, atMs, expected) => {
    expect(featuresAt(replay(events).state, atMs)).toMatchObject(expected);
  });

  it('counts the current salary credit itself', () => {
    expect(featuresOfLast(monthly)).toMatchObject({ days_since_salary: 0, salary_credits_90d: 3, salary_regular: true });
  });
});

describe('engagement trends (30 days against a third of 90 days)', () => {
  const at = T0 + 100 * DAY + NOON;
  const everyFiveDays = (make: (atMs: number) => ReturnType<typeof ev>, fromDay: number, toDay: number) =>
    Array.from({ length: Math.floor((toDay - fromDay) / 5) }, (_, i) => make(at - (fromDay + 5 * i + 1) * DAY));

  it.each([
    ['steady', everyFiveDays(pay, 0, 90), 1],
    ['stopped in the last 30 days', everyFiveDays(pay, 30, 90), 0],
    ['half as much lately', [...everyFiveDays(pay, 0, 90), ...everyFiveDays(pay, 30, 90)], 0.6],
    ['too little history (5 in 90 days)', everyFiveDays(pay, 30, 55), 1],
  ] as const)('txn trend: %s', (_case, events, expected) => {
    expect(featuresAt(replay(events).state, at).txn_trend_30d_vs_90d).toBeCloseTo(expected, 12);
  });

  it('measures logins and app sessions the same way and counts them per window', () => {
    const logins = everyFiveDays((atMs) => ev('login', atMs), 30, 90);
    const sessions = everyFiveDays((atMs) => ev('app_session', atMs), 0, 90);
    expect(featuresAt(replay([...logins, ...sessions]).state, at)).toMatchObject({
      login_trend_30d_vs_90d: 0,
      app_session_trend_30d_vs_90d: 1,
      login_count_7d: 0,
      login_count_30d: 0,
      app_session_count_7d: 2,
      app_session_count_30d: 6,
    });
  });
});

describe('complaints and products', () => {
  const complaint = (atMs: number, id: string, status: 'opened' | 'resolved' = 'opened') =>
    ev('complaint', atMs, { complaint: { id, category: 'fees', status } });

  it.each([
    ['two opened', [complaint(T0, 'c-1'), complaint(T0, 'c-2')], 2],
    ['one of two resolved', [complaint(T0, 'c-1'), complaint(T0, 'c-2'), complaint(T0 + DAY, 'c-1', 'resolved')], 1],
    ['resolved arriving before its opening', [complaint(T0 + DAY, 'c-1', 'resolved'), complaint(T0, 'c-1')], 0],
    ['a resolution of a complaint never seen opened', [complaint(T0, 'c-9', 'resolved')], 0],
    ['the same complaint reported twice', [complaint(T0, 'c-1'), complaint(T0 + HOUR, 'c-1')], 1],
  ] as const)('complaints_open: %s', (_case, events, open) => {
    expect(featuresOfLast(events).complaints_open).toBe(open);
  });

  it('counts complaints opened and products closed in 30 days, and products held over a lifetime', () => {
    const product = (type: string, atMs: number) => ev(type, atMs, { product: { type: 'savings' } });
    const events = [
      complaint(T0 - 40 * DAY, 'c-old'), complaint(T0 - 10 * DAY, 'c-1'), complaint(T0 - 5 * DAY, 'c-1', 'resolved'),
      product('product_opened', T0 - 400 * DAY), product('product_opened', T0 - 300 * DAY), product('product_opened', T0 - 60 * DAY),
      product('product_closed', T0 - 45 * DAY), product('product_closed', T0 - DAY),
    ];
    expect(featuresAt(replay(events).state, T0)).toMatchObject({
      complaints_30d: 1, complaints_open: 1, products_closed_30d: 1, products_held_delta: 1,
    });
  });
});

describe('lifetime', () => {
  it('counts events and the customer age from the first event seen', () => {
    const { state } = replay([ev('login', T0 - 400 * DAY), pay(T0 - DAY), ev('app_session', T0)]);
    expect(featuresAt(state, T0 + HOUR)).toMatchObject({ events_total: 3, customer_age_days: 400 });
  });

  it('gives −1 for the age of a customer with no events', () => {
    expect(featuresAt(replay([]).state, T0)).toMatchObject({ events_total: 0, customer_age_days: -1, seconds_since_last_activity: -1 });
  });
});
