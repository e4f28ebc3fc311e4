import type { Redis } from 'ioredis';
import type { DecisionRow } from '../pipeline/decisionRecord.js';

// The offer log: every decision, delivery outcome and response, appended to one Redis stream and
// archived to ClickHouse by a consumer group (offerArchive.ts). Appending is cheap and never
// waits for ClickHouse, so a slow or stopped ClickHouse holds up no offer; the stream is capped,
// and a ClickHouse outage longer than the cap loses only archive rows, never an offer.

export interface DeliveryRow {
  offer_id: string;
  campaign_id: string;
  customer_id: string;
  channel: string;
  status: 'delivered' | 'cancelled' | 'dead_lettered';
  reason: string;
  attempts: number;
  at: string;
}

export interface ResponseRow {
  event_id: string;
  offer_id: string;
  campaign_id: string;
  customer_id: string;
  response: 'viewed' | 'accepted' | 'declined';
  at: string;
}

export type OfferLogRecord =
  | { kind: 'decision'; rows: DecisionRow[] }
  | { kind: 'delivery'; row: DeliveryRow }
  | { kind: 'response'; row: ResponseRow };

export interface OfferLogEntry {
  id: string;
  record: OfferLogRecord;
}

export class OfferLog {
  constructor(
    private readonly redis: Redis,
    readonly stream: string,
    private readonly maxEntries = 1_000_000,
  ) {}

  async append(records: readonly OfferLogRecord[]): Promise<void> {
    if (records.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const record of records) pipeline.xadd(this.stream, 'MAXLEN', '~', this.maxEntries, '*', 'record', JSON.stringify(record));
    for (const [error] of (await pipeline.exec()) ?? []) if (error) throw error;
  }
}

export function parseOfferLogEntry(id: string, fields: string[] | null): OfferLogEntry | undefined {
  if (!fields) return undefined;
  const at = fields.indexOf('record');
  if (at < 0 || at + 1 >= fields.length) return undefined;
  return { id, record: JSON.parse(fields[at + 1]!) as OfferLogRecord };
}
