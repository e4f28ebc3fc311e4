import { describe, expect, it } from 'vitest';
import type { VigilEvent } from '../../core/events/index.js';
import { decodeFeatureState, encodeFeatureState, featuresAt } from '../../features/index.js';
import { BASELINE_CAP, mccGroup } from '../../features/amountBaselines.js';
import { networkKey } from '../../features/eventFacts.js';
import { DAY, ev, featuresOfLast, HOUR, MINUTE, pay, replay, SECOND, T0, transferOut } from './builders.js';

// The features that tell genuine behaviour from fraud that looks like it: robust amount baselines,
// familiarity, device age, session context, card presence, own accounts and dormancy.

const shop = (atMs: number, amount: string, mcc: string, merchant = `m-${mcc}`, extra: Record<string, unknown> = {}) =>
  ev('card_payment', atMs, { amount, merchant: { id: merchant, mcc, country: 'DE' }, ...extra });
const login = (atMs: number, device: string, extra: Record<string, unknown> = {}) => ev('login', atMs, { device: { id: device }, ...extra });
const fromDevice = (device: string, ip?: string) => ({ device: ip ? { id: device, ip } : { id: device } });

/** Groceries every day for a month, and five clothes purchases of 40–60. */
function shopperHistory(): VigilEvent[] {
  const days = Array.from({ length: 30 }, (_, d) => shop(T0 + d * DAY + 9 * HOUR, (20 + (d % 7) * 3).toFixed(2), '5411'));
  const clothes = ['40.00', '55.00', '48.00', '60.00', '45.00'].map((amount, i) => shop(T0 + (3 + 5 * i) * DAY + 15 * HOUR, amount, '5651', `m-clothes-${i}`));
  return [...days, ...clothes];
}

describe('robust amount baselines (log scale, median and MAD per spending group)', () => {
  it('measures a 1,449 television against the customer\'s shopping, not their groceries', () => {
    const tv = shop(T0 + 31 * DAY, '1449.00', '5732', 'm-tv', { entry_mode: 'chip' });
    const features = featuresOfLast([...shopperHistory(), tv]);
    // Goods (clothes, median 48) rather than groceries (median ~29): about 30 times, not 50.
    expect(features.amount_to_typical_ratio).toBeCloseTo(1449 / 48, -1);
    expect(features.amount_robust_z).toBeGreaterThan(5);
  });

  it('falls back to every group when the payment\'s own group has fewer than 5 amounts', () => {
    const flight = shop(T0 + 31 * DAY, '300.00', '4511', 'm-air');
    const features = featuresOfLast([...shopperHistory(), flight]);
    expect(features.amount_to_typical_ratio).toBeGreaterThan(5);
    expect(features.amount_to_typical_ratio).toBeLessThan(15);
  });

  it('reads 0 without five earlier amounts, for money in, and for transfers to the customer\'s own account', () => {
    const few = [shop(T0, '10.00', '5411'), shop(T0 + HOUR, '12.00', '5411'), shop(T0 + 2 * HOUR, '900.00', '5411')];
    expect(featuresOfLast(few)).toMatchObject({ amount_robust_z: 0, amount_to_typical_ratio: 0 });
    expect(featuresOfLast([...shopperHistory(), ev('transfer_in', T0 + 31 * DAY, { amount: '5000.00' })])).toMatchObject({ amount_robust_z: 0 });
    const own = ev('transfer_out', T0 + 31 * DAY, { amount: '8000.00', counterparty: { id: 'p-own', bank: 'OTHER', own_account: true } });
    expect(featuresOfLast([...shopperHistory(), own])).toMatchObject({ amount_robust_z: 0, amount_to_typical_ratio: 0, own_account_transfer: true });
  });

  it('measures a customer back after months of silence against their habits before it, not as one without history', () => {
    const back = transferOut(T0 + 30 * DAY + 150 * DAY, '6800.00', 'p-stranger');
    const features = featuresOfLast([...shopperHistory(), back]);
    // Nothing in the 90 days before; the kept amounts of every group (groceries and clothes, ~30) stand in.
    expect(features.amount_to_typical_ratio).toBeGreaterThan(100);
    expect(features.amount_robust_z).toBeGreaterThan(5);
    // With recent history the old amounts are not read: a month of 900 transfers after the silence.
    const recent = Array.from({ length: 5 }, (_, i) => transferOut(T0 + 175 * DAY + i * DAY, '900.00', 'p-builder'));
    // (amounts are kept in 13% log bins, so "about 1.1 times")
    const ratio = featuresOfLast([...shopperHistory(), ...recent, transferOut(T0 + 181 * DAY, '1000.00', 'p-builder')]).amount_to_typical_ratio;
    expect(ratio).toBeGreaterThan(1);
    expect(ratio).toBeLessThan(1.3);
  });

  it('does not call a 10% rise of a fixed standing order unusual (the spread has a floor)', () => {
    const rent = Array.from({ length: 6 }, (_, i) => transferOut(T0 + i * 7 * DAY, '500.00', 'p-landlord'));
    const features = featuresOfLast([...rent, transferOut(T0 + 6 * 7 * DAY, '550.00', 'p-landlord')]);
    expect(features.amount_to_typical_ratio).toBeCloseTo(1.1, 1);
    expect(features.amount_robust_z).toBeLessThan(0.5);
  });

  it('keeps at most the newest amounts of each group, so the state stays small', () => {
    const { state } = replay(Array.from({ length: 40 }, (_, i) => shop(T0 + i * HOUR, '20.00', '5411')));
    expect(state.b.daily).toHaveLength(BASELINE_CAP);
  });

  it.each([
    ['5411', 'daily'], ['5814', 'daily'], ['4111', 'daily'], ['5541', 'daily'], ['5912', 'daily'],
    ['5732', 'goods'], ['5712', 'goods'], ['5651', 'goods'], ['5999', 'goods'], ['5944', 'goods'],
    ['4511', 'travel'], ['7011', 'travel'], ['4722', 'travel'], ['3015', 'travel'],
    ['5815', 'digital'], ['4814', 'digital'], ['7399', 'services'], ['8011', 'services'],
  ] as const)('puts merchant category %s in the %s group', (mcc, group) => {
    expect(mccGroup(mcc)).toBe(group);
  });
});

