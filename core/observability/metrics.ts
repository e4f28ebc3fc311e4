import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

import { registerMemoryBreakdown } from './memory.js';

// Latency buckets span a fast in-process hop (ms) to a backlog being drained (minutes).
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/**
 * All of Vigil's own metrics, on a registry per process (tests build several apps in one process,
 * so nothing is registered globally).
 */
export function createMetrics(opts: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (opts.defaultMetrics !== false) {
    collectDefaultMetrics({ register: registry, prefix: 'vigil_' });
    registerMemoryBreakdown(registry);
  }
  const r = [registry];
  return {
    registry,
    eventsIngested: new Counter({ name: 'vigil_events_ingested_total', help: 'Events received by the ingest API, by result', labelNames: ['result'] as const, registers: r }),
    backpressureRejections: new Counter({ name: 'vigil_ingest_backpressure_rejections_total', help: 'Requests answered 503 because consumer lag passed the bound', registers: r }),
    streamLag: new Gauge({ name: 'vigil_stream_lag_events', help: 'Entries in a partition stream not yet delivered to the processor group', labelNames: ['partition'] as const, registers: r }),
    streamPending: new Gauge({ name: 'vigil_stream_pending_events', help: 'Entries delivered but not yet acknowledged, per partition', labelNames: ['partition'] as const, registers: r }),
    eventsProcessed: new Counter({ name: 'vigil_events_processed_total', help: 'Events processed and acknowledged', labelNames: ['partition'] as const, registers: r }),
    batchSize: new Histogram({ name: 'vigil_processing_batch_size', help: 'Entries per processed read batch', buckets: [1, 5, 10, 50, 100, 250, 500, 1000, 5000], registers: r }),
    eventTimeLatency: new Histogram({ name: 'vigil_event_time_to_processed_seconds', help: 'From occurred_at to processed', buckets: LATENCY_BUCKETS, registers: r }),
    ingestLatency: new Histogram({ name: 'vigil_ingest_to_processed_seconds', help: 'From accepted at ingest to processed', buckets: LATENCY_BUCKETS, registers: r }),
    processingErrors: new Counter({ name: 'vigil_processing_errors_total', help: 'Failures while processing, by stage', labelNames: ['stage'] as const, registers: r }),
    deadLetters: new Counter({ name: 'vigil_dead_letters_total', help: 'Entries moved to the dead-letter stream, by reason', labelNames: ['reason'] as const, registers: r }),
    reclaimed: new Counter({ name: 'vigil_events_reclaimed_total', help: 'Pending entries reclaimed from a dead or departed consumer', registers: r }),
    redeliveriesSkipped: new Counter({ name: 'vigil_redelivered_effects_skipped_total', help: 'Redelivered events whose state change had already been applied', registers: r }),
    partitionsOwned: new Gauge({ name: 'vigil_partitions_owned', help: 'Partitions this worker holds a lease on', registers: r }),
    aggregatesBuffered: new Gauge({ name: 'vigil_aggregates_buffered_events', help: 'Processed events waiting to be written to ClickHouse', registers: r }),
    aggregateFlushSeconds: new Histogram({ name: 'vigil_aggregates_flush_seconds', help: 'Duration of one ClickHouse aggregate write', buckets: LATENCY_BUCKETS, registers: r }),
    aggregateFlushFailures: new Counter({ name: 'vigil_aggregates_flush_failures_total', help: 'ClickHouse aggregate writes that failed and will be retried', registers: r }),
    lateEvents: new Counter({ name: 'vigil_late_events_total', help: 'Events older than the newest seen for their customer, by lateness (late: within the allowed lateness; too_late: beyond it)', labelNames: ['lateness'] as const, registers: r }),
    ruleMatches: new Counter({ name: 'vigil_rule_matches_total', help: 'Rules that fired, by rule and mode (shadow rules fire without alerting)', labelNames: ['rule', 'mode'] as const, registers: r }),
    modelScores: new Histogram({ name: 'vigil_model_score', help: 'Scores of the loaded models on the events they score, by model, version and role (live: rules read it; shadow: a candidate version, counted only)', labelNames: ['model', 'version', 'role'] as const, buckets: [0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99], registers: r }),
    challengerAlerts: new Counter({ name: 'vigil_challenger_alerts_total', help: 'Alerts the challenger rule set would have raised (recorded, never raised), by rule and challenger version', labelNames: ['rule', 'version'] as const, registers: r }),
    shadowModelRuleMatches: new Counter({ name: 'vigil_model_shadow_rule_matches_total', help: 'Rules on model.<name> that would have fired with the shadow version\'s score, by rule, model and shadow version (compare with vigil_rule_matches_total)', labelNames: ['rule', 'model', 'version'] as const, registers: r }),
    ruleSnoozed: new Counter({ name: 'vigil_rule_snoozed_matches_total', help: 'Rule matches that raised nothing because an officer snoozed the rule for that customer, by rule', labelNames: ['rule'] as const, registers: r }),
    listMatches: new Counter({ name: 'vigil_list_matches_total', help: 'Events whose customer, device, IP, payee or merchant was found on a list a rule or campaign looked at, by list and purpose', labelNames: ['list', 'purpose'] as const, registers: r }),
    listEntries: new Gauge({ name: 'vigil_list_entries', help: "Entries held in this process's copy of each list (expired ones until swept)", labelNames: ['list'] as const, registers: r }),
    listReloads: new Counter({ name: 'vigil_list_reloads_total', help: "Loads of this process's copy of the lists: full (start, or the change stream was trimmed past it) or incremental (changes applied)", labelNames: ['kind'] as const, registers: r }),
    alertsRaised: new Counter({ name: 'vigil_alerts_raised_total', help: 'Alerts raised for risk officers, by type and severity', labelNames: ['type', 'severity'] as const, registers: r }),
    alertsDeduplicated: new Counter({ name: 'vigil_alerts_deduplicated_total', help: 'Alerts not raised because one with the same dedup key (type, customer, event) existed: a redelivered event', labelNames: ['type'] as const, registers: r }),
    customerReviews: new Counter({ name: 'vigil_customer_reviews_total', help: 'Scheduled reviews of quiet customers assessed (features aged, rules on customer_review evaluated)', registers: r }),
    reviewsDue: new Gauge({ name: 'vigil_customer_reviews_due', help: 'Customers whose review is due and not yet done, per partition (a backlog here means the sweep cannot keep up)', labelNames: ['partition'] as const, registers: r }),
    inlineDecisions: new Counter({ name: 'vigil_inline_decisions_total', help: 'In-line payment decisions (POST /v1/decisions), by decision and source (rules, replayed for a retry, fallback_deadline, fallback_unavailable)', labelNames: ['decision', 'source'] as const, registers: r }),
    inlineDecisionSeconds: new Histogram({ name: 'vigil_inline_decision_seconds', help: 'Time to answer an in-line decision, fallbacks included', buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1], registers: r }),
    streamTrimmed: new Counter({ name: 'vigil_stream_entries_trimmed_total', help: 'Acknowledged entries trimmed from partition streams', registers: r }),
  };
}

export type VigilMetrics = ReturnType<typeof createMetrics>;
