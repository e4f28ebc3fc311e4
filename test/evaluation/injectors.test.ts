import { describe, expect, it } from 'vitest';
import { parseEvent, type EventInput } from '../../core/events/index.js';
import { HOME_COUNTRIES } from '../../simulator/catalogue.js';
import { MerchantDirectory } from '../../simulator/merchants.js';
import { buildPopulation, type SimulatedCustomer } from '../../simulator/population.js';
import { SeededRandom, deriveSeed } from '../../simulator/random.js';
import {
  CHURN_INJECTORS, FRAUD_INJECTORS, NOISE_INJECTORS, type Episode, type EpisodeContext, type Injector,
} from '../../simulator/scenarios/index.js';
import { distanceKm } from '../../simulator/scenarios/places.js';
import { changesJobs, jobChange } from '../../simulator/scenarios/lookalikes.js';
import { hardestJourney, sightingsOf } from '../simulator/journeys.js';

const DAY = 86_400_000;
const AT = Date.parse('2026-03-10T14:00:00Z');
const END = AT + 60 * DAY;
const { customers: population } = buildPopulation(40, new SeededRandom(7));
const merchants = new MerchantDirectory(HOME_COUNTRIES.map((country) => country.code));

function run(injector: Injector, customer: SimulatedCustomer, seed: number): Episode {
  const ctx: EpisodeContext = { customer, merchants, rng: new SeededRandom(deriveSeed(seed, customer.id)), idPrefix: `scn-t-${customer.id.slice(5)}-${seed}` };
  return injector(ctx, AT, END);
}

const ms = (event: EventInput) => Date.parse(event.occurred_at);
const byTime = (events: readonly EventInput[]) => [...events].sort((a, b) => ms(a) - ms(b));
const gbp = (event: EventInput) => ('amount' in event ? Number(event.amount) : 0);
const ALL = [...Object.entries(FRAUD_INJECTORS), ...Object.entries(CHURN_INJECTORS), ...Object.entries(NOISE_INJECTORS)] as const;
const CASES = population.slice(0, 12).flatMap((customer, i) => [{ customer, seed: i + 1 }]);

describe.each(ALL)('the %s injector', (name, injector) => {
  it('produces events that pass the ingest contract, for this customer, with unique ids', () => {
    for (const { customer, seed } of CASES) {
      const { events } = run(injector, customer, seed);
      for (const event of events) expect(parseEvent(event), `${name} ${event.event_id}`).toMatchObject({ ok: true });
      expect(events.every((event) => event.customer_id === customer.id)).toBe(true);
      expect(new Set(events.map((event) => event.event_id)).size).toBe(events.length);
    }
  });

  it('is deterministic by seed and varies with it', () => {
    const [a, b] = [CASES[0]!, CASES[1]!];
    expect(run(injector, a.customer, a.seed).events).toEqual(run(injector, a.customer, a.seed).events);
    const differs = run(injector, a.customer, a.seed).events.length === 0
      || JSON.stringify(run(injector, a.customer, a.seed).events) !== JSON.stringify(run(injector, a.customer, b.seed).events);
    expect(differs).toBe(true);
  });

  it('labels fraud and churn, never noise, and points the label at one of its own events or a start time', () => {
    for (const { customer, seed } of CASES) {
      const episode = run(injector, customer, seed);
      if (name in NOISE_INJECTORS) {
        expect(episode.label).toBeUndefined();
        expect(episode.noise?.kind).toBe(name);
        continue;
      }
      expect(episode.label).toMatchObject({ kind: name in FRAUD_INJECTORS ? 'fraud' : 'churn', typology: name });
      const firstBad = episode.label!.firstBad;
      if ('eventId' in firstBad) expect(episode.events.map((event) => event.event_id)).toContain(firstBad.eventId);
      else expect(firstBad.fromMs).toBe(AT);
    }
  });
});

