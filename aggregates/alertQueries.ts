import { toClickHouseDateTime64 } from './store/shared.js';
import type { AggregateStore } from './store/types.js';

// Reads of the alert archive (migrations 003 and 005) for rule performance: the alerts raised in
// a range and the resolve / reopen steps of their histories. Both tables are plain MergeTree,
// deduplicated by insert token only inside its window, so an alert or a transition archived
// again later (an outbox retry long after) may be stored twice: LIMIT 1 BY its key reads it once.
// No customer is read, so nothing here needs a pseudonym.
//
// Sub-queries over the alerts are GLOBAL IN: on a cluster `alerts` and `alert_transitions` are
// Distributed tables sharded on different keys (by customer, by alert), so the ids must be
// gathered once and sent to every shard; on one node GLOBAL IN is an ordinary IN.

export interface ArchivedAlertRow {
  id: string;
  type: string;
  createdAtMs: number;
  ruleIds: string[];
  /** Parallel to ruleIds; [] on rows archived before migration 005. */
  modelVersions: string[];
}

export interface ArchivedTransitionRow {
  alertId: string;
  seq: number;
  atMs: number;
  action: string;
  disposition: string;
}

export interface ArchivedAlertRange {
  fromMs: number;
  /** Exclusive. */
  toMs: number;
  /** Only alerts carrying this rule. */
  ruleId?: string;
}

export interface ArchivedAlertOutcomes {
  alerts: ArchivedAlertRow[];
  transitions: ArchivedTransitionRow[];
  /** More alerts than `maxAlerts` were raised in the range: nothing was read past the bound. */
  truncated: boolean;
}

/**
 * The alerts raised in [fromMs, toMs) (at most `maxAlerts`, reported as truncated beyond) and the
 * resolve and reopen transitions of exactly those alerts, whenever they happened.
 */
export async function archivedAlertOutcomes(store: AggregateStore, range: ArchivedAlertRange, maxAlerts: number): Promise<ArchivedAlertOutcomes> {
  const db = store.database;
  const inRange = `created_at >= {from:DateTime64(3, 'UTC')} AND created_at < {to:DateTime64(3, 'UTC')}${range.ruleId === undefined ? '' : ' AND has(rule_ids, {rule:String})'}`;
  const params = {
    from: toClickHouseDateTime64(range.fromMs), to: toClickHouseDateTime64(range.toMs), limit: maxAlerts + 1,
    ...(range.ruleId === undefined ? {} : { rule: range.ruleId }),
  };
  const alertRows = await store.query<{ id: string; type: string; created_ms: number | string; rule_ids: string[]; model_versions: string[] }>(
    `SELECT id, type, toUnixTimestamp64Milli(created_at) AS created_ms, rule_ids, model_versions
     FROM ${db}.alerts WHERE ${inRange}
     LIMIT 1 BY id LIMIT {limit:UInt32}`,
    params,
  );
  const truncated = alertRows.length > maxAlerts;
  const alerts = alertRows.slice(0, maxAlerts).map((row) => ({
    id: row.id, type: row.type, createdAtMs: Number(row.created_ms), ruleIds: row.rule_ids, modelVersions: row.model_versions,
  }));
  if (alerts.length === 0 || truncated) return { alerts, transitions: [], truncated };
  // A transition never precedes its alert: the lower bound prunes older monthly partitions.
  const transitionRows = await store.query<{ alert_id: string; seq: number | string; at_ms: number | string; action: string; disposition: string }>(
    `SELECT alert_id, seq, toUnixTimestamp64Milli(at) AS at_ms, action, disposition
     FROM ${db}.alert_transitions
     WHERE action IN ('resolve', 'reopen') AND at >= {from:DateTime64(3, 'UTC')}
       AND alert_id GLOBAL IN (SELECT id FROM ${db}.alerts WHERE ${inRange})
     LIMIT 1 BY alert_id, seq`,
    params,
  );
  const transitions = transitionRows.map((row) => ({
    alertId: row.alert_id, seq: Number(row.seq), atMs: Number(row.at_ms), action: row.action, disposition: row.disposition,
  }));
  return { alerts, transitions, truncated };
}
