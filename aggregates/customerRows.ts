import type { CustomerDataHolder, ExportOptions, Pseudonymise } from '../core/privacy/index.js';
import { isPseudonym } from '../core/privacy/index.js';
import type { AggregateStore } from './store/types.js';
import { TABLES } from './tables.js';

// A customer's rows in ClickHouse, found by their pseudonym (analyticsStore.ts writes them so):
// events, alerts and their transitions, offer decisions, deliveries and responses, challenger alerts. The per-minute
// rollups hold no customer and are kept. Deletes are lightweight DELETEs run synchronously
// (lightweight_deletes_sync = 2), so when erase() returns the rows no longer answer any query,
// and the counts it reports are the rows that matched just before.

/** Table → the time column its rows are paged and ordered by in an export. */
export const CUSTOMER_ROW_TIME = {
  [TABLES.events]: 'occurred_at',
  alerts: 'created_at',
  [TABLES.offerDecisions]: 'decided_at',
  [TABLES.offerDeliveries]: 'at',
  [TABLES.offerResponses]: 'at',
  [TABLES.challengerAlerts]: 'occurred_at',
} as const;

type CustomerTable = keyof typeof CUSTOMER_ROW_TIME;

/** A DateTime64(3) as ClickHouse writes it ('YYYY-MM-DD hh:mm:ss.sss', UTC) in epoch ms. */
function instantOf(text: string): number {
  return Date.parse(`${text.replace(' ', 'T')}Z`);
}

export function customerRows(store: AggregateStore, pseudonymise: Pseudonymise): CustomerDataHolder {
  const db = store.database;
  // Transitions carry the alert id only; they are the customer's through their alert's row.
  const transitionsOf = (pseudonym: string) => `alert_id IN (SELECT id FROM ${db}.alerts WHERE customer_id = '${pseudonym}')`;
  const where = (table: CustomerTable | 'alert_transitions', pseudonym: string) =>
    table === 'alert_transitions' ? transitionsOf(pseudonym) : `customer_id = '${pseudonym}'`;

  /** The pseudonym, checked to be plain hex before it is put into SQL text (DELETE takes no parameters on every transport). */
  function pseudonymOf(customerId: string): string {
    const pseudonym = pseudonymise(customerId);
    if (!isPseudonym(pseudonym)) throw new Error('the pseudonymiser returned something other than hex');
    return pseudonym;
  }

  async function count(table: CustomerTable | 'alert_transitions', pseudonym: string): Promise<number> {
    const [row] = await store.query<{ n: number }>(`SELECT count() AS n FROM ${db}.${table} WHERE ${where(table, pseudonym)}`);
    return Number(row?.n ?? 0);
  }

  /**
   * The newest rows older than `before`. A page never splits the rows of one instant: when the
   * page's last instant continues past the limit, its rows move to the next page (`next_before`
   * just after it), or, when the page is that one instant, the page holds all of it. One row more
   * than the limit is read to tell whether another page follows.
   */
  async function page(table: CustomerTable | 'alert_transitions', pseudonym: string, options: ExportOptions) {
    const time = table === 'alert_transitions' ? 'at' : CUSTOMER_ROW_TIME[table];
    const select = (condition: string, params: Record<string, unknown>, limit: number) => store.query<Record<string, unknown>>(
      `SELECT * FROM ${db}.${table} WHERE ${where(table, pseudonym)}${condition} ORDER BY ${time} DESC LIMIT {limit:UInt32}`,
      { ...params, limit },
    );
    const olderThan = (instant: number | undefined, limit: number) => instant === undefined
      ? select('', {}, limit)
      : select(` AND ${time} < {before:DateTime64(3, 'UTC')}`, { before: new Date(instant) }, limit);
    let rows = await olderThan(options.before?.getTime(), options.rowLimit + 1);
    let nextBefore: number | null = null;
    if (rows.length > options.rowLimit) {
      const boundary = String(rows[options.rowLimit - 1]![time]);
      const continues = String(rows[options.rowLimit]![time]) === boundary;
      rows = rows.slice(0, options.rowLimit);
      nextBefore = instantOf(boundary);
      const newer = rows.filter((row) => String(row[time]) !== boundary);
      if (continues && newer.length > 0) {
        rows = newer;
        nextBefore += 1;
      } else if (continues) {
        rows = await select(` AND ${time} = {at:DateTime64(3, 'UTC')}`, { at: boundary }, 1_000_000);
        if ((await olderThan(nextBefore, 1)).length === 0) nextBefore = null;
      }
    }
    return {
      total: await count(table, pseudonym),
      rows: table === TABLES.events ? rows.map((row) => ({ ...row, payload: JSON.parse(String(row.payload)) as unknown })) : rows,
      // Pass as `before` for the next page; null when this page is the last.
      next_before: nextBefore === null ? null : new Date(nextBefore).toISOString(),
    };
  }

  return {
    name: 'clickhouse',
    async export(customerId, options) {
      const pseudonym = pseudonymOf(customerId);
      const tables: Record<string, unknown> = {};
      for (const table of [...Object.keys(CUSTOMER_ROW_TIME), 'alert_transitions'] as (CustomerTable | 'alert_transitions')[]) {
        tables[table] = await page(table, pseudonym, options);
      }
      return { pseudonym, tables };
    },
    async erase(customerId) {
      const pseudonym = pseudonymOf(customerId);
      const removed: Record<string, number> = {};
      // Transitions first: they are found through the alerts' rows.
      for (const table of ['alert_transitions', ...Object.keys(CUSTOMER_ROW_TIME)] as (CustomerTable | 'alert_transitions')[]) {
        removed[table] = await count(table, pseudonym);
        if (removed[table] === 0) continue;
        await store.exec(`DELETE FROM ${db}.${table} WHERE ${where(table, pseudonym)} SETTINGS lightweight_deletes_sync = 2`);
      }
      return { clickhouse: removed };
    },
  };
}