describe('fraud typologies look like their descriptions', () => {
  it('card testing: 6–20 payments of 0.50–5.00 at merchants the customer never used, 20 s to 3 min apart', () => {
    for (const { customer, seed } of CASES.filter((c) => c.customer.currency === 'GBP')) {
      const payments = byTime(run(FRAUD_INJECTORS['card-testing'], customer, seed).events);
      const small = payments.filter((event) => gbp(event) <= 5);
      expect(small.length).toBeGreaterThanOrEqual(6);
      expect(small.length).toBeLessThanOrEqual(20);
      expect(small.every((event) => gbp(event) >= 0.5)).toBe(true);
      const favourites = new Set(customer.favouriteMerchants.map((f) => f.merchant.id));
      expect(small.every((event) => event.type === 'card_payment' && !favourites.has(event.merchant.id))).toBe(true);
      for (let i = 1; i < small.length; i++) {
        const gap = (ms(small[i]!) - ms(small[i - 1]!)) / 1000;
        expect(gap).toBeGreaterThanOrEqual(19.9);
        expect(gap).toBeLessThanOrEqual(180.1);
      }
    }
  });

  it('account takeover: a credential event or new device, then 800–15,000 out to a payee the customer never had', () => {
    for (const { customer, seed } of CASES.filter((c) => c.customer.currency === 'GBP')) {
      const events = byTime(run(FRAUD_INJECTORS['account-takeover'], customer, seed).events);
      expect(['login_failed', 'password_reset', 'device_added', 'login']).toContain(events[0]!.type);
      const transfers = events.filter((event) => event.type === 'transfer_out');
      const known = new Set(customer.payees.map((p) => p.id));
      expect(transfers[0]!.type === 'transfer_out' && known.has(transfers[0]!.counterparty.id!)).toBe(false);
      expect(gbp(transfers[0]!)).toBeGreaterThanOrEqual(800);
      expect(gbp(transfers[0]!)).toBeLessThanOrEqual(15_000);
      expect(ms(transfers[0]!) - ms(events[0]!)).toBeLessThan(9 * 3_600_000);
    }
  });

  it('impossible travel: an event over 1,000 km from home within an hour of activity at home', () => {
    for (const { customer, seed } of CASES) {
      const episode = run(FRAUD_INJECTORS['impossible-travel'], customer, seed);
      const far = episode.events.find((event) => event.event_id === (episode.label!.firstBad as { eventId: string }).eventId)!;
      expect(ms(far) - AT).toBeGreaterThan(0);
      expect(ms(far) - AT).toBeLessThanOrEqual(3_600_000);
      expect(far.geo?.country).not.toBe(customer.homeCountry);
      if (far.geo?.lat !== undefined) {
        expect(distanceKm(customer.city, { name: '', lat: far.geo.lat, lon: far.geo.lon! })).toBeGreaterThan(900);
      }
    }
  });

  it('card testing keeps to one or two sites in some runs, and then every payment is at one of them', () => {
    let concentrated = 0;
    for (const customer of population) {
      for (const seed of [1, 2, 3, 4, 5]) {
        // The tests are 0.50–5.00 in the card's currency; the purchase after them is far larger.
        const tests = run(FRAUD_INJECTORS['card-testing'], customer, seed).events.filter((e) => e.type === 'card_payment' && Number(e.amount) <= 5);
        expect(tests.length).toBeGreaterThanOrEqual(6);
        const sites = new Set(tests.map((e) => (e.type === 'card_payment' ? e.merchant.id : '')));
        if (sites.size <= 2) concentrated++;
      }
    }
    // 0.4 of 200 runs keep to one or two sites (a spread run of six or more rarely repeats a site).
    expect(concentrated).toBeGreaterThan(55);
    expect(concentrated).toBeLessThan(110);
  });

  it('velocity burst: 8–24 payments or 3–9 transfers within the hour; some cloned cards are emptied at fuel pumps and cash machines around town', () => {
    let cashOuts = 0;
    const seeds = population.flatMap((customer) => [1, 2, 3, 4, 5].map((seed) => ({ customer, seed })));
    for (const { customer, seed } of seeds) {
      const events = byTime(run(FRAUD_INJECTORS['velocity-burst'], customer, seed).events);
      expect(ms(events.at(-1)!) - ms(events[0]!)).toBeLessThanOrEqual(3_600_000);
      const cash = events.filter((event) => event.type === 'cash_withdrawal');
      if (cash.length === 0) continue;
      cashOuts++;
      // Only card-present terminals at home: pumps and machines, each at a position of its own.
      for (const event of events) {
        expect(['cash_withdrawal', 'card_payment']).toContain(event.type);
        expect(event.geo?.country).toBe(customer.homeCountry);
        if (event.type === 'card_payment') expect([event.merchant.mcc, event.channel]).toEqual(['5542', 'pos']);
        else expect(event.channel).toBe('atm');
      }
      expect(events.length).toBeGreaterThanOrEqual(8);
    }
    // 0.6 card sprees × 0.5 cloned × 0.4 cash-outs ≈ 12 % of 200 runs.
    expect(cashOuts).toBeGreaterThan(8);
    expect(cashOuts).toBeLessThan(45);
  });

  it('dormant account: a few weeks of history, six months or more of silence, and the ordinary stream silenced', () => {
    for (const { customer, seed } of CASES) {
      const episode = run(FRAUD_INJECTORS['dormant-account'], customer, seed);
      const firstBad = episode.events.find((event) => event.event_id === (episode.label!.firstBad as { eventId: string }).eventId)!;
      const before = episode.events.filter((event) => ms(event) < ms(firstBad));
      expect(before.length).toBeGreaterThan(0);
      expect(ms(firstBad) - Math.max(...before.map(ms))).toBeGreaterThanOrEqual(183 * DAY);
      expect(episode.keepBase?.(firstBad)).toBe(false);
    }
  });

  it('money mule: credits from several different senders, most of the money sent on within a day and a half', () => {
    for (const { customer, seed } of CASES.filter((c) => c.customer.currency === 'GBP')) {
      const events = run(FRAUD_INJECTORS['money-mule'], customer, seed).events;
      const credits = events.filter((event) => event.type === 'transfer_in');
      const outflows = events.filter((event) => event.type !== 'transfer_in');
      expect(credits.length).toBeGreaterThanOrEqual(4);
      expect(new Set(credits.map((event) => event.type === 'transfer_in' && event.counterparty.id)).size).toBe(credits.length);
      const ratio = outflows.reduce((sum, e) => sum + gbp(e), 0) / credits.reduce((sum, e) => sum + gbp(e), 0);
      expect(ratio).toBeGreaterThan(0.65);
      expect(ratio).toBeLessThan(1);
      expect(Math.max(...events.map(ms)) - AT).toBeLessThan(40 * 3_600_000);
    }
  });
});

