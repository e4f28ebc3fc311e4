import { describe, expect, it } from 'vitest';
import {
  ALERT_DISPOSITIONS, ALERT_STATUSES, ALERT_TYPES, applyTransition,
  type AlertDisposition, type AlertStatus, type AlertType, type StoredAlert, type TransitionRequest,
} from '../../alerts/index.js';

const NOW = '2026-11-20T10:00:00.000Z';

function alertIn(status: AlertStatus, type: AlertType = 'fraud', extra: Partial<StoredAlert> = {}): StoredAlert {
  return {
    id: 'alt_test', customerId: 'c-1', type, severity: 'high', score: 0.9, ruleIds: ['r1'], reasons: [],
    triggeringEvents: [{ eventId: 'e-1', type: 'card_payment', occurredAt: NOW }], ruleSetVersion: 'v1', dedupKey: 'fraud:e-1',
    status, createdAt: NOW, updatedAt: NOW,
    ...(status === 'assigned' || status === 'resolved' ? { assignee: 'ana' } : {}),
    ...(status === 'resolved' ? { disposition: 'false_positive' as const } : {}),
    history: [{ at: NOW, actor: 'vigil', action: 'raised', from: null, to: 'open' }],
    ...extra,
  };
}

// A well-formed request per action, so each row below tests the state, not the body.
const REQUESTS: Record<TransitionRequest['action'], TransitionRequest> = {
  acknowledge: { action: 'acknowledge' },
  assign: { action: 'assign', assignee: 'bo' },
  resolve: { action: 'resolve', disposition: 'false_positive', comment: 'card holder confirmed' },
  reopen: { action: 'reopen', comment: 'customer disputes again' },
  comment: { action: 'comment', comment: 'called the branch' },
};

// Every action from every state: the target state, or null when refused (409).
const TABLE: Record<TransitionRequest['action'], Record<AlertStatus, AlertStatus | null>> = {
  acknowledge: { open: 'acknowledged', acknowledged: null, assigned: null, resolved: null },
  assign: { open: 'assigned', acknowledged: 'assigned', assigned: 'assigned', resolved: null },
  resolve: { open: null, acknowledged: null, assigned: 'resolved', resolved: null },
  reopen: { open: null, acknowledged: null, assigned: null, resolved: 'open' },
  comment: { open: 'open', acknowledged: 'acknowledged', assigned: 'assigned', resolved: 'resolved' },
};

const cases = Object.entries(TABLE).flatMap(([action, row]) =>
  ALERT_STATUSES.map((from) => ({ action: action as TransitionRequest['action'], from, to: row[from] })));

describe('applyTransition', () => {
  it.each(cases)('$action from $from → $to', ({ action, from, to }) => {
    const before = alertIn(from);
    const outcome = applyTransition(before, REQUESTS[action], 'risk:ana', NOW);
    if (to === null) {
      expect(outcome).toMatchObject({ ok: false, error: { kind: 'illegal' } });
      if (!outcome.ok) expect(outcome.error.message).toContain(`cannot ${action} an alert that is ${from}`);
      return;
    }
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.alert.status).toBe(to);
    expect(outcome.alert.history).toHaveLength(2);
    expect(outcome.alert.history[1]).toEqual(outcome.transition);
    expect(outcome.transition).toMatchObject({ at: NOW, actor: 'risk:ana', action, from, to });
    expect(before.history).toHaveLength(1); // pure: the input is not modified
  });

  it('records the assignee, the disposition and the comment on the alert and in its history', () => {
    const assigned = applyTransition(alertIn('acknowledged'), { action: 'assign', assignee: 'bo', comment: 'yours' }, 'risk:ana', NOW);
    expect(assigned).toMatchObject({ ok: true, alert: { assignee: 'bo' }, transition: { assignee: 'bo', comment: 'yours' } });
    const resolved = applyTransition(alertIn('assigned'), REQUESTS.resolve, 'risk:bo', NOW);
    expect(resolved).toMatchObject({ ok: true, alert: { disposition: 'false_positive', assignee: 'ana' }, transition: { disposition: 'false_positive' } });
  });

  it('clears owner and outcome when a resolved alert is reopened, keeping both in history', () => {
    const outcome = applyTransition(alertIn('resolved'), REQUESTS.reopen, 'risk:ana', NOW);
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.alert.assignee).toBeUndefined();
    expect(outcome.alert.disposition).toBeUndefined();
    expect(outcome.transition.comment).toBe('customer disputes again');
  });

  it('refuses reassigning to the officer who already has the alert', () => {
    expect(applyTransition(alertIn('assigned'), { action: 'assign', assignee: 'ana' }, 'risk:ana', NOW))
      .toMatchObject({ ok: false, error: { kind: 'illegal', message: 'alert is already assigned to ana' } });
  });

  it.each<[string, TransitionRequest, RegExp]>([
    ['assign without assignee', { action: 'assign' }, /assign needs an assignee/],
    ['resolve without disposition', { action: 'resolve' }, /resolve needs a disposition/],
    ['reopen without comment', { action: 'reopen' }, /reopen needs a comment/],
    ['comment without comment', { action: 'comment' }, /comment needs a comment/],
    ['assignee on acknowledge', { action: 'acknowledge', assignee: 'bo' }, /assignee is only accepted with assign/],
    ['disposition on comment', { action: 'comment', comment: 'x', disposition: 'retained' }, /disposition is only accepted with resolve/],
  ])('refuses an incomplete or inconsistent request: %s', (_name, request, message) => {
    const outcome = applyTransition(alertIn('assigned'), request, 'risk:ana', NOW);
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'invalid' } });
    if (!outcome.ok) expect(outcome.error.message).toMatch(message);
  });

  const allowed: Record<AlertType, AlertDisposition[]> = {
    fraud: ['confirmed_fraud', 'false_positive', 'customer_contacted', 'no_action_needed'],
    churn: ['churn_confirmed', 'retained', 'customer_contacted', 'no_action_needed'],
    complaint_sla: ['complaint_resolved', 'no_action_needed'],
    credit: ['credit_risk_confirmed', 'payment_plan_agreed', 'false_positive', 'customer_contacted', 'no_action_needed'],
  };
  const dispositionCases = ALERT_TYPES.flatMap((type) =>
    ALERT_DISPOSITIONS.map((disposition) => ({ type, disposition, ok: allowed[type].includes(disposition) })));

  it.each(dispositionCases)('resolving a $type alert as $disposition: allowed=$ok', ({ type, disposition, ok }) => {
    const outcome = applyTransition(alertIn('assigned', type), { action: 'resolve', disposition }, 'risk:ana', NOW);
    expect(outcome.ok).toBe(ok);
    if (!outcome.ok) expect(outcome.error).toMatchObject({ kind: 'invalid', message: expect.stringContaining(`does not apply to ${type} alerts`) });
  });
});
