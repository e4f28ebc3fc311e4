import { describe, expect, it } from 'vitest';

import { toEventRow } from '../../aggregates/index.js';
import { vigilEvent } from './fixtures.js';

const meta = { partition: 3, streamId: '1767323045678-0', ingestedAtMs: Date.UTC(2026, 0, 2, 3, 4, 5, 678), processedAtMs: Date.UTC(2026, 0, 2, 3, 4, 6, 1) };
const merchant = { id: 'm-1', mcc: '5411', country: 'FR' };

const cases = [
  {
    name: 'a card payment carries its currency, minor units and the merchant country',
    input: { type: 'card_payment', amount: '125.40', currency: 'EUR', merchant },
    expected: { currency: 'EUR', amount_minor: 12540, country: 'FR' },
  },
  {
    name: 'the device geo country wins over the merchant country',
    input: { type: 'card_payment', amount: '1', currency: 'EUR', merchant, geo: { country: 'DE' } },
    expected: { currency: 'EUR', amount_minor: 100, country: 'DE' },
  },
  {
    name: 'a zero-decimal currency keeps whole units',
    input: { type: 'cash_withdrawal', amount: '15000', currency: 'JPY' },
    expected: { currency: 'JPY', amount_minor: 15000, country: '' },
  },
  {
    name: 'a three-decimal currency uses thousandths',
    input: { type: 'transfer_out', amount: '1.234', currency: 'KWD', counterparty: { country: 'KW' } },
    expected: { currency: 'KWD', amount_minor: 1234, country: 'KW' },
  },
  {
    name: 'an event that moves no money has empty currency and zero amount',
    input: { type: 'login', channel: 'mobile_app' },
    expected: { currency: '', amount_minor: 0, country: '' },
  },
];

describe('toEventRow', () => {
  it.each(cases)('$name', ({ input, expected }) => {
    const event = vigilEvent({ event_id: 'e-1', occurred_at: '2026-01-02T03:04:05.678Z', ...input });
    expect(toEventRow(event, meta)).toMatchObject(expected);
  });

  it.each([
    { occurredAt: '2026-01-02T03:04:05.678Z', stored: '2026-01-02 03:04:05.678' },
    { occurredAt: '2026-01-02T05:04:05.678+02:00', stored: '2026-01-02 03:04:05.678' },
    { occurredAt: '2026-01-02T03:04:05Z', stored: '2026-01-02 03:04:05.000' },
    { occurredAt: '2026-01-02T03:04:05.678999Z', stored: '2026-01-02 03:04:05.678' },
    { occurredAt: '2026-01-01T23:30:00-04:00', stored: '2026-01-02 03:30:00.000' },
  ])('stores occurred_at $occurredAt as the UTC instant $stored', ({ occurredAt, stored }) => {
    const event = vigilEvent({ type: 'login', event_id: 'e-1', occurred_at: occurredAt });
    expect(toEventRow(event, meta).occurred_at).toBe(stored);
  });

  it('copies the stream position and formats ingest and processing times as UTC DateTime64 text', () => {
    const event = vigilEvent({ type: 'login', event_id: 'e-1', customer_id: 'c-9', channel: 'web', occurred_at: '2026-01-02T03:04:05Z' });
    expect(toEventRow(event, meta)).toMatchObject({
      event_id: 'e-1',
      customer_id: 'c-9',
      type: 'login',
      channel: 'web',
      partition: 3,
      stream_id: '1767323045678-0',
      ingested_at: '2026-01-02 03:04:05.678',
      processed_at: '2026-01-02 03:04:06.001',
    });
  });

  it('keeps the whole normalised event as the payload, so it can be replayed', () => {
    const event = vigilEvent({ type: 'card_payment', event_id: 'e-1', occurred_at: '2026-01-02T03:04:05Z', amount: 10.5, currency: 'GBP', merchant });
    expect(JSON.parse(toEventRow(event, meta).payload)).toEqual(event);
  });
});
