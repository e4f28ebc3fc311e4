import { eventCountry, type VigilEvent } from '../core/events/index.js';
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
  return {
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
    payload: JSON.stringify(event),
  };
}
