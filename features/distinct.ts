import type { SeenSet, SeenSetName } from './state.js';
import { LONG_SEEN_HISTORY_SECONDS, SEEN_HISTORY_SECONDS } from './windows.js';

/** How long each seen set remembers a key after its last sighting (windows.ts says why). */
export const SEEN_HISTORY: Readonly<Record<SeenSetName, number>> = {
  m: SEEN_HISTORY_SECONDS, k: SEEN_HISTORY_SECONDS,
  c: LONG_SEEN_HISTORY_SECONDS, d: LONG_SEEN_HISTORY_SECONDS, p: LONG_SEEN_HISTORY_SECONDS, n: LONG_SEEN_HISTORY_SECONDS,
  i: LONG_SEEN_HISTORY_SECONDS, a: LONG_SEEN_HISTORY_SECONDS, q: LONG_SEEN_HISTORY_SECONDS,
};

/**
 * Bounded distinct counting: each seen set keeps at most 64 keys with their first and last
 * sighting and how often they were seen. When full, the key seen least recently leaves (ties by key), so which keys are kept
 * does not depend on arrival order. A key that left is "new" again when it returns; with 64 slots
 * and 90 days of history that only happens to customers with very many merchants or payees. Only
 * then, and only with late events, can a returning key's "new" status (and so
 * card_payment_new_merchant_count_10m) depend on arrival order: its first sighting may have left
 * the set before or after a later sighting refreshed it.
 */
export const SEEN_SET_CAP = 64;

// A set keeps its keys in one array and their times beside them in another, [first seen, last
// seen, times seen] end to end (state.ts): distinct counts read every key's times on every event,
// and an array per key (its times boxed, as epoch seconds do not fit a small integer) cost a
// memory fetch or three each.
const STRIDE = 3;
const LAST = 1;
const COUNT = 2;

/** A set with no key. */
export function emptySeenSet(): SeenSet {
  return { keys: [], times: [] };
}

/** Each key with its first and last sighting and times seen, in the set's order, mapped (for the codec). */
export function mapSeen<T>(set: SeenSet, map: (key: string, first: number, last: number, count: number) => T): T[] {
  return set.keys.map((key, i) => map(key, set.times[i * STRIDE]!, set.times[i * STRIDE + LAST]!, set.times[i * STRIDE + COUNT]!));
}

function seenCount(set: SeenSet): number {
  return set.keys.length;
}

/** Appends a key to a set being built (for the codec; recordSighting is how a set grows otherwise). */
export function addSeen(set: SeenSet, key: string, first: number, last: number, count: number): void {
  set.keys.push(key);
  set.times.push(first, last, count);
}

/** Records a sighting of `key` at t; returns a new set (the input is not changed). */
export function recordSighting(set: SeenSet, key: string, t: number): SeenSet {
  const position = positionOf(set, key);
  const times = set.times.slice();
  if (position < 0) {
    times.push(t, t, 1);
    return { keys: [...set.keys, key], times };
  }
  const at = position * STRIDE;
  times[at] = Math.min(times[at]!, t);
  times[at + LAST] = Math.max(times[at + LAST]!, t);
  times[at + COUNT] = times[at + COUNT]! + 1;
  return { keys: set.keys, times };
}

/** recordSighting changing the set itself, for a caller that owns it (record.ts). */
export function recordSightingInPlace(set: SeenSet, key: string, t: number): void {
  const position = positionOf(set, key);
  if (position < 0) {
    set.keys.push(key);
    set.times.push(t, t, 1);
    return;
  }
  const at = position * STRIDE;
  set.times[at] = Math.min(set.times[at]!, t);
  set.times[at + LAST] = Math.max(set.times[at + LAST]!, t);
  set.times[at + COUNT] = set.times[at + COUNT]! + 1;
}

/** Forgets keys last seen before `oldestKept`, then the least recently seen beyond the cap. */
export function pruneSeen(set: SeenSet, oldestKept: number): SeenSet {
  let stale = false;
  for (let at = LAST; at < set.times.length && !stale; at += STRIDE) stale = set.times[at]! < oldestKept;
  let kept = stale ? keepOnly(set, (i) => set.times[i * STRIDE + LAST]! >= oldestKept) : set;
  while (seenCount(kept) > SEEN_SET_CAP) {
    let stalest = 0;
    for (let i = 1; i < seenCount(kept); i++) if (staler(kept, i, stalest)) stalest = i;
    kept = keepOnly(kept, (j) => j !== stalest);
  }
  return kept;
}

/**
 * Not seen in the history before t (90 days for merchants, see SEEN_HISTORY): absent, first seen
 * at t or later (a late event judged in event time), or last seen longer ago than the history.
 * Explicit rather than "whatever pruning left", so the answer does not depend on when pruning ran.
 */
export function isNewAt(set: SeenSet, key: string, t: number, history = SEEN_HISTORY_SECONDS): boolean {
  const position = positionOf(set, key);
  return position < 0 || !rememberedAt(set, position, t, history);
}

