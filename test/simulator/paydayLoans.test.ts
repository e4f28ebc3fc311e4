import { describe, expect, it } from 'vitest';
import { parseEvent, type EventInput } from '../../core/events/index.js';
import { HOME_COUNTRIES } from '../../simulator/catalogue.js';
import { MerchantDirectory } from '../../simulator/merchants.js';
import { buildPopulation, type SimulatedCustomer } from '../../simulator/population.js';
import { SeededRandom, deriveSeed } from '../../simulator/random.js';
import { friendLoanRepaid, paydayLoans } from '../../simulator/scenarios/credit.js';
import {
  CREDIT_NOISE_KINDS, CHURN_NOISE_KINDS, LATER_CREDIT_NOISE_KINDS, buildLabelledStream, type Episode, type EpisodeContext, type Injector,
} from '../../simulator/scenarios/index.js';

// The payday-loan spiral and its look-alike, a friend's loan repaid: short-term loans the lending
// systems never see, only transfers in and out of the account.

const DAY = 86_400_000;
const AT = Date.parse('2026-03-10T14:00:00Z');
const END = AT + 90 * DAY;
const { customers: population } = buildPopulation(40, new SeededRandom(3));
const merchants = new MerchantDirectory(HOME_COUNTRIES.map((country) => country.code));
const CASES = population.slice(0, 20).map((customer, i) => ({ customer, seed: i + 1 }));

function run(injector: Injector, customer: SimulatedCustomer, seed: number): Episode {
  const ctx: EpisodeContext = { customer, merchants, rng: new SeededRandom(deriveSeed(seed, customer.id)), idPrefix: `scn-t-${customer.id.slice(5)}-${seed}` };
  return injector(ctx, AT, END);
}

type Transfer = Extract<EventInput, { type: 'transfer_in' | 'transfer_out' }>;
const transfers = (events: readonly EventInput[]) => events
  .filter((e): e is Transfer => e.type === 'transfer_in' || e.type === 'transfer_out')
  .sort((a, b) => Date.parse(a.occurred_at) - Date.parse(b.occurred_at));

describe('the payday-loan spiral', () => {
  it('sends valid events for its customer, labelled credit from the first loan', () => {
    for (const { customer, seed } of CASES) {
      const episode = run(paydayLoans, customer, seed);
      for (const event of episode.events) expect(parseEvent(event), event.event_id).toMatchObject({ ok: true });
      expect(episode.label).toEqual({ kind: 'credit', typology: 'payday-loans', firstBad: { fromMs: AT } });
      expect(transfers(episode.events)[0]).toMatchObject({ type: 'transfer_in', occurred_at: new Date(AT).toISOString() });
    }
  });

  it('borrows round sums from two to four lenders and repays each loan with 8–30 % in fees, borrowing again within days', () => {
    for (const { customer, seed } of CASES) {
      const flows = transfers(run(paydayLoans, customer, seed).events);
      const lenders = new Set(flows.map((e) => e.counterparty.id));
      expect(lenders.size).toBeGreaterThanOrEqual(2);
      expect(lenders.size).toBeLessThanOrEqual(4);
      const owed = new Map<string, number[]>();
      for (const e of flows) {
        const id = e.counterparty.id!;
        if (e.type === 'transfer_in') {
          expect(Number(e.amount) % 50).toBe(0);
          owed.set(id, [...(owed.get(id) ?? []), Number(e.amount)]);
          continue;
        }
        // Each repayment is the lender's oldest loan with its fee.
        const [loan, ...rest] = owed.get(id) ?? [];
        expect(loan, `${customer.id} repays ${id} without a loan`).toBeDefined();
        expect(Number(e.amount) / loan!).toBeGreaterThanOrEqual(1.079);
        expect(Number(e.amount) / loan!).toBeLessThanOrEqual(1.301);
        owed.set(id, rest);
      }
      expect(flows.filter((e) => e.type === 'transfer_in').length).toBeGreaterThan(lenders.size);
    }
  });

  it('slides the overdraft deeper month by month for those with an arranged one', () => {
    let withOverdraft = 0;
    for (const { customer, seed } of CASES) {
      const statements = run(paydayLoans, customer, seed).events.filter((e) => e.type === 'balance_snapshot');
      if (statements.length === 0) continue;
      withOverdraft++;
      const balances = statements.map((e) => (e.type === 'balance_snapshot' ? Number(e.balance) : 0));
      expect(balances.at(-1)!).toBeLessThan(balances[0]!);
      expect(statements.every((e) => e.type === 'balance_snapshot' && e.product.type === 'current_account' && e.credit_limit !== undefined)).toBe(true);
    }
    expect(withOverdraft).toBeGreaterThan(CASES.length / 2);
    expect(withOverdraft).toBeLessThan(CASES.length);
  });
});

