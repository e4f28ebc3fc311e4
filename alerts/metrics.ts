import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { registerOnce as once } from '../core/observability/index.js';

// Alert metrics, registered on the process registry the engine passes in (the one /metrics serves).
// Kept here rather than in core/observability so the alerts capability stays self-contained.
// Raised alerts are counted by the caller of AlertStore.raise (vigil_alerts_raised_total in
// core/observability), from what raise() answers: only newly created alerts, never duplicates.

const DELIVERY_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createAlertMetrics(registry: Registry) {
  const r = [registry];
  return {
    transitions: once(registry, 'vigil_alert_transitions_total', () => new Counter({ name: 'vigil_alert_transitions_total', help: 'Alert transitions recorded by officers, by action', labelNames: ['action'] as const, registers: r })),
    webhookDeliveries: once(registry, 'vigil_alert_webhook_deliveries_total', () => new Counter({ name: 'vigil_alert_webhook_deliveries_total', help: 'Webhook delivery attempts, by result (delivered, failed, dead_lettered)', labelNames: ['result'] as const, registers: r })),
    webhookSeconds: once(registry, 'vigil_alert_webhook_delivery_seconds', () => new Histogram({ name: 'vigil_alert_webhook_delivery_seconds', help: 'Duration of one webhook request', buckets: DELIVERY_BUCKETS, registers: r })),
    outboxFailures: once(registry, 'vigil_alert_outbox_failures_total', () => new Counter({ name: 'vigil_alert_outbox_failures_total', help: 'Outbox batches that failed and will be retried, by consumer (webhooks, archive)', labelNames: ['consumer'] as const, registers: r })),
    archived: once(registry, 'vigil_alert_archive_rows_total', () => new Counter({ name: 'vigil_alert_archive_rows_total', help: 'Rows written to ClickHouse by the alert archive, by table', labelNames: ['table'] as const, registers: r })),
    feedClients: once(registry, 'vigil_alert_feed_clients', () => new Gauge({ name: 'vigil_alert_feed_clients', help: 'Open server-sent-event streams of the alert feed', registers: r })),
    // Rule performance (alerts/performance/gauges.ts), recomputed by the process owning ClickHouse.
    // window: last_7d (the 7 days to now) or previous_28d (the 28 days before those).
    ruleAlertsPerDay: once(registry, 'vigil_rule_alerts_per_day', () => new Gauge({ name: 'vigil_rule_alerts_per_day', help: 'Alerts raised per day carrying the rule, averaged over the window', labelNames: ['rule_id', 'window'] as const, registers: r })),
    rulePrecision: once(registry, 'vigil_rule_precision', () => new Gauge({ name: 'vigil_rule_precision', help: 'True / (true + false positives) of the rule\'s alerts raised in the window, by officers\' dispositions; absent without a verdict', labelNames: ['rule_id', 'window'] as const, registers: r })),
    ruleVerdicts: once(registry, 'vigil_rule_verdicts', () => new Gauge({ name: 'vigil_rule_verdicts', help: 'Alerts of the rule raised in the window and resolved with a verdict (true or false positive): what its precision rests on', labelNames: ['rule_id', 'window'] as const, registers: r })),
    rulePerformanceRefreshed: once(registry, 'vigil_rule_performance_refreshed_timestamp_seconds', () => new Gauge({ name: 'vigil_rule_performance_refreshed_timestamp_seconds', help: 'When the rule performance gauges were last recomputed (Unix seconds)', registers: r })),
    rulePerformanceFailures: once(registry, 'vigil_rule_performance_refresh_failures_total', () => new Counter({ name: 'vigil_rule_performance_refresh_failures_total', help: 'Recomputations of the rule performance gauges that failed (ClickHouse unreachable, or more alerts than VIGIL_RULE_PERFORMANCE_MAX_ALERTS); the gauges keep their last values', registers: r })),
  };
}

export type AlertMetrics = ReturnType<typeof createAlertMetrics>;
