// Redis key layout of lists. Every key shares the hash tag {<prefix>:lists}, so one Lua script
// writes an entry, its expiry, the change record workers follow and the audit record together
// (on a Redis Cluster all lists live in one slot: fine for the millions of entries a bank keeps).
// Snoozes are per customer and live with the customer's partition (core/streams/keys.ts).

export interface ListKeys {
  /** Hash list name → stored list JSON (definition, who created and last changed it). */
  definitions: string;
  /** Counter bumped by every change; each change record carries the value it was bumped to. */
  revision: string;
  /** Stream of changes (list put/deleted, entry put/deleted) workers apply to their copy; capped. */
  changes: string;
  /** Stream of who changed what, newest last; the audit trail. */
  audit: string;
  /** Hash normalised value → stored entry JSON, per list. */
  entries(list: string): string;
  /** Sorted set value → expiry (ms), per list: what the sweep removes. */
  expiries(list: string): string;
}

export function listKeys(prefix: string): ListKeys {
  const tag = `${prefix}:lists:{${prefix}:lists}`;
  return {
    definitions: `${tag}:defs`,
    revision: `${tag}:revision`,
    changes: `${tag}:changes`,
    audit: `${tag}:audit`,
    entries: (list) => `${tag}:entries:${list}`,
    expiries: (list) => `${tag}:expiries:${list}`,
  };
}
