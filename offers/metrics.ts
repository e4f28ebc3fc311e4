import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { registerOnce as once } from '../core/observability/index.js';

// Offer metrics, registered on the process registry the engine passes in (the one /metrics
// serves), as the alerts capability does. They count work done by this process for SREs; a trigger
// replayed after a crash may be counted again, so the numbers marketing reports on come from
// ClickHouse (reporting/stats.ts), not from here.

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createOfferMetrics(registry: Registry) {
  const r = [registry];
  return {
    decisions: once(registry, 'vigil_offer_decisions_total', () => new Counter({ name: 'vigil_offer_decisions_total', help: 'Offer decisions on events that fired a campaign, by outcome (offered, holdout, suppressed) and chosen campaign (none when suppressed)', labelNames: ['outcome', 'campaign'] as const, registers: r })),
    suppressions: once(registry, 'vigil_offer_suppressions_total', () => new Counter({ name: 'vigil_offer_suppressions_total', help: 'Campaigns that fired and were not offered, by reason and campaign', labelNames: ['reason', 'campaign'] as const, registers: r })),
    decisionSeconds: once(registry, 'vigil_offer_decision_latency_seconds', () => new Histogram({ name: 'vigil_offer_decision_latency_seconds', help: 'From the event entering the stream to its offer decision being committed', buckets: LATENCY_BUCKETS, registers: r })),
    deliveries: once(registry, 'vigil_offer_deliveries_total', () => new Counter({ name: 'vigil_offer_deliveries_total', help: 'Offer delivery attempts to channel endpoints, by channel and result (delivered, failed, dead_lettered, cancelled, duplicate_skipped)', labelNames: ['channel', 'result'] as const, registers: r })),
    deliverySeconds: once(registry, 'vigil_offer_delivery_seconds', () => new Histogram({ name: 'vigil_offer_delivery_seconds', help: 'Duration of one request to a channel endpoint', buckets: LATENCY_BUCKETS, registers: r })),
    responses: once(registry, 'vigil_offer_responses_total', () => new Counter({ name: 'vigil_offer_responses_total', help: 'offer_response events applied, by response (viewed, accepted, declined)', labelNames: ['response'] as const, registers: r })),
    feedClients: once(registry, 'vigil_offer_feed_clients', () => new Gauge({ name: 'vigil_offer_feed_clients', help: 'Open server-sent-event streams of the offer feed', registers: r })),
    deadTriggers: once(registry, 'vigil_offer_dead_triggers_total', () => new Counter({ name: 'vigil_offer_dead_triggers_total', help: 'Offer triggers set aside after failing every attempt (see GET /v1/offers/dead-triggers)', registers: r })),
    archiveFailures: once(registry, 'vigil_offer_archive_failures_total', () => new Counter({ name: 'vigil_offer_archive_failures_total', help: 'Offer log batches that failed to reach ClickHouse and will be retried', registers: r })),
  };
}

export type OfferMetrics = ReturnType<typeof createOfferMetrics>;
