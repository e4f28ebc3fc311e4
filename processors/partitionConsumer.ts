import type { Redis } from 'ioredis';
import type { AggregateStore } from '../aggregates/index.js';
import type { VigilConfig } from '../config/index.js';
import { FailureStreak } from '../core/failureStreak.js';
import type { Logger, VigilMetrics } from '../core/observability/index.js';
import { customerReview } from '../core/events/index.js';
import { ensureGroup, isMissingGroup, PROCESSOR_GROUP, type PartitionKeys } from '../core/streams/index.js';
import { AggregateFlusher, sealBatch, type SealedBatch } from './aggregateFlush.js';
import type { BatchEffect } from './batchEffects.js';
import type { BufferedRows } from './bufferedRows.js';
import type { PartitionCommitter } from './partitionCommit.js';
import type { DeadLetterQueue } from './deadLetters.js';
import { EventBatchProcessor, ProcessingStopped, type EventStage, type ProcessedEntry } from './eventBatch.js';
import { recoverPending } from './recovery.js';
import { toStreamEntries, type RawStreamEntry, type StreamEntry } from './streamEntries.js';

export interface PartitionConsumerDeps {
  redis: Redis;
  /** A connection of its own: XREADGROUP BLOCK holds it. */
  reader: Redis;
  store: AggregateStore;
  effects: readonly BatchEffect[];
  committer: PartitionCommitter;
  appliedTtlSeconds: number;
  deadLetters: DeadLetterQueue;
  metrics: VigilMetrics;
  log: Logger;
  stages: readonly EventStage[];
  keys: PartitionKeys;
  prefix: string;
  consumerName: string;
  processing: VigilConfig['processing'];
  /** The worker's rows waiting for ClickHouse, all partitions together. */
  buffered: BufferedRows;
}

export type StopMode = 'graceful' | 'lost';
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
/** Reviews done in one commit; when more are due the next step sweeps again at once. */
const REVIEWS_PER_SWEEP = 500;

/**
 * Consumes one partition while this worker holds its lease: read a batch, process it, buffer the
 * aggregate rows and acknowledge entries only once their rows are in ClickHouse.
 *
 * Detection never waits for the archive: a sealed batch is written in the background while the
 * next entries are read and processed. While ClickHouse is slow or down, rows wait in memory until
 * the worker holds maxBufferedEvents (all its partitions together); past that the consumer stops
 * reading and the backlog stays in Redis, where ingest backpressure sees it.
 *
 * It outlives any Redis outage: a failed step is retried with backoff, and the entries it had read
 * but not finished are read again from this consumer's pending list before anything new. It ends
 * only when stopped, or when the lease turns out to be someone else's.
 */
export class PartitionConsumer {
  private stopMode: StopMode | undefined;
  private open: ProcessedEntry[] = [];
  private openSince = 0;
  private sealed: SealedBatch | undefined;
  private flushing: Promise<void> | undefined;
  private flushFailures = 0;
  private nextFlushAt = 0;
  /** Every entry up to this id is processed (buffered, acknowledged or dead-lettered). */
  private processedUpTo = '0';
  /** After a failed step: own pending entries above processedUpTo were read but not processed. */
  private rereadPending = false;
  private finished = false;
  private nextSweepAt = 0;
  /** The newest event time processed here: the sweep's clock when it runs on event time (replays). */
  private eventClock = 0;
  /** Entries a recovery already counted towards a crash loop, kept while an outage interrupts it. */
  private crashLoopCounted = new Set<string>();
  private running: Promise<void> = Promise.resolve();
  private readonly batches: EventBatchProcessor;
  private readonly flusher: AggregateFlusher;
  private readonly trouble: FailureStreak;

  constructor(private readonly deps: PartitionConsumerDeps) {
    this.batches = new EventBatchProcessor({
      redis: deps.redis, keys: deps.keys, stages: deps.stages, effects: deps.effects, committer: deps.committer,
      owner: deps.consumerName, appliedTtlSeconds: deps.appliedTtlSeconds, deadLetters: deps.deadLetters,
      metrics: deps.metrics, log: deps.log, maxAttempts: deps.processing.maxAttempts, isStopped: () => this.stopMode === 'lost',
    });
    this.flusher = new AggregateFlusher(deps.redis, { store: deps.store, keys: deps.keys, owner: deps.consumerName, metrics: deps.metrics });
    this.trouble = new FailureStreak(deps.log, 'partition consumer', { partition: deps.keys.partition });
  }