describe('familiarity: how often and since when a merchant or payee is known', () => {
  it('counts earlier payments and days since the first one, 0 and −1 when new', () => {
    const events = [pay(T0, '5.00', 'm-1'), pay(T0 + 2 * DAY, '5.00', 'm-1'), pay(T0 + 10 * DAY, '5.00', 'm-1')];
    expect(featuresOfLast(events)).toMatchObject({ merchant_seen_count: 2, merchant_first_seen_days: 10, new_merchant: false });
    expect(featuresOfLast([pay(T0, '5.00', 'm-1'), pay(T0 + DAY, '5.00', 'm-2')])).toMatchObject({ merchant_seen_count: 0, merchant_first_seen_days: -1 });
    const payees = [transferOut(T0, '10.00', 'p-1'), transferOut(T0 + 40 * DAY, '10.00', 'p-1')];
    expect(featuresOfLast(payees)).toMatchObject({ payee_seen_count: 1, payee_first_seen_days: 40, new_payee: false });
  });
});

describe('devices and networks', () => {
  it('gives the age of the event\'s device: 0 when first seen, −1 without one', () => {
    expect(featuresOfLast([login(T0, 'd-1')]).device_age_seconds).toBe(0);
    expect(featuresOfLast([login(T0, 'd-1'), transferOut(T0 + 10 * MINUTE, '50.00')]).device_age_seconds).toBe(-1);
    const later = ev('transfer_out', T0 + 10 * MINUTE, { amount: '50.00', counterparty: { id: 'p-1' }, ...fromDevice('d-1') });
    expect(featuresOfLast([login(T0, 'd-1'), later]).device_age_seconds).toBe(600);
  });

  it('knows a new phone at home by its network: same /24 is known, a proxy elsewhere is new', () => {
    const home = login(T0, 'd-old', fromDevice('d-old', '81.2.69.10'));
    expect(featuresOfLast([home, login(T0 + DAY, 'd-new', fromDevice('d-new', '81.2.69.77'))]).new_network).toBe(false);
    expect(featuresOfLast([home, login(T0 + DAY, 'd-new', fromDevice('d-new', '185.220.101.4'))]).new_network).toBe(true);
    expect(featuresOfLast([home, login(T0 + DAY, 'd-new')]).new_network).toBe(false);
  });

  it.each([
    ['2a00:23c5:1a2b:1::1', '2a00:23c5:1a2b:ffff::9', true],
    ['2a00:23c5:1a2b::1', '2a00:23c5:1a2b:0:0:0:0:2', true],
    ['2a00:23c5:1a2b::1', '2a00:23c5:1a2c::1', false],
    ['10.1.2.3', '10.1.2.200', true],
    ['10.1.2.3', '10.1.3.3', false],
  ] as const)('networks of %s and %s are the same: %s', (a, b, same) => {
    expect(networkKey(a) === networkKey(b)).toBe(same);
  });
});

