import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Session, drainPending } from 'chdb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadMigrations, type Migration } from '../../aggregates/index.js';
import { tempDataDir } from './fixtures.js';

// The replicated cluster DDL (aggregates/migrations/cluster/) must stay the twin of the single-node
// migrations the engine runs. Both are executed here in one chdb process: the single-node files into
// one database, the cluster files into another, as written except for ON CLUSTER (which needs a
// server's distributed DDL queue; formatQuery proves that form parses). A config file gives the
// process the macros ({cluster}, {shard}, {replica}), a one-shard cluster for the Distributed tables
// and ClickHouse's in-process test Keeper, so the Replicated*MergeTree engines, their Keeper paths
// and settings are checked by ClickHouse itself. Then system.tables / system.columns are compared.
// No rows are written: this proves the schema, not replication.

const CLUSTER_DIR = fileURLToPath(new URL('../../aggregates/migrations/cluster/', import.meta.url));
const SINGLE = 'vigil_single';
const CLUSTER = 'vigil_cluster';
const CLUSTER_NAME = 'vigil_test_cluster';

const data = tempDataDir();
let session: Session;

interface TableRow {
  name: string;
  engine: string;
  engine_full: string;
  partition_key: string;
  sorting_key: string;
  primary_key: string;
  as_select: string;
  create_table_query: string;
}
interface ColumnRow {
  table: string;
  name: string;
  type: string;
  position: number;
  default_kind: string;
  default_expression: string;
  compression_codec: string;
}

function rows<T>(sql: string, params: Record<string, unknown> = {}): T[] {
  const text = session.queryBind(sql, params, 'JSONEachRow');
  return text.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as T);
}
const tables = (db: string) => rows<TableRow>(
  `SELECT name, engine, engine_full, partition_key, sorting_key, primary_key, as_select, create_table_query
   FROM system.tables WHERE database = {db:String} ORDER BY name`, { db },
);
const columns = (db: string, table: string) => rows<ColumnRow>(
  `SELECT table, name, type, position, default_kind, default_expression, compression_codec
   FROM system.columns WHERE database = {db:String} AND table = {table:String} ORDER BY position`, { db, table },
).map(({ table: _table, ...column }) => column);
/** The TTL clause of an engine definition as ClickHouse normalised it ('' when none). */
const ttlOf = (engineFull: string) => /\bTTL\s+(.*?)(?:\s+SETTINGS\s|$)/.exec(engineFull)?.[1] ?? '';
const statements = (migrations: Migration[]) => migrations.flatMap((m) => m.statements);
const ON_CLUSTER = ` ON CLUSTER '{cluster}'`;

const ADD_LOCAL_COLUMN = /^ALTER TABLE (\S+_local) ON CLUSTER '\{cluster\}' ADD COLUMN IF NOT EXISTS (.+)$/s;

/**
 * A replicated table stays read-only in chdb (no Keeper session comes up), so an ALTER of a
 * `<name>_local` table cannot run here. Its added column is folded into the table's CREATE
 * instead: the table as the ALTER leaves it, appended last as ADD COLUMN appends. The ALTER itself
 * is still checked as written by formatQuery below, and the Distributed table's own ALTER runs.
 */
function withLocalColumnsFolded(all: string[]): string[] {
  const added = new Map<string, string[]>();
  for (const statement of all) {
    const match = ADD_LOCAL_COLUMN.exec(statement);
    if (match) added.set(match[1]!, [...(added.get(match[1]!) ?? []), match[2]!.trim()]);
  }
  return all.filter((statement) => !ADD_LOCAL_COLUMN.test(statement)).map((statement) => {
    const table = /^CREATE TABLE IF NOT EXISTS (\S+_local) /.exec(statement)?.[1];
    const columns = table === undefined ? undefined : added.get(table);
    if (!columns) return statement;
    const end = statement.indexOf('\n)\nENGINE');
    expect(end, table).toBeGreaterThan(0);
    return `${statement.slice(0, end)},\n    ${columns.join(',\n    ')}${statement.slice(end)}`;
  });
}

const single = loadMigrations(SINGLE);
const cluster = loadMigrations(CLUSTER, CLUSTER_DIR);

