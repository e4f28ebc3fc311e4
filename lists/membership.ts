import { normaliseValue, type EntityKind, type ListPurpose } from './kinds.js';
import type { ListHeader } from './schema.js';

/** An entity found on a list: what an explanation says ("on block list blocked-devices: reason"). */
export interface ListHit {
  list: string;
  purpose: ListPurpose;
  kind: EntityKind;
  /** The normalised value that matched. */
  value: string;
  reason: string;
  expiresAt: string;
}

/**
 * Membership as rules see it: the lists at one instant. A list that does not exist (here, yet) is
 * empty: nothing is on it, so `in_list` is false and `not_in_list` true.
 */
export interface ListLookup {
  find(list: string, value: string): ListHit | undefined;
}

/** One entry as a worker keeps it: two fields, the reason string shared between entries that repeat it. */
interface HeldEntry {
  reason: string;
  expiresAtMs: number;
}

interface HeldList {
  header: ListHeader;
  entries: Map<string, HeldEntry>;
  /** Reasons are interned: an import of 100,000 rows with one reason holds one string, not 100,000. */
  reasons: Map<string, string>;
}

/**
 * Every list in memory, for matching events without a Redis round trip: a Map per list, keyed by
 * the normalised value. Entries past their expiry are ignored when looked up and removed when the
 * sweep's change arrives. No I/O: the registry (listRegistry.ts) feeds it changes.
 */
export class ListSnapshot {
  private readonly lists = new Map<string, HeldList>();

  /** Creates the list, or updates its header keeping its entries. */
  putList(header: ListHeader): void {
    const held = this.lists.get(header.name);
    if (held) held.header = header;
    else this.lists.set(header.name, { header, entries: new Map(), reasons: new Map() });
  }

  deleteList(name: string): void {
    this.lists.delete(name);
  }

  putEntry(list: string, value: string, reason: string, expiresAtMs: number): void {
    const held = this.lists.get(list);
    if (!held) return;
    // Reasons of replaced or removed entries would stay interned for ever; start afresh past a bound
    // (entries keep the strings they hold, only later ones stop sharing with earlier ones).
    if (held.reasons.size > held.entries.size + 1000) held.reasons.clear();
    let shared = held.reasons.get(reason);
    if (shared === undefined) held.reasons.set(reason, (shared = reason));
    held.entries.set(value, { reason: shared, expiresAtMs });
  }

  deleteEntry(list: string, value: string): void {
    this.lists.get(list)?.entries.delete(value);
  }

  /** Entries held per list (expired ones until swept), for the size gauge. */
  sizes(): Map<string, number> {
    return new Map([...this.lists].map(([name, held]) => [name, held.entries.size]));
  }

  headers(): ListHeader[] {
    return [...this.lists.values()].map((held) => held.header);
  }

  /** The lists as they stand at `nowMs`: entries expired by then are not on them. */
  at(nowMs: number): ListLookup {
    return {
      find: (list, rawValue) => {
        const held = this.lists.get(list);
        if (!held) return undefined;
        const normalised = normaliseValue(held.header.kind, rawValue);
        if (!normalised.ok) return undefined;
        const entry = held.entries.get(normalised.value);
        if (!entry || entry.expiresAtMs <= nowMs) return undefined;
        const { name, purpose, kind } = held.header;
        return { list: name, purpose, kind, value: normalised.value, reason: entry.reason, expiresAt: new Date(entry.expiresAtMs).toISOString() };
      },
    };
  }
}
