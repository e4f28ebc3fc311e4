import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { VigilEvent } from '../../core/events/index.js';
import {
  applyEvent, DEFAULT_FEATURE_CONFIG, encodeFeatureState, featuresAt, type FeatureVector,
} from '../../features/index.js';
import { byTime, eventsArb, newestMs } from './arbitraries.js';
import { DAY, deepFreeze, ev, HOUR, MINUTE, pay, replay, SECOND, T0 } from './builders.js';

const LATENESS = DEFAULT_FEATURE_CONFIG.allowedLatenessMs;

describe('lateness', () => {
  it.each([
    ['at the newest time', 0, 'on_time'],
    ['after it', -MINUTE, 'on_time'],
    ['exactly the allowed lateness behind', LATENESS, 'late'],
    ['a second more behind', LATENESS + SECOND, 'too_late'],
  ] as const)('an event %s is %s', (_case, behind, expected) => {
    const { results } = replay([pay(T0 + DAY), pay(T0 + DAY - behind)]);
    expect(results[1]!.late).toBe(expected);
  });

  it('takes the allowed lateness from the config', () => {
    const cfg = { ...DEFAULT_FEATURE_CONFIG, allowedLatenessMs: MINUTE };
    const { results } = replay([pay(T0 + HOUR), pay(T0 + HOUR - 2 * MINUTE)], cfg);
    expect(results[1]!.late).toBe('too_late');
  });

  it('puts a late event in the windows of its own time, not the arrival time', () => {
    const { results, state } = replay([pay(T0), pay(T0 + 2 * HOUR), pay(T0 + 5 * MINUTE)]);
    expect(results[2]).toMatchObject({ late: 'late', features: { txn_count_10m: 2, txn_count_1h: 2, txn_count_24h: 2 } });
    expect(featuresAt(state, T0 + 2 * HOUR)).toMatchObject({ txn_count_1h: 1, txn_count_24h: 3 });
  });

  it('lets a late event see later events of its own bucket in bucketed windows, never in exact ones', () => {
    const { results } = replay([pay(T0), pay(T0 + 30 * MINUTE), pay(T0 + 5 * MINUTE)]);
    expect(results[2]!.features).toMatchObject({ txn_count_10m: 2, txn_count_1h: 2, txn_count_24h: 3 });
  });

  it('still records a too-late event in long windows, lifetime counters and seen sets', () => {
    const events = [pay(T0 + 10 * DAY), ev('login', T0 + 8 * DAY, { device: { id: 'd-old' } })];
    const { results, state } = replay(events);
    expect(results[1]!.late).toBe('too_late');
    expect(featuresAt(state, T0 + 10 * DAY)).toMatchObject({ events_total: 2, login_count_7d: 1, distinct_devices_30d: 1 });
    const again = applyEvent(state, ev('login', T0 + 10 * DAY + HOUR, { device: { id: 'd-old' } }), DEFAULT_FEATURE_CONFIG);
    expect(again.features.new_device).toBe(false);
  });

  it('never changes the state it is given', () => {
    const { state } = replay([pay(T0), ev('login', T0, { device: { id: 'd-1' } })]);
    const before = encodeFeatureState(state);
    deepFreeze(state);
    applyEvent(state, pay(T0 - 5 * MINUTE, '3.00', 'm-9'), DEFAULT_FEATURE_CONFIG);
    applyEvent(state, pay(T0 + 30 * DAY), DEFAULT_FEATURE_CONFIG);
    expect(encodeFeatureState(state)).toBe(before);
  });
});

/**
 * An arrival order in which every event is on time or late, never too late: sort by occurred_at
 * plus a jitter below the allowed lateness. An event then arrives after another only if it is at
 * most the lateness older.
 */
function arrivalWithinLateness(events: readonly VigilEvent[], jitters: readonly number[]): VigilEvent[] {
  return events
    .map((event, i) => ({ event, key: Date.parse(event.occurred_at) + (jitters[i] ?? 0) }))
    .sort((a, b) => a.key - b.key)
    .map(({ event }) => event);
}

function expectSameFeatures(actual: FeatureVector, expected: FeatureVector): void {
  expect(Object.keys(actual)).toEqual(Object.keys(expected));
  for (const [name, value] of Object.entries(expected)) {
    if (typeof value === 'number' && !Number.isInteger(value)) {
      // Float statistics (the M2 behind stddev, stored to 7 digits) are summed in arrival order.
      expect(Math.abs((actual[name] as number) - value), name).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(value)));
    } else {
      expect(actual[name], name).toBe(value);
    }
  }
}

describe('arrival order', () => {
  it('does not change the final features when every event is on time or late', () => {
    fc.assert(
      fc.property(
        eventsArb(120 * DAY, 50),
        fc.array(fc.integer({ min: 0, max: LATENESS - SECOND }), { minLength: 50, maxLength: 50 }),
        fc.integer({ min: 0, max: 100 * DAY }),
        (events, jitters, later) => {
          const inOrder = replay([...events].sort(byTime));
          const shuffled = replay(arrivalWithinLateness(events, jitters));
          expect(shuffled.results.every((r) => r.late !== 'too_late')).toBe(true);
          const at = newestMs(events) + later;
          expectSameFeatures(featuresAt(shuffled.state, at), featuresAt(inOrder.state, at));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('does not change the final features for any permutation of events within the allowed lateness', () => {
    fc.assert(
      fc.property(
        eventsArb(LATENESS, 40).chain((events) => fc.tuple(fc.constant(events), fc.shuffledSubarray(events, { minLength: events.length }))),
        fc.integer({ min: 0, max: 2 * HOUR }),
        ([events, permutation], later) => {
          const at = newestMs(events) + later;
          expectSameFeatures(featuresAt(replay(permutation).state, at), featuresAt(replay([...events].sort(byTime)).state, at));
        },
      ),
      { numRuns: 200 },
    );
  });
});
