import { describe, expect, it } from 'vitest';
import { summariseInlineDecisions, type InlineDecisionRecord } from '../../evaluation/index.js';
import type { Label } from '../../simulator/scenarios/index.js';

const DAY = 86_400_000;
const T0 = Date.parse('2026-01-01T00:00:00Z');
const day = (n: number) => T0 + n * DAY;
const fraud = (customer: string, typology: Label['typology'], firstBadMs: number): Label => ({
  customer_id: customer, kind: 'fraud', typology, first_bad_event_id: `${customer}-bad`, first_bad_at: new Date(firstBadMs).toISOString(),
});
const decided = (customerId: string, atMs: number, decision: InlineDecisionRecord['decision']): InlineDecisionRecord => ({ customerId, atMs, decision });

describe('in-line decisions in the evaluation', () => {
  const labels = [fraud('f1', 'unusual-amount', day(40)), fraud('f2', 'unusual-amount', day(40)), fraud('f3', 'card-testing', day(40))];
  const customers = ['f1', 'f2', 'f3', 'g1', 'g2', 'g3'];
  const records = [
    // f1: challenged on the scam payment itself
    decided('f1', day(40), 'challenge'),
    // f2: only reviewed in the window, and challenged eight days later: not stopped
    decided('f2', day(40), 'review'), decided('f2', day(48), 'challenge'),
    // f3: declined within the week
    decided('f3', day(41), 'decline'),
    // g1: challenged once, g2 approved, g3 declined during the warm-up only
    decided('g1', day(50), 'challenge'), decided('g1', day(51), 'approve'),
    decided('g2', day(50), 'approve'),
    decided('g3', day(5), 'decline'), decided('g3', day(60), 'approve'),
  ];
  const report = summariseInlineDecisions(records, { labels, customers, measureFromMs: day(30) });

  it('counts a fraud customer stopped when a payment of theirs was challenged or declined within a week of the first bad event', () => {
    expect(report.fraud.find((r) => r.typology === 'unusual-amount')).toEqual({ typology: 'unusual-amount', customers: 2, stopped: 1, declined: 0 });
    expect(report.fraud.find((r) => r.typology === 'card-testing')).toEqual({ typology: 'card-testing', customers: 1, stopped: 1, declined: 1 });
    expect(report.fraud.find((r) => r.typology === 'money-mule')).toEqual({ typology: 'money-mule', customers: 0, stopped: 0, declined: 0 });
  });

  it("counts genuine customers' payments after the warm-up by decision, and the customers held up", () => {
    expect(report.genuinePayments).toEqual({ approve: 3, review: 0, challenge: 1, decline: 0 });
    expect(report.genuineChallenged).toEqual({ alerted: 1, of: 3, share: 1 / 3 });
    expect(report.genuineDeclined).toEqual({ alerted: 0, of: 3, share: 0 });
  });
});
