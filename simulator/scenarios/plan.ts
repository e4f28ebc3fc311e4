import type { MerchantDirectory } from '../merchants.js';
import type { SimulatedCustomer } from '../population.js';
import { SeededRandom, deriveSeed } from '../random.js';
import { accountTakeover, dormantAccount, moneyMule, unusualAmount } from './accountFraud.js';
import { cardTesting, impossibleTravel, velocityBurst } from './cardFraud.js';
import { activityDecline, appSessionsFading, complaintsThenClosure, outflowsToOtherBanks, salaryStopped } from './churn.js';
import {
  arrearsSpiral, cardMaxing, creditBook, friendLoanRepaid, holdsCreditCard, holidayOnTheCard, missedRepayments, occasionalFlutter, oneOffLatePayment,
  oneReturnedDebit, paydayLoans,
} from './credit.js';
import { DAY_MS, HOUR_MS, type Episode, type EpisodeContext } from './episode.js';
import {
  CHURN_NOISE_KINDS, CREDIT_NOISE_KINDS, LATER_CREDIT_NOISE_KINDS, LATER_NOISE_KINDS, NOISE_KINDS, type ChurnNoiseKind, type ChurnPattern, type CreditNoiseKind,
  type CreditPattern, type FraudTypology, type LaterCreditNoiseKind, type LaterNoiseKind, type NoiseKind,
} from './labels.js';
import {
  changesJobs, groupCollection, jobChange, knownRetailerPurchase, largeCashWithdrawal, newPhoneNewUtility, onlineShoppingEvening, quietSpell, returningCustomer,
  returningCustomerPays, savingElsewhere, splitPaymentNewPayee, subscriptionSignups, builderStagePayments, moneyHome, payeeChangesBank, cashForACar, marketDay,
  inAppPurchases, buyingAbroad, movingAbroad, domesticTrip, landlordChangesBank, nightOnline,
} from './lookalikes.js';
import { forgottenPassword, largePurchase, newDevice, newPayeeNoise, shoppingSpree, travelAbroad } from './noise.js';

/** An injector gets a customer and a start time and returns the extra events; `endMs` is where the stream stops. */
export type Injector = (ctx: EpisodeContext, atMs: number, endMs: number) => Episode;

export const FRAUD_INJECTORS: Readonly<Record<FraudTypology, Injector>> = {
  'card-testing': cardTesting,
  'account-takeover': accountTakeover,
  'velocity-burst': velocityBurst,
  'impossible-travel': impossibleTravel,
  'money-mule': moneyMule,
  'unusual-amount': unusualAmount,
  'dormant-account': dormantAccount,
};

export const CHURN_INJECTORS: Readonly<Record<ChurnPattern, Injector>> = {
  'activity-decline': activityDecline,
  'salary-stopped': salaryStopped,
  'outflows-to-other-banks': outflowsToOtherBanks,
  'complaints-then-closure': complaintsThenClosure,
  'app-sessions-fading': appSessionsFading,
};

export const NOISE_INJECTORS: Readonly<Record<NoiseKind, Injector>> = {
  'new-device': newDevice,
  'travel-abroad': travelAbroad,
  'large-purchase': largePurchase,
  'password-reset': forgottenPassword,
  'new-payee': newPayeeNoise,
  'shopping-spree': shoppingSpree,
  'known-retailer-purchase': knownRetailerPurchase,
  'large-cash-withdrawal': largeCashWithdrawal,
  'subscription-signups': subscriptionSignups,
  'new-phone-new-utility': newPhoneNewUtility,
  'group-collection': groupCollection,
  'returning-customer': returningCustomer,
  'saving-elsewhere': savingElsewhere,
};

export const LATER_NOISE_INJECTORS: Readonly<Record<LaterNoiseKind, Injector>> = {
  'split-payment-new-payee': splitPaymentNewPayee,
  'builder-stage-payments': builderStagePayments,
  'money-home': moneyHome,
  'payee-changes-bank': payeeChangesBank,
  'cash-for-a-car': cashForACar,
  'market-day': marketDay,
  'in-app-purchases': inAppPurchases,
  'buying-abroad': buyingAbroad,
  'moving-abroad': movingAbroad,
  'online-shopping-evening': onlineShoppingEvening,
  'returning-customer-pays': returningCustomerPays,
  'domestic-trip': domesticTrip,
  'landlord-changes-bank': landlordChangesBank,
  'night-online': nightOnline,
};

