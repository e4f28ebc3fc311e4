import type { CustomerProfile, ProfileStore } from '../customers/index.js';

// Customers' CRM profiles as they stood, for a replay. The workers read a customer's profile with
// every batch: segmentation takes tiers from it, rules read `profile.*`, and a birthday brings the
// customer's review forward. The profile store keeps each customer's current version and the ones
// before it (customers/profileStore.ts, 10 by default), each stamped with when it was written; a
// replayed event is assessed with the version that was current when the live pipeline processed
// it (its `processed_at` in the archive). Customers are keyed by pseudonym, as the replayed events are.

export interface ProfileHistory {
  /** The profile current at `atMs` (wall time of processing), or undefined when none was. */
  at(customer: string, atMs: number): CustomerProfile | undefined;
}

interface Version {
  fromMs: number;
  profile: CustomerProfile;
}

export class ProfileTimeline implements ProfileHistory {
  private readonly byCustomer = new Map<string, Version[]>();

  /** A customer's versions, in any order. */
  add(customer: string, versions: readonly { updatedAt: string; profile: CustomerProfile }[]): void {
    const sorted = versions.map((v) => ({ fromMs: Date.parse(v.updatedAt), profile: v.profile })).sort((a, b) => a.fromMs - b.fromMs);
    if (sorted.length > 0) this.byCustomer.set(customer, sorted);
  }

  get customers(): number {
    return this.byCustomer.size;
  }

  at(customer: string, atMs: number): CustomerProfile | undefined {
    const versions = this.byCustomer.get(customer);
    if (!versions) return undefined;
    let current: CustomerProfile | undefined;
    for (const version of versions) {
      if (version.fromMs > atMs) break;
      current = version.profile;
    }
    return current;
  }
}

/**
 * Every profile the store holds, with its kept history, by pseudonym. A version older than the
 * kept history is gone: before the oldest kept one the customer replays without a profile.
 */
export async function profileTimeline(store: ProfileStore, pseudonymise: (customerId: string) => string): Promise<ProfileTimeline> {
  const timeline = new ProfileTimeline();
  for await (const { customerId, versions } of store.everyCustomer()) timeline.add(pseudonymise(customerId), versions);
  return timeline;
}
