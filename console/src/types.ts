// The API's shapes as the console reads them (the server's zod schemas are the source of truth).

export type Role = 'ingest' | 'risk' | 'risk-admin' | 'marketing' | 'sre' | 'admin';
export interface SessionInfo { name: string; roles: Role[]; kind: 'user' | 'key'; via?: string; expiresAt: string | null; csrfToken: string | null }

export type Severity = 'low' | 'medium' | 'high' | 'critical';
export const SEVERITIES: Severity[] = ['low', 'medium', 'high', 'critical'];
export const ALERT_STATUSES = ['open', 'acknowledged', 'assigned', 'resolved'] as const;
export const ALERT_TYPES = ['fraud', 'credit', 'churn', 'complaint_sla'] as const;
/** What an officer may record per alert type, as the server allows (alerts/lifecycle.ts). */
export const DISPOSITIONS_BY_TYPE: Readonly<Record<string, readonly string[]>> = {
  fraud: ['confirmed_fraud', 'false_positive', 'customer_contacted', 'no_action_needed'],
  churn: ['churn_confirmed', 'retained', 'customer_contacted', 'no_action_needed'],
  complaint_sla: ['complaint_resolved', 'no_action_needed'],
  credit: ['credit_risk_confirmed', 'payment_plan_agreed', 'false_positive', 'customer_contacted', 'no_action_needed'],
};

export interface AlertReason { ruleId: string; text: string; field?: string; actual?: unknown; threshold?: unknown }
export interface AlertTransition { at: string; actor: string; action: string; from: string | null; to: string; comment?: string; assignee?: string; disposition?: string }
export interface Alert {
  id: string; customerId: string; type: string; severity: Severity; score: number; ruleIds: string[]; reasons: AlertReason[];
  triggeringEvents: { eventId: string; type: string; occurredAt: string }[]; ruleSetVersion: string; status: string;
  createdAt: string; updatedAt: string; assignee?: string; disposition?: string; dueAt?: string; overdue: boolean; history: AlertTransition[];
}

export interface Proposal {
  id: string; action: 'rules.publish' | 'campaigns.activate' | 'lists.import' | 'models.promote' | 'models.rollback'; status: string; title: string; target: string;
  proposedBy: string; proposedByName: string; proposedAt: string; expiresAt: string;
  decidedBy?: string; decidedByName?: string; decidedAt?: string; comment?: string; appliedAt?: string;
  result?: Record<string, unknown>; error?: string; details?: Record<string, unknown>;
}

export interface Offer { offerId: string; campaignId: string; campaignName: string; channel: string; holdout: boolean; content: { title: string; body: string }; because: string[]; sendAt?: string }
export interface DecisionRecord {
  decisionId: string; customerId: string; decidedAt: string; event: { eventId: string; type: string; occurredAt: string };
  campaignsRevision: number; offer?: Offer; suppressed: { campaignId: string; reason: string; detail: string }[]; explanation: string[]; latencyMs: number;
}

export interface CampaignSummary { id: string; name: string; state: 'draft' | 'active' | 'paused'; priority: number; revision: number; updatedAt: string; updatedBy: string }
export interface StoredCampaign { campaign: Record<string, unknown> & { id: string; name: string; state: string }; revision: number; createdAt: string; createdBy: string; updatedAt: string; updatedBy: string; activatedAt?: string }
export interface CampaignStats {
  campaignId: string; from: string; to: string; triggered: number; sent: number; holdout: number;
  suppressed: { total: number; byReason: Record<string, number> };
  delivery: { delivered: number; cancelled: number; deadLettered: number };
  responses: { viewed: number; accepted: number; declined: number };
  conversion: number | null;
  uplift: null | {
    goal: string; treated: { customers: number; converted: number; rate: number | null }; control: { customers: number; converted: number; rate: number | null };
    uplift: number | null; relativeUplift: number | null; ci: { low: number; high: number } | null; significant: boolean; method: string;
  };
}

/** A rule set as PUT /v1/rules, a backtest's candidate and the challenger take it. */
export interface RuleSetDocument { format: 'yaml' | 'json'; text: string }