describe('session context', () => {
  const transferFrom = (atMs: number, device: string) => ev('transfer_out', atMs, { amount: '1900.00', counterparty: { id: 'p-new', country: 'LT' }, ...fromDevice(device) });

  it('dates the takeover sequence: failed login, new device abroad, phone changed, payment ten minutes later', () => {
    const events = [
      ev('login', T0 - 30 * DAY, { ...fromDevice('d-own', '81.2.69.10'), geo: { country: 'DE' } }),
      ev('login_failed', T0, { ...fromDevice('d-x', '185.220.101.4'), geo: { country: 'RO' } }),
      ev('login', T0 + MINUTE, { ...fromDevice('d-x', '185.220.101.4'), geo: { country: 'RO' } }),
      ev('profile_change', T0 + 3 * MINUTE, { ...fromDevice('d-x', '185.220.101.4'), changed_fields: ['phone'] }),
      transferFrom(T0 + 10 * MINUTE, 'd-x'),
    ];
    expect(featuresOfLast(events)).toMatchObject({
      failed_logins_24h: 1, seconds_since_new_device_login: 9 * 60, seconds_since_new_network_login: 9 * 60,
      seconds_since_new_country_login: 9 * 60, seconds_since_contact_change: 7 * 60, device_age_seconds: 10 * 60, new_payee: true,
    });
  });

  it('does not call a login new-device when the device was first seen more than a day before', () => {
    const events = [login(T0 - 10 * DAY, 'd-old'), login(T0, 'd-1'), login(T0 + 3 * DAY, 'd-1'), transferFrom(T0 + 3 * DAY + MINUTE, 'd-1')];
    expect(featuresOfLast(events).seconds_since_new_device_login).toBe(3 * DAY / SECOND + 60);
  });

  it('does not call a new customer\'s first phone, home network and country new: there is nothing older to compare with', () => {
    const events = [
      ev('login', T0, { ...fromDevice('d-1', '81.2.69.10'), geo: { country: 'DE' } }),
      ev('login', T0 + HOUR, { ...fromDevice('d-1', '81.2.69.10'), geo: { country: 'DE' } }),
      transferFrom(T0 + 2 * HOUR, 'd-1'),
    ];
    expect(featuresOfLast(events)).toMatchObject({
      seconds_since_new_device_login: -1, seconds_since_new_network_login: -1, seconds_since_new_country_login: -1, device_age_seconds: 7200,
    });
  });

  it('counts a change of phone or e-mail, not of address', () => {
    expect(featuresOfLast([ev('profile_change', T0, { changed_fields: ['email'] }), pay(T0 + HOUR)]).seconds_since_contact_change).toBe(3600);
    expect(featuresOfLast([ev('profile_change', T0, { changed_fields: ['address'] }), pay(T0 + HOUR)]).seconds_since_contact_change).toBe(-1);
    expect(featuresOfLast([ev('profile_change', T0), pay(T0 + HOUR)]).seconds_since_contact_change).toBe(-1);
  });

  it('keeps the contact change when features are read without an event, and the per-login marks as −1', () => {
    const { state } = replay([login(T0, 'd-1'), ev('profile_change', T0 + MINUTE, { changed_fields: ['phone'] })]);
    expect(featuresAt(state, T0 + HOUR)).toMatchObject({ seconds_since_contact_change: 3540, seconds_since_new_device_login: -1 });
  });
});

describe('card presence and own accounts', () => {
  it.each([
    ['chip at a till', { channel: 'pos', entry_mode: 'chip' }, true],
    ['magstripe at a till', { channel: 'pos', entry_mode: 'magstripe' }, true],
    ['online', { channel: 'ecommerce', entry_mode: 'online' }, false],
    ['keyed in by phone', { channel: 'pos', entry_mode: 'manual' }, false],
    ['a till, no entry mode', { channel: 'pos' }, true],
    ['a web shop, no entry mode', { channel: 'ecommerce' }, false],
  ] as const)('a card payment %s: card_present is %s', (_case, fields, present) => {
    expect(featuresOfLast([ev('card_payment', T0, fields)]).card_present).toBe(present);
  });

  it('counts cash at a machine as card present, and a transfer never', () => {
    expect(featuresOfLast([ev('cash_withdrawal', T0)]).card_present).toBe(true);
    expect(featuresOfLast([transferOut(T0)]).card_present).toBe(false);
  });
});

describe('dormant accounts', () => {
  const cash = (atMs: number) => ev('cash_withdrawal', atMs, { amount: '400.00' });

  it('reads the silence on the first money event after it and on the others of that day, not the next', () => {
    const { results } = replay([pay(T0), cash(T0 + 200 * DAY), cash(T0 + 200 * DAY + HOUR), cash(T0 + 202 * DAY)]);
    expect(results.map((r) => r.features.idle_days_before_reactivation)).toEqual([0, 200, 200, 0]);
  });

  it('ignores gaps under 30 days', () => {
    expect(featuresOfLast([pay(T0), cash(T0 + 29 * DAY)]).idle_days_before_reactivation).toBe(0);
  });
});

describe('card testing at a patient pace', () => {
  it('counts small payments and new merchants over the hour, not only ten minutes', () => {
    const tests = Array.from({ length: 8 }, (_, i) => ev('card_payment', T0 + i * 3 * MINUTE, {
      channel: 'ecommerce', amount: '1.50', merchant: { id: `m-test-${i}`, mcc: '5815', country: 'IE' },
    }));
    expect(featuresOfLast(tests)).toMatchObject({
      card_payment_new_merchant_count_1h: 8, small_card_payment_count_1h: 8, card_payment_new_merchant_count_10m: 4, small_card_payment_count_10m: 4,
    });
  });
});

