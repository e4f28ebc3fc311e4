import { DAY, HOUR } from './windows.js';

/**
 * One time bucket as a change sees it: [bucket index (start / width), ...counters].
 */
export type Bucket = number[];

/**
 * A tier's buckets laid end to end in one array, oldest first: bucket k is the `fields + 1`
 * numbers from k × (fields + 1), its index then its counters. Kept sparse (only buckets with
 * activity) and sorted by index, so a year of history is at most ~91 day buckets. One flat array
 * rather than an array per bucket: the windows read every bucket of the last 90 days on every
 * event and every review, and a hundred small arrays scattered over the heap cost a memory fetch
 * each, where one array is read straight through.
 */
export type Buckets = number[];

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

/** Numbers per bucket: the index and the counters. */
function strideOf(tier: BucketTier): number {
  return tier.fields + 1;
}

/**
 * Returns new buckets in which the bucket holding `t` has been changed by `change`. The change
 * works on a copy of that one bucket, so the input buckets are never mutated.
 */
export function updateBucket(
  buckets: Readonly<Buckets>,
  tier: BucketTier,
  t: number,
  change: (bucket: Bucket) => void,
): Buckets {
  const stride = strideOf(tier);
  const { at, found, bucket } = changedBucket(buckets, tier, t, change);
  // A new bucket is nearly always the newest (a new hour or day): appended in one copy.
  if (!found) return at === buckets.length ? buckets.concat(bucket) : [...buckets.slice(0, at), ...bucket, ...buckets.slice(at)];
  const next = buckets.slice();
  for (let field = 0; field < stride; field++) next[at + field] = bucket[field]!;
  return next;
}

/** Drops buckets no late-enough event can still need: older than newest − lateness − longest window. */
export function pruneBuckets(buckets: Buckets, tier: BucketTier, newest: number, lateness: number): Buckets {
  const oldestKept = bucketIndex(tier, newest - lateness - tier.longestWindow);
  if (buckets.length === 0 || buckets[0]! >= oldestKept) return buckets;
  return buckets.slice(lowerBound(buckets, strideOf(tier), oldestKept) * strideOf(tier));
}

/**
 * `updateBucket` after `pruneBuckets`, changing `buckets` itself and returning it: for a caller that
 * owns the array and gives up the state it belonged to (the in-memory replay). Copying a customer's
 * 90 days of buckets for every event was most of the replay's garbage: each copy lived until the
 * customer's next event, long enough to be promoted, so the old generation filled with them.
 * `change` undefined: pruned only.
 */
export function updateBucketInPlace(
  buckets: Buckets, tier: BucketTier, t: number, change: ((bucket: Bucket) => void) | undefined, newest: number, lateness: number,
): Buckets {
  const stride = strideOf(tier);
  const oldestKept = bucketIndex(tier, newest - lateness - tier.longestWindow);
  if (buckets.length > 0 && buckets[0]! < oldestKept) buckets.splice(0, lowerBound(buckets, stride, oldestKept) * stride);
  if (!change || !bucketRetained(tier, t, newest, lateness)) return buckets;
  const { at, found, bucket } = changedBucket(buckets, tier, t, change);
  if (!found) {
    if (at === buckets.length) for (let field = 0; field < stride; field++) buckets.push(bucket[field]!);
    else buckets.splice(at, 0, ...bucket);
    return buckets;
  }
  for (let field = 0; field < stride; field++) buckets[at + field] = bucket[field]!;
  return buckets;
}

/**
 * The bucket holding `t` after `change`, as a copy (a new, zeroed one when there is none yet), with
 * where it sits or belongs (`at`, an offset into `buckets`) and whether it was there: both updates
 * find and change a bucket the same way, and differ only in how they write it back.
 */
function changedBucket(buckets: Readonly<Buckets>, tier: BucketTier, t: number, change: (bucket: Bucket) => void): { at: number; found: boolean; bucket: Bucket } {
  const stride = strideOf(tier);
  const index = bucketIndex(tier, t);
  const at = lowerBound(buckets, stride, index) * stride;
  const found = at < buckets.length && buckets[at] === index;
  const bucket: Bucket = found ? buckets.slice(at, at + stride) : [index];
  for (let field = bucket.length; field < stride; field++) bucket.push(0);
  change(bucket);
  return { at, found, bucket };
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
export function sumWindows(buckets: Readonly<Buckets>, tier: BucketTier, t: number, windows: readonly number[]): number[][] {
  const stride = strideOf(tier);
  const hi = bucketIndex(tier, t);
  const lows: number[] = [];
  const totals: number[][] = [];
  for (const window of windows) {
    lows.push(bucketIndex(tier, t - window));
    totals.push(zeros(stride));
  }
  const oldest = lows[lows.length - 1] ?? hi;
  let ring = 0;
  for (let at = buckets.length - stride; at >= 0; at -= stride) {
    const index = buckets[at]!;
    if (index < oldest) break;
    if (index > hi) continue;
    while (index < lows[ring]!) ring++;
    const total = totals[ring]!;
    for (let field = 1; field < stride; field++) total[field]! += buckets[at + field]!;
  }
  for (let w = 1; w < totals.length; w++) {
    const total = totals[w]!;
    const inner = totals[w - 1]!;
    for (let field = 1; field < stride; field++) total[field]! += inner[field]!;
  }
  return totals;
}

/** `count` buckets of zeros end to end, their indices to be written in (the codec reads stored buckets into it). */
export function zeroBuckets(count: number, tier: BucketTier): Buckets {
  return zeros(count * strideOf(tier));
}

/**
 * Zeros held as floating-point numbers from the start: totals of amounts and M2 are, and an array
 * begun with small integers is copied again when the first such number lands in it (on every
 * window of every event). Made once by a fraction then zeroed, so the array keeps that kind; long
 * enough for a year of day buckets.
 */
const FLOAT_ZEROS: readonly number[] = Array.from({ length: 2048 }, () => 0.5).fill(0);

function zeros(length: number): number[] {
  const array = FLOAT_ZEROS.slice(0, length);
  while (array.length < length) array.push(0);
  return array;
}

/** The first bucket position (in buckets, not numbers) whose index is at least `index`. */
function lowerBound(buckets: Readonly<Buckets>, stride: number, index: number): number {
  let lo = 0;
  let hi = buckets.length / stride;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (buckets[mid * stride]! < index) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
