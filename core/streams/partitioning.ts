/**
 * Every event of one customer goes to the same partition, so one consumer sees them in order.
 * FNV-1a is stable across processes and versions, unlike anything seeded.
 */
export function partitionOf(customerId: string, partitions: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < customerId.length; i++) {
    hash ^= customerId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % partitions;
}
