import { createClient, type ClickHouseClient } from '@clickhouse/client';

import { OUTPUT_SETTINGS, assertIdentifier, bindableParams, insertSettings, qualifiedTable } from './shared.js';
import { AggregateStoreError, sqlContext, type AggregateStore } from './types.js';

// The same contract as the embedded store over HTTP; table names are qualified the same way so
// queries written against `store.database` run unchanged on both.
class ServerAggregateStore implements AggregateStore {
  readonly kind = 'server';

  constructor(
    readonly database: string,
    private readonly client: ClickHouseClient,
  ) {}

  async exec(sql: string): Promise<void> {
    await wrapped(sqlContext(sql), () => this.client.command({ query: sql }));
  }

  async query<T = Record<string, unknown>>(sql: string, params?: Record<string, unknown>): Promise<T[]> {
    return wrapped(sqlContext(sql), async () => {
      const result = await this.client.query({ query: sql, query_params: bindableParams(params), format: 'JSONEachRow' });
      return result.json<T>();
    });
  }

  async insertRows(table: string, rows: readonly Record<string, unknown>[], opts: { dedupToken?: string } = {}): Promise<void> {
    if (rows.length === 0) return;
    const target = qualifiedTable(this.database, table);
    await wrapped(`INSERT INTO ${target}`, () =>
      this.client.insert({ table: target, values: [...rows], format: 'JSONEachRow', clickhouse_settings: insertSettings(opts.dedupToken) }),
    );
  }

  async ping(): Promise<boolean> {
    try {
      // The /ping endpoint answers without credentials or a working engine; SELECT 1 checks both.
      const result = await this.client.ping({ select: true });
      return result.success;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

async function wrapped<T>(context: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw AggregateStoreError.wrap(context, error);
  }
}

/** Connects to a ClickHouse server, creating the database first (the scoped client needs it to exist). */
export async function openServerStore(cfg: { url: string; user: string; password: string; database: string }): Promise<AggregateStore> {
  const database = assertIdentifier(cfg.database, 'database');
  const base = { url: cfg.url, username: cfg.user, password: cfg.password, clickhouse_settings: { ...OUTPUT_SETTINGS } };
  const bootstrap = createClient(base);
  try {
    await wrapped('CREATE DATABASE', () => bootstrap.command({ query: `CREATE DATABASE IF NOT EXISTS ${database}` }));
  } finally {
    await bootstrap.close();
  }
  return new ServerAggregateStore(database, createClient({ ...base, database }));
}