export interface Familiarity {
  /** Times seen while remembered (for a late event, later sightings count too); 0 when new. */
  count: number;
  /** First sighting, epoch seconds; undefined when new. */
  first: number | undefined;
}

/** The key seen most often (ties: the one seen last), or undefined for an empty set: a customer's home country. */
export function mostSeen(set: SeenSet): string | undefined {
  let best: string | undefined;
  let bestTimes = 0;
  let bestLast = -Infinity;
  for (let i = 0; i < set.keys.length; i++) {
    const times = set.times[i * STRIDE + 2]!;
    const last = set.times[i * STRIDE + LAST]!;
    if (times > bestTimes || (times === bestTimes && last > bestLast)) [best, bestTimes, bestLast] = [set.keys[i], times, last];
  }
  return best;
}

/** When the key was first seen, as long as the set remembers it; undefined when it does not. */
export function firstSeen(set: SeenSet, key: string): number | undefined {
  const position = positionOf(set, key);
  return position < 0 ? undefined : set.times[position * STRIDE]!;
}

/** Known at t, and first seen more than `age` before it: a payee paid before today, a merchant that is no longer new today. */
export function knownLongerThan(set: SeenSet, key: string, t: number, age: number, history = SEEN_HISTORY_SECONDS): boolean {
  const { first } = familiarityAt(set, key, t, history);
  return first !== undefined && t - first > age;
}

/** How familiar a key is at t: never seen (as isNewAt says) reads as 0 sightings. */
export function familiarityAt(set: SeenSet, key: string | undefined, t: number, history = SEEN_HISTORY_SECONDS): Familiarity {
  const position = key === undefined ? -1 : positionOf(set, key);
  if (position < 0 || !rememberedAt(set, position, t, history)) return UNKNOWN;
  return { count: set.times[position * STRIDE + COUNT]!, first: set.times[position * STRIDE]! };
}

const UNKNOWN: Familiarity = Object.freeze({ count: 0, first: undefined });

/**
 * Whether the set holds a key other than `key`, first seen more than `age` before t and seen
 * within the history before t: the customer's established device (network, country).
 */
export function anotherEstablished(set: SeenSet, key: string, t: number, age: number, history: number): boolean {
  for (let i = 0; i < seenCount(set); i++) {
    const at = i * STRIDE;
    if (set.keys[i] !== key && t - set.times[at]! > age && set.times[at + LAST]! >= t - history) return true;
  }
  return false;
}

/**
 * Whether another key first seen at least `gap` before `since` (the key's own first sighting) was
 * seen within `recent` before t: a device added beside one still in use, not in its place.
 */
export function olderStillInUse(set: SeenSet, key: string, since: number, t: number, gap: number, recent: number): boolean {
  for (let i = 0; i < seenCount(set); i++) {
    const at = i * STRIDE;
    if (set.keys[i] !== key && set.times[at]! <= since - gap && set.times[at + LAST]! >= t - recent) return true;
  }
  return false;
}

/** Keys first seen within [t − W, t]: new payers in a day, whatever order their credits arrived in. */
export function firstSeenInWindow(set: SeenSet, t: number, window: number): number {
  let first = 0;
  for (let at = 0; at < set.times.length; at += STRIDE) {
    const firstSeen = set.times[at]!;
    if (firstSeen <= t && firstSeen >= t - window) first++;
  }
  return first;
}

/**
 * Keys seen within [t − W, t]. Exact for t at or after the newest event; for a late event a key
 * counts when first seen by t and last seen after t − W (gaps in between are not remembered).
 */
export function distinctInWindow(set: SeenSet, t: number, window: number): number {
  let distinct = 0;
  for (let at = 0; at < set.times.length; at += STRIDE) if (set.times[at]! <= t && set.times[at + LAST]! >= t - window) distinct++;
  return distinct;
}

/** Seen in the history before t: first seen before t, last seen within the history. */
function rememberedAt(set: SeenSet, position: number, t: number, history: number): boolean {
  const at = position * STRIDE;
  return set.times[at]! < t && set.times[at + LAST]! >= t - history;
}

/** A plain loop: this runs several times per event over sets of up to 64 keys. */
function positionOf(set: SeenSet, key: string): number {
  for (let i = 0; i < set.keys.length; i++) if (set.keys[i] === key) return i;
  return -1;
}

function keepOnly(set: SeenSet, keep: (i: number) => boolean): SeenSet {
  const kept = emptySeenSet();
  for (let i = 0; i < seenCount(set); i++) {
    if (!keep(i)) continue;
    const at = i * STRIDE;
    kept.keys.push(set.keys[i]!);
    kept.times.push(set.times[at]!, set.times[at + LAST]!, set.times[at + COUNT]!);
  }
  return kept;
}

/** Seen less recently than entry b (ties by key). */
function staler(set: SeenSet, a: number, b: number): boolean {
  const lastA = set.times[a * STRIDE + LAST]!;
  const lastB = set.times[b * STRIDE + LAST]!;
  return lastA < lastB || (lastA === lastB && set.keys[a]! < set.keys[b]!);
}
