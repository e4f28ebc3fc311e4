import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { partitionKeys, partitionOf } from '../../core/streams/index.js';

describe('customer partitioning', () => {
  it('always maps one customer to the same partition within range', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 64 }), fc.integer({ min: 1, max: 1024 }), (customer, partitions) => {
        const p = partitionOf(customer, partitions);
        expect(p).toBe(partitionOf(customer, partitions));
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThan(partitions);
      }),
    );
  });

  it('spreads customers evenly: no partition of 8 gets more than 15% of 80,000 customers', () => {
    const counts = new Array(8).fill(0);
    for (let i = 0; i < 80_000; i++) counts[partitionOf(`cust-${String(i).padStart(6, '0')}`, 8)]++;
    expect(Math.max(...counts) / 80_000).toBeLessThan(0.15);
    expect(Math.min(...counts) / 80_000).toBeGreaterThan(0.1);
  });

  it('is stable across releases: FNV-1a values that stored streams depend on', () => {
    // FNV-1a("a") = 0xe40c292c = 3826002220, the published test vector.
    expect(partitionOf('a', 1000)).toBe(220);
    expect([partitionOf('cust-000001', 8), partitionOf('cust-000002', 8), partitionOf('alice', 16)]).toEqual([2, 7, 7]);
  });

  it('gives all keys of one partition the same Redis Cluster hash tag', () => {
    const keys = partitionKeys('vigil', 3);
    const tags = [keys.stream, keys.seenPrefix, keys.appliedPrefix, keys.attempts, keys.flushIntent, keys.lease, keys.customerPrefix]
      .map((k) => /\{([^}]+)\}/.exec(k)?.[1]);
    expect(new Set(tags)).toEqual(new Set(['vigil:p3']));
  });
});