  get partition(): number {
    return this.deps.keys.partition;
  }

  get buffered(): number {
    return this.open.length + (this.sealed?.entries.length ?? 0);
  }

  /** True once the consumer ended without being asked to stop: its lease is lost, or it hit a defect. */
  get ended(): boolean {
    return this.finished;
  }

  start(): void {
    this.running = this.run()
      .catch((err: unknown) => {
        if (err instanceof ProcessingStopped) return;
        this.deps.metrics.processingErrors.inc({ stage: 'consumer' });
        this.deps.log.error({ err, partition: this.partition }, 'partition consumer ended by a defect; the worker hands the partition back');
      })
      .finally(() => {
        this.finished = true;
      });
  }

  /** Graceful: flush and acknowledge what was processed. Lost: stop at once, leave entries pending. */
  async stop(mode: StopMode): Promise<void> {
    this.stopMode ??= mode;
    await this.running;
    this.deps.buffered.remove(this.buffered);
  }

  /** The blocking connection belongs to this consumer alone; close it once stopped. */
  closeReader(): void {
    this.deps.reader.disconnect();
  }

  private async run(): Promise<void> {
    await this.retrying(() => this.recover());
    while (!this.stopMode) {
      await this.retrying(() => (this.rereadPending ? this.readOwnPending() : this.step()));
    }
    await this.flushing;
    if (this.stopMode === 'graceful') await this.drain();
  }

  /**
   * Runs one step, and on failure waits and returns so the loop tries again: a Redis outage of any
   * length is waited out. ProcessingStopped ends the loop; a lease lost mid-batch means the
   * partition is someone else's now, and the worker drops this consumer on its next beat.
   */
  private async retrying(step: () => Promise<void>): Promise<void> {
    try {
      await step();
      this.trouble.succeeded();
    } catch (err) {
      if (err instanceof ProcessingStopped) {
        this.stopMode ??= 'lost';
        return;
      }
      this.deps.metrics.processingErrors.inc({ stage: 'consumer' });
      this.rereadPending = true;
      const wait = this.trouble.failed(err);
      if (isMissingGroup(err)) await ensureGroup(this.deps.redis, this.deps.keys.stream, PROCESSOR_GROUP).catch(() => undefined);
      await sleep(wait);
    }
  }

  private async recover(): Promise<void> {
    const recovered = await recoverPending({
      redis: this.deps.redis, keys: this.deps.keys, consumerName: this.deps.consumerName, processing: this.deps.processing,
      metrics: this.deps.metrics, batches: this.batches, flusher: this.flusher, effects: this.deps.effects,
      isStopped: () => this.stopMode !== undefined, counted: this.crashLoopCounted,
    });
    this.crashLoopCounted = new Set();
    if (recovered.intentBatch) this.sealed = sealBatch(this.deps.prefix, this.partition, recovered.intentBatch.entries, recovered.intentBatch.token);
    this.add(recovered.processed);
    this.processedUpTo = recovered.lastId;
  }

  private async step(): Promise<void> {
    const now = Date.now();
    if (!this.sealed && this.openIsDue(now)) this.sealOpen();
    if (this.sealed && !this.flushing && now >= this.nextFlushAt) {
      this.flushing = this.tryFlush().finally(() => {
        this.flushing = undefined;
      });
    }
    if (this.deps.buffered.full) {
      // Wait for this partition's write, or its next attempt; one holding nothing waits for the others'.
      await (this.flushing ?? sleep(this.sealed ? Math.min(250, Math.max(1, this.nextFlushAt - now)) : 100));
      return;
    }
    if (now >= this.nextSweepAt) {
      await this.sweep();
      return;
    }
    await this.readNew(this.blockMs(now));
  }

