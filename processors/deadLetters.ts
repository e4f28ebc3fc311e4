import type { Redis } from 'ioredis';
import { parseEvent, toWireEvent } from '../core/events/index.js';
import { globalKeys, partitionKeys, partitionOf } from '../core/streams/index.js';

export type DeadLetterReason = 'invalid' | 'failed' | 'crash_loop';

export interface DeadLetter {
  id: string;
  partition: number;
  sourceId: string;
  reason: DeadLetterReason;
  error: string;
  attempts: number;
  failedAt: string;
  payload: string;
}

export interface ReplayOutcome {
  replayed: string[];
  skipped: { id: string; reason: string }[];
}

// The dead-letter stream is bounded so a flood of poison cannot exhaust Redis; SREs are alerted
// on vigil_dead_letters_total long before it wraps.
const MAX_DEAD_LETTERS = 100_000;

/** Entries that could not be processed, kept with their error for an SRE to inspect and replay. */
export class DeadLetterQueue {
  private readonly key: string;

  constructor(
    private readonly redis: Redis,
    private readonly opts: { prefix: string; partitions: number },
  ) {
    this.key = globalKeys(opts.prefix).deadLetters;
  }

  async add(letter: Omit<DeadLetter, 'id' | 'failedAt'>): Promise<void> {
    await this.redis.xadd(this.key, 'MAXLEN', '~', MAX_DEAD_LETTERS, '*',
      'partition', letter.partition, 'source_id', letter.sourceId, 'reason', letter.reason,
      'error', letter.error.slice(0, 2000), 'attempts', letter.attempts,
      'failed_at', new Date().toISOString(), 'payload', letter.payload);
  }

  /** Oldest first, starting after `after` (an id from a previous page). */
  async list(opts: { limit: number; after?: string }): Promise<{ deadLetters: DeadLetter[]; total: number }> {
    const start = opts.after ? `(${opts.after}` : '-';
    const [entries, total] = await Promise.all([
      this.redis.xrange(this.key, start, '+', 'COUNT', opts.limit),
      this.redis.xlen(this.key),
    ]);
    return { deadLetters: entries.map(([id, fields]) => toDeadLetter(id, fields)), total };
  }

  /**
   * Puts dead letters back on their customer's partition stream. The ingest dedup marker is
   * bypassed on purpose (the event was accepted once already); processors still apply it once.
   */
  async replay(ids: readonly string[]): Promise<ReplayOutcome> {
    const outcome: ReplayOutcome = { replayed: [], skipped: [] };
    for (const id of ids) {
      const [entry] = await this.redis.xrange(this.key, id, id);
      if (!entry) {
        outcome.skipped.push({ id, reason: 'no such dead letter' });
        continue;
      }
      const letter = toDeadLetter(entry[0], entry[1]);
      const parsed = safeParse(letter.payload);
      if (!parsed.ok) {
        outcome.skipped.push({ id, reason: `payload is not a valid event (${parsed.errors.join('; ')}); post a corrected event instead` });
        continue;
      }
      const stream = partitionKeys(this.opts.prefix, partitionOf(parsed.event.customer_id, this.opts.partitions)).stream;
      // Two slots on a Redis Cluster, so two commands: a crash between them leaves the letter to be
      // replayed again, and its event_id is then applied once (applied markers), never twice.
      await this.redis.xadd(stream, '*', 'event', toWireEvent(parsed.event));
      await this.redis.xdel(this.key, id);
      outcome.replayed.push(id);
    }
    return outcome;
  }
}

function safeParse(payload: string) {
  try {
    return parseEvent(JSON.parse(payload));
  } catch {
    return { ok: false as const, errors: ['not JSON'] };
  }
}

function toDeadLetter(id: string, fields: string[]): DeadLetter {
  const f = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) f.set(fields[i]!, fields[i + 1]!);
  return {
    id,
    partition: Number(f.get('partition')),
    sourceId: f.get('source_id') ?? '',
    reason: (f.get('reason') ?? 'failed') as DeadLetterReason,
    error: f.get('error') ?? '',
    attempts: Number(f.get('attempts') ?? 0),
    failedAt: f.get('failed_at') ?? '',
    payload: f.get('payload') ?? '',
  };
}
