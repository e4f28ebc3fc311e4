import { describe, expect, it } from 'vitest';
import { featuresAt } from '../../features/index.js';
import { DAY, ev, featuresOfLast, HOUR, MINUTE, pay, replay, SECOND, T0, transferOut } from './builders.js';

const login = (atMs: number, device?: string, geo?: Record<string, unknown>) =>
  ev('login', atMs, { ...(device ? { device: { id: device } } : {}), ...(geo ? { geo } : {}) });

describe('first-seen flags (relative to the history before the event)', () => {
  it.each([
    ['the very first device', 'new_device', true, [login(T0, 'd-1')]],
    ['a known device', 'new_device', false, [login(T0, 'd-1'), login(T0 + HOUR, 'd-1')]],
    ['a second device', 'new_device', true, [login(T0, 'd-1'), login(T0 + HOUR, 'd-2')]],
    ['an event without a device', 'new_device', false, [login(T0, 'd-1'), login(T0 + HOUR)]],
    ['a device last seen more than 400 days ago', 'new_device', true, [login(T0 - 401 * DAY, 'd-1'), login(T0, 'd-1')]],
    ['a device last seen exactly 400 days ago', 'new_device', false, [login(T0 - 400 * DAY, 'd-1'), login(T0, 'd-1')]],
    ['a device last used at tax time, 200 days ago', 'new_device', false, [login(T0 - 200 * DAY, 'd-1'), login(T0, 'd-1')]],
    ['a merchant last paid more than 90 days ago', 'new_merchant', true, [pay(T0 - 91 * DAY, '1.00', 'm-1'), pay(T0, '1.00', 'm-1')]],
    ['a merchant last paid exactly 90 days ago', 'new_merchant', false, [pay(T0 - 90 * DAY, '1.00', 'm-1'), pay(T0, '1.00', 'm-1')]],
    ['a payee last paid 300 days ago', 'new_payee', false, [transferOut(T0 - 300 * DAY, '10.00', 'p-1'), transferOut(T0, '10.00', 'p-1')]],
    ['a first country (geo)', 'new_country', true, [login(T0, 'd-1', { country: 'GB' })]],
    ['a country known from a merchant', 'new_country', false, [pay(T0), login(T0 + HOUR, 'd-1', { country: 'DE' })]],
    ['an event with no country', 'new_country', false, [pay(T0), login(T0 + HOUR, 'd-1')]],
    ['a first payee', 'new_payee', true, [transferOut(T0, '10.00', 'p-1')]],
    ['a payee paid before', 'new_payee', false, [transferOut(T0, '10.00', 'p-1'), transferOut(T0 + DAY, '10.00', 'p-1')]],
    ['a card payment (no payee)', 'new_payee', false, [transferOut(T0, '10.00', 'p-1'), pay(T0 + DAY)]],
    ['a first merchant category', 'new_merchant_category', true, [pay(T0)]],
    ['a known category at a new merchant', 'new_merchant_category', false, [pay(T0, '1.00', 'm-1'), pay(T0 + HOUR, '1.00', 'm-2')]],
    ['a new merchant', 'new_merchant', true, [pay(T0, '1.00', 'm-1'), pay(T0 + HOUR, '1.00', 'm-2')]],
  ] as const)('%s: %s is %s', (_case, feature, expected, events) => {
    expect(featuresOfLast(events)[feature]).toBe(expected);
  });

  it('matches payees by account number, ignoring spaces and case', () => {
    const first = ev('transfer_out', T0, { counterparty: { account: 'gb29 nwbk 6016 1331 9268 19' } });
    const again = ev('transfer_out', T0 + HOUR, { counterparty: { account: 'GB29NWBK60161331926819' } });
    expect(featuresOfLast([first, again]).new_payee).toBe(false);
  });

  it('judges a late event against history before it in event time', () => {
    // d-1 first arrives at 10:00; a login from 09:00 with d-1 arrives afterwards: it was first.
    expect(featuresOfLast([login(T0 + 10 * HOUR, 'd-1'), login(T0 + 9 * HOUR, 'd-1')]).new_device).toBe(true);
  });
});

describe('distinct counts', () => {
  it('counts distinct keys within each window', () => {
    const events = [
      pay(T0 - 40 * DAY, '1.00', 'm-old', { merchant: { id: 'm-old', mcc: '7995', country: 'FR' } }),
      pay(T0 - 2 * DAY, '1.00', 'm-1', { merchant: { id: 'm-1', mcc: '5812', country: 'FR' } }),
      pay(T0 - HOUR, '1.00', 'm-2'),
      pay(T0, '1.00', 'm-3', { merchant: { id: 'm-3', mcc: '5411', country: 'GB' } }),
      pay(T0, '1.00', 'm-3', { merchant: { id: 'm-3', mcc: '5411', country: 'GB' } }),
      login(T0 - 31 * DAY, 'd-old'), login(T0 - 29 * DAY, 'd-1'), login(T0, 'd-2'),
      transferOut(T0 - 31 * DAY, '1.00', 'p-old'), transferOut(T0 - 30 * DAY, '1.00', 'p-1'), transferOut(T0, '1.00', 'p-2'),
    ];
    const { state } = replay(events);
    expect(featuresAt(state, T0)).toMatchObject({
      distinct_merchants_24h: 2,
      distinct_mcc_30d: 2,
      distinct_countries_24h: 2,
      distinct_devices_30d: 2,
      distinct_payees_30d: 2,
    });
  });
});

