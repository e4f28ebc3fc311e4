import type { Redis } from 'ioredis';
import { NotFoundError } from '../../core/errors.js';
import { partitionKeys } from '../../core/streams/index.js';

// Triggers the decider could not decide after every attempt (a bug, not an outage: a record that
// fails while others in its page succeed). Set aside in a capped stream instead of blocking the
// partition's offers, listed by the API and put back into their partition's outbox on request.

export interface DeadTrigger {
  id: string;
  partition: number;
  error: string;
  at: string;
  /** The outbox record as it was committed (JSON text). */
  record: string;
}

export class DeadTriggers {
  constructor(
    private readonly redis: Redis,
    private readonly stream: string,
    private readonly prefix: string,
    private readonly maxEntries = 10_000,
  ) {}

  async add(partition: number, record: string, error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    await this.redis.xadd(this.stream, 'MAXLEN', '~', this.maxEntries, '*',
      'partition', partition, 'error', message.slice(0, 500), 'at', new Date().toISOString(), 'record', record);
  }

  /** Newest first. */
  async list(limit: number): Promise<DeadTrigger[]> {
    const entries = await this.redis.xrevrange(this.stream, '+', '-', 'COUNT', limit);
    return entries.map(([id, fields]) => toDeadTrigger(id, fields));
  }

  /** Puts a dead trigger back at the end of its partition's outbox; the partition's owner decides it after its next batch of events (or on takeover). */
  async retry(id: string): Promise<void> {
    const [entry] = await this.redis.xrange(this.stream, id, id);
    if (!entry) throw new NotFoundError(`no dead trigger ${id}`);
    const trigger = toDeadTrigger(entry[0], entry[1]);
    // Two slots on a Redis Cluster, so two commands: a crash between them leaves the trigger to be
    // retried again, and deciding it twice finds the first decision (decision markers).
    await this.redis.rpush(partitionKeys(this.prefix, trigger.partition).offerOutbox, trigger.record);
    await this.redis.xdel(this.stream, id);
  }
}

function toDeadTrigger(id: string, fields: string[]): DeadTrigger {
  const f = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) f.set(fields[i]!, fields[i + 1]!);
  return { id, partition: Number(f.get('partition')), error: f.get('error') ?? '', at: f.get('at') ?? '', record: f.get('record') ?? '' };
}
