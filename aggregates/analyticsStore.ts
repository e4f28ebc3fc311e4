import { pseudonymousEventId } from '../core/events/index.js';
import { pseudonymisedEventRow, type AnalyticsIdentifiers, type EventRow } from './eventRows.js';
import type { AggregateStore } from './store/types.js';
import { TABLES } from './tables.js';

// The one gate customer data passes on its way to ClickHouse. Every writer (the event flush, the
// alert archive, the offer archive) inserts through the engine's store, and this wrapper rewrites
// the rows of every table that names a customer before they leave: the customer id becomes its
// pseudonym, and event payloads lose raw IPs and account numbers. Writers stay unaware of it, so
// a new writer to these tables cannot forget it; a new table with a customer_id column must be
// added to CUSTOMER_TABLES (test/aggregates/analyticsStore.test.ts fails on a table it misses).

type RowMapper = (row: Record<string, unknown>, ids: AnalyticsIdentifiers) => Record<string, unknown>;

const withPseudonymousCustomer: RowMapper = (row, ids) =>
  typeof row.customer_id === 'string' ? { ...row, customer_id: ids.pseudonymise(row.customer_id) } : row;

/** The same, and the ids of reviews in `columns` (`review:<customer id>:<ms>`) by the pseudonym too. */
const withPseudonymousEventIds = (...columns: string[]): RowMapper => (row, ids) => {
  const out = withPseudonymousCustomer(row, ids);
  const idOf = (id: unknown) => (typeof id === 'string' ? pseudonymousEventId(id, (customer) => ids.pseudonymise(customer)) : id);
  const rewritten = { ...out };
  for (const column of columns) {
    const value = out[column];
    rewritten[column] = Array.isArray(value) ? value.map(idOf) : idOf(value);
  }
  return rewritten;
};

/** Tables holding a customer id, and how their rows are made pseudonymous. */
export const CUSTOMER_TABLES: Readonly<Record<string, RowMapper>> = {
  [TABLES.events]: (row, ids) => pseudonymisedEventRow(row as EventRow, ids),
  alerts: withPseudonymousEventIds('triggering_event_ids'),
  [TABLES.offerDecisions]: withPseudonymousEventIds('decision_id'),
  [TABLES.offerDeliveries]: withPseudonymousCustomer,
  [TABLES.offerResponses]: withPseudonymousCustomer,
  [TABLES.challengerAlerts]: withPseudonymousEventIds('event_id'),
};

class PseudonymisingStore implements AggregateStore {
  constructor(
    private readonly inner: AggregateStore,
    private readonly ids: AnalyticsIdentifiers,
  ) {}

  get kind() {
    return this.inner.kind;
  }

  get database() {
    return this.inner.database;
  }

  exec(sql: string): Promise<void> {
    return this.inner.exec(sql);
  }

  query<T = Record<string, unknown>>(sql: string, params?: Record<string, unknown>): Promise<T[]> {
    return this.inner.query<T>(sql, params);
  }

  insertRows(table: string, rows: readonly Record<string, unknown>[], opts?: { dedupToken?: string }): Promise<void> {
    const mapper = CUSTOMER_TABLES[table.includes('.') ? table.slice(table.indexOf('.') + 1) : table];
    return this.inner.insertRows(table, mapper ? rows.map((row) => mapper(row, this.ids)) : rows, opts);
  }

  ping(): Promise<boolean> {
    return this.inner.ping();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** The store every writer uses: rows naming a customer leave pseudonymised (docs/privacy.md). */
export function pseudonymisingStore(store: AggregateStore, ids: AnalyticsIdentifiers): AggregateStore {
  return new PseudonymisingStore(store, ids);
}