export const CREDIT_INJECTORS: Readonly<Record<CreditPattern, Injector>> = {
  'arrears-spiral': arrearsSpiral,
  'card-maxing': cardMaxing,
  'missed-repayments': missedRepayments,
  'payday-loans': paydayLoans,
};

/**
 * Patterns planned after every other episode, each on a random stream of its own, rather than
 * dealt round-robin with the first three: dealing one more would have moved every credit customer
 * and look-alike, so adding it changed no other episode. Each gets as many customers as a dealt
 * pattern does.
 */
const PLANNED_APART: ReadonlySet<CreditPattern> = new Set(['payday-loans']);

/** Patterns that draw the customer's card statements themselves, in place of the ordinary book. */
const WRITES_STATEMENTS: ReadonlySet<CreditPattern> = new Set(['arrears-spiral', 'card-maxing']);

const CREDIT_NOISE_INJECTORS: Readonly<Record<CreditNoiseKind, Injector>> = {
  'one-off-late-payment': oneOffLatePayment,
  'returned-direct-debit': oneReturnedDebit,
  'holiday-on-the-card': holidayOnTheCard,
  'occasional-flutter': occasionalFlutter,
};

const LATER_CREDIT_NOISE_INJECTORS: Readonly<Record<LaterCreditNoiseKind, Injector>> = { 'friend-loan-repaid': friendLoanRepaid };

/** Per 90 days: a friend or relative lending a hand between paydays. An assumption, not a published figure. */
const LATER_CREDIT_NOISE_RATE_PER_90_DAYS: Readonly<Record<LaterCreditNoiseKind, number>> = { 'friend-loan-repaid': 0.08 };

/** Per 90 days, among those it can happen to (a loan to pay late, a card to take on holiday). Assumptions, not published figures. */
const CREDIT_NOISE_RATE_PER_90_DAYS: Readonly<Record<CreditNoiseKind, number>> = {
  'one-off-late-payment': 0.08, 'returned-direct-debit': 0.05, 'holiday-on-the-card': 0.1, 'occasional-flutter': 0.06,
};

/**
 * How often a genuine customer does each noisy thing in 90 days. On top of what the base
 * simulator already does (its own password resets, device enrolments and foreign card spend).
 * Assumptions, not published figures; rare ones (a long absence, a branch cash withdrawal for a
 * car) are rare here too.
 */
const NOISE_RATE_PER_90_DAYS: Readonly<Record<NoiseKind, number>> = {
  'new-device': 0.08, 'travel-abroad': 0.12, 'large-purchase': 0.1, 'password-reset': 0.08, 'new-payee': 0.25, 'shopping-spree': 0.06,
  'known-retailer-purchase': 0.1, 'large-cash-withdrawal': 0.02, 'subscription-signups': 0.1, 'new-phone-new-utility': 0.04,
  'group-collection': 0.06, 'returning-customer': 0.02, 'saving-elsewhere': 0.05,
};

/**
 * Per 90 days, in line with the rates above: a payment split over the transfer limit as often as a
 * new phone with a new utility, an evening of online shopping as often as a shopping spree in town,
 * a trip to another city at home as often as one abroad, a landlord changing banks as often as
 * any other regular payee, a night of online shopping a sixth as often as an evening of it.
 * A deposit paid on return from a silence is drawn twice as often as the returning customer because
 * it is planned last, when fewer customers have nothing else going on (a silence admits no other
 * episode's events, card statements included): about as many end up in a stream. Assumptions.
 */
const LATER_NOISE_RATE_PER_90_DAYS: Readonly<Record<LaterNoiseKind, number>> = {
  'split-payment-new-payee': 0.04, 'online-shopping-evening': 0.06, 'returning-customer-pays': 0.04, 'builder-stage-payments': 0.03, 'money-home': 0.03, 'payee-changes-bank': 0.02,
  'cash-for-a-car': 0.02, 'market-day': 0.05, 'in-app-purchases': 0.04, 'buying-abroad': 0.02, 'moving-abroad': 0.01, 'domestic-trip': 0.12,
  'landlord-changes-bank': 0.02, 'night-online': 0.01,
};

