import type { CustomerReview, VigilEvent } from '../core/events/index.js';
import type { PartitionKeys } from '../core/streams/index.js';
import type { StateChange } from './partitionCommit.js';

/** An event applied for the first time in this batch, with the stream entry that carries it. */
export interface AppliedEvent {
  entryId: string;
  event: VigilEvent;
}

/** A ClickHouse row an effect decided for one entry, flushed with the entry's event row. */
export interface ArchivedRow {
  entryId: string;
  table: string;
  row: Record<string, unknown>;
}

export interface PlannedEffect {
  /** Written atomically with the applied markers of the batch. */
  changes: StateChange[];
  /**
   * Rows for ClickHouse beside the events' own (challenger alerts). Kept in Redis with the commit
   * and written with the entry's event row in the same flush, under the same dedup token, so they
   * are stored exactly once like the events, a redelivered entry included.
   */
  archived?: ArchivedRow[];
  /** Runs after the commit, e.g. to hand alerts from an outbox to the alert service. */
  afterCommit?: () => Promise<void>;
}

/**
 * Something a batch of newly applied events changes in Redis (activity, features, scores,
 * outboxes). Effects only plan; the batch processor commits every effect's changes with the
 * applied markers in one script, so each event changes state exactly once.
 */
export interface BatchEffect {
  /**
   * Starts reading what plan will need for the batch's events (the applied ones are among them),
   * while the applied markers are read: both go to Redis in one round trip instead of two.
   */
  prefetch?(keys: PartitionKeys, candidates: readonly AppliedEvent[]): Promise<unknown>;
  /** `prefetched` is what this effect's prefetch answered for the same batch, when it has one. */
  plan(keys: PartitionKeys, applied: readonly AppliedEvent[], prefetched?: unknown): Promise<PlannedEffect>;
  /** Plans what scheduled reviews of customers change; committed like a batch (effects without it ignore reviews). */
  review?(keys: PartitionKeys, reviews: readonly CustomerReview[]): Promise<PlannedEffect>;
  /** Called when a worker takes a partition over, before new entries: finish work a crash left behind. */
  recover?(keys: PartitionKeys): Promise<void>;
}