beforeAll(() => {
  const config = join(data.dir, 'cluster-test.xml');
  writeFileSync(config, `<clickhouse>
  <macros><cluster>${CLUSTER_NAME}</cluster><shard>01</shard><replica>replica-a</replica></macros>
  <remote_servers><${CLUSTER_NAME}><shard><replica><host>localhost</host><port>9000</port></replica></shard></${CLUSTER_NAME}></remote_servers>
  <zookeeper><implementation>testkeeper</implementation></zookeeper>
</clickhouse>`);
  session = new Session(join(data.dir, 'chdb'), { connectionArgs: [`--config-file=${config}`] });
  session.query(`CREATE DATABASE ${SINGLE}`);
  for (const statement of statements(single)) session.query(statement);
  for (const statement of withLocalColumnsFolded(statements(cluster))) {
    // Every statement is ON CLUSTER; chdb has no distributed DDL queue, so it runs on this node.
    expect(statement).toContain(ON_CLUSTER);
    session.query(statement.replace(ON_CLUSTER, ''));
  }
});

afterAll(async () => {
  // Replicated tables are dropped first: a session closed with them open does not finish closing.
  if (session) {
    for (const db of [SINGLE, CLUSTER]) session.query(`DROP DATABASE IF EXISTS ${db} SYNC`);
    session.close();
    await drainPending();
  }
  data.remove();
});

