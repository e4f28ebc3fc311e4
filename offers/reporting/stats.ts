import { TABLES, toClickHouseDateTime64, type AggregateStore } from '../../aggregates/index.js';
import { parseDuration } from '../../rules/index.js';
import type { Campaign } from '../campaigns/campaignSchema.js';
import { upliftOf } from './uplift.js';

// Campaign statistics from ClickHouse, where every decision, delivery and response lands. The
// tables replace rows by key (the log is archived at least once), so every read uses FINAL.
// The funnel counts decisions in the period; deliveries and responses are those of the period's
// offers, whenever they happened. Uplift compares the campaign's goal (an event in the stream)
// between offered customers and the control group over the goal's window after each customer's
// first decision in the period.

export interface CampaignStats {
  campaignId: string;
  from: string;
  to: string;
  /** Decisions on which the campaign fired. */
  triggered: number;
  /** Offers decided and handed to the channel queue (the treated group). */
  sent: number;
  /** Decided for the control group: recorded, not sent. */
  holdout: number;
  suppressed: { total: number; byReason: Record<string, number> };
  delivery: { delivered: number; cancelled: number; deadLettered: number };
  responses: { viewed: number; accepted: number; declined: number };
  /** Accepted over delivered; null before any delivery. */
  conversion: number | null;
  uplift: UpliftStats | null;
  /** Median and p95 of event-to-decision latency (ms) for the period's decisions. */
  decisionLatencyMs: { p50: number; p95: number } | null;
}

export interface UpliftStats {
  goal: string;
  /** Rates are null for an empty group: a rate of nobody is unknown, not 0. */
  treated: { customers: number; converted: number; rate: number | null };
  control: { customers: number; converted: number; rate: number | null };
  /** Treated rate minus control rate, with its 95 % confidence interval (null when a group is empty). */
  uplift: number | null;
  relativeUplift: number | null;
  ci: { low: number; high: number } | null;
  significant: boolean;
  method: string;
}

export async function campaignStats(store: AggregateStore, campaign: Campaign, fromMs: number, toMs: number): Promise<CampaignStats> {
  const db = store.database;
  const params = { campaign: campaign.id, from: toClickHouseDateTime64(fromMs), to: toClickHouseDateTime64(toMs) };
  const inPeriod = `campaign_id = {campaign:String} AND decided_at >= {from:DateTime64(3)} AND decided_at < {to:DateTime64(3)}`;
  const offeredIds = `SELECT offer_id FROM ${db}.${TABLES.offerDecisions} FINAL WHERE ${inPeriod} AND outcome = 'offered'`;

  const [funnel, deliveries, responses, latency] = await Promise.all([
    store.query<{ outcome: string; reason: string; n: number }>(
      `SELECT outcome, reason, count() AS n FROM ${db}.${TABLES.offerDecisions} FINAL WHERE ${inPeriod} GROUP BY outcome, reason`, params),
    store.query<{ status: string; n: number }>(
      `SELECT status, uniqExact(offer_id) AS n FROM ${db}.${TABLES.offerDeliveries} FINAL WHERE offer_id IN (${offeredIds}) GROUP BY status`, params),
    store.query<{ response: string; n: number }>(
      `SELECT response, uniqExact(offer_id) AS n FROM ${db}.${TABLES.offerResponses} FINAL WHERE offer_id IN (${offeredIds}) GROUP BY response`, params),
    store.query<{ n: number; p50: number; p95: number }>(
      `SELECT count() AS n, quantileExact(0.5)(latency_ms) AS p50, quantileExact(0.95)(latency_ms) AS p95 FROM ${db}.${TABLES.offerDecisions} FINAL WHERE ${inPeriod}`, params),
  ]);

  const count = (outcome: string) => funnel.filter((r) => r.outcome === outcome).reduce((sum, r) => sum + Number(r.n), 0);
  const byReason: Record<string, number> = {};
  for (const row of funnel) if (row.outcome === 'suppressed') byReason[row.reason] = (byReason[row.reason] ?? 0) + Number(row.n);
  const status = (s: string) => Number(deliveries.find((r) => r.status === s)?.n ?? 0);
  const response = (r: string) => Number(responses.find((row) => row.response === r)?.n ?? 0);
  const delivered = status('delivered');
  const accepted = response('accepted');
  const lat = latency[0];

  return {
    campaignId: campaign.id,
    from: new Date(fromMs).toISOString(),
    to: new Date(toMs).toISOString(),
    triggered: funnel.reduce((sum, r) => sum + Number(r.n), 0),
    sent: count('offered'),
    holdout: count('holdout'),
    suppressed: { total: count('suppressed'), byReason },
    delivery: { delivered, cancelled: status('cancelled'), deadLettered: status('dead_lettered') },
    responses: { viewed: response('viewed'), accepted, declined: response('declined') },
    conversion: delivered > 0 ? accepted / delivered : null,
    uplift: campaign.goal ? await upliftStats(store, campaign, params, inPeriod) : null,
    decisionLatencyMs: lat && Number(lat.n) > 0 ? { p50: Number(lat.p50), p95: Number(lat.p95) } : null,
  };
}

async function upliftStats(store: AggregateStore, campaign: Campaign, params: Record<string, unknown>, inPeriod: string): Promise<UpliftStats> {
  const goal = campaign.goal!;
  const db = store.database;
  const productFilter = goal.product_type ? `AND JSONExtractString(payload, 'product', 'type') = {productType:String}` : '';
  // Each customer counts once, from their first decision in the period; a goal event counts when
  // it happens in the goal's window after it (ASOF: the first goal event at or after the decision).
  const rows = await store.query<{ grp: string; customers: number; converted: number }>(`
    SELECT d.grp AS grp, count() AS customers,
           countIf(g.customer_id != '' AND g.occurred_at <= d.first_decided_at + toIntervalMillisecond({withinMs:UInt64})) AS converted
    FROM (
      SELECT customer_id, min(decided_at) AS first_decided_at, any(outcome) AS grp
      FROM ${db}.${TABLES.offerDecisions} FINAL
      WHERE ${inPeriod} AND outcome IN ('offered', 'holdout')
      GROUP BY customer_id
    ) AS d
    ASOF LEFT JOIN (
      SELECT customer_id, occurred_at FROM ${db}.${TABLES.events}
      WHERE type = {goalType:String} ${productFilter}
    ) AS g
    ON d.customer_id = g.customer_id AND g.occurred_at >= d.first_decided_at
    GROUP BY grp`,
  { ...params, withinMs: parseDuration(goal.within) ?? 0, goalType: goal.event_type, productType: goal.product_type ?? '' });

  const group = (name: string) => {
    const row = rows.find((r) => r.grp === name);
    return { n: Number(row?.customers ?? 0), converted: Number(row?.converted ?? 0) };
  };
  const treated = group('offered');
  const control = group('holdout');
  const result = upliftOf(treated, control);
  return {
    goal: `${goal.event_type}${goal.product_type ? ` (${goal.product_type})` : ''} within ${goal.within}`,
    treated: { customers: treated.n, converted: treated.converted, rate: result.treatedRate },
    control: { customers: control.n, converted: control.converted, rate: result.controlRate },
    uplift: result.uplift,
    relativeUplift: result.relativeUplift,
    ci: result.ci,
    significant: result.significant,
    method: result.method,
  };
}