describe('strangers paying in', () => {
  const credit = (atMs: number, payer: string) => ev('transfer_in', atMs, { amount: '300.00', counterparty: { id: payer } });

  it('counts distinct senders first seen in the last 24 h, not the known ones nor repeats, in any arrival order', () => {
    const events = [credit(T0 - 30 * DAY, 'p-flatmate'), credit(T0, 'p-a'), credit(T0 + HOUR, 'p-b'), credit(T0 + 2 * HOUR, 'p-a'), credit(T0 + 3 * HOUR, 'p-flatmate'), credit(T0 + 4 * HOUR, 'p-c')];
    expect(featuresOfLast(events).new_payers_24h).toBe(3);
    const shuffled = [events[0]!, events[5]!, events[2]!, events[4]!, events[1]!, events[3]!];
    expect(featuresAt(replay(shuffled).state, T0 + 5 * HOUR).new_payers_24h).toBe(3);
    expect(featuresAt(replay(events).state, T0 + 2 * DAY).new_payers_24h).toBe(0);
  });
});

describe('one payee paid again and again', () => {
  it('counts the transfers and the amount to the current payee in the last hour, the current one included, and nothing for other payees or events', () => {
    const events = [
      transferOut(T0 - 2 * HOUR, '500.00', 'p-safe'), transferOut(T0, '2000.00', 'p-safe'), transferOut(T0 + 10 * MINUTE, '40.00', 'p-sister'),
      transferOut(T0 + 20 * MINUTE, '2500.00', 'p-safe'), pay(T0 + 30 * MINUTE, '30.00'), transferOut(T0 + 40 * MINUTE, '1900.00', 'p-safe'),
    ];
    const { results } = replay(events);
    expect(results.map((r) => [r.features.transfers_to_payee_1h, r.features.amount_to_payee_1h])).toEqual([
      [1, 500], [1, 2000], [1, 40], [2, 4500], [0, 0], [3, 6400],
    ]);
    // First paid two hours before: outside the hour's count, but still a payee first paid today.
    expect(results.at(-1)!.features.payee_first_seen_days).toBe(0);
  });
});

describe('asks of new payees over a fortnight', () => {
  it('counts transfers and money to every payee first paid in the last 14 days, the current one included, and not payees older than that', () => {
    const events = [
      transferOut(T0 - 40 * DAY, '300.00', 'p-landlord'), transferOut(T0 - 20 * DAY, '900.00', 'p-old-new'),
      transferOut(T0, '500.00', 'p-seller'), transferOut(T0 + 2 * DAY, '3900.00', 'p-seller'), transferOut(T0 + 4 * DAY, '1250.00', 'p-carrier'),
      transferOut(T0 + 5 * DAY, '300.00', 'p-landlord'), transferOut(T0 + 5 * DAY + HOUR, '1900.00', 'p-seller'),
    ];
    const { results } = replay(events);
    expect(results.slice(2).map((r) => [r.features.new_payees_transfers_14d, r.features.new_payees_total_14d])).toEqual([
      [1, 500], [2, 4400], [3, 5650], [3, 5650], [4, 7550],
    ]);
    // Fifteen days after the seller was first paid, the seller's run has left the fortnight (this
    // transfer with it); the carrier, first paid eleven days before, is still in it.
    expect(featuresOfLast([...events, transferOut(T0 + 15 * DAY, '100.00', 'p-seller')])).toMatchObject({ new_payees_transfers_14d: 1, new_payees_total_14d: 1250 });
  });

  it('reads a month of money in without the savings the customer brought in from their own account', () => {
    const salary = [90, 60, 30].map((d) => ev('salary_credit', T0 - d * DAY, { amount: '3000.00' }));
    const savings = ev('transfer_in', T0 - DAY, { amount: '6000.00', counterparty: { id: 'own-savings', own_account: true } });
    const gift = ev('transfer_in', T0 - DAY, { amount: '600.00', counterparty: { id: 'aunt' } });
    const ask = transferOut(T0, '4500.00', 'p-seller');
    // 4,500 against (9,000 + 600) / 3 a month: the 6,000 moved in from savings is not income.
    expect(featuresOfLast([...salary, savings, gift, ask]).new_payees_total_14d_to_monthly_income).toBeCloseTo(4500 / 3200, 6);
    expect(featuresOfLast([...salary, gift, ask]).new_payee_total_to_monthly_income).toBeCloseTo(4500 / 3200, 6);
  });
});

describe('a card number tested at one page', () => {
  const online = (atMs: number, merchant: string, amount = '1.00') =>
    ev('card_payment', atMs, { channel: 'ecommerce', entry_mode: 'online', amount, merchant: { id: merchant, mcc: '8398', country: 'DE' } });
  const till = (atMs: number, merchant: string) => ev('card_payment', atMs, { channel: 'pos', entry_mode: 'contactless', amount: '2.00', merchant: { id: merchant, mcc: '5814', country: 'DE' } });

  it('counts every small online payment at a merchant first paid that day, not at one paid for weeks, nor at a till, nor large ones', () => {
    const history = [online(T0 - 30 * DAY, 'm-known-app', '3.00')];
    const run = [
      online(T0, 'm-charity'), online(T0 + 90 * SECOND, 'm-charity'), online(T0 + 3 * MINUTE, 'm-charity', '2.00'), online(T0 + 4 * MINUTE, 'm-known-app'),
      till(T0 + 5 * MINUTE, 'm-stall'), online(T0 + 6 * MINUTE, 'm-charity', '40.00'), online(T0 + 7 * MINUTE, 'm-parking', '0.50'),
    ];
    expect(featuresOfLast([...history, ...run])).toMatchObject({
      small_online_payment_fresh_merchant_count_10m: 4, small_online_payment_fresh_merchant_count_1h: 4, card_payment_new_merchant_count_10m: 3,
    });
    // A day later the charity page is no longer new, and the hour has moved on.
    expect(featuresOfLast([...history, ...run, online(T0 + 2 * DAY, 'm-charity')])).toMatchObject({ small_online_payment_fresh_merchant_count_1h: 0 });
  });
});

