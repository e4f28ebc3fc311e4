// The control group of a campaign: customers for whom the offer is decided but not sent, so its
// uplift can be measured against them. Membership must be
// - stable: the same customer stays in (or out of) a campaign's control group on every event,
//   every worker and every release, so nothing is stored and nothing can drift;
// - independent across campaigns: each campaign draws its own group, and from the event
//   partitioning too (that hashes the customer id alone with plain FNV-1a), so a control group is
//   never one partition's customers.
// FNV-1a over campaign id, a separator and customer id, then murmur3's finaliser: FNV-1a alone
// spreads similar ids ("cust-1", "cust-2") poorly in its high bits; the finaliser avalanches
// every input bit into every output bit. Changing this function reshuffles every running
// campaign's control group: never change it, add a new one beside it.

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const utf8 = new TextEncoder();

function fnv1a(text: string): number {
  let hash = FNV_OFFSET;
  for (const byte of utf8.encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, FNV_PRIME);
  }
  return hash >>> 0;
}

function murmurFinalise(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The customer's fixed position in [0, 1) for a campaign. */
export function holdoutBucket(campaignId: string, customerId: string): number {
  // NUL cannot occur in either id, so ("ab", "c") and ("a", "bc") never collide.
  return murmurFinalise(fnv1a(`${campaignId}\u0000${customerId}`)) / 2 ** 32;
}

/** Whether the customer is in the campaign's control group: their bucket is below the holdout share. */
export function isInHoldout(campaign: { id: string; holdout_share: number }, customerId: string): boolean {
  return holdoutBucket(campaign.id, customerId) < campaign.holdout_share;
}
