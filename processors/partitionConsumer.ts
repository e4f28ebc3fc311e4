import type { Redis } from 'ioredis';
import type { AggregateStore } from '../aggregates/index.js';
import type { VigilConfig } from '../config/index.js';
import type { Logger, VigilMetrics } from '../core/observability/index.js';
import { PROCESSOR_GROUP, type PartitionKeys } from '../core/streams/index.js';
import { AggregateFlusher, sealBatch, type SealedBatch } from './aggregateFlush.js';
import type { BatchEffect } from './batchEffects.js';
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
}

export type StopMode = 'graceful' | 'lost';
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Consumes one partition while this worker holds its lease: read a batch, process it, buffer the
 * aggregate rows and acknowledge entries only once their rows are in ClickHouse. While ClickHouse
 * is down, customer state keeps moving and rows wait in memory up to maxBufferedEvents; past that
 * the consumer stops reading and the backlog stays in Redis, where ingest backpressure sees it.
 */
export class PartitionConsumer {
  private stopMode: StopMode | undefined;
  private open: ProcessedEntry[] = [];
  private openSince = 0;
  private sealed: SealedBatch | undefined;
  private flushFailures = 0;
  private nextFlushAt = 0;
  private running: Promise<void> = Promise.resolve();
  private readonly batches: EventBatchProcessor;
  private readonly flusher: AggregateFlusher;

  constructor(private readonly deps: PartitionConsumerDeps) {
    this.batches = new EventBatchProcessor({
      redis: deps.redis, keys: deps.keys, stages: deps.stages, effects: deps.effects, committer: deps.committer,
      owner: deps.consumerName, appliedTtlSeconds: deps.appliedTtlSeconds, deadLetters: deps.deadLetters,
      metrics: deps.metrics, log: deps.log, maxAttempts: deps.processing.maxAttempts, isStopped: () => this.stopMode === 'lost',
    });
    this.flusher = new AggregateFlusher(deps.redis, { store: deps.store, keys: deps.keys, owner: deps.consumerName, metrics: deps.metrics });
  }

  get partition(): number {
    return this.deps.keys.partition;
  }

  get buffered(): number {
    return this.open.length + (this.sealed?.entries.length ?? 0);
  }

  start(): void {
    this.running = this.run().catch((err: unknown) => {
      if (err instanceof ProcessingStopped) return;
      this.deps.log.error({ err, partition: this.partition }, 'partition consumer failed; its lease will lapse and another worker takes over');
    });
  }

  /** Graceful: flush and acknowledge what was processed. Lost: stop at once, leave entries pending. */
  async stop(mode: StopMode): Promise<void> {
    this.stopMode ??= mode;
    await this.running;
    this.deps.metrics.aggregatesBuffered.dec(this.buffered);
  }

  /** The blocking connection belongs to this consumer alone; close it once stopped. */
  closeReader(): void {
    this.deps.reader.disconnect();
  }

  private async run(): Promise<void> {
    const recovered = await recoverPending({
      redis: this.deps.redis, keys: this.deps.keys, consumerName: this.deps.consumerName, processing: this.deps.processing,
      metrics: this.deps.metrics, batches: this.batches, flusher: this.flusher, effects: this.deps.effects,
      isStopped: () => this.stopMode !== undefined,
    });
    if (recovered.intentBatch) this.sealed = sealBatch(this.deps.prefix, this.partition, recovered.intentBatch.entries, recovered.intentBatch.token);
    this.add(recovered.processed);
    while (!this.stopMode) await this.step();
    if (this.stopMode === 'graceful') await this.drain();
  }

  private async step(): Promise<void> {
    const { processing } = this.deps;
    const now = Date.now();
    if (this.sealed) {
      if (now >= this.nextFlushAt) return this.tryFlush();
    } else if (this.open.length >= processing.flushRows || (this.open.length > 0 && now - this.openSince >= processing.flushIntervalMs)) {
      this.sealOpen();
      return;
    }
    if (this.buffered >= processing.maxBufferedEvents) return sleep(Math.min(250, Math.max(1, this.nextFlushAt - now)));
    await this.readNew(this.blockMs(now));
  }

  private blockMs(now: number): number {
    const { processing } = this.deps;
    const due = this.sealed ? this.nextFlushAt : this.open.length > 0 ? this.openSince + processing.flushIntervalMs : Infinity;
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

  private async absorb(entries: StreamEntry[]): Promise<void> {
    this.add(await this.batches.process(entries));
  }

  private add(processed: ProcessedEntry[]): void {
    if (processed.length === 0) return;
    if (this.open.length === 0) this.openSince = Date.now();
    this.open.push(...processed);
    this.deps.metrics.aggregatesBuffered.inc(processed.length);
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
        this.stopMode = 'lost';
        return;
      }
      this.sealed = undefined;
      this.deps.metrics.aggregatesBuffered.dec(batch.entries.length);
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
