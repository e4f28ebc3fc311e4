import type {
  AlertDisposition, AlertStatus, AlertTransition, AlertType, StoredAlert, TransitionAction, TransitionRequest,
} from './schema.js';

// The alert lifecycle as plain data in, plain data out: the store applies it inside an atomic
// compare-and-set, the routes map its refusals to HTTP. No I/O, no clock: `nowIso` is passed in.
//
//   open ─acknowledge─▶ acknowledged ─assign─▶ assigned ─resolve─▶ resolved ─reopen─▶ open
//   open ─assign─▶ assigned (acknowledging is optional)     assigned ─assign─▶ assigned (another officer)
//   comment: in any state, the state does not change.

/** `invalid`: the request itself is incomplete or inconsistent (400). `illegal`: not allowed from the alert's current state (409). */
export interface TransitionError {
  kind: 'invalid' | 'illegal';
  message: string;
}

export type TransitionOutcome =
  | { ok: true; alert: StoredAlert; transition: AlertTransition }
  | { ok: false; error: TransitionError };

/** Outcomes an officer may record per alert type. */
export const DISPOSITIONS_BY_TYPE: Readonly<Record<AlertType, readonly AlertDisposition[]>> = {
  fraud: ['confirmed_fraud', 'false_positive', 'customer_contacted', 'no_action_needed'],
  churn: ['churn_confirmed', 'retained', 'customer_contacted', 'no_action_needed'],
  complaint_sla: ['complaint_resolved', 'no_action_needed'],
  // A credit warning is confirmed or not; agreeing a payment plan is the outcome collections aim for.
  credit: ['credit_risk_confirmed', 'payment_plan_agreed', 'false_positive', 'customer_contacted', 'no_action_needed'],
};

const ALL: readonly AlertStatus[] = ['open', 'acknowledged', 'assigned', 'resolved'];

/**
 * Where each action may start. Reassigning an assigned alert is allowed (to a different officer)
 * so work can move when someone is away; resolving requires an owner, so every resolution names
 * who was accountable for it.
 */
export const ALLOWED_FROM: Readonly<Record<TransitionAction, readonly AlertStatus[]>> = {
  acknowledge: ['open'],
  assign: ['open', 'acknowledged', 'assigned'],
  resolve: ['assigned'],
  reopen: ['resolved'],
  comment: ALL,
};

const TARGET: Readonly<Record<Exclude<TransitionAction, 'comment'>, AlertStatus>> = {
  acknowledge: 'acknowledged', assign: 'assigned', resolve: 'resolved', reopen: 'open',
};

const invalid = (message: string): TransitionOutcome => ({ ok: false, error: { kind: 'invalid', message } });
const illegal = (message: string): TransitionOutcome => ({ ok: false, error: { kind: 'illegal', message } });

/** Checks what the request must and must not carry for its action, whatever the alert's state. */
function requestProblem(request: TransitionRequest): string | undefined {
  const { action } = request;
  if (action === 'assign' && !request.assignee) return 'assign needs an assignee';
  if (action === 'resolve' && !request.disposition) return 'resolve needs a disposition';
  if ((action === 'reopen' || action === 'comment') && !request.comment) return `${action} needs a comment`;
  if (action !== 'assign' && request.assignee !== undefined) return 'assignee is only accepted with assign';
  if (action !== 'resolve' && request.disposition !== undefined) return 'disposition is only accepted with resolve';
  return undefined;
}

const ESCALATED_SEVERITY: Record<StoredAlert['severity'], StoredAlert['severity']> = { low: 'high', medium: 'high', high: 'high', critical: 'critical' };

/**
 * Vigil's own step when an alert's deadline (a complaint's answer promised to the customer) passes
 * with the alert unresolved: recorded in its history by the system, at least high severity so it
 * rises in the queue, once (a reopened alert may be escalated again). Webhooks and the feed see it
 * like any change. Refused, like an illegal transition, when there is nothing to escalate.
 */
export function escalateOverdue(alert: StoredAlert, actor: string, nowIso: string): TransitionOutcome {
  if (alert.status === 'resolved') return illegal('a resolved alert is not escalated');
  if (alert.escalatedAt !== undefined) return illegal(`already escalated at ${alert.escalatedAt}`);
  if (alert.dueAt === undefined || Date.parse(alert.dueAt) > Date.parse(nowIso)) return illegal('the alert has no deadline that has passed');
  const transition: AlertTransition = {
    at: nowIso, actor, action: 'escalate', from: alert.status, to: alert.status,
    comment: `deadline ${alert.dueAt} passed unresolved; escalated to ${ESCALATED_SEVERITY[alert.severity]}`,
  };
  const next: StoredAlert = {
    ...alert, severity: ESCALATED_SEVERITY[alert.severity], escalatedAt: nowIso, updatedAt: nowIso, history: [...alert.history, transition],
  };
  return { ok: true, alert: next, transition };
}

export function applyTransition(alert: StoredAlert, request: TransitionRequest, actor: string, nowIso: string): TransitionOutcome {
  const problem = requestProblem(request);
  if (problem) return invalid(problem);
  const { action } = request;
  const from = alert.status;
  if (!ALLOWED_FROM[action].includes(from)) {
    return illegal(`cannot ${action} an alert that is ${from}; ${action} is allowed from ${ALLOWED_FROM[action].join(', ')}`);
  }
  if (action === 'assign' && from === 'assigned' && request.assignee === alert.assignee) {
    return illegal(`alert is already assigned to ${request.assignee}`);
  }
  if (action === 'resolve' && !DISPOSITIONS_BY_TYPE[alert.type].includes(request.disposition!)) {
    return invalid(`disposition ${request.disposition} does not apply to ${alert.type} alerts; use one of ${DISPOSITIONS_BY_TYPE[alert.type].join(', ')}`);
  }

  const to = action === 'comment' ? from : TARGET[action];
  const transition: AlertTransition = {
    at: nowIso, actor, action, from, to,
    ...(request.comment !== undefined && { comment: request.comment }),
    ...(request.assignee !== undefined && { assignee: request.assignee }),
    ...(request.disposition !== undefined && { disposition: request.disposition }),
  };
  const next: StoredAlert = { ...alert, status: to, updatedAt: nowIso, history: [...alert.history, transition] };
  if (action === 'assign') next.assignee = request.assignee;
  if (action === 'resolve') next.disposition = request.disposition;
  if (action === 'reopen') {
    // A reopened alert is back in the queue: nobody owns it and it has no outcome yet (both stay in
    // history), and its deadline may be escalated again.
    delete next.assignee;
    delete next.disposition;
    delete next.escalatedAt;
  }
  return { ok: true, alert: next, transition };
}
