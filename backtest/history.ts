import { ALERT_TABLES, ALERT_TYPES, type AlertType } from '../alerts/index.js';
import { TABLES, type AggregateStore } from '../aggregates/index.js';
import { LABELLING_DISPOSITIONS, verdictOf, type LabelledAlert } from './labels.js';
import type { LiveAlert } from './liveComparison.js';
import type { BacktestHistory, StoredEventPage, TimeRange } from './run.js';
import { replayableEvent } from './storedEvents.js';

// The history a backtest replays, read from ClickHouse.
//
// Events come in pages of `pageSize` rows ordered by (occurred_at, event_id, customer_id), each
// page starting after the last row of the one before (keyset paging): memory holds one page, and
// a row inserted behind the cursor while the job runs is simply not seen. The table is sorted by
// customer for per-customer reads, so each page is a scan of the range's monthly partitions,
// pruned to the range by their min/max time; fine for a job that runs one at a time, and the
// reason pages are thousands of rows rather than hundreds.
//
// Officers' verdicts come from the archive of the alert store (`alerts` and `alert_transitions`)
// rather than from the alert store in Redis. ClickHouse names customers by the same pseudonym as
// the replayed events, so a live alert and a backtest alert meet on (type, pseudonym, triggering
// event) without hashing anything again. And it keeps what Redis lets go: a resolved alert leaves
// Redis after VIGIL_RETENTION_RESOLVED_ALERTS_DAYS (180), ClickHouse keeps it for years, and the
// resolved ones are exactly the labelled ones. The archive trails the store by seconds (outbox
// consumer), which only matters for a verdict given while the backtest starts.

const DAY_MS = 86_400_000;
/** An event may be posted up to 5 minutes ahead of the clock (ingest/eventTime.ts): its alert can predate it that much. */
const CLOCK_SKEW_MS = 5 * 60_000;

export class ClickHouseHistory implements BacktestHistory {
  constructor(private readonly store: AggregateStore) {}

  private get events(): string {
    return `${this.store.database}.${TABLES.events}`;
  }

  async countEvents(range: TimeRange): Promise<number> {
    const [row] = await this.store.query<{ n: number }>(
      `SELECT count() AS n FROM ${this.events} WHERE occurred_at >= ${at('from')} AND occurred_at < ${at('to')}`,
      { from: range.fromMs, to: range.toMs },
    );
    return Number(row?.n ?? 0);
  }

  async *eventPages(range: TimeRange, pageSize: number): AsyncGenerator<StoredEventPage> {
    let after: { atMs: number; eventId: string; customer: string } | undefined;
    for (;;) {
      const rows = await this.store.query<{ event_id: string; customer_id: string; at_ms: number; processed_ms: number; payload: string }>(
        `SELECT event_id, customer_id, toUnixTimestamp64Milli(occurred_at) AS at_ms, toUnixTimestamp64Milli(processed_at) AS processed_ms, payload
         FROM ${this.events}
         WHERE occurred_at >= ${at('from')} AND occurred_at < ${at('to')}
           AND (occurred_at, event_id, customer_id) > (${at('afterAt')}, {afterId:String}, {afterCustomer:String})
         ORDER BY occurred_at, event_id, customer_id
         LIMIT {limit:UInt32}`,
        {
          from: range.fromMs, to: range.toMs, limit: pageSize,
          // The first page starts before every row of the range: no event id is empty.
          afterAt: after?.atMs ?? range.fromMs, afterId: after?.eventId ?? '', afterCustomer: after?.customer ?? '',
        },
      );
      if (rows.length === 0) return;
      const page: StoredEventPage = { events: [], processedAtMs: [], unreadable: 0 };
      for (const row of rows) {
        const event = replayableEvent(row.payload);
        if (!event) {
          page.unreadable++;
          continue;
        }
        page.events.push(event);
        page.processedAtMs!.push(Number(row.processed_ms));
      }
      const last = rows.at(-1)!;
      after = { atMs: Number(last.at_ms), eventId: last.event_id, customer: last.customer_id };
      yield page;
      if (rows.length < pageSize) return;
    }
  }

  async labelledAlerts(range: TimeRange): Promise<LabelledAlert[]> {
    // An alert is raised once its event is processed, so never before the event happened (but for
    // clock skew): alerts created before the range cannot be about it, and their changes neither.
    // Ones created after it are kept; those about later events simply match nothing.
    const since = range.fromMs - CLOCK_SKEW_MS - DAY_MS;
    const rows = await this.store.query<{ type: string; customer_id: string; event_id: string; disposition: string }>(
      `SELECT a.type AS type, a.customer_id AS customer_id, a.triggering_event_ids[1] AS event_id, t.disposition AS disposition
       FROM ${this.store.database}.${ALERT_TABLES.alerts} AS a
       INNER JOIN (
         SELECT alert_id, argMax(to_status, seq) AS status, argMaxIf(disposition, seq, action = 'resolve') AS disposition
         FROM ${this.store.database}.${ALERT_TABLES.alertTransitions}
         WHERE at >= ${at('since')}
         GROUP BY alert_id
       ) AS t ON t.alert_id = a.id
       WHERE a.created_at >= ${at('since')} AND t.status = 'resolved' AND t.disposition IN {labelling:Array(String)}
       LIMIT 1 BY a.id`,
      { since, labelling: LABELLING_DISPOSITIONS },
    );
    return rows.flatMap((row) => {
      const verdict = verdictOf(row.disposition);
      if (!verdict || !isAlertType(row.type) || row.event_id === '') return [];
      const label = { type: row.type, customer: row.customer_id, eventId: row.event_id, verdict };
      const asReplayed = replayedEventId(row.event_id, row.customer_id);
      // A bank may post an event id that looks like a review's: keep the id as archived too.
      return asReplayed === row.event_id ? [label] : [label, { ...label, eventId: asReplayed }];
    });
  }

  /**
   * Every live alert that can be about the range (created from a day before it on, as for the
   * labels), as archived: the first triggering event, review ids as the replay names them.
   */
  async liveAlerts(range: TimeRange): Promise<LiveAlert[]> {
    const since = range.fromMs - CLOCK_SKEW_MS - DAY_MS;
    const rows = await this.store.query<{ type: string; customer_id: string; event_id: string; rule_ids: string[] }>(
      `SELECT type, customer_id, triggering_event_ids[1] AS event_id, rule_ids
       FROM ${this.store.database}.${ALERT_TABLES.alerts}
       WHERE created_at >= ${at('since')}
       LIMIT 1 BY id`,
      { since },
    );
    return rows.map((row) => ({ type: row.type, customer: row.customer_id, eventId: replayedEventId(row.event_id, row.customer_id), ruleIds: row.rule_ids }));
  }
}

/**
 * A live review's id is `review:<customer id>:<ms>` with the bank's id (the archive keeps it so);
 * the replay reviews the pseudonym, so the same review there is `review:<pseudonym>:<ms>`.
 */
function replayedEventId(eventId: string, pseudonym: string): string {
  const review = /^review:.*:(\d+)$/s.exec(eventId);
  return review ? `review:${pseudonym}:${review[1]}` : eventId;
}

/** A millisecond parameter as a DateTime64 in UTC. */
function at(param: string): string {
  return `fromUnixTimestamp64Milli({${param}:Int64}, 'UTC')`;
}

function isAlertType(type: string): type is AlertType {
  return (ALERT_TYPES as readonly string[]).includes(type);
}
