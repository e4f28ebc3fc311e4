import { describe, expect, it } from 'vitest';
import { alertDedupKey, type AlertType, type NewAlert } from '../../alerts/index.js';
import { LabelIndex, replayableEvent, verdictOf } from '../../backtest/index.js';
import { networkKey } from '../../features/eventFacts.js';
import { ComparisonTally, RuleSetTally } from '../../backtest/tally.js';
import type { RuleSet } from '../../rules/index.js';

// The figures of a backtest, from the alerts its replays raise: pure, so tables of cases.

function alert(customer: string, eventId: string, ruleIds: string[], opts: { type?: AlertType; occurredAt?: string } = {}): NewAlert {
  const type = opts.type ?? 'fraud';
  return {
    customerId: customer, type, severity: 'high', score: 0.5, ruleIds, reasons: [],
    triggeringEvents: [{ eventId, type: 'card_payment', occurredAt: opts.occurredAt ?? '2026-03-01T10:00:00Z' }],
    ruleSetVersion: 'v1', dedupKey: alertDedupKey(type, customer, eventId),
  };
}

const ruleSet = {
  version: 'v1',
  rules: [
    { id: 'a', alert_type: 'fraud' },
    { id: 'b', alert_type: 'fraud' },
    { id: 'c', alert_type: 'churn' },
  ],
} as unknown as RuleSet;

describe('verdicts from dispositions', () => {
  it.each([
    ['confirmed_fraud', 'confirmed'], ['churn_confirmed', 'confirmed'], ['credit_risk_confirmed', 'confirmed'], ['false_positive', 'false_positive'],
    ['retained', undefined], ['payment_plan_agreed', undefined], ['customer_contacted', undefined], ['no_action_needed', undefined], ['complaint_resolved', undefined],
  ])('%s labels the alert %s', (disposition, verdict) => {
    expect(verdictOf(disposition)).toBe(verdict);
  });
});

describe('RuleSetTally', () => {
  it('counts alerts per type, rule and UTC day of the triggering event, and the customers alerted', () => {
    const tally = new RuleSetTally(ruleSet);
    tally.add(alert('p1', 'e1', ['a', 'b']), undefined);
    // 00:30 at +02:00 is still the day before in UTC.
    tally.add(alert('p1', 'e2', ['a'], { occurredAt: '2026-03-02T00:30:00+02:00' }), undefined);
    tally.add(alert('p2', 'e3', ['c'], { type: 'churn', occurredAt: '2026-03-02T09:00:00Z' }), undefined);
    expect(tally.outcome({})).toMatchObject({
      alerts: 3, customers_alerted: 2, by_type: { fraud: 2, churn: 1 }, by_rule: { a: 2, b: 1, c: 1 },
      by_day: { '2026-03-01': 2, '2026-03-02': 1 },
    });
  });

  it('scores precision on labelled alerts and recall against the confirmed alerts of the rule’s type; null without data', () => {
    const tally = new RuleSetTally(ruleSet);
    tally.add(alert('p1', 'e1', ['a']), 'confirmed');
    tally.add(alert('p1', 'e2', ['a']), 'false_positive');
    tally.add(alert('p1', 'e3', ['a']), undefined);
    tally.add(alert('p2', 'e4', ['a', 'b']), 'confirmed');
    const scores = tally.outcome({ fraud: 4 }).scores;
    expect(scores.a).toEqual({ alerts: 4, labelled: 3, true_positives: 2, false_positives: 1, precision: 2 / 3, recall: 0.5 });
    expect(scores.b).toEqual({ alerts: 1, labelled: 1, true_positives: 1, false_positives: 0, precision: 1, recall: 0.25 });
    expect(scores.c).toEqual({ alerts: 0, labelled: 0, true_positives: 0, false_positives: 0, precision: null, recall: null });
  });
});

