import type { Redis } from 'ioredis';
import { toEventRow, type EventRow } from '../aggregates/index.js';
import { parseEvent, type CustomerReview, type VigilEvent } from '../core/events/index.js';
import type { Logger, VigilMetrics } from '../core/observability/index.js';
import { PROCESSOR_GROUP, type PartitionKeys } from '../core/streams/index.js';
import type { ArchivedRow, BatchEffect, PlannedEffect } from './batchEffects.js';
import type { PartitionCommitter } from './partitionCommit.js';
import type { DeadLetterQueue, DeadLetterReason } from './deadLetters.js';
import { streamIdMs, type StreamEntry } from './streamEntries.js';
import { TimeSlice } from '../core/timeSlice.js';

/** A per-event processing step. Throwing marks this event as failed; it is retried, then dead-lettered. */
export type EventStage = (event: VigilEvent) => void | Promise<void>;

export interface ProcessedEntry {
  id: string;
  event: VigilEvent;
  /** Undefined for a duplicate event (its event_id came on another entry): acknowledged, not written. */
  row: EventRow | undefined;
  /** Rows of other tables the effects decided for this event (challenger alerts), written in the same flush. */
  archived?: { table: string; row: Record<string, unknown> }[];
}

/** What applying did to one entry: first time, the same entry again (crash), or another entry with a seen event_id. */
export type ApplyOutcome = 'applied' | 'redelivered' | 'duplicate';

export class ProcessingStopped extends Error {
  override readonly name = 'ProcessingStopped';
}

export interface EventBatchDeps {
  redis: Redis;
  keys: PartitionKeys;
  stages: readonly EventStage[];
  effects: readonly BatchEffect[];
  committer: PartitionCommitter;
  owner: string;
  appliedTtlSeconds: number;
  deadLetters: DeadLetterQueue;
  metrics: VigilMetrics;
  log: Logger;
  maxAttempts: number;
  isStopped: () => boolean;
  /** How long entries are decoded before the event loop gets a turn (core/timeSlice.ts). */
  sliceMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Turns stream entries into processed events: decode, run the stages, apply the customer state
 * change once. What cannot be processed is dead-lettered and acknowledged, never dropped silently;
 * infrastructure failures are retried without limit, since they say nothing about the event.
 */
export class EventBatchProcessor {
  constructor(private readonly deps: EventBatchDeps) {}

  async process(entries: readonly StreamEntry[]): Promise<ProcessedEntry[]> {
    const processed: ProcessedEntry[] = [];
    // Decoding and checking a full read of entries is milliseconds of work: done in slices, so
    // requests this process also serves are not held behind it.
    const slice = new TimeSlice(this.deps.sliceMs);
    for (const entry of entries) {
      if (slice.spent()) await slice.yield();
      const decoded = decode(entry.payload);
      if (!decoded.ok) {
        await this.deadLetter(entry, 'invalid', decoded.error, 1);
        continue;
      }
      const failure = await this.runStages(decoded.event);
      if (failure) {
        await this.deadLetter(entry, 'failed', failure, this.deps.maxAttempts);
        continue;
      }
      const row = toEventRow(decoded.event, {
        partition: this.deps.keys.partition,
        streamId: entry.id,
        ingestedAtMs: streamIdMs(entry.id),
        processedAtMs: Date.now(),
      });
      processed.push({ id: entry.id, event: decoded.event, row });
    }
    const outcomes = await this.applyCustomerState(processed);
    outcomes.forEach((outcome, i) => {
      if (outcome === 'duplicate') processed[i]!.row = undefined;
    });
    return processed;
  }

  /** Dead-letters an entry and acknowledges it, so it leaves the pending list for good. */
  async deadLetter(entry: StreamEntry, reason: DeadLetterReason, error: string, attempts: number): Promise<void> {
    const { keys, redis } = this.deps;
    await this.deps.deadLetters.add({ partition: keys.partition, sourceId: entry.id, reason, error, attempts, payload: entry.payload ?? '' });
    await redis.multi().xack(keys.stream, PROCESSOR_GROUP, entry.id).hdel(keys.attempts, entry.id).exec();
    this.deps.metrics.deadLetters.inc({ reason });
    this.deps.log.warn({ partition: keys.partition, entryId: entry.id, reason, error }, 'event dead-lettered');
  }

  private async runStages(event: VigilEvent): Promise<string | undefined> {
    let lastError = '';
    for (let attempt = 1; attempt <= this.deps.maxAttempts; attempt++) {
      try {
        for (const stage of this.deps.stages) await stage(event);
        return undefined;
      } catch (err) {
        this.deps.metrics.processingErrors.inc({ stage: 'event' });
        lastError = err instanceof Error ? err.message : String(err);
        if (attempt < this.deps.maxAttempts) await sleep(Math.min(1000, 10 * 2 ** attempt));
      }
    }
    return lastError;
  }

  private async applyCustomerState(entries: ProcessedEntry[]): Promise<ApplyOutcome[]> {
    for (let attempt = 0; ; attempt++) {
      if (this.deps.isStopped()) throw new ProcessingStopped('stopped before customer state was applied');
      try {
        return await this.applyOnce(entries);
      } catch (err) {
        if (err instanceof ProcessingStopped) throw err;
        this.deps.metrics.processingErrors.inc({ stage: 'customer_state' });
        if (attempt === 0) this.deps.log.error({ err, partition: this.deps.keys.partition }, 'cannot apply customer state; retrying');
        await sleep(Math.min(5000, 100 * 2 ** attempt));
      }
    }
  }