describe('churn and noise', () => {
  it('churn patterns thin the customer out and drop everything after they leave', () => {
    for (const [name, injector] of Object.entries(CHURN_INJECTORS)) {
      const episode = run(injector, CASES[2]!.customer, 3);
      const afterEnd: EventInput = { type: 'login', event_id: 'x', customer_id: CASES[2]!.customer.id, channel: 'mobile_app', occurred_at: new Date(END).toISOString() };
      const beforeStart: EventInput = { ...afterEnd, occurred_at: new Date(AT - DAY).toISOString() };
      expect(episode.keepBase?.(afterEnd), name).toBe(false);
      expect(episode.keepBase?.(beforeStart), name).toBe(true);
    }
  });

  it('a departure that would run past the stream end starts earlier, back to the earliest allowed, rather than being squeezed', () => {
    const latestStart = END - 20 * DAY;
    const earliestStartMs = END - 70 * DAY;
    for (const pattern of ['activity-decline', 'app-sessions-fading'] as const) {
      for (const { customer, seed } of CASES) {
        const ctx: EpisodeContext = { customer, merchants, rng: new SeededRandom(deriveSeed(seed, customer.id)), idPrefix: `scn-d-${seed}`, earliestStartMs };
        const episode = CHURN_INJECTORS[pattern](ctx, latestStart, END);
        const startMs = (episode.label!.firstBad as { fromMs: number }).fromMs;
        const probe = (atMs: number): EventInput => ({ type: 'login', event_id: `p${atMs}`, customer_id: customer.id, channel: 'mobile_app', occurred_at: new Date(atMs).toISOString() });
        // Four weeks at least from the first sign; still there the moment before the start.
        expect(startMs, pattern).toBeLessThanOrEqual(END - 28 * DAY);
        expect(startMs, pattern).toBeGreaterThanOrEqual(earliestStartMs);
        expect(episode.keepBase!(probe(startMs - 1)), pattern).toBe(true);
      }
      // Without the bound nothing moves: the start asked for is the start labelled.
      const plain = run(CHURN_INJECTORS[pattern], CASES[0]!.customer, 1);
      expect((plain.label!.firstBad as { fromMs: number }).fromMs).toBe(AT);
    }
  });

  it('a trip abroad keeps the customer off home tills and apps while away, and takes at least the time the journey needs, there and back', () => {
    for (const { customer, seed } of CASES) {
      const episode = run(NOISE_INJECTORS['travel-abroad'], customer, seed);
      const abroad = byTime(episode.events.filter((event) => event.geo && event.geo.country !== customer.homeCountry && event.geo.lat !== undefined));
      if (abroad.length === 0) continue;
      const first = abroad[0]!;
      const homeTill: EventInput = { type: 'login', event_id: 'y', customer_id: customer.id, channel: 'mobile_app', occurred_at: first.occurred_at, geo: { country: customer.homeCountry } };
      expect(episode.keepBase?.(homeTill)).toBe(false);
      // Seen at home up to the moment the trip starts and from the moment home events come back.
      const home = (atMs: number, id: string): EventInput => ({ ...homeTill, event_id: id, occurred_at: new Date(atMs).toISOString(), geo: { country: customer.homeCountry, ...customer.city } });
      let backMs = ms(abroad.at(-1)!);
      while (!episode.keepBase!(home(backMs, 'probe'))) backMs += 60_000;
      const hardest = hardestJourney(sightingsOf([home(AT - 1, 'left'), ...episode.events, home(backMs, 'back')]));
      expect(hardest.ratio, hardest.between).toBeLessThanOrEqual(1);
    }
  });
});