describe('ComparisonTally', () => {
  it('matches alerts by type, customer and triggering event, whatever rules they carry', () => {
    const comparison = new ComparisonTally();
    comparison.addStep([alert('p1', 'e1', ['a', 'b'])], [alert('p1', 'e1', ['b'])]);
    comparison.addStep([alert('p1', 'e2', ['a'])], []);
    comparison.addStep([], [alert('p2', 'e3', ['c'], { type: 'churn' })]);
    comparison.addStep([alert('p3', 'e4', ['a'])], [alert('p3', 'e4', ['c'], { type: 'churn' })]);
    expect(comparison.outcome()).toMatchObject({
      both: 1, only_published: 2, only_candidate: 2,
      only_published_by_rule: { a: 2 }, only_candidate_by_rule: { c: 2 },
    });
    expect(comparison.outcome().samples.only_published.map((s) => s.event_id)).toEqual(['e2', 'e4']);
  });
});

describe('LabelIndex', () => {
  it('counts a labelled alert in the range once its triggering event is replayed, once', () => {
    const labels = new LabelIndex([
      { type: 'fraud', customer: 'p1', eventId: 'e1', verdict: 'confirmed' },
      { type: 'churn', customer: 'p1', eventId: 'e1', verdict: 'false_positive' },
      { type: 'fraud', customer: 'p2', eventId: 'e2', verdict: 'confirmed' },
    ]);
    labels.observe({ customer_id: 'p1', event_id: 'e1' });
    labels.observe({ customer_id: 'p1', event_id: 'e1' });
    labels.observe({ customer_id: 'p9', event_id: 'e2' });
    expect(labels.inRange()).toEqual({ labelled: 2, confirmedByType: { fraud: 1 } });
    expect(labels.verdict('churn', 'p1', 'e1')).toBe('false_positive');
    expect(labels.verdict('fraud', 'p2', 'e1')).toBeUndefined();
  });
});

describe('stored events as the replay takes them', () => {
  it('uses the account hash as the account, drops the IP hash, and keeps the pseudonym', () => {
    const event = replayableEvent(JSON.stringify({
      event_id: 'e1', customer_id: 'f00d', type: 'transfer_out', occurred_at: '2026-03-01T10:00:00Z', channel: 'web',
      counterparty: { name: 'A', account_hash: 'abc123' }, device: { id: 'd1', ip_hash: 'def456' },
    }));
    expect(event).toMatchObject({ customer_id: 'f00d', counterparty: { name: 'A', account: 'abc123' }, device: { id: 'd1' } });
    expect((event as { device: object }).device).not.toHaveProperty('ip_hash');
  });

  it('gives the network features the network behind a stored network hash, one stand-in address per network', () => {
    const stored = (network: string, ip: string) => replayableEvent(JSON.stringify({
      event_id: 'e1', customer_id: 'f00d', type: 'login', occurred_at: '2026-03-01T10:00:00Z', channel: 'web',
      device: { id: 'd1', ip_hash: ip, network_hash: network },
    }))!;
    const home = stored('0123456789abcdef0123456789abcdef', 'aa');
    expect(home.device).toEqual({ id: 'd1', ip: '0123:4567:89ab::1' });
    const homeAgain = stored('0123456789abcdef0123456789abcdef', 'bb');
    const elsewhere = stored('fedcba9876543210fedcba9876543210', 'aa');
    const ip = (event: typeof home) => (event as { device: { ip: string } }).device.ip;
    expect(networkKey(ip(homeAgain))).toBe(networkKey(ip(home)));
    expect(networkKey(ip(elsewhere))).not.toBe(networkKey(ip(home)));
  });

  it.each([['not JSON', '{'], ['not an object', '[1]'], ['no customer', '{"type":"login","occurred_at":"2026-03-01T10:00:00Z"}']])('refuses a payload that is %s', (_name, payload) => {
    expect(replayableEvent(payload)).toBeUndefined();
  });
});
