import { minorFromGbp } from './amounts.js';
import {
  BILL_CATEGORIES, CARD_CATEGORIES, EMPLOYERS, FIRST_NAMES, HOME_COUNTRIES, LAST_NAMES, OTHER_BANKS, OWN_BANK,
  PENSION_PAYER, type City, type CountryProfile, type MerchantCategory,
} from './catalogue.js';
import { MerchantDirectory, type Merchant } from './merchants.js';
import type { SeededRandom } from './random.js';

export type CustomerTier = 'vip' | 'potential' | 'mass';
export type AgeBand = '18-24' | '25-34' | '35-49' | '50-64' | '65+';
export type ServiceChannel = 'mobile_app' | 'web' | 'branch' | 'call_centre';

export interface SimulatedDevice { readonly id: string; readonly kind: 'phone' | 'tablet' | 'desktop'; readonly ip: string }
export interface Payee { readonly id: string; readonly name: string; readonly account: string; readonly bank: string; readonly country: string }
export interface Employer { readonly id: string; readonly name: string; readonly bank: string }
export interface FavouriteMerchant { readonly merchant: Merchant; readonly category: MerchantCategory }
export interface DirectDebit { readonly merchant: Merchant; readonly dayOfMonth: number; readonly amountMinor: number; readonly varies: boolean }
export interface Loan { readonly product: 'loan' | 'mortgage'; readonly id: string; readonly dayOfMonth: number; readonly amountMinor: number }

export interface SimulatedCustomer {
  readonly id: string;
  readonly tier: CustomerTier;
  readonly ageBand: AgeBand;
  readonly homeCountry: string;
  readonly city: City;
  readonly currency: string;
  readonly account: string;
  /** Net monthly pay in minor units of `currency`. */
  readonly monthlySalaryMinor: number;
  /** Day of month pay arrives (1–28); moved to the Friday before when it falls on a weekend. */
  readonly salaryDay: number;
  readonly employer: Employer;
  /** Shares of the customer's contacts with the bank per service channel; they sum to 1. */
  readonly preferredChannels: Readonly<Record<ServiceChannel, number>>;
  readonly devices: readonly SimulatedDevice[];
  readonly favouriteMerchants: readonly FavouriteMerchant[];
  readonly payees: readonly Payee[];
  readonly directDebits: readonly DirectDebit[];
  readonly loan?: Loan;
  /** Multiplier on how often the customer spends (1 = typical). */
  readonly spendingPropensity: number;
  /** 0 (never online) to 1 (lives in the app). */
  readonly digitalActivity: number;
}

export interface Population {
  readonly customers: readonly SimulatedCustomer[];
  readonly merchants: MerchantDirectory;
}

export const TIER_SHARES: Readonly<Record<CustomerTier, number>> = { vip: 0.05, potential: 0.2, mass: 0.75 };
/** How much bigger a tier's typical purchase is than the mass market's. */
export const TIER_SPEND_FACTOR: Readonly<Record<CustomerTier, number>> = { vip: 2.6, potential: 1.4, mass: 1 };
const SALARY_GBP: Readonly<Record<CustomerTier, { median: number; sigma: number }>> = {
  vip: { median: 9500, sigma: 0.5 }, potential: { median: 3800, sigma: 0.35 }, mass: { median: 2100, sigma: 0.35 },
};
const AGE_BAND_SHARES: readonly (readonly [AgeBand, number])[] = [['18-24', 12], ['25-34', 22], ['35-49', 28], ['50-64', 22], ['65+', 16]];
/** Younger customers live in the app; older ones still walk into branches and phone. */
const CHANNEL_MIX: Readonly<Record<AgeBand, Record<ServiceChannel, number>>> = {
  '18-24': { mobile_app: 0.82, web: 0.13, branch: 0.02, call_centre: 0.03 },
  '25-34': { mobile_app: 0.74, web: 0.18, branch: 0.03, call_centre: 0.05 },
  '35-49': { mobile_app: 0.6, web: 0.27, branch: 0.05, call_centre: 0.08 },
  '50-64': { mobile_app: 0.42, web: 0.33, branch: 0.12, call_centre: 0.13 },
  '65+': { mobile_app: 0.2, web: 0.28, branch: 0.3, call_centre: 0.22 },
};