/**
 * Per 90 days: a few quiet weeks (illness, caring, exams); a new job for 3 % of those paid a
 * salary (job-to-job moves run at about 2–3 % of employees a quarter in UK and EU labour-force
 * surveys). Assumptions, not measured on a bank's customers.
 */
const CHURN_NOISE_RATE_PER_90_DAYS: Readonly<Record<ChurnNoiseKind, number>> = { 'quiet-spell': 0.06, 'job-change': 0.03 };
const CHURN_NOISE_INJECTORS: Readonly<Record<ChurnNoiseKind, Injector>> = { 'quiet-spell': quietSpell, 'job-change': jobChange };
const CHURN_NOISE_SUITS: Readonly<Record<ChurnNoiseKind, (customer: SimulatedCustomer) => boolean>> = { 'quiet-spell': () => true, 'job-change': changesJobs };

/** Fading app use only shows on customers who used the app in the first place. */
const SUITS: Partial<Record<FraudTypology | ChurnPattern, (customer: SimulatedCustomer) => boolean>> = {
  'app-sessions-fading': (customer) => customer.digitalActivity >= 0.5,
};

export interface PlanOptions {
  seed: number;
  fraudShare: number;
  churnShare: number;
  fraudTypologies: readonly FraudTypology[];
  churnPatterns: readonly ChurnPattern[];
  /** Share of customers given one credit pattern; 0 when absent. */
  creditShare?: number;
  creditPatterns?: readonly CreditPattern[];
  noise: boolean;
  startMs: number;
  /** Nothing bad happens before this: the engine is still learning what normal is. */
  measureFromMs: number;
  endMs: number;
}

/**
 * Picks who suffers which typology, who churns and how, and what genuine customers do that looks
 * suspicious; builds every episode. Typologies are dealt round-robin over a seeded shuffle so
 * each gets its share; each episode has its own random stream, so adding one changes no other.
 */
export function planEpisodes(population: readonly SimulatedCustomer[], merchants: MerchantDirectory, opts: PlanOptions): Map<string, Episode[]> {
  const rng = new SeededRandom(deriveSeed(opts.seed, 'scenario-plan'));
  const pool = shuffle(rng, population);
  const episodes = new Map<string, Episode[]>();
  const churnFromMs = churnEarliest(opts);
  const build = (customer: SimulatedCustomer, injector: Injector, atMs: number, endMs: number, attempt = 0): Episode => {
    const index = episodes.get(customer.id)?.length ?? 0;
    const ctx: EpisodeContext = {
      customer, merchants,
      rng: new SeededRandom(deriveSeed(opts.seed, `episode:${customer.id}:${index}:${attempt}`)),
      idPrefix: `scn-${opts.seed}-${customer.id.slice(5)}-${index}${attempt ? `r${attempt}` : ''}`,
      earliestStartMs: churnFromMs,
    };
    return injector(ctx, Math.round(atMs), endMs);
  };
  const keep = (customer: SimulatedCustomer, episode: Episode) => episodes.set(customer.id, [...(episodes.get(customer.id) ?? []), episode]);
  const add = (customer: SimulatedCustomer, injector: Injector, atMs: number, endMs: number) => keep(customer, build(customer, injector, atMs, endMs));
  const take = (kind: FraudTypology | ChurnPattern): SimulatedCustomer | undefined => {
    const suits = SUITS[kind];
    const index = suits ? pool.findIndex(suits) : 0;
    return pool.splice(Math.max(0, index), 1)[0];
  };

  const { startMs, measureFromMs, endMs } = opts;
  const fraudCount = opts.fraudTypologies.length === 0 ? 0 : Math.round(opts.fraudShare * population.length);
  for (let i = 0; i < fraudCount && pool.length > 0; i++) {
    const typology = opts.fraudTypologies[i % opts.fraudTypologies.length]!;
    const customer = take(typology)!;
    add(customer, FRAUD_INJECTORS[typology], between(rng, measureFromMs + 12 * HOUR_MS, endMs - 2 * DAY_MS), endMs);
  }
  const churnCount = opts.churnPatterns.length === 0 ? 0 : Math.round(opts.churnShare * population.length);
  for (let i = 0; i < churnCount && pool.length > 0; i++) {
    const pattern = opts.churnPatterns[i % opts.churnPatterns.length]!;
    const customer = take(pattern)!;
    add(customer, CHURN_INJECTORS[pattern], between(rng, churnFromMs, endMs - 30 * DAY_MS), endMs - DAY_MS);
  }
  if (opts.noise) planNoise(pool, episodes, build, keep, rng, opts);
  planCredit(population, pool, episodes, build, keep, opts);
  planChurnNoise(pool, episodes, build, keep, opts);
  // The later fraud look-alikes come after everything else, each kind on a random stream of its
  // own, so adding them changed no other episode (theirs are the customer's last, so no other
  // episode's index, randomness or event ids moved). The credit look-alikes added with the
  // patterns planned apart come after those.
  planLookalikesApart(LATER_NOISE_KINDS, LATER_NOISE_RATE_PER_90_DAYS, LATER_NOISE_INJECTORS, 'later-noise-plan', pool, episodes, build, keep, opts);
  planCreditApart(population, pool, episodes, build, keep, opts);
  planLookalikesApart(LATER_CREDIT_NOISE_KINDS, LATER_CREDIT_NOISE_RATE_PER_90_DAYS, LATER_CREDIT_NOISE_INJECTORS, 'later-credit-noise-plan', pool, episodes, build, keep, opts);
  return episodes;
}

