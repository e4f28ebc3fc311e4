import { describe, expect, it } from 'vitest';
import { featuresAt } from '../../features/index.js';
import { DAY, ev, featuresOfLast, HOUR, MINUTE, replay, SECOND, T0 } from './builders.js';

// Per-channel counts over 30 days (whole UTC days, like login_count_30d): events of any type,
// counted by the channel they came through, not by their type.

/** All four per-channel counts, so each case also says which channels stay at 0. */
const counts = (mobile: number, web: number, branch: number, callCentre: number) => ({
  mobile_app_event_count_30d: mobile,
  web_event_count_30d: web,
  branch_visit_count_30d: branch,
  call_centre_contact_count_30d: callCentre,
});

describe('per-channel event counts', () => {
  it.each([
    ['a login in the app', 'login', 'mobile_app', counts(1, 0, 0, 0)],
    ['a failed login on the web', 'login_failed', 'web', counts(0, 1, 0, 0)],
    ['an app session', 'app_session', 'mobile_app', counts(1, 0, 0, 0)],
    ['a transfer made in the app', 'transfer_out', 'mobile_app', counts(1, 0, 0, 0)],
    ['a bill paid on the web', 'bill_payment', 'web', counts(0, 1, 0, 0)],
    ['a branch visit', 'branch_visit', 'branch', counts(0, 0, 1, 0)],
    ['cash paid in at a branch', 'cash_deposit', 'branch', counts(0, 0, 1, 0)],
    ['cash taken out at a branch', 'cash_withdrawal', 'branch', counts(0, 0, 1, 0)],
    ['a product opened at a branch', 'product_opened', 'branch', counts(0, 0, 1, 0)],
    ['a call-centre contact', 'call_centre_contact', 'call_centre', counts(0, 0, 0, 1)],
    ['a complaint by phone', 'complaint', 'call_centre', counts(0, 0, 0, 1)],
    ['a profile change by phone', 'profile_change', 'call_centre', counts(0, 0, 0, 1)],
    ['a card payment in a shop', 'card_payment', 'pos', counts(0, 0, 0, 0)],
    ['an online card payment', 'card_payment', 'ecommerce', counts(0, 0, 0, 0)],
    ['cash from an ATM', 'cash_withdrawal', 'atm', counts(0, 0, 0, 0)],
    ['a salary booked by core banking', 'salary_credit', 'core_banking', counts(0, 0, 0, 0)],
    ['a payment initiated through open banking', 'transfer_out', 'open_banking', counts(0, 0, 0, 0)],
  ] as const)('%s (%s on %s)', (_case, type, channel, expected) => {
    expect(featuresOfLast([ev(type, T0, { channel })])).toMatchObject(expected);
  });

  it('counts every event of a mixed month on its own channel', () => {
    const month = [
      ...Array.from({ length: 12 }, (_, i) => ev('login', T0 + i * 2 * DAY, { channel: 'mobile_app' })),
      ...Array.from({ length: 5 }, (_, i) => ev('app_session', T0 + i * 3 * DAY + HOUR, { channel: 'web' })),
      ev('branch_visit', T0 + 4 * DAY, { channel: 'branch' }),
      ev('cash_deposit', T0 + 4 * DAY + 10 * MINUTE, { channel: 'branch' }),
      ev('call_centre_contact', T0 + 9 * DAY, { channel: 'call_centre' }),
      ev('card_payment', T0 + 10 * DAY),
    ];
    expect(featuresAt(replay(month).state, T0 + 25 * DAY)).toMatchObject(counts(12, 5, 2, 1));
  });
});

describe('per-channel 30-day windows', () => {
  const t = T0 + 40 * DAY + 10 * HOUR + 30 * MINUTE;
  const oldestBucketStart = t - 30 * DAY - (10 * HOUR + 30 * MINUTE);

  it.each([
    ['mobile_app_event_count_30d', 'login', 'mobile_app'],
    ['web_event_count_30d', 'bill_payment', 'web'],
    ['branch_visit_count_30d', 'branch_visit', 'branch'],
    ['call_centre_contact_count_30d', 'call_centre_contact', 'call_centre'],
  ] as const)('%s reads from the day holding t − 30 d, never from the one before', (feature, type, channel) => {
    const at = (atMs: number) => ev(type, atMs, { channel });
    expect(featuresOfLast([at(t - 30 * DAY), at(t)])[feature]).toBe(2);
    expect(featuresOfLast([at(oldestBucketStart), at(t)])[feature]).toBe(2);
    expect(featuresOfLast([at(oldestBucketStart - SECOND), at(t)])[feature]).toBe(1);
  });

  it('puts a late event in the day of its own time, not the arrival day', () => {
    const web = (atMs: number) => ev('login', atMs, { channel: 'web' });
    // 01:00 on day 1 arrives first; 23:00 on day 0 arrives after it, 2 hours late.
    const { results, state } = replay([web(T0 + DAY + HOUR), web(T0 + 23 * HOUR)]);
    expect(results[1]).toMatchObject({ late: 'late', features: { web_event_count_30d: 1 } });
    expect(featuresAt(state, T0 + 23 * HOUR).web_event_count_30d).toBe(1);
    expect(featuresAt(state, T0 + DAY + HOUR).web_event_count_30d).toBe(2);
    expect(featuresAt(state, T0 + 31 * DAY).web_event_count_30d).toBe(1);
  });

  it('still counts a too-late event where its day is kept', () => {
    const { results, state } = replay([
      ev('login', T0 + 10 * DAY, { channel: 'mobile_app' }),
      ev('branch_visit', T0 + 8 * DAY, { channel: 'branch' }),
    ]);
    expect(results[1]!.late).toBe('too_late');
    expect(featuresAt(state, T0 + 10 * DAY)).toMatchObject(counts(1, 0, 1, 0));
  });
});
