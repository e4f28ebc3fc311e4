import { describe, expect, it } from 'vitest';
import { BankSimulator, TIER_SHARES, type CustomerTier } from '../../simulator/index.js';

describe('simulated population', () => {
  const population = new BankSimulator({ customers: 5000, seed: 42, start: new Date('2026-03-02T00:00:00Z') }).population;

  it('splits customers into VIP, potential and mass tiers at about the configured shares', () => {
    const counts: Record<CustomerTier, number> = { vip: 0, potential: 0, mass: 0 };
    for (const customer of population) counts[customer.tier] += 1;
    for (const tier of Object.keys(TIER_SHARES) as CustomerTier[]) {
      expect(counts[tier] / population.length).toBeCloseTo(TIER_SHARES[tier], 1);
    }
  });

  it('numbers customers cust-000001 onwards', () => {
    expect(population[0]?.id).toBe('cust-000001');
    expect(population[4999]?.id).toBe('cust-005000');
  });

  it('pays VIPs more than potential customers, and those more than the mass market', () => {
    const median = (tier: CustomerTier) => {
      const salaries = population.filter((c) => c.tier === tier && c.currency === 'GBP').map((c) => c.monthlySalaryMinor).sort((a, b) => a - b);
      return salaries[Math.floor(salaries.length / 2)] ?? 0;
    };
    expect(median('vip')).toBeGreaterThan(median('potential'));
    expect(median('potential')).toBeGreaterThan(median('mass'));
  });

  it('mostly lives in one home country, with a minority abroad', () => {
    const inGb = population.filter((customer) => customer.homeCountry === 'GB').length / population.length;
    expect(inGb).toBeGreaterThan(0.8);
    expect(inGb).toBeLessThan(0.9);
  });

  it('gives every customer 1–3 own devices, a payday within 1–28 and channel shares summing to 1', () => {
    const deviceIds = new Set<string>();
    for (const customer of population) {
      expect(customer.devices.length).toBeGreaterThanOrEqual(1);
      expect(customer.devices.length).toBeLessThanOrEqual(3);
      for (const device of customer.devices) deviceIds.add(device.id);
      expect(customer.salaryDay).toBeGreaterThanOrEqual(1);
      expect(customer.salaryDay).toBeLessThanOrEqual(28);
      const shares = Object.values(customer.preferredChannels).reduce((sum, share) => sum + share, 0);
      expect(shares).toBeCloseTo(1, 9);
      expect(customer.favouriteMerchants.length).toBeGreaterThan(0);
      expect(customer.digitalActivity).toBeGreaterThanOrEqual(0);
      expect(customer.digitalActivity).toBeLessThanOrEqual(1);
    }
    expect(deviceIds.size).toBe(population.reduce((sum, customer) => sum + customer.devices.length, 0));
  });

  it('has older customers prefer branches and younger ones the app', () => {
    const meanShare = (band: string, channel: 'branch' | 'mobile_app') => {
      const group = population.filter((customer) => customer.ageBand === band);
      return group.reduce((sum, customer) => sum + customer.preferredChannels[channel], 0) / group.length;
    };
    expect(meanShare('65+', 'branch')).toBeGreaterThan(meanShare('18-24', 'branch') * 5);
    expect(meanShare('18-24', 'mobile_app')).toBeGreaterThan(meanShare('65+', 'mobile_app') * 2);
  });

  it('depends only on the seed, not on the clock, speed or rate of the stream', () => {
    const other = new BankSimulator({ customers: 5000, seed: 42, start: new Date('2031-07-19T15:00:00Z'), speed: 500, rate: 3 });
    other.next(100);
    expect(other.population).toEqual(population);
    expect(new BankSimulator({ customers: 5000, seed: 43 }).population).not.toEqual(population);
  });
});
