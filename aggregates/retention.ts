import type { RetainedTable } from '../config/index.js';
import type { AggregateStore } from './store/types.js';

// Retention per ClickHouse table is a setting (VIGIL_RETENTION_*_DAYS). The migrations create each
// table with its default TTL; at start the configured one replaces it when they differ, so a
// start with unchanged settings changes nothing, and a changed setting is applied once.
// A shorter TTL is materialized on the existing parts (ClickHouse's default for MODIFY TTL), so
// rows past it are removed at once; that rewrites the table's parts, which on a large table takes
// a while the first time.

/** The time column each table's TTL counts from, as the migrations write it. */
const TTL_BASE: Readonly<Record<RetainedTable, string>> = {
  events: 'toDateTime(occurred_at)',
  event_rollups_1m: 'minute',
  alerts: 'toDateTime(created_at)',
  alert_transitions: 'toDateTime(at)',
  offer_decisions: 'toDateTime(decided_at)',
  offer_deliveries: 'toDateTime(at)',
  offer_responses: 'toDateTime(at)',
};

const DAYS_PER_UNIT = { Day: 1, Week: 7, Month: 30, Quarter: 91, Year: 365 } as const;

/**
 * The TTL of a table in days, read from its engine definition (`TTL <base> + toIntervalYear(7)`
 * comes back as 2555); undefined when it has none or one this code did not write.
 */
export function ttlDays(engineDefinition: string): number | undefined {
  const match = /\bTTL\s+.*?\+\s*toInterval(Day|Week|Month|Quarter|Year)\((\d+)\)/.exec(engineDefinition);
  if (!match) return undefined;
  return Number(match[2]) * DAYS_PER_UNIT[match[1] as keyof typeof DAYS_PER_UNIT];
}

export interface RetentionChange {
  table: RetainedTable;
  fromDays: number | undefined;
  toDays: number;
}

/** Sets every table's TTL to its configured days where it differs; answers what it changed. */
export async function applyRetention(store: AggregateStore, days: Readonly<Record<RetainedTable, number>>): Promise<RetentionChange[]> {
  const rows = await store.query<{ name: string; engine_full: string }>(
    'SELECT name, engine_full FROM system.tables WHERE database = {db:String}', { db: store.database },
  );
  const current = new Map(rows.map((row) => [row.name, ttlDays(row.engine_full)]));
  const changes: RetentionChange[] = [];
  for (const [table, toDays] of Object.entries(days) as [RetainedTable, number][]) {
    if (!current.has(table)) continue;
    const fromDays = current.get(table);
    if (fromDays === toDays) continue;
    await store.exec(`ALTER TABLE ${store.database}.${table} MODIFY TTL ${TTL_BASE[table]} + INTERVAL ${Math.trunc(toDays)} DAY`);
    changes.push({ table, fromDays, toDays });
  }
  return changes;
}
