import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { AggregateStore } from '../aggregates/index.js';
import { toClickHouseDateTime64 } from '../aggregates/store/shared.js';
import type { AlertKeys } from './keys.js';
import type { AlertMetrics } from './metrics.js';
import type { OutboxEntry } from './outbox.js';
import type { AlertTransition, StoredAlert } from './schema.js';

// Writes alerts and their transitions to ClickHouse for reporting and the long-term audit trail.
// It runs as the outbox's "archive" consumer group: a failed insert throws, the entries stay
// pending in Redis and are retried with backoff, so ClickHouse being down never blocks the API or
// webhooks and loses nothing while the outbox holds the entries (AlertStoreOptions.outboxMaxEntries,
// 100k by default; beyond that the oldest unarchived entries are trimmed and lost to ClickHouse).
//
// A batch of outbox entries is one insert per table: an insert costs the embedded engine about
// 8 ms of CPU whatever its size (a new part), so one per row made the archive the dearest step of
// the whole pipeline (two per alert) and it fell minutes behind under load. Each row is still
// stored once: before inserting, one script claims every row for the batch's token
// (`archive-row:<row key>`, SET NX) and keeps the batch's rows under it (`archive-batch:<token>`).
// A row archived again, in any batch, is written only within the batch that first claimed it,
// whole and under that batch's token, which ClickHouse deduplicates when it had landed. The claims
// live ARCHIVE_CLAIM_TTL_SECONDS: longer than any retry of an insert that landed but whose entries
// were not acknowledged (the XACK follows the insert at once).

/** How long a row's claim and its batch's rows are kept: retries after a landed insert come within seconds. */
const ARCHIVE_CLAIM_TTL_SECONDS = 3600;

// KEYS[1] = the batch's rows key, KEYS[2..] = one claim per row; ARGV[1] = token, ARGV[2] = ttl,
// ARGV[3..] = the rows' JSON, in KEYS order. Answers the tokens other batches hold rows under,
// and whether this batch holds any (its rows were claimed now or by an earlier try).
const CLAIM_ARCHIVE_ROWS = `
local token, ttl = ARGV[1], ARGV[2]
local mine, others, seen = {}, {}, {}
local held = false
for i = 2, #KEYS do
  local owner = redis.call('GET', KEYS[i])
  if not owner then
    redis.call('SET', KEYS[i], token, 'EX', ttl)
    mine[#mine + 1] = ARGV[i + 1]
  elseif owner == token then
    held = true
  elseif not seen[owner] then
    seen[owner] = true
    others[#others + 1] = owner
  end
end
if #mine > 0 then
  -- Rows claimed now join the rows an earlier try of the same batch claimed, if it kept any.
  local kept = redis.call('GET', KEYS[1])
  local rows = table.concat(mine, ',')
  if kept then rows = string.sub(kept, 2, -2) .. ',' .. rows end
  redis.call('SET', KEYS[1], '[' .. rows .. ']', 'EX', ttl)
  held = true
end
return {held and 1 or 0, others}
`;

type ClaimingRedis = Redis & { vigilClaimArchiveRows(numKeys: number, ...args: (string | number)[]): Promise<[number, string[]]> };

