import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { holdoutBucket, isInHoldout } from '../../offers/index.js';

const IDS = Array.from({ length: 100_000 }, (_, i) => `cust-${i}`);

describe('holdout', () => {
  it('is stable: the same campaign and customer always land in the same bucket', () => {
    fc.assert(fc.property(fc.string(), fc.string(), (campaignId, customerId) => {
      expect(holdoutBucket(campaignId, customerId)).toBe(holdoutBucket(campaignId, customerId));
      const bucket = holdoutBucket(campaignId, customerId);
      expect(bucket).toBeGreaterThanOrEqual(0);
      expect(bucket).toBeLessThan(1);
    }));
  });

  it('never changes across releases (a change would reshuffle every running control group)', () => {
    expect(holdoutBucket('retention-offer', 'cust-1')).toBe(0.4928124942816794);
    expect(holdoutBucket('travel-card', 'cust-1')).toBe(0.6269706501625478);
  });

  it('does not confuse ids that concatenate alike', () => {
    expect(holdoutBucket('ab', 'c')).not.toBe(holdoutBucket('a', 'bc'));
  });

  it.each([0.05, 0.1, 0.2, 0.5])('holds out about %s of 100k sequential customer ids', (share) => {
    const held = IDS.filter((id) => isInHoldout({ id: 'retention-offer', holdout_share: share }, id)).length / IDS.length;
    // Binomial standard deviation at 100k is under 0.0016; allow five of them.
    expect(Math.abs(held - share)).toBeLessThan(5 * Math.sqrt((share * (1 - share)) / IDS.length));
  });

  it('spreads buckets uniformly over [0, 1) (chi-square over 20 bins)', () => {
    const bins = new Array<number>(20).fill(0);
    for (const id of IDS) bins[Math.floor(holdoutBucket('payroll-package', id) * 20)]! += 1;
    const expected = IDS.length / 20;
    const chiSquare = bins.reduce((sum, observed) => sum + (observed - expected) ** 2 / expected, 0);
    // 19 degrees of freedom: the 99.9th percentile is 43.8.
    expect(chiSquare).toBeLessThan(43.8);
  });

  it('draws an independent control group per campaign', () => {
    const share = 0.2;
    const inA = IDS.filter((id) => isInHoldout({ id: 'campaign-a', holdout_share: share }, id));
    const inBoth = inA.filter((id) => isInHoldout({ id: 'campaign-b', holdout_share: share }, id)).length / IDS.length;
    expect(Math.abs(inBoth - share * share)).toBeLessThan(0.005);
  });

  it('holds out nobody at share 0', () => {
    expect(IDS.slice(0, 10_000).some((id) => isInHoldout({ id: 'birthday-greeting', holdout_share: 0 }, id))).toBe(false);
  });
});