type Build = (customer: SimulatedCustomer, injector: Injector, atMs: number, endMs: number, attempt?: number) => Episode;
type Keep = (customer: SimulatedCustomer, episode: Episode) => void;

/**
 * Credit comes last and draws from its own random stream, so adding it changed no fraud or churn
 * episode. Credit patterns go to customers without a fraud or churn label; every card holder gets
 * their statements; genuine customers have their credit look-alikes.
 */
function planCredit(
  population: readonly SimulatedCustomer[], pool: SimulatedCustomer[], episodes: Map<string, Episode[]>, build: Build, keep: Keep, opts: PlanOptions,
): void {
  const rng = new SeededRandom(deriveSeed(opts.seed, 'credit-plan'));
  const { startMs, measureFromMs, endMs } = opts;
  const patterns = (opts.creditPatterns ?? []).filter((pattern) => !PLANNED_APART.has(pattern));
  const count = patterns.length === 0 ? 0 : Math.round((opts.creditShare ?? 0) * population.length);
  const candidates = shuffle(rng, pool);
  const labelled = new Map<string, CreditPattern>();
  // Trouble builds over two months after at least six weeks of ordinary statements.
  const earliest = Math.max(measureFromMs, startMs + 45 * DAY_MS);
  for (let i = 0; i < count && candidates.length > 0; i++) {
    const pattern = patterns[i % patterns.length]!;
    const customer = candidates.pop()!;
    labelled.set(customer.id, pattern);
    keep(customer, build(customer, CREDIT_INJECTORS[pattern], between(rng, earliest, endMs - 50 * DAY_MS), endMs - DAY_MS));
  }
  // Not for fraud victims and churners: a churner's statements would run on after they left.
  for (const customer of pool) {
    const pattern = labelled.get(customer.id);
    if (holdsCreditCard(customer, opts.seed) && !(pattern && WRITES_STATEMENTS.has(pattern))) keep(customer, build(customer, creditBook, startMs, endMs));
  }
  if (!opts.noise) return;
  const scale = (endMs - measureFromMs) / (90 * DAY_MS);
  const suits: Record<CreditNoiseKind, (customer: SimulatedCustomer) => boolean> = {
    'one-off-late-payment': (customer) => customer.loan !== undefined,
    'returned-direct-debit': (customer) => customer.directDebits.length > 0,
    'holiday-on-the-card': (customer) => holdsCreditCard(customer, opts.seed),
    'occasional-flutter': () => true,
  };
  for (const customer of candidates) {
    for (const kind of CREDIT_NOISE_KINDS) {
      if (!suits[kind](customer) || !rng.chance(CREDIT_NOISE_RATE_PER_90_DAYS[kind] * scale)) continue;
      keep(customer, build(customer, CREDIT_NOISE_INJECTORS[kind], daytime(rng, between(rng, Math.max(startMs, measureFromMs), endMs - 2 * DAY_MS)), endMs));
    }
  }
}