describe('genuine look-alikes look like their fraud typology but for what gives them away', () => {
  const cases = CASES.filter((c) => c.customer.currency === 'GBP');

  it('a known-retailer purchase is 300 or more in the home country, by chip at the till or online at a shop paid before', () => {
    for (const { customer, seed } of cases) {
      const events = byTime(run(NOISE_INJECTORS['known-retailer-purchase'], customer, seed).events);
      const big = events.at(-1)!;
      expect(big.type === 'card_payment' && big.merchant.country).toBe(customer.homeCountry);
      expect(gbp(big)).toBeGreaterThan(200);
      if (big.type !== 'card_payment') continue;
      if (big.entry_mode === 'online') expect(events.some((e) => e !== big && e.type === 'card_payment' && e.merchant.id === big.merchant.id)).toBe(true);
      else expect([big.channel, big.entry_mode]).toEqual(['pos', 'chip']);
    }
  });

  it('moving money to oneself says so: saving elsewhere and a returning customer\'s sweep carry own_account', () => {
    for (const { customer, seed } of cases) {
      for (const kind of ['saving-elsewhere', 'returning-customer'] as const) {
        const transfers = run(NOISE_INJECTORS[kind], customer, seed).events.filter((e) => e.type === 'transfer_out');
        expect(transfers.every((e) => e.type === 'transfer_out' && e.counterparty.own_account === true), kind).toBe(true);
      }
      expect(run(NOISE_INJECTORS['saving-elsewhere'], customer, seed).events.length).toBeGreaterThanOrEqual(2);
    }
  });

  it('a returning customer is silent six months or more, then comes back with a little spending and no stranger paid', () => {
    for (const { customer, seed } of cases) {
      const episode = run(NOISE_INJECTORS['returning-customer'], customer, seed);
      const back = episode.events.filter((e) => ms(e) >= AT);
      const before = episode.events.filter((e) => ms(e) < AT);
      expect(AT - Math.max(...before.map(ms))).toBeGreaterThanOrEqual(183 * DAY);
      expect(back.filter((e) => e.type === 'cash_withdrawal').every((e) => gbp(e) <= 160)).toBe(true);
      expect(episode.keepBase?.(back[0]!)).toBe(false);
    }
  });

  it('a whip-round: four to nine friends chip in, and about what they sent is paid on', () => {
    for (const { customer, seed } of cases) {
      const events = run(NOISE_INJECTORS['group-collection'], customer, seed).events;
      const credits = events.filter((e) => e.type === 'transfer_in');
      const paidOn = events.filter((e) => e.type === 'transfer_out');
      expect(credits.length).toBeGreaterThanOrEqual(4);
      expect(credits.length).toBeLessThanOrEqual(9);
      const ratio = paidOn.reduce((s, e) => s + gbp(e), 0) / credits.reduce((s, e) => s + gbp(e), 0);
      expect(ratio).toBeGreaterThan(0.85);
      expect(ratio).toBeLessThanOrEqual(1.01);
    }
  });

  it('a new phone on mobile data: enrolled from a network the customer never used, and a utility paid from it, no credential change', () => {
    for (const { customer, seed } of cases) {
      const events = byTime(run(NOISE_INJECTORS['new-phone-new-utility'], customer, seed).events);
      expect(events.map((e) => e.type).slice(0, 2)).toEqual(['device_added', 'login']);
      expect(events[0]!.device!.ip!.startsWith('100.')).toBe(true);
      expect(customer.devices.some((d) => d.id === events[0]!.device!.id)).toBe(false);
      expect(events.some((e) => ['password_reset', 'profile_change', 'login_failed'].includes(e.type))).toBe(false);
      expect(gbp(events.at(-1)!)).toBeLessThan(400);
    }
  });

  it('subscription sign-ups: two to four small online payments at new digital merchants, too few to be card testing', () => {
    for (const { customer, seed } of cases) {
      const events = run(NOISE_INJECTORS['subscription-signups'], customer, seed).events;
      expect(events.length).toBeGreaterThanOrEqual(2);
      expect(events.length).toBeLessThanOrEqual(4);
      expect(events.every((e) => e.type === 'card_payment' && e.entry_mode === 'online' && gbp(e) <= 5)).toBe(true);
    }
  });

  it('a large cash withdrawal is made at the branch counter in the home country', () => {
    for (const { customer, seed } of cases) {
      const cash = run(NOISE_INJECTORS['large-cash-withdrawal'], customer, seed).events.find((e) => e.type === 'cash_withdrawal')!;
      expect(cash.channel).toBe('branch');
      expect(gbp(cash)).toBeGreaterThanOrEqual(750);
      expect(cash.geo?.country).toBe(customer.homeCountry);
    }
  });
});

