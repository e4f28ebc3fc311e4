import { createHash } from 'node:crypto';
import { toClickHouseDateTime64 } from '../../aggregates/index.js';
import type { Offer } from '../delivery/offer.js';
import type { Suppression } from '../decide/reasons.js';

/**
 * One offer decision, as the customer's decision record keeps it and the archive stores it: the
 * event that triggered it, the offer chosen (if any), every other campaign that fired with the
 * reason it was not offered, and the explanation in sentences.
 */
export interface DecisionRecord {
  /** The triggering event's id: one decision per event and customer. */
  decisionId: string;
  customerId: string;
  decidedAt: string;
  event: { eventId: string; type: string; occurredAt: string };
  /** The campaign registry's revision the decision was made under. */
  campaignsRevision: number;
  offer?: Offer;
  suppressed: Suppression[];
  explanation: string[];
  /** From the event entering the stream to the decision (ms). */
  latencyMs: number;
}

export type DecisionOutcome = 'offered' | 'holdout' | 'suppressed';

/** One row per campaign that fired: what marketing counts in the stats. */
export interface DecisionRow {
  decision_id: string;
  campaign_id: string;
  customer_id: string;
  outcome: DecisionOutcome;
  reason: string;
  detail: string;
  offer_id: string;
  channel: string;
  decided_at: string;
  event_type: string;
  event_occurred_at: string;
  latency_ms: number;
  campaigns_revision: number;
}

/** Stable per (customer, event, campaign): a replayed trigger decides the same offer id. */
export function offerIdOf(customerId: string, decisionId: string, campaignId: string): string {
  return `off_${createHash('sha256').update(`${customerId}\u0000${decisionId}\u0000${campaignId}`).digest('base64url').slice(0, 22)}`;
}

export function outcomeOf(record: DecisionRecord): DecisionOutcome {
  if (!record.offer) return 'suppressed';
  return record.offer.holdout ? 'holdout' : 'offered';
}

export function decisionRows(record: DecisionRecord): DecisionRow[] {
  const common = {
    decision_id: record.decisionId,
    customer_id: record.customerId,
    decided_at: toClickHouseDateTime64(Date.parse(record.decidedAt)),
    event_type: record.event.type,
    event_occurred_at: toClickHouseDateTime64(Date.parse(record.event.occurredAt)),
    latency_ms: Math.max(0, Math.round(record.latencyMs)),
    campaigns_revision: record.campaignsRevision,
  };
  const rows: DecisionRow[] = [];
  if (record.offer) {
    rows.push({
      ...common, campaign_id: record.offer.campaignId, outcome: record.offer.holdout ? 'holdout' : 'offered',
      reason: '', detail: '', offer_id: record.offer.offerId, channel: record.offer.channel,
    });
  }
  for (const s of record.suppressed) {
    rows.push({ ...common, campaign_id: s.campaignId, outcome: 'suppressed', reason: s.reason, detail: s.detail, offer_id: '', channel: '' });
  }
  return rows;
}
