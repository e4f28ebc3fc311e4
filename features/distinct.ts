import type { SeenEntry } from './state.js';
import { SEEN_HISTORY_SECONDS } from './windows.js';

/**
 * Bounded distinct counting: each seen set keeps at most 64 keys with their first and last
 * sighting. When full, the key seen least recently leaves (ties by key), so which keys are kept
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
  const position = next.findIndex((entry) => entry[0] === key);
  const existing = next[position];
  if (existing) next[position] = [key, Math.min(existing[1], t), Math.max(existing[2], t)];
  else next.push([key, t, t]);
  return next;
}

/** Forgets keys last seen before `oldestKept`, then the least recently seen beyond the cap. */
export function pruneSeen(set: SeenEntry[], oldestKept: number): SeenEntry[] {
  let kept = set.some((entry) => entry[2] < oldestKept) ? set.filter((entry) => entry[2] >= oldestKept) : set;
  while (kept.length > SEEN_SET_CAP) {
    let stalest = 0;
    for (let i = 1; i < kept.length; i++) if (staler(kept[i]!, kept[stalest]!)) stalest = i;
    kept = kept.filter((_, i) => i !== stalest);
  }
  return kept;
}

/**
 * Not seen in the 90 days before t: absent, first seen at t or later (a late event judged in event
 * time), or last seen more than 90 days earlier. Explicit rather than "whatever pruning left", so
 * the answer does not depend on when pruning ran.
 */
export function isNewAt(set: readonly SeenEntry[], key: string, t: number): boolean {
  const entry = set.find((candidate) => candidate[0] === key);
  return entry === undefined || entry[1] >= t || entry[2] < t - SEEN_HISTORY_SECONDS;
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
