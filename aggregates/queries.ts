import { TABLES } from './tables.js';
import type { AggregateStore } from './store/types.js';

// Reads for the demo and the API. Rollup rows are summed on every read: SummingMergeTree folds
// equal keys only when parts merge, which may not have happened yet. Windows start at the minute
// containing `since`, since a rollup minute cannot be split.

const SINCE_MINUTE = `toStartOfMinute({since:DateTime64(3, 'UTC')})`;

/** Events of one type since a time, with money totals per currency (integer minor units). */
export interface TypeTotals {
  type: string;
  events: number;
  /** Only currencies that appear; events that move no money add to `events` alone. */
  amountMinorByCurrency: Record<string, number>;
}

export async function rollupTotals(store: AggregateStore, window: { since: Date }): Promise<TypeTotals[]> {
  const rows = await store.query<{ type: string; currency: string; events: number; amount_minor: number }>(
    `SELECT type, currency, sum(events) AS events, sum(amount_minor) AS amount_minor
     FROM ${store.database}.${TABLES.eventRollups1m}
     WHERE minute >= ${SINCE_MINUTE}
     GROUP BY type, currency
     ORDER BY type, currency`,
    { since: window.since },
  );
  const byType = new Map<string, TypeTotals>();
  for (const row of rows) {
    let totals = byType.get(row.type);
    if (!totals) {
      totals = { type: row.type, events: 0, amountMinorByCurrency: {} };
      byType.set(row.type, totals);
    }
    totals.events += row.events;
    if (row.currency !== '') totals.amountMinorByCurrency[row.currency] = row.amount_minor;
  }
  return [...byType.values()];
}

/** Rows in the events table (every processed event, until its TTL). */
export async function countEvents(store: AggregateStore): Promise<number> {
  const [row] = await store.query<{ events: number }>(`SELECT count() AS events FROM ${store.database}.${TABLES.events}`);
  return row?.events ?? 0;
}

/** Events per minute of event time; minutes without events are absent. */
export interface MinuteCount {
  minute: Date;
  events: number;
}

export async function minuteSeries(store: AggregateStore, window: { since: Date }): Promise<MinuteCount[]> {
  const rows = await store.query<{ minute_epoch: number; events: number }>(
    `SELECT toUnixTimestamp(minute) AS minute_epoch, sum(events) AS events
     FROM ${store.database}.${TABLES.eventRollups1m}
     WHERE minute >= ${SINCE_MINUTE}
     GROUP BY minute
     ORDER BY minute`,
    { since: window.since },
  );
  return rows.map((row) => ({ minute: new Date(row.minute_epoch * 1000), events: row.events }));
}
