import { describe, expect, it } from 'vitest';
import { customerProfileSchema } from '../../customers/profile.js';
import { BankSimulator, simulatedProfiles } from '../../simulator/index.js';

describe('simulated CRM profiles', () => {
  const population = new BankSimulator({ customers: 400, seed: 11, start: new Date('2026-03-02T00:00:00Z') }).population;
  const today = new Date('2026-12-07T09:00:00Z');

  it('give every product held the day it was opened, the current account first, none today or later, and pass the import schema', () => {
    for (const { profile } of simulatedProfiles(population, { seed: 11, today })) {
      expect(customerProfileSchema.safeParse(profile).success).toBe(true);
      const opened = profile.products_opened!;
      expect(opened.map((o) => o.product)).toEqual(profile.products_held);
      const account = opened.find((o) => o.product === 'current_account')!;
      for (const o of opened) {
        expect(o.opened_on < '2026-12-07').toBe(true);
        expect(o.opened_on >= account.opened_on).toBe(true);
      }
    }
  });

  it('open a product on this day in an earlier year for the share asked, so the anniversary campaign has customers to thank', () => {
    const withAnniversary = simulatedProfiles(population, { seed: 11, today, anniversaryTodayShare: 0.25 })
      .filter(({ profile }) => profile.products_opened!.some((o) => o.opened_on.slice(5) === '12-07' && o.opened_on < '2026'));
    expect(withAnniversary.length / population.length).toBeGreaterThan(0.15);
    expect(withAnniversary.length / population.length).toBeLessThan(0.35);
  });

  it('leave every other field as it was without the opening dates: they draw from a stream of their own', () => {
    const plain = simulatedProfiles(population, { seed: 11, today });
    const withShare = simulatedProfiles(population, { seed: 11, today, anniversaryTodayShare: 0.5 });
    const strip = (rows: typeof plain) => rows.map(({ profile: { products_opened: _, ...rest } }) => rest);
    expect(strip(withShare)).toEqual(strip(plain));
  });
});
