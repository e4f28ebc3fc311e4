import type { Redis } from 'ioredis';
import { TABLES, type AggregateStore } from '../aggregates/index.js';
import type { VigilMetrics } from '../core/observability/index.js';
import { PROCESSOR_GROUP, type PartitionKeys } from '../core/streams/index.js';
import type { ProcessedEntry } from './eventBatch.js';
import { streamIdMs } from './streamEntries.js';

/** Processed entries written to ClickHouse as one insert, under one deduplication token. */
export interface SealedBatch {
  from: string;
  to: string;
  token: string;
  entries: ProcessedEntry[];
}

function archivedByTable(entries: readonly ProcessedEntry[]): Map<string, Record<string, unknown>[]> {
  const byTable = new Map<string, Record<string, unknown>[]>();
  for (const entry of entries) {
    // A duplicate's rows are its first entry's; only an entry whose event row is written writes them.
    if (!entry.row) continue;
    for (const { table, row } of entry.archived ?? []) {
      const rows = byTable.get(table) ?? [];
      rows.push(row);
      byTable.set(table, rows);
    }
  }
  return byTable;
}

export interface FlushIntent {
  from: string;
  to: string;
  token: string;
}

// Records the flush about to happen, but only while this worker still holds the partition's
// lease: a worker that lost its lease must not write (its successor owns the entries now).
const RECORD_INTENT_IF_LEASED = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2])
return 1`;

type IntentRedis = Redis & { vigilRecordFlushIntent(lease: string, intent: string, owner: string, json: string): Promise<number> };

export function sealBatch(prefix: string, partition: number, entries: ProcessedEntry[], token?: string): SealedBatch {
  const from = entries[0]!.id;
  const to = entries[entries.length - 1]!.id;
  return { from, to, token: token ?? `${prefix}:p${partition}:${from}:${to}`, entries };
}

/**
 * Writes a sealed batch exactly once. The intent (entry range and token) is stored before the
 * insert and removed with the XACK after it: if the worker dies in between, the next owner finds
 * the intent, rebuilds the same batch from the still-pending entries and inserts it under the same
 * token, which ClickHouse deduplicates if the first insert had landed.
 */
export class AggregateFlusher {
  private readonly redis: IntentRedis;

  constructor(
    redis: Redis,
    private readonly deps: { store: AggregateStore; keys: PartitionKeys; owner: string; metrics: VigilMetrics },
  ) {
    redis.defineCommand('vigilRecordFlushIntent', { numberOfKeys: 2, lua: RECORD_INTENT_IF_LEASED });
    this.redis = redis as IntentRedis;
  }

  async readIntent(): Promise<FlushIntent | undefined> {
    const json = await this.redis.get(this.deps.keys.flushIntent);
    return json ? (JSON.parse(json) as FlushIntent) : undefined;
  }

  /** Returns 'lost' when the lease is gone (nothing written); throws when ClickHouse fails. */
  async flush(batch: SealedBatch): Promise<'flushed' | 'lost'> {
    const { keys, owner, store, metrics } = this.deps;
    const intent: FlushIntent = { from: batch.from, to: batch.to, token: batch.token };
    const leased = await this.redis.vigilRecordFlushIntent(keys.lease, keys.flushIntent, owner, JSON.stringify(intent));
    if (leased !== 1) return 'lost';

    const stopTimer = metrics.aggregateFlushSeconds.startTimer();
    try {
      const rows = batch.entries.flatMap((e) => (e.row ? [e.row] : []));
      if (rows.length > 0) await store.insertRows(TABLES.events, rows, { dedupToken: batch.token });
      // The same token in another table: ClickHouse keeps a deduplication log per table, so a batch
      // written again after a crash is skipped in each table it had reached.
      for (const [table, tableRows] of archivedByTable(batch.entries)) await store.insertRows(table, tableRows, { dedupToken: batch.token });
    } catch (err) {
      metrics.aggregateFlushFailures.inc();
      throw err;
    } finally {
      stopTimer();
    }
    const ids = batch.entries.map((e) => e.id);
    const archivedKeys = batch.entries.filter((e) => e.archived).map((e) => keys.archivedRowsPrefix + e.id);
    await this.redis.multi().xack(keys.stream, PROCESSOR_GROUP, ...ids).hdel(keys.attempts, ...ids).del(keys.flushIntent, ...archivedKeys).exec();
    this.observeDone(batch);
    return 'flushed';
  }

  private observeDone(batch: SealedBatch): void {
    const { metrics, keys } = this.deps;
    const now = Date.now();
    metrics.eventsProcessed.inc({ partition: String(keys.partition) }, batch.entries.length);
    for (const { id, event } of batch.entries) {
      metrics.eventTimeLatency.observe(Math.max(0, now - Date.parse(event.occurred_at)) / 1000);
      metrics.ingestLatency.observe(Math.max(0, now - streamIdMs(id)) / 1000);
    }
  }
}