/**
 * Churn look-alikes come after credit on a random stream of their own, so adding them changed no
 * other episode. A quiet spell starts once the customer has a habit to break (as churn does) and
 * is not given to a customer whose other episodes it would thin.
 */
function planChurnNoise(pool: readonly SimulatedCustomer[], episodes: Map<string, Episode[]>, build: Build, keep: Keep, opts: PlanOptions): void {
  if (!opts.noise) return;
  const from = churnEarliest(opts);
  const scale = (opts.endMs - opts.measureFromMs) / (90 * DAY_MS);
  // Each kind on a stream of its own (the first keeps the name it always had), so adding a kind
  // changed no episode of another.
  for (const [index, kind] of CHURN_NOISE_KINDS.entries()) {
    const rng = new SeededRandom(deriveSeed(opts.seed, index === 0 ? 'churn-noise-plan' : `churn-noise-plan:${kind}`));
    for (const customer of pool) {
      if (!rng.chance(CHURN_NOISE_RATE_PER_90_DAYS[kind] * scale) || !CHURN_NOISE_SUITS[kind](customer)) continue;
      const episode = build(customer, CHURN_NOISE_INJECTORS[kind], daytime(rng, between(rng, from, opts.endMs - 7 * DAY_MS)), opts.endMs);
      // A look-alike belongs to a genuine customer: none for one in credit trouble either.
      const others = episodes.get(customer.id) ?? [];
      if (others.every((other) => other.label === undefined && consistent(other, episode))) keep(customer, episode);
    }
  }
}

/**
 * Look-alikes planned apart: each kind on a random stream of its own (`<stream>:<kind>`), drawn
 * at its rate per 90 days for genuine customers only, somewhere from the later of the stream's
 * start and the scored period to two days before the end (a deposit may be paid the day after
 * the customer comes back); an episode that contradicts another of the customer's is moved, and
 * dropped after a few tries.
 */
function planLookalikesApart<K extends string>(
  kinds: readonly K[], rates: Readonly<Record<K, number>>, injectors: Readonly<Record<K, Injector>>, stream: string,
  pool: readonly SimulatedCustomer[], episodes: Map<string, Episode[]>, build: Build, keep: Keep, opts: PlanOptions,
): void {
  if (!opts.noise) return;
  const { startMs, measureFromMs, endMs } = opts;
  const scale = (endMs - measureFromMs) / (90 * DAY_MS);
  for (const kind of kinds) {
    const rng = new SeededRandom(deriveSeed(opts.seed, `${stream}:${kind}`));
    for (const customer of pool) {
      if (!rng.chance(rates[kind] * scale)) continue;
      if ((episodes.get(customer.id) ?? []).some((other) => other.label !== undefined)) continue;
      for (let attempt = 0; attempt < 5; attempt++) {
        const episode = build(customer, injectors[kind], daytime(rng, between(rng, Math.max(startMs, measureFromMs), endMs - 2 * DAY_MS)), endMs, attempt);
        if (!(episodes.get(customer.id) ?? []).every((other) => consistent(other, episode))) continue;
        keep(customer, episode);
        break;
      }
    }
  }
}

/**
 * The credit patterns planned apart (PLANNED_APART), each on a random stream of its own, after
 * every other episode: their customers are genuine so far (no label, no credit or churn
 * look-alike whose alerts they would take), and the episode must agree with the customer's others.
 * Trouble starts where the dealt patterns' does, with seven weeks left to run.
 */
