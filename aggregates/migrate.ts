import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { TABLES } from './tables.js';
import { AggregateStoreError, type AggregateStore } from './store/types.js';
import { toClickHouseDateTime64 } from './store/shared.js';

/** One numbered SQL file; its statements are idempotent (IF NOT EXISTS) so a half-applied file can simply be re-run. */
export interface Migration {
  version: number;
  name: string;
  statements: string[];
}

export interface AppliedMigration {
  version: number;
  name: string;
  applied_at: string;
}

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
const FILE_NAME = /^(\d{3,})_([a-z0-9_]+)\.sql$/;
const DATABASE_PLACEHOLDER = /\{\{database\}\}/g;

/** Reads the numbered SQL files in version order, with the database name filled in. */
export function loadMigrations(database: string, dir: string = MIGRATIONS_DIR): Migration[] {
  const migrations: Migration[] = [];
  for (const file of readdirSync(dir)) {
    const match = FILE_NAME.exec(file);
    if (!match) continue;
    const sql = readFileSync(join(dir, file), 'utf8').replace(DATABASE_PLACEHOLDER, database);
    migrations.push({ version: Number(match[1]), name: match[2]!, statements: splitStatements(sql) });
  }
  migrations.sort((a, b) => a.version - b.version);
  const versions = migrations.map((m) => m.version);
  if (new Set(versions).size !== versions.length) throw new AggregateStoreError('migrate', `duplicate migration versions in ${dir}`);
  return migrations;
}

// A ClickHouse server takes one statement per request, so files are split on a ';' ending a line.
// Whole-line comments go first so a ';' at the end of a comment cannot split a statement.
function splitStatements(sql: string): string[] {
  const code = sql
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n');
  return code
    .split(/;\s*$/m)
    .map((statement) => statement.trim())
    .filter((statement) => statement !== '');
}

/** Applies, in order, every migration not yet recorded in schema_migrations; returns the versions it applied. */
export async function migrate(store: AggregateStore, migrations = loadMigrations(store.database)): Promise<number[]> {
  const table = `${store.database}.${TABLES.schemaMigrations}`;
  await store.exec(
    `CREATE TABLE IF NOT EXISTS ${table} (version UInt32, name String, applied_at DateTime64(3, 'UTC'))
     ENGINE = MergeTree ORDER BY version
     SETTINGS non_replicated_deduplication_window = 1000`,
  );
  const done = new Set((await appliedMigrations(store)).map((m) => m.version));
  const applied: number[] = [];
  for (const migration of migrations) {
    if (done.has(migration.version)) continue;
    await applyStatements(store, migration);
    // Two processes starting together may both apply a migration (harmless: idempotent DDL); the
    // token makes the second record a no-op, so each version is recorded once.
    const row = { version: migration.version, name: migration.name, applied_at: toClickHouseDateTime64(Date.now()) };
    await store.insertRows(TABLES.schemaMigrations, [row], { dedupToken: `schema_migration:${migration.version}` });
    applied.push(migration.version);
  }
  return applied;
}

async function applyStatements(store: AggregateStore, migration: Migration): Promise<void> {
  try {
    for (const statement of migration.statements) await store.exec(statement);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new AggregateStoreError(`migration ${migration.version} (${migration.name})`, reason, { cause: error });
  }
}

export async function appliedMigrations(store: AggregateStore): Promise<AppliedMigration[]> {
  return store.query<AppliedMigration>(
    `SELECT version, name, toString(applied_at) AS applied_at FROM ${store.database}.${TABLES.schemaMigrations} ORDER BY version`,
  );
}