describe('a sitting of transfers: a drain or a month end', () => {
  it('counts the hour\'s payees and the share of its transfers to payees paid before that day', () => {
    const known = ['p-roaster', 'p-dairy', 'p-rent'].map((payee, i) => transferOut(T0 - 30 * DAY + i * MINUTE, '300.00', payee));
    const sitting = [
      transferOut(T0, '300.00', 'p-roaster'), transferOut(T0 + 2 * MINUTE, '300.00', 'p-dairy'), transferOut(T0 + 4 * MINUTE, '900.00', 'p-rent'),
      transferOut(T0 + 6 * MINUTE, '250.00', 'p-new-cleaner'), transferOut(T0 + 8 * MINUTE, '250.00', 'p-new-cleaner'),
    ];
    const { results } = replay([...known, ...sitting]);
    expect(results.slice(-5).map((r) => [r.features.transfer_out_payees_1h, r.features.transfer_out_known_payee_share_1h])).toEqual([
      [1, 1], [2, 1], [3, 1], [4, 3 / 4], [4, 3 / 5],
    ]);
    // A payee first paid today is not yet known: an hour later, the second cleaner payment alone.
    const again = transferOut(T0 + 9 * HOUR, '250.00', 'p-new-cleaner');
    expect(featuresOfLast([...known, ...sitting, again])).toMatchObject({ transfer_out_payees_1h: 1, transfer_out_known_payee_share_1h: 0 });
    expect(featuresOfLast([...known, ...sitting, transferOut(T0 + 2 * DAY, '250.00', 'p-new-cleaner')])).toMatchObject({ transfer_out_known_payee_share_1h: 1 });
  });
});

describe('a card number spent online', () => {
  const online = (atMs: number, merchant: string, country: string, amount = '95.00') =>
    ev('card_payment', atMs, { channel: 'ecommerce', entry_mode: 'online', amount, merchant: { id: merchant, mcc: '5816', country } });

  it('counts new online merchants and the countries of theirs the customer was never in, within the hour', () => {
    const history = [ev('card_payment', T0 - 30 * DAY, { channel: 'pos', entry_mode: 'chip', amount: '40.00', merchant: { id: 'm-home', mcc: '5411', country: 'DE' } }),
      ev('card_payment', T0 - 20 * DAY, { channel: 'pos', entry_mode: 'chip', amount: '40.00', merchant: { id: 'm-nyc', mcc: '5411', country: 'US' } })];
    const spree = [online(T0, 'm-hk', 'HK', '1.00'), online(T0 + 8 * MINUTE, 'm-hk', 'HK'), online(T0 + 16 * MINUTE, 'm-cn', 'CN'),
      online(T0 + 24 * MINUTE, 'm-us', 'US'), online(T0 + 32 * MINUTE, 'm-de', 'DE'), online(T0 + 40 * MINUTE, 'm-sg', 'SG')];
    const { results, state } = replay([...history, ...spree]);
    // HK twice (the second not new), US and DE places the customer was in: 5 new merchants, 3 new countries.
    expect(results.at(-1)!.features).toMatchObject({ online_card_new_merchant_count_1h: 5, online_card_new_countries_1h: 3 });
    // A card at a till is not online; an hour later the spree has left the window.
    const till = ev('card_payment', T0 + 45 * MINUTE, { channel: 'pos', entry_mode: 'chip', amount: '20.00', merchant: { id: 'm-jp', mcc: '5411', country: 'JP' } });
    expect(featuresOfLast([...history, ...spree, till])).toMatchObject({ online_card_new_merchant_count_1h: 5, online_card_new_countries_1h: 3 });
    expect(featuresAt(state, T0 + 40 * MINUTE + HOUR + SECOND)).toMatchObject({ online_card_new_merchant_count_1h: 0, online_card_new_countries_1h: 0 });
  });

  it('stores the six hours online in a key of its own that a state written before it lacks, and forgets them once the six hours and the allowed lateness are past', () => {
    const { state } = replay([online(T0, 'm-hk', 'HK'), online(T0 + MINUTE, 'm-cn', 'CN')]);
    expect(state.oc).toHaveLength(2);
    expect(decodeFeatureState(encodeFeatureState(state))).toEqual(state);
    const older = JSON.parse(encodeFeatureState(state));
    delete older.oc;
    expect(decodeFeatureState(JSON.stringify(older)).oc).toEqual([]);
    // Kept for six hours and the allowed lateness (6 h by default), so a late payment still finds its night.
    expect(replay([ev('login', T0 + 11 * HOUR)], undefined, state).state.oc).toHaveLength(2);
    const later = replay([ev('login', T0 + 13 * HOUR)], undefined, state).state;
    expect(later.oc).toEqual([]);
    expect(JSON.parse(encodeFeatureState(later))).not.toHaveProperty('oc');
  });
});

