import type { SeenEntry, SeenSetName } from './state.js';
import { LONG_SEEN_HISTORY_SECONDS, SEEN_HISTORY_SECONDS } from './windows.js';

/** How long each seen set remembers a key after its last sighting (windows.ts says why). */
export const SEEN_HISTORY: Readonly<Record<SeenSetName, number>> = {
  m: SEEN_HISTORY_SECONDS, k: SEEN_HISTORY_SECONDS,
  c: LONG_SEEN_HISTORY_SECONDS, d: LONG_SEEN_HISTORY_SECONDS, p: LONG_SEEN_HISTORY_SECONDS, n: LONG_SEEN_HISTORY_SECONDS,
  i: LONG_SEEN_HISTORY_SECONDS,
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

/** Records a sighting of `key` at t; returns a new set (the input is not changed). */
export function recordSighting(set: readonly SeenEntry[], key: string, t: number): SeenEntry[] {
  const next = set.slice();
  let position = -1;
  for (let i = 0; i < next.length && position < 0; i++) if (next[i]![0] === key) position = i;
  const existing = next[position];
  if (existing) next[position] = [key, Math.min(existing[1], t), Math.max(existing[2], t), existing[3] + 1];
  else next.push([key, t, t, 1]);
  return next;
}

/** Forgets keys last seen before `oldestKept`, then the least recently seen beyond the cap. */
export function pruneSeen(set: SeenEntry[], oldestKept: number): SeenEntry[] {
  let stale = false;
  for (let i = 0; i < set.length && !stale; i++) stale = set[i]![2] < oldestKept;
  let kept = stale ? set.filter((entry) => entry[2] >= oldestKept) : set;
  while (kept.length > SEEN_SET_CAP) {
    let stalest = 0;
    for (let i = 1; i < kept.length; i++) if (staler(kept[i]!, kept[stalest]!)) stalest = i;
    kept = kept.filter((_, i) => i !== stalest);
  }
  return kept;
}

/**
 * Not seen in the history before t (90 days for merchants, see SEEN_HISTORY): absent, first seen
 * at t or later (a late event judged in event time), or last seen longer ago than the history.
 * Explicit rather than "whatever pruning left", so the answer does not depend on when pruning ran.
 */
export function isNewAt(set: readonly SeenEntry[], key: string, t: number, history = SEEN_HISTORY_SECONDS): boolean {
  const entry = findEntry(set, key);
  return entry === undefined || entry[1] >= t || entry[2] < t - history;
}

export interface Familiarity {
  /** Times seen while remembered (for a late event, later sightings count too); 0 when new. */
  count: number;
  /** First sighting, epoch seconds; undefined when new. */
  first: number | undefined;
}

/** How familiar a key is at t: never seen (as isNewAt says) reads as 0 sightings. */
export function familiarityAt(set: readonly SeenEntry[], key: string | undefined, t: number, history = SEEN_HISTORY_SECONDS): Familiarity {
  const entry = key === undefined ? undefined : findEntry(set, key);
  if (entry === undefined || entry[1] >= t || entry[2] < t - history) return UNKNOWN;
  return { count: entry[3], first: entry[1] };
}

const UNKNOWN: Familiarity = Object.freeze({ count: 0, first: undefined });

/** A plain loop: this runs several times per event over sets of up to 64 keys. */
function findEntry(set: readonly SeenEntry[], key: string): SeenEntry | undefined {
  for (let i = 0; i < set.length; i++) if (set[i]![0] === key) return set[i];
  return undefined;
}

/** Keys first seen within [t − W, t]: new payers in a day, whatever order their credits arrived in. */
export function firstSeenInWindow(set: readonly SeenEntry[], t: number, window: number): number {
  let first = 0;
  for (const [, firstSeen] of set) if (firstSeen <= t && firstSeen >= t - window) first++;
  return first;
}

/**
 * Keys seen within [t − W, t]. Exact for t at or after the newest event; for a late event a key
 * counts when first seen by t and last seen after t − W (gaps in between are not remembered).
 */
export function distinctInWindow(set: readonly SeenEntry[], t: number, window: number): number {
  let distinct = 0;
  for (const [, first, last] of set) if (first <= t && last >= t - window) distinct++;
  return distinct;
}

function staler(a: SeenEntry, b: SeenEntry): boolean {
  return a[2] < b[2] || (a[2] === b[2] && a[0] < b[0]);
}
