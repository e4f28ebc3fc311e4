import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import type { Session } from 'chdb';

// chdb is imported when a store is opened, not with this module: loading libchdb.so maps and
// initialises ClickHouse (~134 MiB resident code, ~20 MiB heap) in every process that imports
// aggregates/, including workers relaying their rows and processes on a ClickHouse server.
type Chdb = typeof import('chdb');
let chdb: Promise<Chdb> | undefined;
const loadChdb = () => (chdb ??= import('chdb'));

import {
  OUTPUT_SETTINGS, assertIdentifier, bindableParams, insertSettings, parseJsonEachRow, qualifiedTable, toJsonEachRow,
} from './shared.js';
import { AggregateStoreError, sqlContext, type AggregateStore } from './types.js';
import type { EmbeddedEngineLimits } from '../../config/index.js';

// libchdb binds ONE data directory per process: a Session at a second directory is refused while
// the first is open. So every store on a directory shares one Session, closed with the last store.
// A connection runs one statement at a time (concurrent calls queue inside the engine, verified on
// 26.7: results and errors reach the right caller), so no queue is needed here; a long SELECT does
// delay inserts on the same process, though.
interface SharedSession {
  session: Session;
  refs: number;
}
const sessions = new Map<string, SharedSession>();

const DIRECTORY_IN_USE =
  'the embedded ClickHouse data directory is in use by another Vigil process. Run one process with VIGIL_ROLE=api (or all) ' +
  'per data directory and start workers beside it with VIGIL_ROLE=worker (they hand their rows to it through Redis), ' +
  'or set CLICKHOUSE_URL to share a ClickHouse server';

/**
 * The engine's arguments: output settings, then what it may hold in this process. Server settings
 * take effect only when the process's engine starts (its first session); later sessions on the
 * same directory share it.
 */
export function engineArguments(limits: EmbeddedEngineLimits | undefined): string[] {
  const settings: Record<string, number> = {
    ...OUTPUT_SETTINGS,
    // Inserts are one flush of at most a few MB: parsing them on one thread saves the per-thread
    // chunk buffers parallel parsing allocates, for no measurable time at this size.
    input_format_parallel_parsing: 0,
    ...(limits && {
      max_server_memory_usage: limits.maxMemoryBytes,
      mark_cache_size: limits.markCacheBytes,
      primary_index_cache_size: limits.primaryIndexCacheBytes,
      max_thread_pool_free_size: limits.idleThreads,
    }),
  };
  return Object.entries(settings).map(([name, value]) => `--${name}=${value}`);
}

/** Synchronous once the module is loaded, so concurrent opens of one directory share one Session. */
function acquireSession(engine: Chdb, dataDir: string, limits: EmbeddedEngineLimits | undefined): SharedSession {
  const existing = sessions.get(dataDir);
  if (existing) {
    existing.refs += 1;
    return existing;
  }
  mkdirSync(dataDir, { recursive: true });
  let session: Session;
  try {
    const connectionArgs = engineArguments(limits);
    session = new engine.Session(dataDir, { connectionArgs });
  } catch (error) {
    const holder = otherProcessHolding(dataDir);
    if (holder !== undefined) throw new AggregateStoreError(`open ${dataDir}`, `${DIRECTORY_IN_USE} (held by process ${holder})`, { cause: error });
    throw AggregateStoreError.wrap(`open ${dataDir}`, error);
  }
  const shared = { session, refs: 1 };
  sessions.set(dataDir, shared);
  return shared;
}

/**
 * The engine writes its PID into `status` and locks the file while the directory is open; it
 * reports the lock on stderr, not in the error, so the holder is read from the file instead.
 */
function otherProcessHolding(dataDir: string): number | undefined {
  let pid: number;
  try {
    pid = Number(/PID:\s*(\d+)/.exec(readFileSync(join(dataDir, 'status'), 'utf8'))?.[1]);
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid === process.pid) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

async function releaseSession(dataDir: string, shared: SharedSession): Promise<void> {
  shared.refs -= 1;
  if (shared.refs > 0) return;
  sessions.delete(dataDir);
  shared.session.close();
  // close() defers the native teardown while any operation is running; until it lands, a Session
  // at a different directory would be refused.
  await (await loadChdb()).drainPending();
}

class EmbeddedAggregateStore implements AggregateStore {
  readonly kind = 'embedded';
  #closed = false;
  readonly #inFlight = new Set<Promise<void>>();

  constructor(
    readonly dataDir: string,
    readonly database: string,
    private readonly shared: SharedSession,
  ) {}

  async exec(sql: string): Promise<void> {
    await this.#run(sqlContext(sql), () => this.shared.session.queryAsync(sql));
  }

  async query<T = Record<string, unknown>>(sql: string, params?: Record<string, unknown>): Promise<T[]> {
    const { session } = this.shared;
    const opts = { format: 'JSONEachRow' };
    const result = await this.#run(sqlContext(sql), () =>
      params === undefined || Object.keys(params).length === 0
        ? session.queryAsync(sql, opts)
        : session.queryBindAsync(sql, bindableParams(params), opts),
    );
    return parseJsonEachRow<T>(result.text());
  }

  async insertRows(table: string, rows: readonly Record<string, unknown>[], opts: { dedupToken?: string } = {}): Promise<void> {
    if (rows.length === 0) return;
    const target = qualifiedTable(this.database, table);
    await this.#run(`INSERT INTO ${target}`, () =>
      this.shared.session.insert({
        table: target,
        values: Buffer.from(toJsonEachRow(rows)),
        format: 'JSONEachRow',
        settings: insertSettings(opts.dedupToken),
      }),
    );
  }

  async ping(): Promise<boolean> {
    if (this.#closed) return false;
    try {
      await this.query('SELECT 1 AS ok');
      return true;
    } catch {
      return false;
    }
  }

  /** Waits for this store's running statements, then releases the shared session. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all(this.#inFlight);
    await releaseSession(this.dataDir, this.shared);
  }

  async #run<T>(context: string, operation: () => Promise<T>): Promise<T> {
    if (this.#closed) throw new AggregateStoreError(context, 'the aggregate store is closed');
    const pending = (async () => operation())();
    const settled = pending.then(() => undefined, () => undefined);
    this.#inFlight.add(settled);
    void settled.then(() => this.#inFlight.delete(settled));
    try {
      return await pending;
    } catch (error) {
      throw AggregateStoreError.wrap(context, error);
    }
  }
}

/**
 * Opens (creating if missing) the chdb data directory and the database inside it. Without limits
 * the engine keeps its own defaults (tests); the engine passes VIGIL_CLICKHOUSE_*.
 */
export async function openEmbeddedStore(cfg: { dataDir: string; database: string; limits?: EmbeddedEngineLimits }): Promise<AggregateStore> {
  const database = assertIdentifier(cfg.database, 'database');
  const dataDir = resolve(cfg.dataDir);
  const engine = await loadChdb();
  const store = new EmbeddedAggregateStore(dataDir, database, acquireSession(engine, dataDir, cfg.limits));
  try {
    await store.exec(`CREATE DATABASE IF NOT EXISTS ${database}`);
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}
