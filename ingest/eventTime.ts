// Event time drives every window and the ClickHouse tables' retention, so ingest accepts an
// occurred_at only inside [now − max age, now + clock skew]. Far ahead, one event would age a
// customer's whole history out at once; older than the events table's TTL (400 days), a row would
// be written and dropped at the next merge, and dates such as year 0 or 1899 are sender bugs.

export const MAX_CLOCK_SKEW_MS = 5 * 60_000;
const DAY_MS = 86_400_000;

export interface EventTimeBounds {
  /** VIGIL_MAX_EVENT_AGE_DAYS */
  maxAgeDays: number;
}

/** Why an (RFC 3339, already validated) occurred_at is outside the accepted range, or undefined. */
export function occurredAtProblem(occurredAt: string, nowMs: number, bounds: EventTimeBounds): string | undefined {
  const atMs = Date.parse(occurredAt);
  if (!Number.isFinite(atMs)) return `occurred_at: "${occurredAt}" is not an instant`;
  if (atMs > nowMs + MAX_CLOCK_SKEW_MS) {
    return `occurred_at: more than 5 minutes in the future (latest accepted ${new Date(nowMs + MAX_CLOCK_SKEW_MS).toISOString()}); check the sender's clock`;
  }
  const earliest = nowMs - bounds.maxAgeDays * DAY_MS;
  if (atMs < earliest) {
    return `occurred_at: older than ${bounds.maxAgeDays} days (earliest accepted ${new Date(earliest).toISOString()}, VIGIL_MAX_EVENT_AGE_DAYS); check the sender's date`;
  }
  return undefined;
}
