import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  alertOutcome, nearestRank, periodStart, rulePerformance, wilsonInterval, type ArchivedAlert, type ArchivedTransition,
} from '../../alerts/performance/index.js';

const T0 = Date.parse('2026-11-02T09:00:00Z'); // a Monday
const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const range = { fromMs: Date.parse('2026-11-01T00:00:00Z'), toMs: Date.parse('2026-12-01T00:00:00Z'), bucket: 'day' as const };

let n = 0;
function alert(overrides: Partial<ArchivedAlert> = {}): ArchivedAlert {
  return { id: `a${++n}`, type: 'fraud', createdAtMs: T0, ruleIds: ['r1'], modelVersions: [], ...overrides };
}
/** An alert's resolve / reopen steps, each `afterMs` its raising, numbered as its history would be. */
function steps(a: ArchivedAlert, ...moves: Array<[action: 'resolve' | 'reopen' | 'comment', afterMs: number, disposition?: string]>): ArchivedTransition[] {
  return moves.map(([action, afterMs, disposition], i) => ({ alertId: a.id, seq: i + 2, atMs: a.createdAtMs + afterMs, action, disposition: disposition ?? '' }));
}

describe('alertOutcome', () => {
  const a = alert();
  it.each([
    ['no transitions', [], { status: 'open' }],
    ['one resolve', steps(a, ['resolve', HOUR, 'confirmed_fraud']), { status: 'resolved', disposition: 'confirmed_fraud', atMs: a.createdAtMs + HOUR }],
    ['resolved then reopened', steps(a, ['resolve', HOUR, 'false_positive'], ['reopen', 2 * HOUR]), { status: 'open' }],
    ['reopened then re-resolved: the last disposition', steps(a, ['resolve', HOUR, 'false_positive'], ['reopen', 2 * HOUR], ['resolve', 3 * HOUR, 'confirmed_fraud']),
      { status: 'resolved', disposition: 'confirmed_fraud', atMs: a.createdAtMs + 3 * HOUR }],
    ['a comment after the resolve changes nothing', steps(a, ['resolve', HOUR, 'false_positive'], ['comment', 2 * HOUR]),
      { status: 'resolved', disposition: 'false_positive', atMs: a.createdAtMs + HOUR }],
  ] as const)('%s', (_case, transitions, expected) => {
    expect(alertOutcome(transitions)).toEqual(expected);
  });

  it('takes the order from seq, whatever order and duplicates the rows come in', () => {
    const [resolve, reopen, again] = steps(a, ['resolve', HOUR, 'false_positive'], ['reopen', 2 * HOUR], ['resolve', 3 * HOUR, 'confirmed_fraud']);
    expect(alertOutcome([again!, reopen!, resolve!, reopen!, again!])).toMatchObject({ disposition: 'confirmed_fraud' });
    expect(alertOutcome([reopen!, resolve!, reopen!])).toEqual({ status: 'open' });
  });
});

describe('wilsonInterval', () => {
  // Published values of the 95% Wilson score interval (e.g. Newcombe 1998, table I).
  it.each([
    [1, 2, 0.0945, 0.9055],
    [8, 10, 0.4902, 0.9433],
    [0, 5, 0, 0.4345],
    [5, 5, 0.5655, 1],
    [81, 263, 0.2553, 0.3662],
  ])('%i of %i → [%f, %f]', (successes, trials, low, high) => {
    const interval = wilsonInterval(successes, trials)!;
    expect(interval.value).toBeCloseTo(successes / trials, 10);
    expect(interval.low).toBeCloseTo(low, 4);
    expect(interval.high).toBeCloseTo(high, 4);
  });

  it('is null without trials, and always holds the proportion within [0, 1]', () => {
    expect(wilsonInterval(0, 0)).toBeNull();
    fc.assert(fc.property(fc.integer({ min: 1, max: 10_000 }), fc.double({ min: 0, max: 1, noNaN: true }), (trials, share) => {
      const successes = Math.round(share * trials);
      const { value, low, high } = wilsonInterval(successes, trials)!;
      return low >= 0 && high <= 1 && low <= value + 1e-12 && value <= high + 1e-12;
    }));
  });
});