  /**
   * Decides per entry whether its event is new, then commits the applied markers and every
   * effect's changes in one script. The lease holder is the only writer of its partition, so
   * reading the markers first and writing them after is safe; the script re-checks the lease.
   */
  private async applyOnce(entries: ProcessedEntry[]): Promise<ApplyOutcome[]> {
    const { keys, committer, owner } = this.deps;
    if (entries.length === 0) return [];
    const prefetched = this.deps.effects.map((effect) => effect.prefetch?.(keys, entries.map((e) => ({ entryId: e.id, event: e.event }))));
    // Awaited by plan below; a failure there (or of the markers' read first) fails this try.
    for (const read of prefetched) read?.catch(() => undefined);
    const appliedBy = await committer.appliedBy(keys, entries.map((e) => e.event.event_id));
    const seenInBatch = new Set<string>();
    const outcomes = entries.map((entry, i): ApplyOutcome => {
      const by = appliedBy[i];
      if (by) return by === entry.id ? 'redelivered' : 'duplicate';
      if (seenInBatch.has(entry.event.event_id)) return 'duplicate';
      seenInBatch.add(entry.event.event_id);
      return 'applied';
    });
    const applied = entries.filter((_, i) => outcomes[i] === 'applied').map((e) => ({ entryId: e.id, event: e.event }));
    const plans: PlannedEffect[] = await Promise.all(this.deps.effects.map((effect, i) => effect.plan(keys, applied, prefetched[i])));
    const archived = archivedByEntry(plans.flatMap((plan) => plan.archived ?? []));
    const changes = [
      ...applied.map(({ entryId, event }) => ({ op: 'set' as const, key: keys.appliedPrefix + event.event_id, value: entryId, ttlSeconds: this.deps.appliedTtlSeconds })),
      ...plans.flatMap((plan) => plan.changes),
      // Kept until the entry is acknowledged: a redelivery does not plan again, it reads them back.
      ...[...archived].map(([entryId, rows]) => ({ op: 'set' as const, key: keys.archivedRowsPrefix + entryId, value: JSON.stringify(rows), ttlSeconds: this.deps.appliedTtlSeconds })),
    ];
    await this.restoreArchived(entries.filter((_, i) => outcomes[i] === 'redelivered'));
    if (!(await committer.commit(keys, owner, changes))) throw new ProcessingStopped('partition lease lost before commit');
    for (const entry of entries) {
      const rows = archived.get(entry.id);
      if (rows) entry.archived = rows;
    }
    this.deps.metrics.redeliveriesSkipped.inc(outcomes.filter((o) => o !== 'applied').length);
    await this.followUp(plans);
    return outcomes;
  }

  /**
   * An entry applied before but not acknowledged (a crash before its flush) is not planned again;
   * the rows its effects decided then were committed with it, and are written as they were.
   */
  private async restoreArchived(redelivered: ProcessedEntry[]): Promise<void> {
    if (redelivered.length === 0) return;
    const stored = await this.deps.redis.mget(...redelivered.map((entry) => this.deps.keys.archivedRowsPrefix + entry.id));
    redelivered.forEach((entry, i) => {
      const json = stored[i];
      if (json) entry.archived = JSON.parse(json) as ProcessedEntry['archived'];
    });
  }

  /**
   * Commits what scheduled reviews of customers change, like a batch: every effect's plan in one
   * lease-fenced script. Each plan moves the reviewed customer's next review, so a committed review
   * is not due again, and one that was not committed (crash, lost lease) is simply done again.
   */
  async review(reviews: readonly CustomerReview[]): Promise<void> {
    const { keys, committer, owner } = this.deps;
    if (reviews.length === 0) return;
    const plans = await Promise.all(this.deps.effects.flatMap((effect) => (effect.review ? [effect.review(keys, reviews)] : [])));
    if (!(await committer.commit(keys, owner, plans.flatMap((plan) => plan.changes)))) throw new ProcessingStopped('partition lease lost before commit');
    await this.followUp(plans);
  }

  /**
   * The batch is committed: a failing follow-up (e.g. the alert store) must not make the batch
   * run again. Its effect owns the retry (the outbox stays and is drained later).
   */
  private async followUp(plans: readonly PlannedEffect[]): Promise<void> {
    for (const plan of plans) {
      await plan.afterCommit?.().catch((err: unknown) => {
        this.deps.metrics.processingErrors.inc({ stage: 'after_commit' });
        this.deps.log.error({ err, partition: this.deps.keys.partition }, 'follow-up after commit failed; it is retried with a later batch');
      });
    }
  }
}

function archivedByEntry(rows: readonly ArchivedRow[]): Map<string, NonNullable<ProcessedEntry['archived']>> {
  const byEntry = new Map<string, NonNullable<ProcessedEntry['archived']>>();
  for (const { entryId, table, row } of rows) {
    const held = byEntry.get(entryId) ?? [];
    held.push({ table, row });
    byEntry.set(entryId, held);
  }
  return byEntry;
}

type Decoded = { ok: true; event: VigilEvent } | { ok: false; error: string };

function decode(payload: string | undefined): Decoded {
  if (payload === undefined) return { ok: false, error: 'stream entry has no event field' };
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    return { ok: false, error: 'event is not valid JSON' };
  }
  const parsed = parseEvent(json);
  return parsed.ok ? parsed : { ok: false, error: parsed.errors.join('; ') };
}