/** One row for the archive: its table, and the key that names it (alert id, or alert id and change number). */
interface ArchiveRow {
  key: string;
  table: string;
  row: Record<string, unknown>;
}

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
  private readonly redis: ClaimingRedis;

  constructor(
    private readonly store: AggregateStore,
    redis: Redis,
    private readonly keys: Pick<AlertKeys, 'archiveRowPrefix' | 'archiveBatchPrefix'>,
    private readonly metrics?: AlertMetrics,
  ) {
    redis.defineCommand('vigilClaimArchiveRows', { lua: CLAIM_ARCHIVE_ROWS });
    this.redis = redis as ClaimingRedis;
  }

  /** The outbox handler: a created alert writes its row and its 'raised' transition, a change its transition. */
  async archive(entries: readonly OutboxEntry[]): Promise<void> {
    const rows: ArchiveRow[] = [];
    for (const { event, alert } of entries) {
      if (event === 'alert.created') rows.push(alertArchiveRow(alert));
      const seq = event === 'alert.created' ? 0 : alert.history.length - 1;
      rows.push(transitionArchiveRow(alert.id, seq, alert.history[seq]!));
    }
    await this.write(rows);
  }

  /** An alert with its whole history, e.g. to backfill; idempotent like every write here. */
  async archiveAlert(alert: StoredAlert): Promise<void> {
    await this.write([alertArchiveRow(alert), ...alert.history.map((t, seq) => transitionArchiveRow(alert.id, seq, t))]);
  }

  private async write(asked: readonly ArchiveRow[]): Promise<void> {
    const rows = [...new Map(asked.map((r) => [r.key, r])).values()];
    if (rows.length === 0) return;
    const token = `alert-archive:${createHash('sha256').update(rows.map((r) => r.key).join('\n')).digest('hex').slice(0, 32)}`;
    const [held, others] = await this.redis.vigilClaimArchiveRows(
      rows.length + 1, this.keys.archiveBatchPrefix + token, ...rows.map((r) => this.keys.archiveRowPrefix + r.key),
      token, ARCHIVE_CLAIM_TTL_SECONDS, ...rows.map((r) => JSON.stringify({ t: r.table, r: r.row })),
    );
    const batches = [...(held === 1 ? [token] : []), ...others];
    const stored = await this.redis.mget(...batches.map((t) => this.keys.archiveBatchPrefix + t));
    for (const [i, batchToken] of batches.entries()) {
      // A batch whose rows expired is older than any retry of it: its insert landed long ago.
      const json = stored[i];
      if (json) await this.insertBatch(batchToken, JSON.parse(json) as { t: string; r: Record<string, unknown> }[]);
    }
  }

  /**
   * Privacy erasure: takes these alerts' rows out of the batches still kept for a retry, so no
   * retry writes them to ClickHouse again. Their claims stay, so a row that comes again is not
   * claimed anew: it belongs to a batch that no longer holds it. Answers how many rows it took.
   */
  async forget(alerts: readonly Pick<StoredAlert, 'id' | 'history'>[]): Promise<number> {
    const rowKeys = alerts.flatMap((alert) => [alert.id, ...alert.history.map((_, seq) => `${alert.id}:${seq}`)]);
    if (rowKeys.length === 0) return 0;
    const claimKeys = rowKeys.map((key) => this.keys.archiveRowPrefix + key);
    const tokens = [...new Set((await this.redis.mget(...claimKeys)).filter((t): t is string => t !== null))];
    const ids = new Set(alerts.map((alert) => alert.id));
    let taken = 0;
    for (const token of tokens) {
      const key = this.keys.archiveBatchPrefix + token;
      const json = await this.redis.get(key);
      if (!json) continue;
      const rows = JSON.parse(json) as { t: string; r: Record<string, unknown> }[];
      const kept = rows.filter(({ r }) => !ids.has(String(r.alert_id ?? r.id)));
      taken += rows.length - kept.length;
      // The batch's other rows stay for its retry; one that landed is skipped by its token anyway.
      if (kept.length === 0) await this.redis.del(key);
      else await this.redis.set(key, JSON.stringify(kept), 'KEEPTTL', 'XX');
    }
    return taken;
  }

  /** One insert per table under the batch's token: ClickHouse keeps a deduplication log per table. */
  private async insertBatch(token: string, rows: readonly { t: string; r: Record<string, unknown> }[]): Promise<void> {
    const byTable = new Map<string, Record<string, unknown>[]>();
    for (const { t, r } of rows) {
      const held = byTable.get(t);
      if (held) held.push(r);
      else byTable.set(t, [r]);
    }
    for (const [table, tableRows] of byTable) {
      await this.store.insertRows(table, tableRows, { dedupToken: token });
      this.metrics?.archived.inc({ table }, tableRows.length);
    }
  }
}

function alertArchiveRow(alert: StoredAlert): ArchiveRow {
  return { key: alert.id, table: ALERT_TABLES.alerts, row: alertRow(alert) };
}

function transitionArchiveRow(alertId: string, seq: number, transition: AlertTransition): ArchiveRow {
  return { key: `${alertId}:${seq}`, table: ALERT_TABLES.alertTransitions, row: transitionRow(alertId, seq, transition) };
}
