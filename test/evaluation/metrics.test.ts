import { describe, expect, it } from 'vitest';
import {
  evaluateDetection, noiseImpact, quantile, scoreAlerts, table, wilsonInterval, type AlertRecord, type DetectionReport,
} from '../../evaluation/index.js';
import type { Label } from '../../simulator/scenarios/index.js';

const DAY = 86_400_000;
const MIN = 60_000;
const T0 = Date.parse('2026-01-01T00:00:00Z');
const day = (n: number) => T0 + n * DAY;
const iso = (ms: number) => new Date(ms).toISOString();

const fraud = (customer: string, typology: Label['typology'], firstBadMs: number): Label => ({
  customer_id: customer, kind: 'fraud', typology, first_bad_event_id: `${customer}-bad`, first_bad_at: iso(firstBadMs),
});
const churn = (customer: string, typology: Label['typology'], firstBadMs: number, leftMs: number): Label => ({
  ...fraud(customer, typology, firstBadMs), kind: 'churn', left_at: iso(leftMs),
});
const alert = (customerId: string, type: 'fraud' | 'churn', ruleIds: string[], atMs: number): AlertRecord => ({ customerId, type, ruleIds, atMs, severity: 'high' });

const labels: Label[] = [
  fraud('c1', 'card-testing', day(10)),
  fraud('c2', 'account-takeover', day(10)),
  fraud('c3', 'card-testing', day(12)),
  churn('c4', 'activity-decline', day(20), day(40)),
  churn('c5', 'salary-stopped', day(20), day(30)),
];
const alerts: AlertRecord[] = [
  alert('c1', 'fraud', ['card-testing'], day(10) + 5 * MIN),
  alert('c1', 'fraud', ['velocity-burst'], day(10) + 30 * MIN),
  alert('c2', 'fraud', ['unusual-amount'], day(10) + 60 * MIN),
  alert('c3', 'fraud', ['card-testing'], day(12) - 60 * MIN), // before the first bad event
  alert('c3', 'fraud', ['card-testing'], day(20) + MIN), // more than a week after it
  alert('g1', 'fraud', ['card-testing'], day(15)),
  alert('g2', 'churn', ['activity-decline'], day(25)),
  alert('g3', 'fraud', ['card-testing'], day(1)), // warm-up: not scored
  alert('c4', 'churn', ['activity-decline'], day(30)),
  alert('c5', 'churn', ['salary-stopped'], day(31)), // after leaving: too late to count
];
const report: DetectionReport = evaluateDetection({
  labels, alerts, customers: ['c1', 'c2', 'c3', 'c4', 'c5', 'g1', 'g2', 'g3', 'g4'], measureFromMs: day(5),
});
const result = (typology: string) => [...report.fraud, ...report.churn].find((r) => r.typology === typology)!;

describe('evaluateDetection per typology', () => {
  it.each([
    // typology, n, detected, recall, by own rules, rule alerts, on typology, precision
    ['card-testing', 2, 1, 0.5, 1, 4, 1, 0.25],
    ['account-takeover', 1, 1, 1, 0, 0, 0, null],
    ['velocity-burst', 0, 0, null, 0, 1, 0, 0],
    ['activity-decline', 1, 1, 1, 1, 2, 1, 0.5],
    ['salary-stopped', 1, 0, 0, 0, 1, 0, 0],
    ['app-sessions-fading', 0, 0, null, 0, 0, 0, null],
  ] as const)('%s: n %i, detected %i, recall %s, own rule %i, rule alerts %i of which %i in time, precision %s',
    (typology, n, detected, recall, own, ruleAlerts, onTypology, precision) => {
      expect(result(typology)).toMatchObject({
        customers: n, detected, recall, detectedByOwnRules: own, ruleAlerts, ruleAlertsOnTypology: onTypology, precision,
      });
    });

  it('counts a fraud alert only from the first bad event to a week after it, and times the first one', () => {
    expect(result('card-testing')).toMatchObject({ minutesToAlert: { median: 5, p90: 5 } });
    expect(result('account-takeover')).toMatchObject({ minutesToAlert: { median: 60, p90: 60 } });
    expect(result('velocity-burst')).toMatchObject({ minutesToAlert: null });
  });

  it('counts a churn warning only between the first sign and leaving, and measures the lead to leaving in days', () => {
    expect(result('activity-decline')).toMatchObject({ leadDays: { median: 10, p10: 10 } });
    expect(result('salary-stopped')).toMatchObject({ leadDays: null });
  });

  it('puts a Wilson interval around each recall', () => {
    expect(result('card-testing').recallInterval![0]).toBeCloseTo(0.0945, 3);
    expect(result('card-testing').recallInterval![1]).toBeCloseTo(0.9055, 3);
    expect(result('velocity-burst').recallInterval).toBeNull();
  });
});

