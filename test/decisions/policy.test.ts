import { describe, expect, it } from 'vitest';
import { decideInline } from '../../decisions/index.js';
import type { RuleMatch } from '../../rules/index.js';

const match = (ruleId: string, extra: Partial<RuleMatch> = {}): RuleMatch => ({
  ruleId, ruleName: ruleId, alertType: 'fraud', severity: 'high', weight: 0.5, mode: 'active', suppressFor: '0s', suppressForMs: 0,
  reason: `${ruleId} fired`, reasons: [], ...extra,
});
const state = { features: {} as never, scores: { fraud: 0.42, churn: 0, credit: 0, atMs: 1 }, lastRaised: {} };

describe('in-line decision policy', () => {
  it('approves when no rule that may decide fired', () => {
    expect(decideInline({ matches: [match('alert-only')], snoozed: [], state })).toEqual({ decision: 'approve', score: 0.42, reasons: [] });
  });

  it('takes the strongest decision of the active rules that fired, and lists them strongest first', () => {
    const outcome = decideInline({ matches: [match('r', { decision: 'review' }), match('d', { decision: 'decline' }), match('c', { decision: 'challenge' })], snoozed: [], state });
    expect(outcome.decision).toBe('decline');
    expect(outcome.reasons.map((r) => [r.rule_id, r.decision])).toEqual([['d', 'decline'], ['c', 'challenge'], ['r', 'review']]);
    expect(outcome.reasons[0]!.text).toBe('d fired');
  });

  it('never lets a shadow rule or a rule snoozed for the customer hold a payment up', () => {
    const snoozedDecline = match('snoozed', { decision: 'decline' });
    const outcome = decideInline({
      matches: [match('shadow', { decision: 'decline', mode: 'shadow' }), snoozedDecline, match('review', { decision: 'review' })],
      snoozed: [{ match: snoozedDecline, snooze: { ruleId: 'snoozed', reason: 'travelling', until: '2030-01-01T00:00:00Z', snoozedBy: 'risk:x', snoozedAt: '2026-01-01T00:00:00Z' } as never }],
      state,
    });
    expect(outcome).toMatchObject({ decision: 'review', reasons: [{ rule_id: 'review' }] });
  });
});
