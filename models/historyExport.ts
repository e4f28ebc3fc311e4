import { ALERT_TABLES } from '../alerts/index.js';
import { TABLES, type AggregateStore } from '../aggregates/index.js';
import { ClickHouseHistory, type TimeRange } from '../backtest/index.js';
import type { VigilEvent } from '../core/events/index.js';
import { FRAUD_LABEL_WINDOW_MS } from './trainingRows.js';
import type { DispositionLabel, ExportEnd } from './historyExportSchema.js';

// A stored history with its labels from officers' dispositions, read from ClickHouse for training
// (npm run export-history → npm run train -- --from-dir). The events are those a backtest replays
// (backtest/history.ts: keyset pages in event time, pseudonyms and hashed identifiers); the
// labels come from the alert archive, which names customers by the same pseudonym.
//
// A customer is fraud when one of their fraud alerts was resolved `confirmed_fraud` (the last
// resolve of a still-resolved alert, as backtests read verdicts); `first_bad_at` is the earliest
// such alert's triggering event. Labels are kept whose first bad event falls in
// [from − 7 days, to): the ones whose training window (models/trainingRows.ts) reaches into the
// export. Every other customer is genuine: those an officer cleared (`false_positive`) and those
// never alerted, which is all a bank's dispositions can say — fraud nobody caught is labelled 0.

const DAY_MS = 86_400_000;
/** An event may be posted up to 5 minutes ahead of the clock (ingest/eventTime.ts): its alert can predate it that much. */
const CLOCK_SKEW_MS = 5 * 60_000;

export interface ExportLabels {
  labels: DispositionLabel[];
  falsePositiveCustomers: number;
}

interface VerdictRow { customer_id: string; event_id: string; created_ms: number; disposition: string }

export async function dispositionLabels(store: AggregateStore, range: TimeRange): Promise<ExportLabels> {
  const db = store.database;
  // An alert is raised after its event happened (but for clock skew) and, for a confirmed fraud,
  // is archived with it: alerts created before the earliest event that may label are not read.
  const since = range.fromMs - FRAUD_LABEL_WINDOW_MS - CLOCK_SKEW_MS - DAY_MS;
  const verdicts = await store.query<VerdictRow>(
    `SELECT a.customer_id AS customer_id, a.triggering_event_ids[1] AS event_id,
            toUnixTimestamp64Milli(a.created_at) AS created_ms, t.disposition AS disposition
     FROM ${db}.${ALERT_TABLES.alerts} AS a
     INNER JOIN (
       SELECT alert_id, argMax(to_status, seq) AS status, argMaxIf(disposition, seq, action = 'resolve') AS disposition
       FROM ${db}.${ALERT_TABLES.alertTransitions}
       WHERE at >= ${at('since')}
       GROUP BY alert_id
     ) AS t ON t.alert_id = a.id
     WHERE a.type = 'fraud' AND a.created_at >= ${at('since')} AND t.status = 'resolved'
       AND t.disposition IN ('confirmed_fraud', 'false_positive')
     LIMIT 1 BY a.id`,
    { since },
  );
  const confirmed = verdicts.filter((row) => row.disposition === 'confirmed_fraud');
  const eventTimes = await triggeringEventTimes(store, confirmed);

  const earliest = new Map<string, DispositionLabel & { atMs: number }>();
  for (const row of confirmed) {
    // A review's triggering "event" is not stored; its alert's creation is when it happened.
    const atMs = eventTimes.get(eventKey(row.customer_id, row.event_id)) ?? Number(row.created_ms);
    if (atMs < range.fromMs - FRAUD_LABEL_WINDOW_MS || atMs >= range.toMs) continue;
    const held = earliest.get(row.customer_id);
    if (held && (held.atMs < atMs || (held.atMs === atMs && held.first_bad_event_id <= row.event_id))) continue;
    earliest.set(row.customer_id, { customer_id: row.customer_id, first_bad_event_id: row.event_id, first_bad_at: new Date(atMs).toISOString(), atMs });
  }
  const labels = [...earliest.values()]
    .map(({ atMs: _atMs, ...label }) => label)
    .sort((a, b) => a.first_bad_at.localeCompare(b.first_bad_at) || a.customer_id.localeCompare(b.customer_id));
  const fraud = new Set(labels.map((label) => label.customer_id));
  const cleared = new Set(verdicts.filter((row) => row.disposition === 'false_positive' && !fraud.has(row.customer_id)).map((row) => row.customer_id));
  return { labels, falsePositiveCustomers: cleared.size };
}

/** When each confirmed alert's triggering event happened, from the events table (sorted by customer: one range read each). */
async function triggeringEventTimes(store: AggregateStore, rows: readonly VerdictRow[]): Promise<Map<string, number>> {
  const times = new Map<string, number>();
  if (rows.length === 0) return times;
  const found = await store.query<{ customer_id: string; event_id: string; at_ms: number }>(
    `SELECT customer_id, event_id, toUnixTimestamp64Milli(occurred_at) AS at_ms
     FROM ${store.database}.${TABLES.events}
     WHERE customer_id IN {customers:Array(String)} AND event_id IN {events:Array(String)}`,
    { customers: [...new Set(rows.map((row) => row.customer_id))], events: [...new Set(rows.map((row) => row.event_id))] },
  );
  for (const row of found) times.set(eventKey(row.customer_id, row.event_id), Number(row.at_ms));
  return times;
}

/**
 * The NDJSON event lines of the range, a page at a time (memory holds one page), then the end
 * line. Events are the stored, pseudonymised form as a backtest replays it, less the normalised
 * amounts ingest added, so the training export parses them as posted events.
 */
export async function* exportEventLines(store: AggregateStore, range: TimeRange, pageSize: number): AsyncGenerator<string> {
  const end: ExportEnd = { events: 0, unreadable: 0 };
  for await (const page of new ClickHouseHistory(store).eventPages(range, pageSize)) {
    end.unreadable += page.unreadable;
    end.events += page.events.length;
    yield page.events.map((event) => `${JSON.stringify({ event: postableEvent(event) })}\n`).join('');
  }
  yield `${JSON.stringify({ end })}\n`;
}

/** The fields ingest derives from the posted ones (core/events/parse.ts); a posted event may not carry them. */
const NORMALISED_FIELDS = ['amount_minor', 'balance_minor', 'credit_limit_minor'] as const;

export function postableEvent(event: VigilEvent): Record<string, unknown> {
  const posted: Record<string, unknown> = { ...event };
  for (const field of NORMALISED_FIELDS) delete posted[field];
  return posted;
}

function eventKey(customer: string, eventId: string): string {
  return `${customer}\u0000${eventId}`;
}

/** A millisecond parameter as a DateTime64 in UTC. */
function at(param: string): string {
  return `fromUnixTimestamp64Milli({${param}:Int64}, 'UTC')`;
}