describe('growing payments to a new payee', () => {
  const toPayee = (atMs: number, amount: string, payee = 'p-lover', country = 'TR', own = false) =>
    ev('transfer_out', atMs, { amount, counterparty: { id: payee, country, ...(own && { own_account: true }) } });
  const home = Array.from({ length: 5 }, (_, i) => ev('card_payment', T0 - (60 - i) * DAY, { channel: 'pos', entry_mode: 'chip', amount: '30.00', merchant: { id: `m-${i}`, mcc: '5411', country: 'DE' } }));

  it('follows the run to a payee first paid in the quarter: transfers, total, whether this one is the largest yet, and whether the payee is abroad', () => {
    const amounts = ['200.00', '450.00', '900.00', '1500.00', '1200.00', '3000.00'];
    const { results } = replay([...home, ...amounts.map((amount, i) => toPayee(T0 + i * 7 * DAY, amount))]);
    expect(results.slice(home.length).map((r) => [r.features.new_payee_transfers_90d, r.features.new_payee_total_90d, r.features.new_payee_growing, r.features.payee_abroad])).toEqual([
      [1, 200, false, true], [2, 650, false, true], [3, 1550, false, true], [4, 3050, true, true], [5, 4250, false, true], [6, 7250, true, true],
    ]);
  });

  it('leaves out payees known before the quarter and own accounts, calls a payee at home not abroad, and forgets a run begun over 90 days ago', () => {
    const known = [toPayee(T0 - 200 * DAY, '50.00', 'p-mum'), toPayee(T0, '400.00', 'p-mum')];
    expect(replay([...home, ...known]).last).toMatchObject({ new_payee_transfers_90d: 0, new_payee_total_90d: 0, payee_abroad: true });
    expect(replay([...home, toPayee(T0, '4000.00', 'p-own', 'AT', true)]).last).toMatchObject({ new_payee_transfers_90d: 0, own_account_transfer: true });
    expect(replay([...home, toPayee(T0, '900.00', 'p-builder', 'DE')]).last).toMatchObject({ new_payee_transfers_90d: 1, payee_abroad: false });
    const { state } = replay([...home, toPayee(T0, '200.00'), toPayee(T0 + 95 * DAY, '300.00', 'p-other', 'DE')]);
    expect(state.np.map(([, first]) => first)).toEqual([Math.floor((T0 + 95 * DAY) / 1000)]);
    const round = replay([...home, toPayee(T0, '200.00'), toPayee(T0 + DAY, '300.00')]).state;
    expect(decodeFeatureState(encodeFeatureState(round))).toEqual(round);
  });

  it('keeps the runs oldest first when a late transfer moves a run\'s first payment earlier, so they store and prune alike', () => {
    const { state } = replay([toPayee(T0 + 10 * DAY, '100.00', 'p-a'), toPayee(T0 + 20 * DAY, '100.00', 'p-b'), toPayee(T0 + 5 * DAY, '100.00', 'p-b')]);
    expect(state.np.map(([, first]) => first)).toEqual([Math.floor((T0 + 5 * DAY) / 1000), Math.floor((T0 + 10 * DAY) / 1000)]);
    expect(decodeFeatureState(encodeFeatureState(state))).toEqual(state);
  });
});

describe('a saved payee at new bank details', () => {
  const pay = (atMs: number, account: string, payee = 'p-supplier') => ev('transfer_out', atMs, { amount: '4200.00', counterparty: { id: payee, account, country: 'DE' } });
  const home = Array.from({ length: 5 }, (_, i) => ev('card_payment', T0 - (60 - i) * DAY, { channel: 'pos', entry_mode: 'chip', amount: '30.00', merchant: { id: `m-${i}`, mcc: '5411', country: 'DE' } }));
  const usual = [pay(T0, 'DE75 5121 0800 1245 1261 00'), pay(T0 + 30 * DAY, 'DE75512108001245126100')];

  it('reads a payee paid twice before at an account never paid as changed, and says whether the account is abroad (by its IBAN)', () => {
    expect(replay([...home, ...usual, pay(T0 + 60 * DAY, 'PL27114020040000300201355387')]).last).toMatchObject({ payee_account_changed: true, payee_account_abroad: true });
    expect(replay([...home, ...usual, pay(T0 + 60 * DAY, 'DE02120300000000202051')]).last).toMatchObject({ payee_account_changed: true, payee_account_abroad: false });
  });

  it('is not a change: the usual account (spaces and case aside), a payee paid once before, or a payee known only by its account', () => {
    expect(replay([...home, ...usual, pay(T0 + 60 * DAY, 'de75512108001245126100')]).last.payee_account_changed).toBe(false);
    expect(replay([...home, usual[0]!, pay(T0 + 60 * DAY, 'PL27114020040000300201355387')]).last.payee_account_changed).toBe(false);
    const byAccount = (atMs: number, account: string) => ev('transfer_out', atMs, { amount: '4200.00', counterparty: { account } });
    expect(replay([...home, byAccount(T0, 'DE75512108001245126100'), byAccount(T0 + DAY, 'DE75512108001245126100'), byAccount(T0 + 2 * DAY, 'PL27114020040000300201355387')]).last.payee_account_changed).toBe(false);
  });
});