  /**
   * Reviews the customers whose review is due (risk/review), as the partition's only writer: in
   * order with their events, committed under the lease. The due index is a sorted set, so a sweep
   * reads only who is due, never the whole partition.
   */
  private async sweep(): Promise<void> {
    const { redis, keys, processing, metrics } = this.deps;
    const clock = processing.sweepClock === 'wall' ? Date.now() : this.eventClock;
    const due = await redis.zrangebyscore(keys.reviewDue, '-inf', clock, 'WITHSCORES', 'LIMIT', 0, REVIEWS_PER_SWEEP);
    const reviews = [];
    for (let i = 0; i + 1 < due.length; i += 2) reviews.push(customerReview(due[i]!, Number(due[i + 1])));
    await this.batches.review(reviews);
    this.nextSweepAt = reviews.length === REVIEWS_PER_SWEEP ? 0 : Date.now() + processing.sweepIntervalMs;
    metrics.reviewsDue.set({ partition: String(this.partition) }, reviews.length === REVIEWS_PER_SWEEP ? await redis.zcount(keys.reviewDue, '-inf', clock) : 0);
  }

  private openIsDue(now: number): boolean {
    const { processing } = this.deps;
    return this.open.length >= processing.flushRows || (this.open.length > 0 && now - this.openSince >= processing.flushIntervalMs);
  }

  private blockMs(now: number): number {
    const { processing } = this.deps;
    const due = this.sealed ? (this.flushing ? Infinity : this.nextFlushAt) : this.open.length > 0 ? this.openSince + processing.flushIntervalMs : Infinity;
    return Math.max(1, Math.min(processing.readBlockMs, due - now));
  }

  private async readNew(blockMs: number): Promise<void> {
    const { reader, keys, consumerName, processing, metrics } = this.deps;
    const reply = (await reader.xreadgroup(
      'GROUP', PROCESSOR_GROUP, consumerName, 'COUNT', processing.readCount, 'BLOCK', blockMs, 'STREAMS', keys.stream, '>',
    )) as [string, RawStreamEntry[]][] | null;
    const raw = reply?.[0]?.[1];
    if (!raw?.length) return;
    metrics.batchSize.observe(raw.length);
    await this.absorb(toStreamEntries(raw));
  }

  /** Entries this consumer read before a failed step and has not processed yet, in stream order. */
  private async readOwnPending(): Promise<void> {
    const { redis, keys, consumerName, processing } = this.deps;
    const reply = (await redis.xreadgroup(
      'GROUP', PROCESSOR_GROUP, consumerName, 'COUNT', processing.readCount, 'STREAMS', keys.stream, this.processedUpTo,
    )) as [string, RawStreamEntry[]][] | null;
    const raw = reply?.[0]?.[1] ?? [];
    if (raw.length === 0) {
      this.rereadPending = false;
      return;
    }
    await this.absorb(toStreamEntries(raw));
  }

  private async absorb(entries: StreamEntry[]): Promise<void> {
    this.add(await this.batches.process(entries));
    this.processedUpTo = entries[entries.length - 1]!.id;
  }

  private add(processed: ProcessedEntry[]): void {
    if (processed.length === 0) return;
    for (const { event } of processed) this.eventClock = Math.max(this.eventClock, Date.parse(event.occurred_at));
    if (this.open.length === 0) this.openSince = Date.now();
    this.open.push(...processed);
    this.deps.buffered.add(processed.length);
  }

  private sealOpen(): void {
    this.sealed = sealBatch(this.deps.prefix, this.partition, this.open);
    this.open = [];
    this.nextFlushAt = 0;
  }

  private async tryFlush(): Promise<void> {
    const batch = this.sealed!;
    try {
      if ((await this.flusher.flush(batch)) === 'lost') {
        this.stopMode ??= 'lost';
        return;
      }
      this.sealed = undefined;
      this.deps.buffered.remove(batch.entries.length);
      if (this.flushFailures > 0) this.deps.log.info({ partition: this.partition }, 'aggregate writes resumed');
      this.flushFailures = 0;
    } catch (err) {
      if (this.flushFailures === 0) this.deps.log.error({ err, partition: this.partition }, 'aggregate write failed; rows wait in memory and are retried');
      this.flushFailures++;
      this.nextFlushAt = Date.now() + Math.min(30_000, 250 * 2 ** Math.min(this.flushFailures, 7));
    }
  }

  /** Flushes everything buffered before the partition is handed over; gives up only on repeated failure. */
  private async drain(): Promise<void> {
    for (let attempt = 0; attempt < 5 && this.buffered > 0 && this.stopMode === 'graceful'; attempt++) {
      if (!this.sealed) this.sealOpen();
      this.nextFlushAt = 0;
      await this.tryFlush();
      if (this.sealed) await sleep(200 * 2 ** attempt);
    }
  }
}
