import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import { duplicateRedis } from '../core/redis.js';
import { FailureStreak } from '../core/failureStreak.js';
import type { AggregateStore } from '../aggregates/index.js';
import type { VigilConfig } from '../config/index.js';
import type { Logger, VigilMetrics } from '../core/observability/index.js';
import { ensureProcessorGroups, globalKeys, partitionKeys } from '../core/streams/index.js';
import type { BatchEffect } from './batchEffects.js';
import { PartitionCommitter } from './partitionCommit.js';
import type { DeadLetterQueue } from './deadLetters.js';
import type { EventStage } from './eventBatch.js';
import { BufferedRows } from './bufferedRows.js';
import { PartitionConsumer } from './partitionConsumer.js';
import { PartitionLeases } from './partitionLeases.js';
import { trimAcknowledged } from './streamTrimmer.js';

export interface WorkerDeps {
  redis: Redis;
  store: AggregateStore;
  metrics: VigilMetrics;
  log: Logger;
  prefix: string;
  partitions: number;
  processing: VigilConfig['processing'];
  /** What newly applied events change (activity, features and scores, alert outbox). */
  effects: readonly BatchEffect[];
  /** How long applied markers live: longer than any redelivery can come. */
  appliedTtlSeconds: number;
  deadLetters: DeadLetterQueue;
  stages?: readonly EventStage[];
  /** Overrides the generated consumer name (tests). */
  name?: string;
}

/**
 * A worker process's share of the partitions. Workers announce themselves with heartbeats, each
 * takes about partitions / live-workers leases, and gives leases back when more workers join, so
 * scaling out is starting another process.
 */
export class Worker {
  readonly name: string;
  private readonly consumers = new Map<number, PartitionConsumer>();
  private readonly leases: PartitionLeases;
  private readonly committer: PartitionCommitter;
  /** Rows waiting for ClickHouse over all this worker's partitions (VIGIL_MAX_BUFFERED_EVENTS). */
  private readonly buffered: BufferedRows;
  private timers: NodeJS.Timeout[] = [];
  private stopping = false;
  private rebalancing: Promise<void> = Promise.resolve();
  private trimming: Promise<void> = Promise.resolve();
  private readonly trouble: FailureStreak;

  constructor(private readonly deps: WorkerDeps) {
    this.name = deps.name ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    this.committer = new PartitionCommitter(deps.redis);
    this.buffered = new BufferedRows(deps.processing.maxBufferedEvents, deps.metrics);
    this.leases = new PartitionLeases(deps.redis, { prefix: deps.prefix, owner: this.name, leaseMs: deps.processing.leaseMs });
    this.trouble = new FailureStreak(deps.log, 'lease renewal', { worker: this.name });
  }

  get ownedPartitions(): number[] {
    return [...this.consumers.keys()].sort((a, b) => a - b);
  }

  async start(): Promise<void> {
    await ensureProcessorGroups(this.deps.redis, this.deps.prefix, this.deps.partitions);
    await this.rebalance();
    const every = (ms: number, task: () => Promise<void>) => {
      const timer = setInterval(() => void task(), ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(Math.max(50, Math.floor(this.deps.processing.leaseMs / 3)), () => (this.rebalancing = this.rebalancing.then(() => this.rebalance())));
    every(this.deps.processing.trimIntervalMs, () => (this.trimming = this.trim()));
  }

  /** Flushes and acknowledges what is in hand, hands every partition back, and leaves the pool. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.timers.forEach(clearInterval);
    await Promise.all([this.rebalancing, this.trimming]);
    await Promise.all(this.ownedPartitions.map((p) => this.release(p)));
    // Stopping while Redis is down: the leases and the heartbeat lapse by themselves.
    await this.deps.redis.zrem(globalKeys(this.deps.prefix).workers, this.name).catch((err: unknown) =>
      this.deps.log.warn({ err, worker: this.name }, 'could not leave the worker pool; its heartbeat lapses instead'));
  }

  private async rebalance(): Promise<void> {
    if (this.stopping) return;
    try {
      // A consumer that ended (its lease turned out lost, or a defect) must not keep its lease
      // renewed: hand the partition back so this or another worker starts a fresh consumer.
      for (const [p, consumer] of this.consumers) if (consumer.ended) await this.release(p);
      const live = await this.heartbeat();
      for (const p of await this.leases.renew(this.ownedPartitions)) await this.drop(p, 'lost');
      const target = Math.ceil(this.deps.partitions / Math.max(1, live));
      const owned = this.ownedPartitions;
      for (const p of owned.slice(target)) await this.release(p);
      if (owned.length < target) await this.acquireUpTo(target);
      this.deps.metrics.partitionsOwned.set(this.consumers.size);
      this.trouble.succeeded();
    } catch (err) {
      this.trouble.failed(err);
    }
  }

  /** Records this worker as alive and returns how many workers are. */
  private async heartbeat(): Promise<number> {
    const key = globalKeys(this.deps.prefix).workers;
    const now = Date.now();
    const [, , live] = (await this.deps.redis
      .multi()
      .zadd(key, now, this.name)
      .zremrangebyscore(key, '-inf', now - 3 * this.deps.processing.leaseMs)
      .zcount(key, now - this.deps.processing.leaseMs, '+inf')
      .exec()) ?? [];
    return Number(live?.[1] ?? 1);
  }

  private async acquireUpTo(target: number): Promise<void> {
    // Start at a random partition so workers starting together do not race for the same ones.
    const offset = Math.floor(Math.random() * this.deps.partitions);
    for (let i = 0; i < this.deps.partitions && this.consumers.size < target; i++) {
      const p = (offset + i) % this.deps.partitions;
      if (this.consumers.has(p) || !(await this.leases.tryAcquire(p))) continue;
      this.startConsumer(p);
    }
  }

  private startConsumer(partition: number): void {
    const { deps } = this;
    const consumer = new PartitionConsumer({
      redis: deps.redis, reader: duplicateRedis(deps.redis, `reader-p${partition}`, deps.log), store: deps.store, effects: deps.effects, committer: this.committer, appliedTtlSeconds: deps.appliedTtlSeconds, deadLetters: deps.deadLetters,
      metrics: deps.metrics, log: deps.log, stages: deps.stages ?? [], keys: partitionKeys(deps.prefix, partition),
      prefix: deps.prefix, consumerName: this.name, processing: deps.processing, buffered: this.buffered,
    });
    this.consumers.set(partition, consumer);
    consumer.start();
    deps.log.info({ partition, worker: this.name }, 'partition acquired');
  }

  private async release(partition: number): Promise<void> {
    await this.drop(partition, 'graceful');
    await this.leases.release(partition).catch((err: unknown) =>
      this.deps.log.warn({ err, partition }, 'could not release the lease; it lapses instead'));
  }

  private async drop(partition: number, mode: 'graceful' | 'lost'): Promise<void> {
    const consumer = this.consumers.get(partition);
    if (!consumer) return;
    this.consumers.delete(partition);
    await consumer.stop(mode);
    consumer.closeReader();
    this.deps.log.info({ partition, worker: this.name, mode }, 'partition released');
  }

  private async trim(): Promise<void> {
    for (const p of this.ownedPartitions) {
      await trimAcknowledged(this.deps.redis, this.deps.prefix, p, this.deps.metrics).catch((err: unknown) =>
        this.deps.log.warn({ err, partition: p }, 'stream trim failed'),
      );
    }
  }
}
