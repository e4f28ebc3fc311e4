import type { CustomerProfile } from '../customers/profile.js';
import type { SimulatedCustomer } from './population.js';
import { SeededRandom, deriveSeed } from './random.js';

// CRM reference data for the simulated customers, as a bank's nightly profile export would carry
// it: assets, products and when each was opened, suitability, consent per channel, time zone and birthday. Reproducible
// from the seed and independent of the event stream's draws, so adding profiles changes no event.

const TIME_ZONES: Readonly<Record<string, string>> = {
  GB: 'Europe/London', IE: 'Europe/Dublin', FR: 'Europe/Paris', DE: 'Europe/Berlin', PL: 'Europe/Warsaw', US: 'America/New_York', JP: 'Asia/Tokyo',
};
const LANGUAGES: Readonly<Record<string, string>> = { GB: 'en-GB', IE: 'en-IE', FR: 'fr-FR', DE: 'de-DE', PL: 'pl-PL', US: 'en-US', JP: 'ja-JP' };
const AUM_MONTHS_OF_PAY: Readonly<Record<SimulatedCustomer['tier'], number>> = { vip: 40, potential: 12, mass: 3 };
const AGE_RANGE: Readonly<Record<SimulatedCustomer['ageBand'], [number, number]>> = {
  '18-24': [18, 24], '25-34': [25, 34], '35-49': [35, 49], '50-64': [50, 64], '65+': [65, 88],
};

export interface ProfileOptions {
  seed: number;
  /** Share of customers whose birthday is today, so the birthday campaign shows in a short demo. */
  birthdayTodayShare?: number;
  /** Share of customers with a product opened on this day in an earlier year, so the anniversary campaign shows too. */
  anniversaryTodayShare?: number;
  today?: Date;
}

export function simulatedProfiles(customers: readonly SimulatedCustomer[], opts: ProfileOptions): { customerId: string; profile: CustomerProfile }[] {
  const rng = new SeededRandom(deriveSeed(opts.seed, 'profiles'));
  // The opening dates draw from a stream of their own, so every other field is as it was before they existed.
  const openings = new SeededRandom(deriveSeed(opts.seed, 'product-openings'));
  const today = opts.today ?? new Date();
  return customers.map((customer) => {
    const profile = profileOf(customer, rng, today, opts.birthdayTodayShare ?? 0);
    return { customerId: customer.id, profile: { ...profile, products_opened: productsOpened(profile, openings, today, opts.anniversaryTodayShare ?? 0) } };
  });
}

/**
 * The current account first, up to the customer's adult years (at most 30 back); every other
 * product since then. Never today itself: an anniversary is a year or more.
 */
function productsOpened(profile: CustomerProfile, rng: SeededRandom, today: Date, todayShare: number): { product: string; opened_on: string }[] {
  const adultYears = Math.max(1, Math.min(30, (profile.age ?? 30) - 18));
  const dayMs = 86_400_000;
  const accountOpenedMs = today.getTime() - (1 + rng.next() * (adultYears * 365 - 1)) * dayMs;
  const opened = (profile.products_held ?? []).map((product) => {
    const atMs = product === 'current_account' ? accountOpenedMs : accountOpenedMs + rng.next() * (today.getTime() - dayMs - accountOpenedMs);
    return { product, opened_on: new Date(atMs).toISOString().slice(0, 10) };
  });
  const anniversary = opened.length > 0 && rng.chance(todayShare) ? rng.int(0, opened.length - 1) : -1;
  if (anniversary >= 0) {
    const years = 1 + Math.floor(rng.next() * adultYears);
    const leapDay = today.getUTCMonth() === 1 && today.getUTCDate() === 29;
    opened[anniversary] = { product: opened[anniversary]!.product, opened_on: isoDate(today.getUTCFullYear() - years, today.getUTCMonth(), leapDay ? 28 : today.getUTCDate()) };
  }
  return opened;
}

function profileOf(customer: SimulatedCustomer, rng: SeededRandom, today: Date, birthdayTodayShare: number): CustomerProfile {
  const [youngest, oldest] = AGE_RANGE[customer.ageBand];
  const age = youngest + Math.floor(rng.next() * (oldest - youngest + 1));
  const monthlyPay = customer.monthlySalaryMinor / 100;
  const products = ['current_account', 'debit_card'];
  if (rng.chance(0.35)) products.push('savings');
  if (rng.chance(customer.tier === 'mass' ? 0.2 : 0.5)) products.push('credit_card');
  if (customer.tier !== 'mass' && rng.chance(0.4)) products.push('investment');
  if (customer.loan) products.push(customer.loan.product);
  const app = customer.digitalActivity > 0.5;
  return {
    assets_under_management: Math.round(monthlyPay * AUM_MONTHS_OF_PAY[customer.tier] * (0.5 + rng.next())),
    products_held: products,
    age,
    risk_tolerance: rng.weighted([['low', 0.45], ['medium', 0.4], ['high', 0.15]]),
    preferred_channel: app ? 'push' : rng.chance(0.7) ? 'email' : 'sms',
    language: LANGUAGES[customer.homeCountry] ?? 'en-GB',
    ...(customer.tier === 'vip' && { relationship_manager: `rm-${1 + Math.floor(rng.next() * 12)}` }),
    birthday: birthday(age, rng, today, birthdayTodayShare),
    time_zone: TIME_ZONES[customer.homeCountry] ?? 'Europe/London',
    kyc_status: rng.chance(0.96) ? 'verified' : 'pending',
    marketing_consent: { push: app && rng.chance(0.8), email: rng.chance(0.65), sms: rng.chance(0.3), rm_task: customer.tier === 'vip' },
    ...(rng.chance(0.04) && { opted_out: true }),
  };
}

function birthday(age: number, rng: SeededRandom, today: Date, todayShare: number): string {
  const year = today.getUTCFullYear() - age;
  // 29 February exists only in leap years; isBirthday celebrates it on the 28th otherwise.
  const leapDay = today.getUTCMonth() === 1 && today.getUTCDate() === 29;
  if (rng.chance(todayShare)) return isoDate(year, today.getUTCMonth(), leapDay ? 28 : today.getUTCDate());
  return isoDate(year, Math.floor(rng.next() * 12), 1 + Math.floor(rng.next() * 28));
}

function isoDate(year: number, monthIndex: number, day: number): string {
  return `${year}-${String(monthIndex + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