describe('a payee saved anew under a known name, at new bank details', () => {
  const pay = (atMs: number, account: string, payee: string, name: string) => ev('transfer_out', atMs, { amount: '4200.00', counterparty: { id: payee, account, name, country: 'DE' } });
  const home = Array.from({ length: 5 }, (_, i) => ev('card_payment', T0 - (60 - i) * DAY, { channel: 'pos', entry_mode: 'chip', amount: '30.00', merchant: { id: `m-${i}`, mcc: '5411', country: 'DE' } }));
  const usual = [pay(T0, 'DE75512108001245126100', 'p-supplier', 'Nordholz Papier GmbH'), pay(T0 + 30 * DAY, 'DE75512108001245126100', 'p-supplier', 'Nordholz Papier GmbH')];

  it('reads the supplier\'s name (legal form, case, accents and punctuation aside) under a new payee id at a new account as changed', () => {
    const redirected = pay(T0 + 60 * DAY, 'DE02120300000000202051', 'p-new-1', 'NORDHOLZ PAPIER');
    expect(replay([...home, ...usual, redirected]).last).toMatchObject({ new_payee: true, payee_account_changed: false, payee_name_account_changed: true, payee_account_abroad: false });
    const accented = [pay(T0, 'DE75512108001245126100', 'p-m', 'Müller & Söhne'), pay(T0 + 30 * DAY, 'DE75512108001245126100', 'p-m', 'Müller & Söhne')];
    expect(replay([...home, ...accented, pay(T0 + 60 * DAY, 'PL27114020040000300201355387', 'p-new-2', 'Muller Sohne Ltd.')]).last)
      .toMatchObject({ payee_name_account_changed: true, payee_account_abroad: true });
  });

  it('is not a change: the known account under a new id, a name paid once before, another name, or a name too short to tell payees apart', () => {
    expect(replay([...home, ...usual, pay(T0 + 60 * DAY, 'DE75512108001245126100', 'p-new-1', 'Nordholz Papier')]).last.payee_name_account_changed).toBe(false);
    expect(replay([...home, usual[0]!, pay(T0 + 60 * DAY, 'DE02120300000000202051', 'p-new-1', 'Nordholz Papier')]).last.payee_name_account_changed).toBe(false);
    expect(replay([...home, ...usual, pay(T0 + 60 * DAY, 'DE02120300000000202051', 'p-new-1', 'Nordholz Druck')]).last.payee_name_account_changed).toBe(false);
    const mum = [pay(T0, 'DE75512108001245126100', 'p-mum', 'Mum'), pay(T0 + 30 * DAY, 'DE75512108001245126100', 'p-mum', 'Mum')];
    expect(replay([...home, ...mum, pay(T0 + 60 * DAY, 'DE02120300000000202051', 'p-other', 'MUM')]).last.payee_name_account_changed).toBe(false);
  });

  it('keeps the names through the state codec', () => {
    const { state } = replay([...home, ...usual]);
    expect(state.s.q.keys.length).toBe(1);
    expect(decodeFeatureState(encodeFeatureState(state))).toEqual(state);
  });
});

describe('strangers paying in over days', () => {
  const credit = (atMs: number, payer: string, amount = '600.00') => ev('transfer_in', atMs, { amount, counterparty: { id: payer } });

  it('counts senders first seen in the last three days and the share of their money forwarded, where the 24 h window has lost the early ones', () => {
    const events = [
      credit(T0, 'p-a'), credit(T0 + 8 * HOUR, 'p-b'), credit(T0 + 20 * HOUR, 'p-c'), credit(T0 + 30 * HOUR, 'p-d'), credit(T0 + 40 * HOUR, 'p-e'),
      transferOut(T0 + 50 * HOUR, '2400.00', 'p-crypto'),
    ];
    expect(featuresOfLast(events)).toMatchObject({ new_payers_24h: 2, new_payers_3d: 5, amount_in_3d: 3000, forwarded_out_ratio_3d: 0.8 });
    expect(featuresAt(replay(events).state, T0 + 6 * DAY)).toMatchObject({ new_payers_3d: 0, amount_in_3d: 0 });
  });
});