export function buildPopulation(count: number, rng: SeededRandom): Population {
  const customers: SimulatedCustomer[] = [];
  const merchants = new MerchantDirectory(HOME_COUNTRIES.map((country) => country.code));
  for (let index = 1; index <= count; index++) customers.push(buildCustomer(index, rng, merchants));
  return { customers, merchants };
}

function buildCustomer(index: number, rng: SeededRandom, merchants: MerchantDirectory): SimulatedCustomer {
  const number = String(index).padStart(6, '0');
  const tier = rng.weighted(Object.entries(TIER_SHARES) as [CustomerTier, number][]);
  const ageBand = rng.weighted(AGE_BAND_SHARES);
  const country = rng.weighted(HOME_COUNTRIES.map((profile) => [profile, profile.share] as const));
  // Half of the customers abroad keep a sterling account; the rest bank in their local currency.
  const currency = country.code === 'GB' || rng.chance(0.5) ? 'GBP' : country.currency;
  const salary = SALARY_GBP[tier];
  const preferredChannels = jitterShares(CHANNEL_MIX[ageBand], rng);
  const digitalActivity = clamp01(preferredChannels.mobile_app + preferredChannels.web + rng.normal() * 0.1);
  const employer = employerOf(rng, ageBand);
  // A state pension pays well below a working wage of the same tier.
  const payFactor = employer.name === PENSION_PAYER ? 0.45 : 1;
  return {
    id: `cust-${number}`,
    tier,
    ageBand,
    homeCountry: country.code,
    city: rng.pick(country.cities),
    currency,
    account: accountNumber(rng, 'GB', OWN_BANK),
    monthlySalaryMinor: minorFromGbp(Math.max(900, rng.logNormal(salary.median, salary.sigma)) * payFactor, currency),
    salaryDay: rng.weighted([[25, 30], [28, 25], [1, 15], [15, 10], [rng.int(2, 27), 20]]),
    employer,
    preferredChannels,
    devices: devicesOf(number, rng, preferredChannels),
    favouriteMerchants: favouritesOf(rng, merchants, country),
    payees: payeesOf(number, rng, country.code),
    directDebits: directDebitsOf(rng, merchants, country.code, currency, tier),
    ...loanOf(number, rng, currency, tier, ageBand),
    spendingPropensity: rng.logNormal(1, 0.45) * Math.pow(TIER_SPEND_FACTOR[tier], 0.3),
    digitalActivity,
  };
}

function jitterShares(base: Record<ServiceChannel, number>, rng: SeededRandom): Record<ServiceChannel, number> {
  const raw = Object.entries(base).map(([channel, share]) => [channel, share * rng.logNormal(1, 0.3)] as const);
  const total = raw.reduce((sum, [, share]) => sum + share, 0);
  return Object.fromEntries(raw.map(([channel, share]) => [channel, share / total])) as Record<ServiceChannel, number>;
}

function employerOf(rng: SeededRandom, ageBand: AgeBand): Employer {
  const name = ageBand === '65+' && rng.chance(0.8) ? PENSION_PAYER : rng.pick(EMPLOYERS);
  return employerCalled(name, rng.pick(OTHER_BANKS));
}

/** An employer (or pension payer) by name, with the id every simulated payslip from it carries. */
export function employerCalled(name: string, bank: string): Employer {
  return { id: `emp-${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`, name, bank };
}

