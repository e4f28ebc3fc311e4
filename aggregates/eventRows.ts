import { addressNetwork, eventCountry, type VigilEvent } from '../core/events/index.js';
import type { Pseudonymise } from '../core/privacy/pseudonym.js';
import { toClickHouseDateTime64 } from './store/shared.js';

/**
 * One row of the `events` table, in the JSONEachRow shape ClickHouse parses on both transports.
 * A type alias rather than an interface so it is assignable to AggregateStore.insertRows' rows.
 */
export type EventRow = {
  event_id: string;
  customer_id: string;
  type: string;
  channel: string;
  /** UTC 'YYYY-MM-DD hh:mm:ss.sss' (DateTime64(3, 'UTC')). */
  occurred_at: string;
  ingested_at: string;
  processed_at: string;
  partition: number;
  stream_id: string;
  /** ISO country where the event happened, '' when unknown. */
  country: string;
  /** '' for events that move no money. */
  currency: string;
  /** Integer minor units of `currency`; 0 for events that move no money. */
  amount_minor: number;
  /** The normalised event as JSON, so it can be replayed through the pipeline. */
  payload: string;
};

export interface EventRowMeta {
  partition: number;
  streamId: string;
  ingestedAtMs: number;
  processedAtMs: number;
}

/** Maps a validated event to its `events` row. Pure: same event and meta, same row. */
export function toEventRow(event: VigilEvent, meta: EventRowMeta): EventRow {
  const money = 'amount_minor' in event ? { currency: event.currency, amount_minor: event.amount_minor } : { currency: '', amount_minor: 0 };
  let payload: string | undefined;
  const row: EventRow = {
    event_id: event.event_id,
    customer_id: event.customer_id,
    type: event.type,
    channel: event.channel,
    // occurred_at may carry any offset and sub-millisecond digits; it is stored as the UTC instant to the millisecond.
    occurred_at: toClickHouseDateTime64(Date.parse(event.occurred_at)),
    ingested_at: toClickHouseDateTime64(meta.ingestedAtMs),
    processed_at: toClickHouseDateTime64(meta.processedAtMs),
    partition: meta.partition,
    stream_id: meta.streamId,
    country: eventCountry(event),
    ...money,
    // Written when read: the analytics gate rewrites the payload from the event itself, so the
    // text is only made where it is needed as it is (the archive relay, a store without the gate).
    get payload() {
      payload ??= JSON.stringify(event);
      return payload;
    },
  };
  eventOfRow.set(row, event);
  return row;
}

/** The event a row was made from in this process, so the gate need not parse its payload back. */
const eventOfRow = new WeakMap<EventRow, VigilEvent>();

/** How identifiers leave for analytics: the keyed hash, and whether raw IPs and account numbers may stay. */
export interface AnalyticsIdentifiers {
  pseudonymise: Pseudonymise;
  /** VIGIL_ANALYTICS_RAW_IDENTIFIERS: keep device.ip and counterparty.account as posted. */
  rawIdentifiers: boolean;
}

/**
 * The row as analytics may keep it: the customer id (column and payload) replaced by its
 * pseudonym, and unless raw identifiers are allowed, `device.ip` and `counterparty.account`
 * replaced by `ip_hash` / `account_hash` (keyed too, so "same IP, other customers" still shows).
 * The device also keeps `network_hash`, the keyed hash of the address's network (IPv4 /24, IPv6
 * /48): what the network features read, so a backtest replays them (backtest/storedEvents.ts).
 * The payload is then no longer a postable event; it is for analysis, not replay.
 */
export function pseudonymisedEventRow(row: EventRow, ids: AnalyticsIdentifiers): EventRow {
  const event = eventOfRow.get(row);
  // A copy either way: the event itself is still the pipeline's.
  const payload = event ? { ...event } as Record<string, unknown> : JSON.parse(row.payload) as Record<string, unknown>;
  const customerId = ids.pseudonymise(row.customer_id);
  payload.customer_id = customerId;
  if (!ids.rawIdentifiers) {
    payload.device = withNetwork(payload.device, ids.pseudonymise);
    payload.device = withHashed(payload.device, 'ip', 'ip_hash', (ip) => ids.pseudonymise(ip, 'ip'));
    payload.counterparty = withHashed(payload.counterparty, 'account', 'account_hash', (account) => ids.pseudonymise(normalisedAccount(account), 'account'));
  }
  // Field by field: spreading the row would write its own payload text only to replace it.
  return {
    event_id: row.event_id, customer_id: customerId, type: row.type, channel: row.channel, occurred_at: row.occurred_at,
    ingested_at: row.ingested_at, processed_at: row.processed_at, partition: row.partition, stream_id: row.stream_id,
    country: row.country, currency: row.currency, amount_minor: row.amount_minor, payload: JSON.stringify(payload),
  };
}

function withNetwork(device: unknown, pseudonymise: Pseudonymise): unknown {
  if (typeof device !== 'object' || device === null || typeof (device as Record<string, unknown>).ip !== 'string') return device;
  return { ...device, network_hash: pseudonymise(addressNetwork((device as { ip: string }).ip), 'network') };
}

function withHashed(part: unknown, field: string, hashedField: string, hash: (value: string) => string): unknown {
  if (typeof part !== 'object' || part === null || typeof (part as Record<string, unknown>)[field] !== 'string') return part;
  const { [field]: raw, ...rest } = part as Record<string, unknown>;
  return { ...rest, [hashedField]: hash(raw as string) };
}

// One account written "DE89 3704…" and "de8937…" is one account.
function normalisedAccount(account: string): string {
  return account.replace(/\s+/g, '').toUpperCase();
}