function planCreditApart(
  population: readonly SimulatedCustomer[], pool: readonly SimulatedCustomer[], episodes: Map<string, Episode[]>, build: Build, keep: Keep, opts: PlanOptions,
): void {
  const requested = opts.creditPatterns ?? [];
  const apart = requested.filter((pattern) => PLANNED_APART.has(pattern));
  if (apart.length === 0) return;
  const total = Math.round((opts.creditShare ?? 0) * population.length);
  const dealt = requested.length - apart.length;
  const count = dealt > 0 ? Math.round(total / dealt) : Math.round(total / apart.length);
  const earliest = Math.max(opts.measureFromMs, opts.startMs + 45 * DAY_MS);
  // The later fraud look-alikes, too: they are planned for genuine customers only, so that what a
  // rule meets on them is a false alert, never one on a customer who also carries a label.
  const lookalikes: ReadonlySet<string> = new Set([...CREDIT_NOISE_KINDS, ...CHURN_NOISE_KINDS, ...LATER_NOISE_KINDS]);
  for (const pattern of apart) {
    const rng = new SeededRandom(deriveSeed(opts.seed, `credit-plan:${pattern}`));
    let given = 0;
    for (const customer of shuffle(rng, pool)) {
      if (given >= count) break;
      const others = episodes.get(customer.id) ?? [];
      if (others.some((other) => other.label !== undefined || (other.noise !== undefined && lookalikes.has(other.noise.kind)))) continue;
      const episode = build(customer, CREDIT_INJECTORS[pattern], between(rng, earliest, opts.endMs - 50 * DAY_MS), opts.endMs - DAY_MS);
      if (!others.every((other) => consistent(other, episode))) continue;
      keep(customer, episode);
      given++;
    }
  }
}

function planNoise(pool: readonly SimulatedCustomer[], episodes: Map<string, Episode[]>, build: Build, keep: Keep, rng: SeededRandom, opts: PlanOptions): void {
  const { startMs, measureFromMs, endMs } = opts;
  const scale = (endMs - measureFromMs) / (90 * DAY_MS);
  for (const customer of pool) {
    for (const kind of NOISE_KINDS) {
      if (!rng.chance(NOISE_RATE_PER_90_DAYS[kind] * scale)) continue;
      const latest = kind === 'travel-abroad' ? endMs - 16 * DAY_MS : endMs - DAY_MS;
      // One person cannot pay a new landlord from home while on a beach abroad: episodes that
      // contradict each other are moved, and dropped after a few tries.
      for (let attempt = 0; attempt < 5; attempt++) {
        const episode = build(customer, NOISE_INJECTORS[kind], daytime(rng, between(rng, Math.max(startMs, measureFromMs), latest)), endMs, attempt);
        if (!(episodes.get(customer.id) ?? []).every((other) => consistent(other, episode))) continue;
        keep(customer, episode);
        break;
      }
    }
  }
}

/** Neither episode removes an event the other adds (a trip abroad removes everything at home). */
function consistent(a: Episode, b: Episode): boolean {
  return b.events.every((event) => !a.keepBase || a.keepBase(event)) && a.events.every((event) => !b.keepBase || b.keepBase(event));
}

/**
 * Churn is a break from an established habit, and a real bank has years of it on file. The
 * stream gives the engine at least half its length (up to the rules' 90-day baseline) of the
 * customer's habit before a churn pattern starts, while leaving 30 days for the pattern to run.
 */
function churnEarliest(opts: PlanOptions): number {
  const habit = opts.startMs + Math.min(90 * DAY_MS, (opts.endMs - opts.startMs) / 2);
  return Math.max(opts.measureFromMs, Math.min(habit, opts.endMs - 30 * DAY_MS));
}

/** Uniform in [min, max]; when the range is empty (a very short stream), its lower end. */
function between(rng: SeededRandom, min: number, max: number): number {
  return max <= min ? min : rng.between(min, max);
}

/** The same day, at a waking hour: people buy sofas and fly out between 7:00 and 22:00. */
function daytime(rng: SeededRandom, atMs: number): number {
  return Math.floor(atMs / DAY_MS) * DAY_MS + rng.between(7, 22) * HOUR_MS;
}

function shuffle<T>(rng: SeededRandom, items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}
