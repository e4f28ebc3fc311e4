import type { AggregateStore } from '../../aggregates/index.js';

/**
 * The real store with a switch that makes writes fail as if ClickHouse were unreachable: a fault
 * injector around the real engine, not a replacement for it.
 */
export class FaultyStore implements AggregateStore {
  unavailable = false;
  failedInserts = 0;

  constructor(private readonly inner: AggregateStore) {}

  get kind() {
    return this.inner.kind;
  }
  get database() {
    return this.inner.database;
  }
  exec(sql: string) {
    return this.inner.exec(sql);
  }
  query<T>(sql: string, params?: Record<string, unknown>) {
    return this.inner.query<T>(sql, params);
  }
  async insertRows(table: string, rows: readonly Record<string, unknown>[], opts?: { dedupToken?: string }) {
    if (this.unavailable) {
      this.failedInserts++;
      throw new Error('connect ECONNREFUSED 127.0.0.1:8123 (injected)');
    }
    return this.inner.insertRows(table, rows, opts);
  }
  async ping() {
    return !this.unavailable && this.inner.ping();
  }
  close() {
    return this.inner.close();
  }
}
