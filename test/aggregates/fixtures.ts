import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { toEventRow, type EventRow } from '../../aggregates/index.js';
import { parseEvent, type VigilEvent } from '../../core/events/index.js';

/** A fresh chdb data directory for one test file (chdb binds one directory per process). */
export function tempDataDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-aggregates-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Builds an event through the real schema, so fixtures are exactly what processors see. */
export function vigilEvent(input: Record<string, unknown>): VigilEvent {
  const parsed = parseEvent({ customer_id: 'cust-1', channel: 'pos', ...input });
  if (!parsed.ok) throw new Error(`bad fixture: ${parsed.errors.join('; ')}`);
  return parsed.event;
}

let seq = 0;

/** A card payment at `at` for `amount` in `currency`, mapped to its events row. */
export function paymentRow(at: Date, amount: string, currency: string, country = 'GB'): EventRow {
  seq += 1;
  const event = vigilEvent({
    type: 'card_payment',
    event_id: `pay-${seq}`,
    occurred_at: at.toISOString(),
    amount,
    currency,
    merchant: { id: 'm-1', mcc: '5411', country },
  });
  return toEventRow(event, { partition: 0, streamId: `${at.getTime()}-${seq}`, ingestedAtMs: at.getTime() + 5, processedAtMs: at.getTime() + 9 });
}

/** A login (no money) at `at`, mapped to its events row. */
export function loginRow(at: Date): EventRow {
  seq += 1;
  const event = vigilEvent({ type: 'login', event_id: `login-${seq}`, occurred_at: at.toISOString(), channel: 'mobile_app' });
  return toEventRow(event, { partition: 1, streamId: `${at.getTime()}-${seq}`, ingestedAtMs: at.getTime(), processedAtMs: at.getTime() });
}

// Fixed once per test file, so minutes derived from it never straddle a minute boundary.
const LOAD_TIME = Date.now();
const THIS_MINUTE = LOAD_TIME - (LOAD_TIME % 60_000);

/** The start of the minute `minutesAgo` before this file loaded: recent enough that no TTL ever applies. */
export function minuteAgo(minutesAgo: number): Date {
  return new Date(THIS_MINUTE - minutesAgo * 60_000);
}
