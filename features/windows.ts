// Window semantics, in one place because every feature and every test depends on them.
//
// Time is EVENT time (occurred_at) at whole-second resolution. A window of length W "ending at"
// a reference time t (the event's occurred_at, or the `atMs` asked for) is CLOSED at both ends:
// it holds the events with t − W ≤ occurred_at ≤ t. An event exactly W before t is inside.
//
// - 1m, 10m and 1h windows are exact: they read a log of individual recent events (the newest 128
//   within 1 h + the allowed lateness; beyond that a count reads "at least 128").
// - 24h windows read 1-hour buckets; 3d, 7d, 30d and 90d windows read 1-day UTC buckets. They count
//   every bucket from the one holding t − W to the one holding t, whole. So they never miss an
//   event of [t − W, t], and may include up to one bucket more at the old end (24h reads < 25 h,
//   3d reads < 4 d, 7d reads < 8 d, 30d < 31 d, 90d < 91 d) and, for a late event, later events of its own bucket.
//   The trade-off buys bounded memory: a year of history costs at most ~91 day buckets.
//
// Because each window contains [t − W, t] and lies within the next longer window's span, counts in
// nested windows are monotone (1m ≤ 10m ≤ 1h ≤ 24h ≤ 3d ≤ 7d ≤ 30d ≤ 90d).

export const MINUTE = 60;
export const HOUR = 3_600;
export const DAY = 86_400;

export const WINDOW_SECONDS = {
  '1m': MINUTE,
  '10m': 10 * MINUTE,
  '1h': HOUR,
  '24h': DAY,
  '3d': 3 * DAY,
  '7d': 7 * DAY,
  '14d': 14 * DAY,
  '30d': 30 * DAY,
  '90d': 90 * DAY,
} as const;

/** History kept for "never seen before" flags and distinct counts of merchants and merchant categories. */
export const SEEN_HISTORY_SECONDS = 90 * DAY;
/**
 * History kept for devices, networks, payees and countries: a customer has few of each and comes
 * back to them after months (the desktop used at tax time, last summer's holiday country, the
 * builder paid once a year), so forgetting them after 90 days would make the familiar look new.
 */
export const LONG_SEEN_HISTORY_SECONDS = 400 * DAY;

/** Event time in whole epoch seconds; sub-second precision carries no risk signal. */
export function eventSeconds(occurredAt: string): number {
  return Math.floor(Date.parse(occurredAt) / 1000);
}

export function msToSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}

/** Whole days elapsed, the unit rules use for dormancy and salary gaps. */
export function wholeDays(seconds: number): number {
  return Math.floor(seconds / DAY);
}
