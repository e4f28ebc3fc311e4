import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { featuresAt } from '../../features/index.js';
import { byTime, eventsArb, newestMs } from './arbitraries.js';
import { DAY, featuresOfLast, HOUR, MINUTE, pay, replay, SECOND, T0 } from './builders.js';

// Windows are closed: [t − W, t]. Short ones are exact; 24h and longer count whole buckets from the
// one holding t − W (1-hour buckets for 24h, UTC days beyond). See features/windows.ts.

describe('exact short windows [t − W, t]', () => {
  const t = T0 + 5 * HOUR + 30 * SECOND;
  it.each([
    ['txn_count_1m', MINUTE],
    ['txn_count_10m', 10 * MINUTE],
    ['txn_count_1h', HOUR],
  ] as const)('%s counts an event exactly W before and not one a second earlier', (feature, window) => {
    expect(featuresOfLast([pay(t - window), pay(t)])[feature]).toBe(2);
    expect(featuresOfLast([pay(t - window - SECOND), pay(t)])[feature]).toBe(1);
  });
});

describe('bucketed windows round out to whole buckets at the old end', () => {
  const t = T0 + 10 * DAY + 10 * HOUR + 30 * MINUTE;
  it.each([
    // [feature, W, start of the oldest bucket read]
    ['txn_count_24h', DAY, t - DAY - 30 * MINUTE],
    ['txn_count_7d', 7 * DAY, t - 7 * DAY - (10 * HOUR + 30 * MINUTE)],
    ['txn_count_30d', 30 * DAY, t - 30 * DAY - (10 * HOUR + 30 * MINUTE)],
    ['txn_count_90d', 90 * DAY, t - 90 * DAY - (10 * HOUR + 30 * MINUTE)],
  ] as const)('%s reads from the bucket holding t − W, never from the one before', (feature, window, oldestBucketStart) => {
    expect(featuresOfLast([pay(t - window), pay(t)])[feature]).toBe(2);
    expect(featuresOfLast([pay(oldestBucketStart), pay(t)])[feature]).toBe(2);
    expect(featuresOfLast([pay(oldestBucketStart - SECOND), pay(t)])[feature]).toBe(1);
  });

  it('reads exactly W when t − W falls on a bucket boundary', () => {
    const onTheHour = T0 + 3 * DAY;
    expect(featuresOfLast([pay(onTheHour - DAY), pay(onTheHour)]).txn_count_24h).toBe(2);
    expect(featuresOfLast([pay(onTheHour - DAY - SECOND), pay(onTheHour)]).txn_count_24h).toBe(1);
  });
});

describe('featuresAt', () => {
  it('reads the windows ending at the time asked, without counting any event as current', () => {
    const { state } = replay([pay(T0), pay(T0 + 5 * MINUTE)]);
    const now = featuresAt(state, T0 + 10 * MINUTE);
    expect(now).toMatchObject({ txn_count_1m: 0, txn_count_10m: 2, amount_current: 0, new_merchant: false });
    expect(featuresAt(state, T0 + 2 * HOUR)).toMatchObject({ txn_count_1h: 0, txn_count_24h: 2 });
    expect(featuresAt(state, T0 + 8 * DAY)).toMatchObject({ txn_count_7d: 0, txn_count_30d: 2 });
  });

  it('ignores events after the time asked in the exact windows', () => {
    const { state } = replay([pay(T0), pay(T0 + 30 * MINUTE)]);
    expect(featuresAt(state, T0 + 5 * MINUTE).txn_count_10m).toBe(1);
  });
});

const NESTED: readonly (readonly string[])[] = [
  ['txn_count_1m', 'txn_count_10m', 'txn_count_1h', 'txn_count_24h', 'txn_count_7d', 'txn_count_30d', 'txn_count_90d'],
  ['card_payment_count_10m', 'card_payment_count_1h', 'card_payment_count_24h'],
  ['transfer_out_count_1h', 'transfer_out_count_24h'],
  ['amount_out_1h', 'amount_out_24h', 'amount_out_7d', 'amount_out_30d'],
  ['amount_in_24h', 'amount_in_3d', 'amount_in_7d', 'amount_in_30d'],
  ['new_payers_24h', 'new_payers_3d'],
  ['online_card_new_merchant_count_1h', 'card_payment_new_merchant_count_1h', 'card_and_cash_new_places_1h'],
  ['cash_withdrawal_places_1h', 'cash_withdrawal_count_1h', 'cash_withdrawal_count_24h'],
  ['cash_withdrawal_places_1h', 'card_and_cash_new_places_1h'],
  ['transfers_to_payee_1h', 'transfer_out_count_1h'],
  ['small_online_payment_fresh_merchant_count_10m', 'small_online_payment_fresh_merchant_count_1h', 'small_card_payment_count_1h'],
  ['small_online_payment_fresh_merchant_count_10m', 'small_card_payment_count_10m'],
  ['failed_logins_1h', 'failed_logins_24h'],
  ['login_count_7d', 'login_count_30d'],
  ['app_session_count_7d', 'app_session_count_30d'],
];

describe('nested windows', () => {
  it('are monotone (1m ≤ 10m ≤ 1h ≤ 24h ≤ 3d ≤ 7d ≤ 30d ≤ 90d) for every event and any later time', () => {
    fc.assert(
      fc.property(eventsArb(40 * DAY), fc.integer({ min: 0, max: 100 * DAY }), (events, later) => {
        const { state, results } = replay([...events].sort(byTime));
        const vectors = [...results.map((r) => r.features), featuresAt(state, newestMs(events) + later)];
        for (const vector of vectors) {
          for (const chain of NESTED) {
            for (let i = 1; i < chain.length; i++) {
              expect(vector[chain[i - 1]!] as number).toBeLessThanOrEqual((vector[chain[i]!] as number) + 1e-9);
            }
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('are monotone with bursts inside one hour', () => {
    fc.assert(
      fc.property(eventsArb(2 * HOUR, 60), (events) => {
        const { results } = replay([...events].sort(byTime));
        for (const { features } of results) {
          for (const chain of NESTED) {
            for (let i = 1; i < chain.length; i++) {
              expect(features[chain[i - 1]!] as number).toBeLessThanOrEqual((features[chain[i]!] as number) + 1e-9);
            }
          }
        }
      }),
      { numRuns: 100 },
    );
  });
});