describe('where the customer is', () => {
  const till = (atMs: number, country: string) => ev('card_payment', atMs, { channel: 'pos', merchant: { id: `m-${country}`, mcc: '5411', country } });

  it('dates a till on another continent against the last place the customer was', () => {
    expect(featuresOfLast([till(T0, 'DE'), till(T0 + 40 * MINUTE, 'NG')]).seconds_since_other_continent).toBe(2400);
    expect(featuresOfLast([till(T0, 'DE'), till(T0 + 40 * MINUTE, 'FR')]).seconds_since_other_continent).toBe(-1);
  });

  it('does not place the customer at a foreign web shop, a refund or a direct debit', () => {
    const online = ev('card_payment', T0 + HOUR, { channel: 'ecommerce', merchant: { id: 'm-us', mcc: '5999', country: 'US' } });
    const refund = ev('card_refund', T0 + 2 * HOUR, { merchant: { id: 'm-th', mcc: '5411', country: 'TH' } });
    const { state, last } = replay([till(T0, 'DE'), online, refund]);
    expect(last).toMatchObject({ new_country: false, seconds_since_other_continent: -1 });
    expect(featuresAt(state, T0 + 3 * HOUR).distinct_countries_24h).toBe(1);
  });
});

describe('a device added beside the customer\'s own', () => {
  const login = (atMs: number, device: string) => ev('login', atMs, { channel: 'mobile_app', device: { id: device } });
  const own = Array.from({ length: 40 }, (_, d) => login(T0 + d * DAY, 'dev-own'));
  const fromCarer = (atMs: number) => ev('transfer_out', atMs, { channel: 'mobile_app', amount: '300.00', counterparty: { id: 'p-carer' }, device: { id: 'dev-carer' } });

  it('is the newer device used while an older one still is: a second phone on the account, first seen and weeks later', () => {
    expect(replay([...own, login(T0 + 20 * DAY, 'dev-carer'), fromCarer(T0 + 39 * DAY + HOUR)]).last.device_added_beside_another).toBe(true);
    expect(replay([...own, fromCarer(T0 + 39 * DAY + HOUR)]).last.device_added_beside_another).toBe(true);
  });

  it('is not: the customer\'s own older device, a phone that replaced the old one, one added with the other, or one added more than 60 days ago', () => {
    expect(replay([...own, login(T0 + 20 * DAY, 'dev-carer'), login(T0 + 39 * DAY + HOUR, 'dev-own')]).last.device_added_beside_another).toBe(false);
    const replaced = [...own.slice(0, 20), ...Array.from({ length: 20 }, (_, d) => login(T0 + (20 + d) * DAY, 'dev-carer'))];
    expect(replay([...replaced, fromCarer(T0 + 39 * DAY + HOUR)]).last.device_added_beside_another).toBe(false);
    expect(replay([...own, login(T0 + 3 * HOUR, 'dev-carer'), fromCarer(T0 + 39 * DAY + HOUR)]).last.device_added_beside_another).toBe(false);
    const long = Array.from({ length: 80 }, (_, d) => login(T0 + d * DAY, 'dev-own'));
    expect(replay([...long, login(T0 + 10 * DAY, 'dev-carer'), fromCarer(T0 + 79 * DAY + HOUR)]).last.device_added_beside_another).toBe(false);
  });
});

describe('the hours of the day a customer acts in', () => {
  const days = (hour: number, n: number, channel = 'mobile_app') => Array.from({ length: n }, (_, d) => ev('login', T0 + d * DAY + hour * HOUR, { channel }));
  const online = (atMs: number) => ev('card_payment', atMs, { channel: 'ecommerce', entry_mode: 'online', amount: '300.00', merchant: { id: 'm-x', mcc: '5732', country: 'US' } });

  it('reads the share of their own events within three hours of this one: none at 2 a.m. for a daytime customer, most at their usual hour', () => {
    const life = [...days(8, 40), ...days(19, 40)];
    expect(replay([...life, online(T0 + 41 * DAY + 2 * HOUR)]).last.hour_of_day_share).toBe(0);
    expect(replay([...life, online(T0 + 41 * DAY + 21 * HOUR)]).last.hour_of_day_share).toBeCloseTo(0.5);
    // A night-shift worker's 3 a.m. is their day.
    expect(replay([...days(3, 60), online(T0 + 61 * DAY + 2 * HOUR)]).last.hour_of_day_share).toBe(1);
  });

  it('leaves the bank\'s batch postings out and says nothing (−1) before 50 of the customer\'s own events', () => {
    expect(replay([...days(8, 30), online(T0 + 31 * DAY + 2 * HOUR)]).last.hour_of_day_share).toBe(-1);
    expect(replay([...days(8, 60), ...days(2, 60, 'core_banking'), online(T0 + 61 * DAY + 2 * HOUR)]).last.hour_of_day_share).toBe(0);
  });

  it('keeps the counts through the codec, in a key a state written before it lacks', () => {
    const { state } = replay(days(8, 3));
    expect(state.hd[8]).toBe(3);
    expect(decodeFeatureState(encodeFeatureState(state))).toEqual(state);
    const older = JSON.parse(encodeFeatureState(state));
    delete older.hd;
    expect(decodeFeatureState(JSON.stringify(older)).hd).toEqual([]);
  });
});