describe('the replicated cluster DDL', () => {
  it('has a twin file for every single-node migration, under the same version and name', () => {
    expect(cluster.map((m) => [m.version, m.name])).toEqual(single.map((m) => [m.version, m.name]));
  });

  it('parses as written, ON CLUSTER included, every statement idempotent and on the cluster macro', () => {
    for (const statement of statements(cluster)) {
      const [{ formatted }] = rows<{ formatted: string }>('SELECT formatQuery({sql:String}) AS formatted', { sql: statement }) as [{ formatted: string }];
      expect(formatted).toMatch(/^(?:CREATE (?:TABLE|DATABASE|MATERIALIZED VIEW) IF NOT EXISTS |ALTER TABLE \S+ ON CLUSTER `\{cluster\}`\s+\(ADD COLUMN IF NOT EXISTS )/);
      expect(formatted).toContain('ON CLUSTER `{cluster}`');
    }
  });

  it('gives every single-node table a replicated <name>_local twin with the same columns, keys and TTL', () => {
    const singleTables = tables(SINGLE).filter((t) => t.engine !== 'MaterializedView');
    const clusterTables = new Map(tables(CLUSTER).map((t) => [t.name, t]));
    expect(singleTables.length).toBeGreaterThanOrEqual(7);
    for (const table of singleTables) {
      const twin = clusterTables.get(`${table.name}_local`);
      expect(twin, `${table.name}_local`).toBeDefined();
      expect(twin!.engine).toBe(`Replicated${table.engine}`);
      expect(twin!.engine_full).toContain(`Replicated${table.engine}('/clickhouse/tables/{shard}/${CLUSTER}/${table.name}_local', '{replica}')`);
      expect({ partition: twin!.partition_key, sorting: twin!.sorting_key, primary: twin!.primary_key, ttl: ttlOf(twin!.engine_full) })
        .toEqual({ partition: table.partition_key, sorting: table.sorting_key, primary: table.primary_key, ttl: ttlOf(table.engine_full) });
      expect(ttlOf(twin!.engine_full), table.name).not.toBe('');
      expect(columns(CLUSTER, `${table.name}_local`), table.name).toEqual(columns(SINGLE, table.name));
    }
  });

  it('replaces the single-node dedup window by the same replicated one, never a non-replicated setting', () => {
    for (const table of tables(SINGLE).filter((t) => t.engine !== 'MaterializedView')) {
      const twin = tables(CLUSTER).find((t) => t.name === `${table.name}_local`)!;
      expect(twin.engine_full).not.toContain('non_replicated_deduplication_window');
      const window = /non_replicated_deduplication_window = (\d+)/.exec(table.engine_full)?.[1];
      if (window === undefined) continue;
      expect(twin.engine_full, table.name).toContain(`replicated_deduplication_window = ${window}`);
      // Long enough that the block count bounds the window, as on one node (the default is an hour).
      expect(twin.engine_full, table.name).toContain('replicated_deduplication_window_seconds = 604800');
    }
  });

  it('registers each replicated table in Keeper under its shard and this replica', () => {
    const replicas = rows<{ table: string; zookeeper_path: string; replica_name: string }>(
      'SELECT table, zookeeper_path, replica_name FROM system.replicas WHERE database = {db:String} ORDER BY table', { db: CLUSTER },
    );
    const locals = tables(SINGLE).filter((t) => t.engine !== 'MaterializedView').map((t) => `${t.name}_local`).sort();
    expect(replicas.map((r) => r.table)).toEqual(locals);
    for (const replica of replicas) {
      expect(replica).toEqual({ table: replica.table, zookeeper_path: `/clickhouse/tables/01/${CLUSTER}/${replica.table}`, replica_name: 'replica-a' });
    }
  });

  it('puts a Distributed table under every single-node name, with the same columns, sharded by the customer pseudonym where rows are a customer\'s', () => {
    const clusterTables = new Map(tables(CLUSTER).map((t) => [t.name, t]));
    // Transitions carry no customer (sharded by their alert); rollups hold none and are written only by the view.
    const expectedKey: Record<string, string> = { alert_transitions: ', cityHash64(alert_id)', event_rollups_1m: '' };
    for (const table of tables(SINGLE).filter((t) => t.engine !== 'MaterializedView')) {
      const distributed = clusterTables.get(table.name);
      expect(distributed?.engine, table.name).toBe('Distributed');
      const singleColumns = columns(SINGLE, table.name);
      const key = singleColumns.some((c) => c.name === 'customer_id') ? ', cityHash64(customer_id)' : expectedKey[table.name];
      expect(key, `a sharding decision for ${table.name}`).toBeDefined();
      expect(distributed!.engine_full).toBe(`Distributed('{cluster}', '${CLUSTER}', '${table.name}_local'${key})`);
      expect(columns(CLUSTER, table.name), table.name).toEqual(singleColumns);
    }
  });

  it('keeps each materialized view under its single-node name, reading and writing the local tables, with the same query', () => {
    const singleViews = tables(SINGLE).filter((t) => t.engine === 'MaterializedView');
    const clusterTables = new Map(tables(CLUSTER).map((t) => [t.name, t]));
    expect(singleViews.map((v) => v.name)).toEqual(['events_to_rollups_1m']);
    for (const view of singleViews) {
      const twin = clusterTables.get(view.name);
      expect(twin?.engine, view.name).toBe('MaterializedView');
      const target = new RegExp(`\\bTO ${SINGLE}\\.(\\w+)`).exec(view.create_table_query)?.[1];
      expect(target).toBe('event_rollups_1m');
      expect(twin!.create_table_query).toContain(` TO ${CLUSTER}.${target}_local `);
      // The same SELECT once each single-node table name is read as its local twin.
      const localised = view.as_select.replace(new RegExp(`\\b${SINGLE}\\.(\\w+)`, 'g'), `${CLUSTER}.$1_local`);
      expect(twin!.as_select).toBe(localised);
      expect(twin!.as_select).toContain(`FROM ${CLUSTER}.events_local`);
      expect(columns(CLUSTER, view.name)).toEqual(columns(SINGLE, view.name));
    }
  });

  it('holds nothing but those twins, and the engine\'s own migrations run on it afterwards change nothing', () => {
    const singleNames = tables(SINGLE).map((t) => t.name);
    const expected = [...singleNames, ...tables(SINGLE).filter((t) => t.engine !== 'MaterializedView').map((t) => `${t.name}_local`)].sort();
    const before = tables(CLUSTER);
    expect(before.map((t) => t.name)).toEqual(expected);
    // What the engine does at start (aggregates/migrate.ts): every name is taken, so every
    // CREATE ... IF NOT EXISTS is a no-op and the Distributed tables stay Distributed.
    for (const statement of statements(loadMigrations(CLUSTER))) session.query(statement);
    expect(tables(CLUSTER)).toEqual(before);
  });
});