describe('evaluateDetection across customers', () => {
  it('shares of genuine customers alerted leave warm-up alerts out', () => {
    expect(report.genuineCustomers).toBe(4);
    expect(report.genuineFraudAlerted).toEqual({ alerted: 1, of: 4, share: 0.25 });
    expect(report.genuineChurnAlerted).toEqual({ alerted: 1, of: 4, share: 0.25 });
    expect(report.alertsBeforeMeasurement).toBe(1);
  });

  it('customer-level precision is the share of alerted customers carrying a label of that kind', () => {
    expect(report.fraudPrecision).toEqual({ alerted: 3, of: 4, share: 0.75 });
    expect(report.churnPrecision.alerted).toBe(2);
    expect(report.churnPrecision.of).toBe(3);
  });

  it('splits each rule\'s alerts into its typology in time, other labelled customers and genuine ones', () => {
    expect(report.rules.find((r) => r.ruleId === 'card-testing')).toEqual({ ruleId: 'card-testing', alerts: 4, onIntended: 1, onOtherLabelled: 2, onGenuine: 1 });
    expect(report.rules.find((r) => r.ruleId === 'velocity-burst')).toEqual({ ruleId: 'velocity-burst', alerts: 1, onIntended: 0, onOtherLabelled: 1, onGenuine: 0 });
  });

  it('reports nothing as detected with no alerts at all', () => {
    const empty = evaluateDetection({ labels, alerts: [], customers: ['c1', 'g1'], measureFromMs: day(5) });
    expect(empty.fraud.every((r) => r.detected === 0)).toBe(true);
    expect(empty.fraudPrecision.share).toBeNull();
    expect(empty.genuineFraudAlerted).toEqual({ alerted: 0, of: 1, share: 0 });
  });
});

describe('summary statistics', () => {
  it.each([
    [[1, 2, 3, 4], 0.5, 2.5],
    [[1, 2, 3, 4], 0.9, 3.7],
    [[4, 1, 3, 2], 0.1, 1.3],
    [[5], 0.9, 5],
    [[10, 0], 0.1, 1],
  ])('quantile(%j, %f) = %f', (values, q, expected) => {
    expect(quantile(values, q)).toBeCloseTo(expected, 10);
  });

  it.each([
    [0, 10, 0, 0.2775],
    [10, 10, 0.7225, 1],
    [5, 10, 0.2366, 0.7634],
    [0, 0, 0, 1],
  ])('wilsonInterval(%i of %i) = [%f, %f]', (successes, trials, low, high) => {
    const [lo, hi] = wilsonInterval(successes, trials);
    expect(lo).toBeCloseTo(low, 3);
    expect(hi).toBeCloseTo(high, 3);
  });
});

describe('noiseImpact', () => {
  it('attributes fraud alerts from a day before to 16 days after a genuine episode to it', () => {
    const impact = noiseImpact([
      { customer_id: 'g1', kind: 'new-payee', at: iso(day(14)) },
      { customer_id: 'g4', kind: 'travel-abroad', at: iso(day(10)) },
      { customer_id: 'g1', kind: 'large-purchase', at: iso(day(40)) },
    ], alerts, day(5));
    expect(impact.find((i) => i.kind === 'new-payee')).toEqual({ kind: 'new-payee', alertType: 'fraud', episodes: 1, withAlert: 1, rules: { 'card-testing': 1 } });
    expect(impact.find((i) => i.kind === 'travel-abroad')).toEqual({ kind: 'travel-abroad', alertType: 'fraud', episodes: 1, withAlert: 0, rules: {} });
    expect(impact.find((i) => i.kind === 'large-purchase')?.withAlert).toBe(0);
  });

  it('attributes churn alerts within 45 days to a quiet spell, and never a fraud alert', () => {
    const impact = noiseImpact([
      { customer_id: 'q1', kind: 'quiet-spell', at: iso(day(20)) },
      { customer_id: 'q2', kind: 'quiet-spell', at: iso(day(20)) },
      { customer_id: 'q3', kind: 'quiet-spell', at: iso(day(20)) },
    ], [
      alert('q1', 'churn', ['activity-decline'], day(44)),
      alert('q2', 'churn', ['activity-decline'], day(66)), // after the 45 days
      alert('q3', 'fraud', ['velocity-burst'], day(25)),
    ], day(5));
    expect(impact.find((i) => i.kind === 'quiet-spell')).toEqual({ kind: 'quiet-spell', alertType: 'churn', episodes: 3, withAlert: 1, rules: { 'activity-decline': 1 } });
  });
});

describe('table', () => {
  it('aligns names left and figures right under a ruled header', () => {
    expect(table(['rule', 'alerts'], [['card-testing', '4'], ['mule', '12']]).split('\n')).toEqual([
      'rule          alerts',
      '------------  ------',
      'card-testing       4',
      'mule              12',
    ]);
  });
});

describe('the queue and advisory alerts', () => {
  const customers = ['c1', 'c2', 'g1', 'g2'];
  const scored = scoreAlerts([
    alert('c1', 'fraud', ['card-testing'], day(10) + 5 * MIN),
    { ...alert('c2', 'fraud', ['large-first-payment'], day(10) + MIN), severity: 'low' },
    { ...alert('g1', 'fraud', ['large-first-payment'], day(15)), severity: 'low' },
    alert('g2', 'fraud', ['velocity-burst'], day(15)),
  ], { labels: [fraud('c1', 'card-testing', day(10)), fraud('c2', 'unusual-amount', day(10))], noise: [], customers, measureFromMs: day(5) });

  it('scores the queue (medium and above) without the advisory low alerts', () => {
    expect(scored.detection.fraud.find((r) => r.typology === 'unusual-amount')).toMatchObject({ detected: 0 });
    expect(scored.detection.genuineFraudAlerted).toMatchObject({ alerted: 1, of: 2 });
    expect(scored.detection.fraudPrecision).toMatchObject({ alerted: 1, of: 2 });
  });

  it('scores them again with advisory alerts counted', () => {
    expect(scored.withAdvisory.fraud.find((r) => r.typology === 'unusual-amount')).toMatchObject({ detected: 1 });
    expect(scored.withAdvisory.genuineFraudAlerted).toMatchObject({ alerted: 2, of: 2 });
  });
});
