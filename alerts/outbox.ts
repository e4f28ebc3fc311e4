import { StreamGroupConsumer, type GroupConsumerOptions } from '../core/streams/groupConsumer.js';
import type { AlertEventName, StoredAlert } from './schema.js';

// The alert outbox: the store XADDs an entry in the same script as every alert change, and each
// downstream job (webhook fan-out, ClickHouse archive) is its own consumer group on it, acking an
// entry only after its effect is durable. So a crash between "alert created" and "webhooks
// enqueued" loses nothing, a slow ClickHouse never holds up webhooks, and neither holds up the API.
// Retries are at least once; each consumer's effect is idempotent (job ids, insert tokens).

export interface OutboxEntry {
  /** Stream entry id, unique per alert change. */
  id: string;
  event: AlertEventName;
  alert: StoredAlert;
}

export type OutboxConsumerOptions = Omit<GroupConsumerOptions<OutboxEntry>, 'parse'>;

export function parseOutboxEntry(id: string, fields: string[] | null): OutboxEntry | undefined {
  if (!fields) return undefined; // trimmed away while pending
  const f = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) f.set(fields[i]!, fields[i + 1]!);
  const event = f.get('event');
  const alert = f.get('alert');
  if ((event !== 'alert.created' && event !== 'alert.updated') || !alert) return undefined;
  return { id, event, alert: JSON.parse(alert) as StoredAlert };
}

/** The alert outbox's reader: one consumer group per downstream job. */
export class OutboxConsumer extends StreamGroupConsumer<OutboxEntry> {
  constructor(opts: OutboxConsumerOptions) {
    super({ ...opts, parse: parseOutboxEntry });
  }
}