function devicesOf(number: string, rng: SeededRandom, channels: Record<ServiceChannel, number>): SimulatedDevice[] {
  const count = rng.weighted([[1, 50], [2, 35], [3, 15]]);
  const devices: SimulatedDevice[] = [];
  for (let n = 1; n <= count; n++) {
    const kind = n === 1 && rng.chance(0.3 + channels.mobile_app) ? 'phone' : rng.weighted([['desktop', 5], ['tablet', 2], ['phone', 3]] as const);
    devices.push({ id: `dev-${number}-${n}`, kind, ip: ipAddress(rng) });
  }
  return devices;
}

/** Public-looking addresses: consumer ISP ranges, a fifth of them IPv6 as on real home broadband. */
function ipAddress(rng: SeededRandom): string {
  if (rng.chance(0.2)) {
    const groups = Array.from({ length: 3 }, () => rng.int(0, 0xffff).toString(16));
    return `2a00:23c${rng.int(0, 9)}:${groups.join(':')}::${rng.int(1, 0xfff).toString(16)}`;
  }
  const first = rng.pick([31, 51, 62, 77, 81, 86, 90, 92, 109, 145, 176, 185, 212, 213]);
  return `${first}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
}

function favouritesOf(rng: SeededRandom, merchants: MerchantDirectory, country: CountryProfile): FavouriteMerchant[] {
  const count = rng.int(4, 10);
  const favourites: FavouriteMerchant[] = [];
  for (let n = 0; n < count; n++) {
    const category = rng.weighted(CARD_CATEGORIES.map((c) => [c, c.weight] as const));
    favourites.push({ merchant: merchants.pick(rng, country.code, category), category });
  }
  return favourites;
}

function payeesOf(number: string, rng: SeededRandom, homeCountry: string): Payee[] {
  return Array.from({ length: rng.int(2, 8) }, (_, n) => {
    const bank = rng.chance(0.3) ? OWN_BANK : rng.pick(OTHER_BANKS);
    const country = rng.chance(0.95) ? homeCountry : rng.pick(HOME_COUNTRIES).code;
    const name = `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`;
    return { id: `payee-${number}-${n + 1}`, name, account: accountNumber(rng, country, bank), bank, country };
  });
}

function directDebitsOf(rng: SeededRandom, merchants: MerchantDirectory, country: string, currency: string, tier: CustomerTier): DirectDebit[] {
  return BILL_CATEGORIES.filter(() => rng.chance(0.7)).map((category) => ({
    merchant: merchants.pick(rng, country, category),
    dayOfMonth: rng.int(1, 28),
    amountMinor: minorFromGbp(rng.logNormal(category.medianGbp, category.sigma) * Math.sqrt(TIER_SPEND_FACTOR[tier]), currency),
    varies: category.label === 'utilities',
  }));
}

function loanOf(number: string, rng: SeededRandom, currency: string, tier: CustomerTier, ageBand: AgeBand): { loan?: Loan } {
  const borrows = ageBand !== '18-24' && ageBand !== '65+' ? 0.35 : 0.1;
  if (!rng.chance(borrows)) return {};
  const product = rng.chance(0.45) ? 'mortgage' : 'loan';
  const medianGbp = product === 'mortgage' ? 950 : 240;
  const amountMinor = minorFromGbp(rng.logNormal(medianGbp, 0.4) * Math.sqrt(TIER_SPEND_FACTOR[tier]), currency);
  return { loan: { product, id: `${product}-${number}`, dayOfMonth: rng.int(1, 28), amountMinor } };
}

/** An IBAN-shaped account number; the check digits are not real, only the shape is. */
function accountNumber(rng: SeededRandom, country: string, bank: string): string {
  const bankCode = bank.replace(/[^A-Za-z]/g, '').slice(0, 4).toUpperCase().padEnd(4, 'X');
  const digits = Array.from({ length: 14 }, () => rng.int(0, 9)).join('');
  return `${country}${rng.int(10, 99)}${bankCode}${digits}`;
}

function clamp01(value: number): number {
  return Math.min(1, Math.max(0, value));
}