describe('time since previous activity', () => {
  it('is −1 without a previous event', () => {
    expect(featuresOfLast([pay(T0)])).toMatchObject({
      seconds_since_last_activity: -1, seconds_since_last_login: -1, days_since_last_txn_before_current: -1,
      seconds_since_password_reset: -1, seconds_since_device_added: -1,
    });
  });

  it('measures from the previous event of each kind, not the current one', () => {
    const events = [
      ev('password_reset', T0 - 2 * HOUR),
      ev('device_added', T0 - HOUR, { device: { id: 'd-9' } }),
      login(T0 - 30 * MINUTE, 'd-9'),
      pay(T0 - 10 * MINUTE),
      pay(T0),
    ];
    expect(featuresOfLast(events)).toMatchObject({
      seconds_since_last_activity: 600,
      seconds_since_last_login: 1800,
      days_since_last_txn_before_current: 0,
      seconds_since_password_reset: 7200,
      seconds_since_device_added: 3600,
    });
    const secondReset = featuresOfLast([ev('password_reset', T0 - HOUR), ev('password_reset', T0)]);
    expect(secondReset.seconds_since_password_reset).toBe(3600);
  });

  it('flags a dormant account woken up: whole days since the previous money event', () => {
    const events = [pay(T0 - 200 * DAY - HOUR), login(T0 - 5 * DAY, 'd-1'), login(T0 - MINUTE, 'd-1'), transferOut(T0, '5000.00')];
    expect(featuresOfLast(events)).toMatchObject({ days_since_last_txn_before_current: 200, seconds_since_last_login: 60 });
  });

  it('counts seconds from the previous event in featuresAt as well', () => {
    const { state } = replay([login(T0, 'd-1')]);
    expect(featuresAt(state, T0 + 90 * SECOND + 999)).toMatchObject({ seconds_since_last_activity: 90, seconds_since_last_login: 90 });
  });
});

describe('account takeover counters', () => {
  it('counts failed logins, resets, device additions and profile changes', () => {
    const events = [
      ev('login_failed', T0 - 3 * HOUR), ev('login_failed', T0 - 20 * MINUTE), ev('login_failed', T0 - 10 * MINUTE),
      ev('password_reset', T0 - 5 * MINUTE), ev('device_added', T0 - 4 * MINUTE, { device: { id: 'd-new' } }),
      ev('profile_change', T0 - 3 * MINUTE), ev('profile_change', T0 - 25 * HOUR),
      transferOut(T0, '900.00', 'p-new'),
    ];
    expect(featuresOfLast(events)).toMatchObject({
      failed_logins_1h: 2, failed_logins_24h: 3, password_resets_24h: 1, device_added_24h: 1, profile_changes_24h: 1,
      seconds_since_password_reset: 300, seconds_since_device_added: 240, new_payee: true,
    });
  });
});

describe('geo', () => {
  const london = { country: 'GB', lat: 51.5074, lon: -0.1278 };
  const paris = { country: 'FR', lat: 48.8566, lon: 2.3522 };
  const londonToParisKm = 343.6;

  it.each([
    ['an hour apart', HOUR, 1],
    ['10 seconds apart (1-minute floor)', 10 * SECOND, 60],
    ['2 hours apart', 2 * HOUR, 0.5],
  ] as const)('measures distance and speed between positions %s', (_case, elapsed, perHour) => {
    const f = featuresOfLast([login(T0, 'd-1', london), login(T0 + elapsed, 'd-1', paris)]);
    expect(f.geo_distance_km_from_previous as number).toBeCloseTo(londonToParisKm, 0);
    expect(f.geo_speed_kmh_from_previous as number).toBeCloseTo((f.geo_distance_km_from_previous as number) * perHour, 9);
    expect(f.country_changed).toBe(true);
  });

  it('is −1 when the current or every previous position is unknown', () => {
    expect(featuresOfLast([login(T0, 'd-1', paris)]).geo_distance_km_from_previous).toBe(-1);
    expect(featuresOfLast([login(T0, 'd-1', london), login(T0 + HOUR, 'd-1')]).geo_speed_kmh_from_previous).toBe(-1);
    expect(featuresOfLast([login(T0, 'd-1', { country: 'GB' }), login(T0 + HOUR, 'd-1', paris)]).geo_distance_km_from_previous).toBe(-1);
  });

  it('uses the previous position however old, after the recent log forgot it', () => {
    const f = featuresOfLast([login(T0 - 3 * DAY, 'd-1', london), pay(T0 - DAY), login(T0, 'd-1', paris)]);
    expect(f.geo_distance_km_from_previous as number).toBeCloseTo(londonToParisKm, 0);
  });

  it.each([
    ['geo GB then merchant DE', [login(T0, 'd-1', { country: 'GB' }), pay(T0 + HOUR)], true],
    ['merchant DE then geo DE', [pay(T0), login(T0 + HOUR, 'd-1', { country: 'DE' })], false],
    ['a country then an event without one', [pay(T0), ev('profile_change', T0 + HOUR)], false],
    ['the first event', [pay(T0)], false],
  ] as const)('country_changed: %s', (_case, events, expected) => {
    expect(featuresOfLast(events).country_changed).toBe(expected);
  });
});
