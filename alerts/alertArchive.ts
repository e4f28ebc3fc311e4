import type { AggregateStore } from '../aggregates/index.js';
import { toClickHouseDateTime64 } from '../aggregates/store/shared.js';
import type { AlertMetrics } from './metrics.js';
import type { OutboxEntry } from './outbox.js';
import type { AlertTransition, StoredAlert } from './schema.js';

// Writes alerts and their transitions to ClickHouse for reporting and the long-term audit trail.
// It runs as the outbox's "archive" consumer group: a failed insert throws, the entries stay
// pending in Redis and are retried with backoff, so ClickHouse being down never blocks the API or
// webhooks and loses nothing while the outbox holds the entries (AlertStoreOptions.outboxMaxEntries,
// 100k by default; beyond that the oldest unarchived entries are trimmed and lost to ClickHouse).
//
// Each row is its own insert with its own insert_deduplication_token (alert id, or alert id and
// change number), so re-archiving an entry, in any batch, stores nothing twice. Alerts are orders
// of magnitude rarer than events, which keeps one-row inserts affordable.

/** Table names of migration 003, inside the store's database. */
export const ALERT_TABLES = { alerts: 'alerts', alertTransitions: 'alert_transitions' } as const;

export function alertRow(alert: StoredAlert): Record<string, unknown> {
  return {
    id: alert.id,
    customer_id: alert.customerId,
    type: alert.type,
    severity: alert.severity,
    score: alert.score,
    rule_ids: alert.ruleIds,
    reasons: JSON.stringify(alert.reasons),
    triggering_event_ids: alert.triggeringEvents.map((e) => e.eventId),
    rule_set_version: alert.ruleSetVersion,
    // Parallel to rule_ids (migration 005): the models rule_ids[i] fired on, '' when none.
    model_versions: alert.ruleIds.map((ruleId) => (alert.modelVersions?.[ruleId] ?? []).join(',')),
    created_at: toClickHouseDateTime64(new Date(alert.createdAt)),
    due_at: alert.dueAt === undefined ? null : toClickHouseDateTime64(new Date(alert.dueAt)),
  };
}

export function transitionRow(alertId: string, seq: number, t: AlertTransition): Record<string, unknown> {
  return {
    alert_id: alertId,
    seq,
    at: toClickHouseDateTime64(new Date(t.at)),
    actor: t.actor,
    action: t.action,
    from_status: t.from ?? '',
    to_status: t.to,
    assignee: t.assignee ?? '',
    disposition: t.disposition ?? '',
    comment: t.comment ?? '',
  };
}

export class AlertArchive {
  constructor(
    private readonly store: AggregateStore,
    private readonly metrics?: AlertMetrics,
  ) {}

  /** The outbox handler: a created alert writes its row and its 'raised' transition, a change its transition. */
  async archive(entries: readonly OutboxEntry[]): Promise<void> {
    for (const entry of entries) {
      const { alert } = entry;
      if (entry.event === 'alert.created') await this.writeAlert(alert);
      const seq = entry.event === 'alert.created' ? 0 : alert.history.length - 1;
      await this.writeTransition(alert.id, seq, alert.history[seq]!);
    }
  }

  /** An alert with its whole history, e.g. to backfill; idempotent like every write here. */
  async archiveAlert(alert: StoredAlert): Promise<void> {
    await this.writeAlert(alert);
    for (const [seq, transition] of alert.history.entries()) await this.writeTransition(alert.id, seq, transition);
  }

  private async writeAlert(alert: StoredAlert): Promise<void> {
    await this.store.insertRows(ALERT_TABLES.alerts, [alertRow(alert)], { dedupToken: `alert:${alert.id}` });
    this.metrics?.archived.inc({ table: ALERT_TABLES.alerts });
  }

  private async writeTransition(alertId: string, seq: number, transition: AlertTransition): Promise<void> {
    const row = transitionRow(alertId, seq, transition);
    await this.store.insertRows(ALERT_TABLES.alertTransitions, [row], { dedupToken: `alert_transition:${alertId}:${seq}` });
    this.metrics?.archived.inc({ table: ALERT_TABLES.alertTransitions });
  }
}
