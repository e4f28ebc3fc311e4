import { z } from 'zod';
import { plainText } from '../core/plainText.js';
import { ALERT_TYPES, SEVERITIES, type AlertType, type Severity } from '../rules/schema.js';

// The one definition of every alert shape: the store validates what processors raise against it,
// the routes validate and document bodies with it, and the TypeScript types are inferred from it.

// Alert types and severities are the rules' vocabulary: an alert carries what a rule declared.
// SEVERITIES is ordered lowest first, so "at least high" is an index comparison.
export { ALERT_TYPES, SEVERITIES, type AlertType, type Severity } from '../rules/schema.js';

export const ALERT_STATUSES = ['open', 'acknowledged', 'assigned', 'resolved'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

export const ALERT_DISPOSITIONS = [
  'confirmed_fraud', 'false_positive', 'churn_confirmed', 'retained', 'customer_contacted', 'no_action_needed', 'complaint_resolved',
  'credit_risk_confirmed', 'payment_plan_agreed',
] as const;
export type AlertDisposition = (typeof ALERT_DISPOSITIONS)[number];

/** What officers ask for; 'raised' is recorded by the store itself when an alert is created. */
export const TRANSITION_ACTIONS = ['acknowledge', 'assign', 'resolve', 'reopen', 'comment'] as const;
export type TransitionAction = (typeof TRANSITION_ACTIONS)[number];

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/**
 * The least severe alert in an officer's queue. Severities mean what the officer does: critical,
 * act now; high, within hours; medium, within the day; low is advisory context for the customer's
 * file. So the queue (GET /v1/alerts and its live feed, unless a severity filter is given) leaves
 * low out, and a low fraud alert puts nobody under fraud review.
 */
export const QUEUE_MIN_SEVERITY: Severity = 'medium';

export function inQueue(severity: Severity): boolean {
  return severityRank(severity) >= severityRank(QUEUE_MIN_SEVERITY);
}

const identifier = z.string().min(1).max(128);
const isoTime = z.iso.datetime({ offset: true });

export const alertReasonSchema = z.object({
  ruleId: identifier,
  text: z.string().min(1).max(1000).describe('why the rule fired, in words an officer can act on'),
  field: z.string().max(128).optional(),
  actual: z.unknown().optional(),
  threshold: z.unknown().optional(),
});
export type AlertReason = z.infer<typeof alertReasonSchema>;

export const triggeringEventSchema = z.object({ eventId: identifier, type: z.string().min(1).max(64), occurredAt: isoTime });
export type TriggeringEvent = z.infer<typeof triggeringEventSchema>;

export const newAlertSchema = z.object({
  customerId: identifier,
  type: z.enum(ALERT_TYPES),
  severity: z.enum(SEVERITIES),
  score: z.number().min(0).max(1),
  ruleIds: z.array(identifier).max(100),
  reasons: z.array(alertReasonSchema).max(100),
  triggeringEvents: z.array(triggeringEventSchema).min(1).max(100),
  ruleSetVersion: z.string().min(1).max(64),
  /**
   * For each rule that fired on a model's score (a held comparison on `model.<name>`), the models
   * it read as `<name>@<version>`, so outcomes can be told apart per model version (rule
   * performance). Absent when no rule of the alert read a model, and on alerts raised before it existed.
   */
  modelVersions: z.record(identifier, z.array(z.string().min(1).max(200)).max(10)).optional()
    .describe('rule id → the models (name@version) whose score made that rule fire'),
  /**
   * Deterministic: the same customer, triggering event and alert type always give the same key,
   * so a redelivered event never raises a second alert. Build it with `alertDedupKey`.
   */
  dedupKey: z.string().min(1).max(512),
  /** The complaint SLA deadline; past it an unresolved alert is overdue. */
  dueAt: isoTime.optional(),
});
export type NewAlert = z.infer<typeof newAlertSchema>;

export const alertTransitionSchema = z.object({
  at: isoTime,
  actor: z.string(),
  // `escalate`: Vigil's own, when a deadline (complaint SLA) passed with the alert still open.
  action: z.enum(['raised', ...TRANSITION_ACTIONS, 'escalate']),
  from: z.enum(ALERT_STATUSES).nullable(),
  to: z.enum(ALERT_STATUSES),
  comment: z.string().optional(),
  assignee: z.string().optional(),
  disposition: z.enum(ALERT_DISPOSITIONS).optional(),
});
export type AlertTransition = z.infer<typeof alertTransitionSchema>;

export const alertSchema = newAlertSchema.extend({
  id: z.string(),
  status: z.enum(ALERT_STATUSES),
  createdAt: isoTime,
  updatedAt: isoTime,
  assignee: z.string().optional(),
  disposition: z.enum(ALERT_DISPOSITIONS).optional(),
  escalatedAt: isoTime.optional().describe('when Vigil escalated the alert because its deadline passed unresolved; cleared by a reopen'),
  overdue: z.boolean().describe('computed on read: dueAt has passed and the alert is not resolved'),
  history: z.array(alertTransitionSchema).describe('every change, oldest first; never rewritten'),
});
export type Alert = z.infer<typeof alertSchema>;

/** The alert as kept in Redis: `overdue` depends on the clock, so it is computed on every read. */
export type StoredAlert = Omit<Alert, 'overdue'>;

export const transitionRequestSchema = z.strictObject({
  action: z.enum(TRANSITION_ACTIONS),
  // Plain text: comments and names are shown in officers' screens and sent in webhooks.
  comment: plainText({ max: 2000, multiline: true }).trim().min(1).optional(),
  assignee: plainText({ min: 1, max: 128 }).optional(),
  disposition: z.enum(ALERT_DISPOSITIONS).optional(),
});
export type TransitionRequest = z.infer<typeof transitionRequestSchema>;

/** What the alert feed and webhooks carry: one per created alert or transition. */
export type AlertEventName = 'alert.created' | 'alert.updated';
export interface AlertEvent {
  /** The outbox stream entry id: unique and increasing, used as the SSE id. */
  id: string;
  event: AlertEventName;
  alert: Alert;
}

export interface AlertFilter {
  status?: AlertStatus;
  type?: AlertType;
  severity?: Severity;
  minSeverity?: Severity;
  customerId?: string;
  /** createdAt bounds, inclusive, ISO. */
  from?: string;
  to?: string;
  overdue?: boolean;
  limit: number;
  cursor?: string;
}

export function isOverdue(alert: Pick<StoredAlert, 'dueAt' | 'status'>, nowMs: number): boolean {
  return alert.dueAt !== undefined && alert.status !== 'resolved' && Date.parse(alert.dueAt) < nowMs;
}

export function withOverdue(alert: StoredAlert, nowMs: number): Alert {
  return { ...alert, overdue: isOverdue(alert, nowMs) };
}

/** Whether an alert passes the filters the feed, webhooks and listing share (not paging or time bounds). */
export function matchesFilter(alert: Alert, f: Omit<AlertFilter, 'limit' | 'cursor'>): boolean {
  if (f.status && alert.status !== f.status) return false;
  if (f.type && alert.type !== f.type) return false;
  if (f.severity && alert.severity !== f.severity) return false;
  if (f.minSeverity && severityRank(alert.severity) < severityRank(f.minSeverity)) return false;
  if (f.customerId && alert.customerId !== f.customerId) return false;
  if (f.overdue !== undefined && alert.overdue !== f.overdue) return false;
  return true;
}
