import type { Redis } from 'ioredis';
import type { RemovedCounts } from '../core/privacy/index.js';

// The record of every erasure: who asked, when, which customer (as their pseudonym: the point is
// to forget the id, yet a DPO holding the key can still answer "was customer X erased?"), what
// was removed, and whether it completed. An append-only Redis stream, never capped or trimmed by
// Vigil, so it lasts as long as the Redis data does.

export interface ErasureRecord {
  /** Stream entry id: unique, increasing; the cursor for listing. */
  id: string;
  at: string;
  /** The identity the server verified for the request (today the API key's role). */
  actor: string;
  /** Keyed hash of the customer id (the same as ClickHouse holds). */
  customer: string;
  outcome: 'complete' | 'incomplete';
  removed: RemovedCounts;
  /** For an incomplete erasure: the holder that failed and why. */
  failure?: { holder: string; error: string };
}

export class ErasureAudit {
  constructor(
    private readonly redis: Redis,
    readonly stream: string,
  ) {}

  async record(entry: Omit<ErasureRecord, 'id'>): Promise<string> {
    const fields = ['at', entry.at, 'actor', entry.actor, 'customer', entry.customer, 'outcome', entry.outcome, 'removed', JSON.stringify(entry.removed)];
    if (entry.failure) fields.push('failure', JSON.stringify(entry.failure));
    return (await this.redis.xadd(this.stream, '*', ...fields))!;
  }

  /** Newest first; `before` is the last id of the previous page; `customer` narrows to one pseudonym. */
  async list(opts: { limit: number; before?: string; customer?: string }): Promise<{ erasures: ErasureRecord[]; next: string | null }> {
    const erasures: ErasureRecord[] = [];
    let end = opts.before ? `(${opts.before}` : '+';
    // A customer filter reads on until the page is full or the stream ends; erasures are rare, so the stream is short.
    for (;;) {
      const entries = await this.redis.xrevrange(this.stream, end, '-', 'COUNT', Math.max(opts.limit, 100));
      for (const [id, fields] of entries) {
        const record = toRecord(id, fields);
        if (opts.customer === undefined || record.customer === opts.customer) erasures.push(record);
        if (erasures.length === opts.limit) return { erasures, next: id };
      }
      if (entries.length < Math.max(opts.limit, 100)) return { erasures, next: null };
      end = `(${entries.at(-1)![0]}`;
    }
  }
}

function toRecord(id: string, fields: string[]): ErasureRecord {
  const f = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) f.set(fields[i]!, fields[i + 1]!);
  const failure = f.get('failure');
  return {
    id,
    at: f.get('at') ?? '',
    actor: f.get('actor') ?? '',
    customer: f.get('customer') ?? '',
    outcome: f.get('outcome') === 'incomplete' ? 'incomplete' : 'complete',
    removed: JSON.parse(f.get('removed') ?? '{}') as RemovedCounts,
    ...(failure ? { failure: JSON.parse(failure) as ErasureRecord['failure'] } : {}),
  };
}
