import type { Redis } from 'ioredis';
import type { Logger } from '../core/observability/index.js';
import { StreamGroupConsumer } from '../core/streams/index.js';
import { AggregateStoreError, type AggregateStore } from './store/types.js';

// Embedded ClickHouse (chdb) locks its data directory to one process. When the roles are split on
// the embedded default (`npm run api` beside one or more `npm run worker`), the process that serves
// the API owns the directory and the workers hand it their rows through this relay: a Redis stream
// of insert batches, each carrying the insert_deduplication_token its writer chose. The owner
// drains the stream with a consumer group and inserts each batch under that same token, so a batch
// relayed twice (a worker crash between relaying and acknowledging) or drained twice (the owner
// crashing between insert and XACK) is stored once, exactly as if the worker had written it.

/** One relayed insert is at most this many rows, so no single stream entry grows huge. */
const ROWS_PER_ENTRY = 1000;
/**
 * Entries the relay holds before refusing more (about 200k rows). Past it inserts fail like a
 * ClickHouse outage: rows wait in the workers' memory, then reading pauses and backpressure begins.
 */
const MAX_RELAY_ENTRIES = 200;

export function relayStreamKey(prefix: string): string {
  return `${prefix}:{${prefix}:archive}:relay`;
}

const RELAY_GROUP = 'clickhouse';

// KEYS[1] = relay stream; ARGV[1] = max entries, ARGV[2] = table, then token, rows per chunk.
// All chunks of one insert go in or none does.
const RELAY_INSERT = `
local chunks = (#ARGV - 2) / 2
if redis.call('XLEN', KEYS[1]) + chunks > tonumber(ARGV[1]) then return 0 end
for i = 0, chunks - 1 do
  redis.call('XADD', KEYS[1], '*', 'table', ARGV[2], 'token', ARGV[3 + 2 * i], 'rows', ARGV[4 + 2 * i])
end
return 1`;

type RelayRedis = Redis & { vigilRelayInsert(stream: string, ...args: (string | number)[]): Promise<number> };

/**
 * The aggregate store of a process that does not own the embedded ClickHouse: inserts go to the
 * relay (durable in Redis once this resolves), and nothing can be read back here.
 */
export class RelayedAggregateStore implements AggregateStore {
  readonly kind = 'embedded';
  private readonly redis: RelayRedis;
  private readonly stream: string;

  constructor(redis: Redis, readonly database: string, prefix: string) {
    redis.defineCommand('vigilRelayInsert', { numberOfKeys: 1, lua: RELAY_INSERT });
    this.redis = redis as RelayRedis;
    this.stream = relayStreamKey(prefix);
  }

  async insertRows(table: string, rows: readonly Record<string, unknown>[], opts: { dedupToken?: string } = {}): Promise<void> {
    if (rows.length === 0) return;
    if (opts.dedupToken === undefined) throw new AggregateStoreError(`relay ${table}`, 'relayed inserts need a deduplication token');
    const args: string[] = [];
    for (let i = 0, chunk = 0; i < rows.length; i += ROWS_PER_ENTRY, chunk++) {
      const token = rows.length <= ROWS_PER_ENTRY ? opts.dedupToken : `${opts.dedupToken}#${chunk}`;
      args.push(token, JSON.stringify(rows.slice(i, i + ROWS_PER_ENTRY)));
    }
    let taken: number;
    try {
      taken = await this.redis.vigilRelayInsert(this.stream, MAX_RELAY_ENTRIES, table, ...args);
    } catch (error) {
      throw AggregateStoreError.wrap(`relay ${table}`, error);
    }
    if (taken !== 1) {
      throw new AggregateStoreError(`relay ${table}`, 'the archive relay is full: is the process that owns the embedded ClickHouse (VIGIL_ROLE=api or all) running?', { unreachable: true });
    }
  }

  async exec(sql: string): Promise<void> {
    throw this.notHere(sql);
  }

  async query<T>(sql: string): Promise<T[]> {
    throw this.notHere(sql);
  }

  /** Ready while the relay takes inserts. */
  async ping(): Promise<boolean> {
    try {
      return (await this.redis.xlen(this.stream)) < MAX_RELAY_ENTRIES;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {}

  private notHere(sql: string): AggregateStoreError {
    return new AggregateStoreError(sql.slice(0, 40), 'this worker hands its rows to the process that owns the embedded ClickHouse and cannot read them; query that process');
  }
}

interface RelayedInsert {
  id: string;
  table: string;
  token: string;
  rows: Record<string, unknown>[];
}

/** In the process that owns ClickHouse: inserts what workers relayed, under their tokens. */
export function drainArchiveRelay(opts: { redis: Redis; prefix: string; store: AggregateStore; log: Logger; claimIdleMs: number }): StreamGroupConsumer<RelayedInsert> {
  return new StreamGroupConsumer<RelayedInsert>({
    redis: opts.redis,
    stream: relayStreamKey(opts.prefix),
    group: RELAY_GROUP,
    log: opts.log,
    batchSize: 20,
    // Inserts of a few thousand rows take well under a second; a batch idle this long belongs to a dead owner.
    claimIdleMs: opts.claimIdleMs,
    deleteHandled: true,
    parse(id, fields) {
      if (!fields) return undefined;
      const named = new Map<string, string>();
      for (let i = 0; i + 1 < fields.length; i += 2) named.set(fields[i]!, fields[i + 1]!);
      const table = named.get('table');
      const token = named.get('token');
      const rows = named.get('rows');
      if (!table || !token || !rows) return undefined;
      return { id, table, token, rows: JSON.parse(rows) as Record<string, unknown>[] };
    },
    async handle(inserts) {
      for (const insert of inserts) await opts.store.insertRows(insert.table, insert.rows, { dedupToken: insert.token });
    },
  });
}