describe('nearestRank and periodStart', () => {
  it.each([
    [[5], 0.5, 5], [[5], 0.9, 5], [[1, 2, 3, 4], 0.5, 2], [[1, 2, 3, 4], 0.9, 4], [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9, 9], [[1, 2, 3], 0.5, 2],
  ])('nearest rank of %j at %f is %i', (values, q, expected) => {
    expect(nearestRank(values, q)).toBe(expected);
  });

  it.each([
    ['2026-11-04T23:59:59.999Z', 'day', '2026-11-04T00:00:00.000Z'],
    ['2026-11-04T12:00:00Z', 'week', '2026-11-02T00:00:00.000Z'], // Wednesday → Monday
    ['2026-11-02T00:00:00Z', 'week', '2026-11-02T00:00:00.000Z'], // Monday itself
    ['2026-11-08T23:00:00Z', 'week', '2026-11-02T00:00:00.000Z'], // Sunday belongs to the week before
    ['2027-01-01T10:00:00Z', 'week', '2026-12-28T00:00:00.000Z'], // across the year
  ] as const)('%s in a %s starts at %s', (at, bucket, start) => {
    expect(new Date(periodStart(Date.parse(at), bucket)).toISOString()).toBe(start);
  });
});

describe('rulePerformance', () => {
  it('maps dispositions to verdicts by alert type, and splits raised into true, false, no verdict and open', () => {
    const cases: Array<[type: string, disposition: string | undefined, outcome: 'tp' | 'fp' | 'none' | 'open']> = [
      ['fraud', 'confirmed_fraud', 'tp'], ['fraud', 'false_positive', 'fp'], ['fraud', 'customer_contacted', 'none'], ['fraud', 'no_action_needed', 'none'],
      ['credit', 'credit_risk_confirmed', 'tp'], ['credit', 'false_positive', 'fp'], ['credit', 'payment_plan_agreed', 'none'],
      ['churn', 'churn_confirmed', 'tp'], ['churn', 'retained', 'none'],
      ['complaint_sla', 'complaint_resolved', 'none'],
      ['fraud', undefined, 'open'],
    ];
    for (const [type, disposition, outcome] of cases) {
      const a = alert({ type, ruleIds: ['r'] });
      const report = rulePerformance([a], disposition ? steps(a, ['resolve', HOUR, disposition]) : [], range);
      const total = report[0]!.total;
      const got = total.true_positives ? 'tp' : total.false_positives ? 'fp' : total.resolved_without_verdict ? 'none' : total.open ? 'open' : 'nothing';
      expect(got, `${type} ${disposition}`).toBe(outcome);
      expect(total.raised).toBe(1);
    }
  });

  it('counts an alert for each of its rules, per model version, with shares, precision and times to disposition', () => {
    const a1 = alert({ ruleIds: ['velocity', 'model-fraud'], modelVersions: ['', 'fraud@2'] });
    const a2 = alert({ ruleIds: ['velocity'], createdAtMs: T0 + 10 * MIN });
    const a3 = alert({ ruleIds: ['model-fraud'], modelVersions: ['fraud@1'] });
    const a4 = alert({ ruleIds: ['velocity', 'model-fraud'], modelVersions: ['', 'fraud@2'], createdAtMs: T0 + DAY });
    const a5 = alert({ ruleIds: ['velocity'], createdAtMs: T0 + DAY });
    const transitions = [
      ...steps(a1, ['resolve', 30 * MIN, 'confirmed_fraud']),
      ...steps(a2, ['resolve', 2 * HOUR, 'false_positive']),
      ...steps(a3, ['resolve', 10 * MIN, 'false_positive'], ['reopen', HOUR], ['resolve', 4 * HOUR, 'confirmed_fraud']),
      ...steps(a4, ['resolve', 6 * HOUR, 'customer_contacted']),
    ];
    const report = rulePerformance([a1, a2, a3, a4, a5], transitions, range);
    expect(report.map((r) => [r.rule_id, r.model_version, r.total.raised])).toEqual([
      ['model-fraud', 'fraud@1', 1], ['model-fraud', 'fraud@2', 2], ['velocity', null, 4],
    ]);
    const velocity = report.find((r) => r.rule_id === 'velocity')!;
    expect(velocity.total).toEqual({
      raised: 4, resolved: 3, open: 1, true_positives: 1, false_positives: 1, resolved_without_verdict: 1,
      share_true_positive: 0.25, share_false_positive: 0.25, share_open: 0.25,
      precision: { value: 0.5, low: expect.closeTo(0.0945, 4), high: expect.closeTo(0.9055, 4) },
      // 30 min, 2 h, 6 h: the median is 2 h, the p90 the longest.
      time_to_disposition_seconds: { median: 7200, p90: 21600 },
    });
    expect(velocity.periods.map((p) => [p.start, p.raised, p.true_positives, p.false_positives, p.open])).toEqual([
      ['2026-11-02T00:00:00.000Z', 2, 1, 1, 0], ['2026-11-03T00:00:00.000Z', 2, 0, 0, 1],
    ]);
    // Reopened and re-resolved: counted once, with its last disposition and the time to it.
    expect(report[0]!.total).toMatchObject({ raised: 1, true_positives: 1, false_positives: 0, time_to_disposition_seconds: { median: 14400, p90: 14400 } });
    expect(report[0]!.total.precision).toMatchObject({ value: 1, high: 1 });
    const byWeek = rulePerformance([a1, a2, a3, a4, a5], transitions, { ...range, bucket: 'week' });
    expect(byWeek.find((r) => r.rule_id === 'velocity')!.periods.map((p) => [p.start, p.raised])).toEqual([['2026-11-02T00:00:00.000Z', 4]]);
  });

  it('leaves precision and times unknown without verdicts or resolutions, never dividing by zero', () => {
    const open = alert();
    const [row] = rulePerformance([open], [], range);
    expect(row!.total).toMatchObject({ raised: 1, open: 1, share_open: 1, precision: null, time_to_disposition_seconds: null });
    const contacted = alert();
    const [other] = rulePerformance([contacted], steps(contacted, ['resolve', MIN, 'customer_contacted']), range);
    expect(other!.total).toMatchObject({ resolved: 1, resolved_without_verdict: 1, precision: null, time_to_disposition_seconds: { median: 60, p90: 60 } });
  });

  it('keeps to the range and the rule asked for, and counts an alert archived twice once', () => {
    const inside = alert({ ruleIds: ['r1', 'r2'] });
    const before = alert({ createdAtMs: range.fromMs - 1 });
    const atEnd = alert({ createdAtMs: range.toMs });
    const transitions = [...steps(inside, ['resolve', HOUR, 'confirmed_fraud']), ...steps(inside, ['resolve', HOUR, 'confirmed_fraud'])];
    const report = rulePerformance([inside, inside, before, atEnd], transitions, { ...range, ruleId: 'r1' });
    expect(report).toHaveLength(1);
    expect(report[0]!.total).toMatchObject({ raised: 1, true_positives: 1 });
    expect(rulePerformance([], [], range)).toEqual([]);
  });

  it('reads an alert archived before model versions were recorded (no model_versions) as no model', () => {
    const old = alert({ ruleIds: ['r1', 'r2'], modelVersions: [] });
    expect(rulePerformance([old], [], range).map((r) => r.model_version)).toEqual([null, null]);
  });

  it('always partitions raised into true, false, without verdict and open (property)', () => {
    const dispositions = ['confirmed_fraud', 'false_positive', 'customer_contacted', 'no_action_needed'];
    fc.assert(fc.property(
      fc.array(fc.record({ rules: fc.subarray(['a', 'b', 'c'], { minLength: 1 }), moves: fc.array(fc.constantFrom(...dispositions, 'reopen'), { maxLength: 4 }), day: fc.integer({ min: 0, max: 20 }) }), { maxLength: 30 }),
      (specs) => {
        const alerts = specs.map((s) => alert({ ruleIds: s.rules, createdAtMs: T0 + s.day * DAY }));
        const transitions = specs.flatMap((s, i) => steps(alerts[i]!, ...s.moves.map((m, k): ['resolve' | 'reopen', number, string?] => (m === 'reopen' ? ['reopen', (k + 1) * MIN] : ['resolve', (k + 1) * MIN, m]))));
        for (const row of rulePerformance(alerts, transitions, range)) {
          for (const f of [row.total, ...row.periods]) {
            if (f.true_positives + f.false_positives + f.resolved_without_verdict + f.open !== f.raised) return false;
            if (f.resolved + f.open !== f.raised) return false;
          }
          if (row.periods.reduce((sum, p) => sum + p.raised, 0) !== row.total.raised) return false;
        }
        const expected = specs.reduce((sum, s) => sum + s.rules.length, 0);
        return rulePerformance(alerts, transitions, range).reduce((sum, r) => sum + r.total.raised, 0) === expected;
      },
    ));
  });
});
