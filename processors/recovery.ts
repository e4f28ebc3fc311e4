import type { Redis } from 'ioredis';
import type { VigilConfig } from '../config/index.js';
import type { VigilMetrics } from '../core/observability/index.js';
import { PROCESSOR_GROUP, type PartitionKeys } from '../core/streams/index.js';
import type { AggregateFlusher } from './aggregateFlush.js';
import type { BatchEffect } from './batchEffects.js';
import { ProcessingStopped, type EventBatchProcessor, type ProcessedEntry } from './eventBatch.js';
import { compareStreamIds, toStreamEntries, type RawStreamEntry } from './streamEntries.js';

export interface RecoveryDeps {
  redis: Redis;
  keys: PartitionKeys;
  consumerName: string;
  processing: VigilConfig['processing'];
  metrics: VigilMetrics;
  batches: EventBatchProcessor;
  flusher: AggregateFlusher;
  effects: readonly BatchEffect[];
  isStopped: () => boolean;
  /**
   * Entries whose takeover was already counted towards a crash loop. A recovery interrupted by a
   * Redis outage runs again; the entries it had read must not count twice.
   */
  counted: Set<string>;
}

export interface Recovered {
  /** Entries of an interrupted flush, to be written again under the same token before anything else. */
  intentBatch?: { token: string; entries: ProcessedEntry[] };
  processed: ProcessedEntry[];
  /** The last pending entry read: new entries come after it. '0' when nothing was pending. */
  lastId: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs when a worker takes a partition over. Entries a previous owner read but never acknowledged
 * are claimed once idle for claimIdleMs (so a slow but living owner is not robbed), then replayed
 * in stream order before any new entry, so a customer's events stay in order across a crash.
 */
export async function recoverPending(deps: RecoveryDeps): Promise<Recovered> {
  await claimFromOtherConsumers(deps);
  for (const effect of deps.effects) await effect.recover?.(deps.keys);
  const intent = await deps.flusher.readIntent();
  const recovered: Recovered = { processed: [], lastId: '0' };
  const intentEntries: ProcessedEntry[] = [];
  let cursor = '0';
  for (;;) {
    if (deps.isStopped()) throw new ProcessingStopped('stopped during recovery');
    const reply = (await deps.redis.xreadgroup(
      'GROUP', PROCESSOR_GROUP, deps.consumerName, 'COUNT', deps.processing.readCount, 'STREAMS', deps.keys.stream, cursor,
    )) as [string, RawStreamEntry[]][] | null;
    const raw = reply?.[0]?.[1] ?? [];
    if (raw.length === 0) break;
    cursor = raw[raw.length - 1]![0];
    recovered.lastId = cursor;
    const entries = await withoutCrashLoops(deps, toStreamEntries(raw));
    for (const entry of await deps.batches.process(entries)) {
      const inIntent = intent !== undefined && compareStreamIds(entry.id, intent.to) <= 0;
      (inIntent ? intentEntries : recovered.processed).push(entry);
    }
  }
  if (intent && intentEntries.length > 0) recovered.intentBatch = { token: intent.token, entries: intentEntries };
  else if (intent) await deps.redis.del(deps.keys.flushIntent);
  return recovered;
}

async function claimFromOtherConsumers(deps: RecoveryDeps): Promise<void> {
  const { redis, keys, consumerName, processing, metrics } = deps;
  for (;;) {
    if (deps.isStopped()) throw new ProcessingStopped('stopped during recovery');
    const summary = (await redis.xpending(keys.stream, PROCESSOR_GROUP)) as [number, string | null, string | null, [string, string][] | null];
    const others = (summary[3] ?? []).filter(([name]) => name !== consumerName).reduce((sum, [, count]) => sum + Number(count), 0);
    if (others === 0) return;
    const [, claimed] = (await redis.xautoclaim(
      keys.stream, PROCESSOR_GROUP, consumerName, processing.claimIdleMs, '0-0', 'COUNT', 1000, 'JUSTID',
    )) as [string, string[]];
    if (claimed.length > 0) metrics.reclaimed.inc(claimed.length);
    else await sleep(Math.min(1000, Math.max(10, processing.claimIdleMs / 4)));
  }
}

/**
 * An entry recovered again and again is probably what kills the workers that read it: after
 * maxAttempts recoveries it is dead-lettered instead of taking the next owner down too.
 */
async function withoutCrashLoops(deps: RecoveryDeps, entries: ReturnType<typeof toStreamEntries>) {
  const pipeline = deps.redis.pipeline();
  for (const entry of entries) {
    if (deps.counted.has(entry.id)) pipeline.hget(deps.keys.attempts, entry.id);
    else pipeline.hincrby(deps.keys.attempts, entry.id, 1);
  }
  const replies = (await pipeline.exec()) ?? [];
  const failed = replies.find(([error]) => error);
  if (failed) throw failed[0];
  const counts = replies.map(([, n]) => Number(n ?? 0));
  for (const entry of entries) deps.counted.add(entry.id);
  const keep = [];
  for (const [i, entry] of entries.entries()) {
    if ((counts[i] ?? 0) > deps.processing.maxAttempts) {
      await deps.batches.deadLetter(entry, 'crash_loop', `recovered ${counts[i]} times without being acknowledged`, counts[i] ?? 0);
    } else {
      keep.push(entry);
    }
  }
  return keep;
}