describe('a job change, the look-alike of a salary that stopped', () => {
  const salaried = CASES.filter((c) => changesJobs(c.customer));

  it('stops the old employer\'s pay at the change and starts the new one\'s 5 to 40 days later, monthly, and nothing else', () => {
    expect(salaried.length).toBeGreaterThan(3);
    for (const { customer, seed } of salaried) {
      const episode = run(jobChange, customer, seed);
      expect(episode.label).toBeUndefined();
      expect(episode.noise).toEqual({ kind: 'job-change', atMs: AT });
      const pay = byTime(episode.events);
      expect(pay.length).toBeGreaterThanOrEqual(1);
      for (const event of pay) expect(parseEvent(event)).toMatchObject({ ok: true });
      expect(pay.every((e) => e.type === 'salary_credit' && e.counterparty?.name !== customer.employer.name)).toBe(true);
      expect(new Set(pay.map((e) => e.type === 'salary_credit' && e.counterparty?.id)).size).toBe(1);
      const firstAfter = (ms(pay[0]!) - AT) / DAY;
      expect(firstAfter).toBeGreaterThanOrEqual(5);
      expect(firstAfter).toBeLessThanOrEqual(41);
      for (let i = 1; i < pay.length; i++) expect((ms(pay[i]!) - ms(pay[i - 1]!)) / DAY).toBeGreaterThan(28);
      const oldPay = (at: number): EventInput => ({
        type: 'salary_credit', event_id: 'p', customer_id: customer.id, channel: 'core_banking', occurred_at: new Date(at).toISOString(),
        amount: '100.00', currency: customer.currency, counterparty: { id: customer.employer.id, name: customer.employer.name },
      });
      expect(episode.keepBase?.(oldPay(AT - DAY))).toBe(true);
      expect(episode.keepBase?.(oldPay(AT + DAY))).toBe(false);
      const spending: EventInput = { type: 'login', event_id: 'l', customer_id: customer.id, channel: 'mobile_app', occurred_at: new Date(AT + DAY).toISOString() };
      expect(episode.keepBase?.(spending)).toBe(true);
    }
  });

  it('is not given to a customer paid a pension', () => {
    const pensioner = population.find((c) => !changesJobs(c));
    expect(pensioner?.employer.name).toBe('State Pension Service');
  });
});
