import type { z } from 'zod';
import type { merchantSchema } from '../core/events/index.js';
import { BILL_CATEGORIES, CARD_CATEGORIES, type MerchantCategory } from './catalogue.js';
import type { SeededRandom } from './random.js';

export type Merchant = z.input<typeof merchantSchema>;

const OUTLETS_PER_BRAND = 3;

/**
 * Every merchant the simulated customers can pay, per country and category. Ids are stable
 * (`mer-gb-5411-07`) so a customer's favourite shop recurs across the stream, as in real data.
 */
export class MerchantDirectory {
  private readonly byCountryAndMcc = new Map<string, readonly Merchant[]>();

  constructor(countries: readonly string[]) {
    for (const country of new Set(countries)) {
      for (const category of [...CARD_CATEGORIES, ...BILL_CATEGORIES]) {
        this.byCountryAndMcc.set(key(country, category.mcc), outletsOf(country, category));
      }
    }
  }

  /** A merchant of the category in the country; travel countries get their directory on demand. */
  pick(rng: SeededRandom, country: string, category: MerchantCategory): Merchant {
    let merchants = this.byCountryAndMcc.get(key(country, category.mcc));
    if (!merchants) {
      merchants = outletsOf(country, category);
      this.byCountryAndMcc.set(key(country, category.mcc), merchants);
    }
    return rng.pick(merchants);
  }
}

function key(country: string, mcc: string): string {
  return `${country}:${mcc}`;
}

function outletsOf(country: string, category: MerchantCategory): Merchant[] {
  const outlets: Merchant[] = [];
  category.brands.forEach((brand, brandIndex) => {
    for (let outlet = 1; outlet <= OUTLETS_PER_BRAND; outlet++) {
      const number = String(brandIndex * OUTLETS_PER_BRAND + outlet).padStart(2, '0');
      outlets.push({ id: `mer-${country.toLowerCase()}-${category.mcc}-${number}`, mcc: category.mcc, country, name: `${brand} ${outlet}` });
    }
  });
  return outlets;
}
