import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { TABLES, appliedMigrations, loadMigrations, migrate, openAggregateStore } from '../../aggregates/index.js';
import { openEmbeddedStore } from '../../aggregates/store/embedded.js';
import { tempDataDir } from './fixtures.js';

const data = tempDataDir();
// A directory that does not exist yet: opening the store creates it.
const dataDir = join(data.dir, 'not', 'yet', 'there');
const cfg = { kind: 'embedded' as const, dataDir, database: 'vigil_migrations' };

afterAll(() => data.remove());

describe('aggregate migrations', () => {
  it('are numbered files applied in version order, each split into statements', () => {
    const migrations = loadMigrations('vigil');
    expect(migrations.map((m) => m.version)).toEqual([...migrations.map((m) => m.version)].sort((a, b) => a - b));
    expect(migrations.slice(0, 2).map((m) => m.name)).toEqual(['events', 'event_rollups_1m']);
    const sql = migrations.flatMap((m) => m.statements).join('\n');
    expect(sql).not.toContain('{{database}}');
    expect(migrations.find((m) => m.version === 2)?.statements).toHaveLength(2);
  });

  it('create the data directory, the events table, the rollup table and its materialized view in the configured database', async () => {
    expect(existsSync(dataDir)).toBe(false);
    const store = await openAggregateStore(cfg);
    try {
      expect(existsSync(dataDir)).toBe(true);
      const tables = await store.query<{ name: string; engine: string }>(
        'SELECT name, engine FROM system.tables WHERE database = {db:String} ORDER BY name',
        { db: cfg.database },
      );
      expect(tables).toEqual([
        { name: 'alert_transitions', engine: 'MergeTree' },
        { name: 'alerts', engine: 'MergeTree' },
        { name: TABLES.challengerAlerts, engine: 'MergeTree' },
        { name: TABLES.eventRollups1m, engine: 'SummingMergeTree' },
        { name: TABLES.events, engine: 'MergeTree' },
        { name: TABLES.eventsToRollups1m, engine: 'MaterializedView' },
        { name: TABLES.offerDecisions, engine: 'ReplacingMergeTree' },
        { name: TABLES.offerDeliveries, engine: 'ReplacingMergeTree' },
        { name: TABLES.offerResponses, engine: 'ReplacingMergeTree' },
        { name: TABLES.schemaMigrations, engine: 'MergeTree' },
      ]);
    } finally {
      await store.close();
    }
  });

  it('apply nothing the second time, and record each version once across reopening the directory', async () => {
    const first = await openAggregateStore(cfg);
    try {
      expect(await migrate(first)).toEqual([]);
    } finally {
      await first.close();
    }
    const reopened = await openAggregateStore(cfg);
    try {
      expect(await migrate(reopened)).toEqual([]);
      const applied = await appliedMigrations(reopened);
      expect(applied.map((m) => m.version)).toEqual(loadMigrations(cfg.database).map((m) => m.version));
      expect(applied.map((m) => m.name)).toEqual(['events', 'event_rollups_1m', 'alerts', 'offers', 'alert_model_versions', 'challenger_alerts']);
    } finally {
      await reopened.close();
    }
  });

  it('re-running an already applied migration changes nothing, since every statement is idempotent', async () => {
    const store = await openAggregateStore(cfg);
    try {
      for (const migration of loadMigrations(cfg.database)) {
        for (const statement of migration.statements) await store.exec(statement);
      }
      expect(await appliedMigrations(store)).toHaveLength(loadMigrations(cfg.database).length);
    } finally {
      await store.close();
    }
  });

  it('record each version once when two migrations of the same database race', async () => {
    const store = await openEmbeddedStore({ dataDir, database: 'vigil_migrations_race' });
    try {
      await Promise.all([migrate(store), migrate(store)]);
      expect((await appliedMigrations(store)).map((m) => m.version)).toEqual(loadMigrations('vigil_migrations_race').map((m) => m.version));
    } finally {
      await store.close();
    }
  });
});
