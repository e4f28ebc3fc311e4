import { DAY, HOUR } from './windows.js';

/**
 * A time bucket: [bucket index (start / width), ...counters]. Buckets are kept sparse (only those
 * with activity) and sorted by index, newest last, so a year of history is at most ~91 day buckets.
 */
export type Bucket = number[];

export interface BucketTier {
  width: number;
  /** Number of counters after the index. */
  fields: number;
  /** The longest window this tier serves; buckets older than it (plus the lateness) are dropped. */
  longestWindow: number;
}

/**
 * Counters of a 1-hour bucket (positions in the bucket array); serves the 24h windows. The most
 * used counters come first: stored buckets drop trailing zeros.
 */
export const HOUR_FIELD = {
  txn: 1, cardPayments: 2, amountOutMilli: 3, transfersOut: 4, failedLogins: 5, amountInMilli: 6,
  transfersIn: 7, cashWithdrawals: 8, cashDeposits: 9, passwordResets: 10, devicesAdded: 11,
  profileChanges: 12,
} as const;
export const HOUR_TIER: BucketTier = { width: HOUR, fields: 12, longestWindow: DAY };

/**
 * Counters of a 1-day bucket; serves the 7d, 30d and 90d windows. `outM2` is the sum of squared
 * deviations (major units²) of that day's outgoing amounts from the day's mean, so days merge into
 * a numerically stable 90-day variance (Chan's parallel algorithm). `…Events` count events of any
 * type by the channel they came through. As in HOUR_FIELD, the most used counters come first: the
 * app and web counts sit before the amounts most days lack, so an active digital customer's day
 * costs one or two numbers more, not a run of zeros (state version 1, without the channel counts,
 * is read by codec.ts).
 */
export const DAY_FIELD = {
  txn: 1, outCount: 2, amountOutMilli: 3, outM2: 4, logins: 5, appSessions: 6, mobileAppEvents: 7,
  webEvents: 8, amountInMilli: 9, otherBanksOutMilli: 10, branchEvents: 11, callCentreEvents: 12,
  complaintsOpened: 13, productsClosed: 14, gamblingOutMilli: 15, scheduledTxn: 16,
} as const;
export const DAY_TIER: BucketTier = { width: DAY, fields: 16, longestWindow: 90 * DAY };

export function bucketIndex(tier: BucketTier, t: number): number {
  return Math.floor(t / tier.width);
}

/**
 * Returns new buckets in which the bucket holding `t` has been changed by `change`. The change
 * works on a fresh copy, so the input buckets are never mutated.
 */
export function updateBucket(
  buckets: readonly Bucket[],
  tier: BucketTier,
  t: number,
  change: (bucket: Bucket) => void,
): Bucket[] {
  const index = bucketIndex(tier, t);
  const position = lowerBound(buckets, index);
  const existing = buckets[position];
  const found = existing !== undefined && existing[0] === index;
  const bucket = found ? [...existing] : [index, ...new Array<number>(tier.fields).fill(0)];
  change(bucket);
  const next = buckets.slice();
  next.splice(position, found ? 1 : 0, bucket);
  return next;
}

/** Drops buckets no late-enough event can still need: older than newest − lateness − longest window. */
export function pruneBuckets(buckets: Bucket[], tier: BucketTier, newest: number, lateness: number): Bucket[] {
  const oldestKept = bucketIndex(tier, newest - lateness - tier.longestWindow);
  const first = buckets[0];
  if (first === undefined || (first[0] ?? 0) >= oldestKept) return buckets;
  return buckets.slice(lowerBound(buckets, oldestKept));
}

/** Whether a bucket holding `t` would survive pruning: too-late events skip buckets already gone. */
export function bucketRetained(tier: BucketTier, t: number, newest: number, lateness: number): boolean {
  return bucketIndex(tier, t) >= bucketIndex(tier, newest - lateness - tier.longestWindow);
}

/**
 * Sums every counter over nested windows ending at t (shortest first), in one pass: each bucket is
 * added once, to the shortest window holding it, and the windows are then accumulated outwards.
 * Each window is [t − W, t] rounded out to whole buckets (see windows.ts); position p of a total
 * is field p.
 */
export function sumWindows(buckets: readonly Bucket[], tier: BucketTier, t: number, windows: readonly number[]): number[][] {
  const hi = bucketIndex(tier, t);
  const lows: number[] = [];
  const totals: number[][] = [];
  for (const window of windows) {
    lows.push(bucketIndex(tier, t - window));
    totals.push(zeros(tier.fields + 1));
  }
  const oldest = lows[lows.length - 1] ?? hi;
  let ring = 0;
  for (let i = buckets.length - 1; i >= 0; i--) {
    const bucket = buckets[i]!;
    const index = bucket[0]!;
    if (index < oldest) break;
    if (index > hi) continue;
    while (index < lows[ring]!) ring++;
    addInto(totals[ring]!, bucket, tier.fields);
  }
  for (let w = 1; w < totals.length; w++) addInto(totals[w]!, totals[w - 1]!, tier.fields);
  return totals;
}

function addInto(total: number[], counters: readonly number[], fields: number): void {
  for (let field = 1; field <= fields; field++) total[field]! += counters[field]!;
}

function zeros(length: number): number[] {
  const array: number[] = [];
  for (let i = 0; i < length; i++) array.push(0);
  return array;
}

/** Calls `visit` for each bucket of the window [t − W, t], newest first. */
export function forEachInWindow(
  buckets: readonly Bucket[], tier: BucketTier, t: number, window: number, visit: (bucket: Bucket) => void,
): void {
  const lo = bucketIndex(tier, t - window);
  const hi = bucketIndex(tier, t);
  for (let i = buckets.length - 1; i >= 0; i--) {
    const bucket = buckets[i]!;
    const index = bucket[0]!;
    if (index < lo) break;
    if (index <= hi) visit(bucket);
  }
}

function lowerBound(buckets: readonly Bucket[], index: number): number {
  let lo = 0;
  let hi = buckets.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((buckets[mid]![0] as number) < index) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