describe('a friend\'s loan repaid', () => {
  it('is one round sum in, paid back in full in one or two transfers, now and then rounded up a little', () => {
    let roundedUp = 0;
    for (const { customer, seed } of CASES) {
      const episode = run(friendLoanRepaid, customer, seed);
      expect(episode.label).toBeUndefined();
      expect(episode.noise).toEqual({ kind: 'friend-loan-repaid', atMs: AT });
      const flows = transfers(episode.events);
      const [lent, ...back] = flows;
      expect(lent!.type).toBe('transfer_in');
      expect(back.length).toBeGreaterThanOrEqual(1);
      expect(back.every((e) => e.type === 'transfer_out' && e.counterparty.id === lent!.counterparty.id)).toBe(true);
      const ratio = back.reduce((sum, e) => sum + Number(e.amount), 0) / Number(lent!.amount);
      expect(ratio).toBeGreaterThanOrEqual(0.999);
      expect(ratio).toBeLessThanOrEqual(1.151);
      if (ratio > 1.001) roundedUp++;
    }
    expect(roundedUp).toBeGreaterThan(0);
    expect(roundedUp).toBeLessThan(CASES.length / 2);
  });
});

describe('payday loans and friends\' loans in a labelled stream', () => {
  const options = { seed: 5, customers: 400, days: 120, start: new Date('2025-09-01T00:00:00Z'), fraudShare: 0.03, churnShare: 0.03, creditShare: 0.03 };
  const stream = buildLabelledStream(options);
  const without = buildLabelledStream({ ...options, creditPatterns: ['arrears-spiral', 'card-maxing', 'missed-repayments'] });

  it('gives the spiral as many customers as each other credit pattern, none with another label or a credit or churn look-alike', () => {
    const payday = stream.labels.filter((l) => l.typology === 'payday-loans');
    expect(payday).toHaveLength(4);
    const customers = new Set(payday.map((l) => l.customer_id));
    expect(stream.labels.filter((l) => customers.has(l.customer_id))).toHaveLength(4);
    const lookalikes = new Set<string>([...CREDIT_NOISE_KINDS, ...LATER_CREDIT_NOISE_KINDS, ...CHURN_NOISE_KINDS]);
    expect(stream.noise.filter((n) => customers.has(n.customer_id) && lookalikes.has(n.kind))).toEqual([]);
  });

  it('changes no other episode: every other label, look-alike and event is as it was without it', () => {
    const payday = new Set(stream.labels.filter((l) => l.typology === 'payday-loans').map((l) => l.customer_id));
    expect(stream.labels.filter((l) => !payday.has(l.customer_id))).toEqual(without.labels);
    // Without it those customers were genuine, and may have lent a friend's hand instead.
    expect(stream.noise.filter((n) => !payday.has(n.customer_id))).toEqual(without.noise.filter((n) => !payday.has(n.customer_id)));
    const others = (s: typeof stream) => s.events.filter((e) => !payday.has(e.customer_id)).map((e) => e.event_id);
    expect(others(stream)).toEqual(others(without));
  });

  it('gives friends\' loans to genuine customers only', () => {
    const labelled = new Set(stream.labels.map((l) => l.customer_id));
    const loans = stream.noise.filter((n) => n.kind === 'friend-loan-repaid');
    expect(loans.length).toBeGreaterThan(10);
    expect(loans.filter((n) => labelled.has(n.customer_id))).toEqual([]);
  });
});
