import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventInput } from '../../core/events/index.js';
import { INGEST_KEY, startTestEngine, testConfig } from '../support/testEngine.js';
import { DAY, HOME, HOUR, LANDLORD, MINUTE, PHONE, eventMaker, ordinaryLife as lifeOf, queueFraud, replayScenario } from './scenarioHarness.js';

// Cases posted as a bank's systems would post them, each after two months of the customer's
// ordinary life, through the real engine (HTTP, streams, features, rules, alerts). Labelled with
// what must come out: a genuine TV purchase and a genuine move of one's salary account raise no
// fraud alert at all; the takeover is reported as one. The first three were never tuned on. The
// cloned card emptied at fuel pumps and cash machines is the blind case rules/README.md listed as
// a gap, written again from its description, beside the two genuine days that look most like it:
// cash for a car drawn at one machine, and an afternoon at a Christmas market. Two more came from
// a blind test of impossible travel: a re-routed card used in Hamburg while the customer is in the
// app at home in Berlin is reported; the same customer taking the train there is not. The last
// three are the other gap it listed, invoice redirection with the payee saved anew under the
// landlord's own name: at home it is challenged and advisory (a landlord who really changed banks
// looks the same), abroad it is in the queue, and the new details once paid are not asked about again.
// A carer drawing on a widow's money was a third blind case the README listed, written again from
// its description, beside a builder paid the same way from the customer's own phone.

const config = testConfig();
let engine: Awaited<ReturnType<typeof startTestEngine>>;
beforeAll(async () => {
  engine = await startTestEngine(config);
});
afterAll(async () => engine?.dispose());

const NOW = Date.now() - 2 * DAY;
const event = eventMaker('unseen');
const ordinaryLife = (customer: string) => lifeOf(event, NOW, customer);

/**
 * The customer's first two months at the bank and the scenario through the real engine; the
 * alerts (every severity) the scenario's own events raised. The history's first rent payment is
 * itself a large first payment.
 */
const replay = async (customer: string, scenario: readonly EventInput[]) =>
  (await replayScenario(engine, customer, scenario, ordinaryLife(customer), { timeoutMs: 20_000, quietMs: 300 })).raised;

describe('scenarios the rule pack was never tuned on', () => {
  it('a 1,449 EUR television bought in person at a domestic electronics store, on the usual card, raises no fraud alert', async () => {
    const customer = 'unseen-tv-buyer';
    const tv = event(customer, 'card_payment', NOW - DAY, {
      channel: 'pos', amount: '1449.00', currency: 'EUR', merchant: { id: 'm-mediamarkt-44', mcc: '5732', country: 'DE', name: 'MediaMarkt Alexanderplatz' },
      geo: HOME, entry_mode: 'chip',
    });
    const alerts = await replay(customer, [tv]);
    expect(alerts.filter((a) => a.type === 'fraud')).toEqual([]);
  });

  it('moving the salary account to another bank, money sent to the customer\'s own account there three times, raises no fraud alert', async () => {
    const customer = 'unseen-salary-mover';
    const own = { id: 'payee-own-n26', account: 'DE44100110012629586417', bank: 'NTSBDEB1XXX', country: 'DE', name: 'Jonas Weber', own_account: true };
    const moves = [['2500.00', 2], ['1800.00', 1.5], ['3200.00', 1]].map(([amount, daysAgo]) => event(customer, 'transfer_out', NOW - Number(daysAgo) * DAY, {
      channel: 'mobile_app', amount, currency: 'EUR', device: PHONE, geo: HOME, counterparty: own,
    }));
    const alerts = await replay(customer, moves);
    expect(alerts.filter((a) => a.type === 'fraud')).toEqual([]);
  });

  const FUEL = [['m-aral-77', 'Aral Lichtenberg'], ['m-shell-12', 'Shell Marzahn'], ['m-total-4', 'TotalEnergies Hellersdorf'], ['m-jet-31', 'JET Köpenick'],
    ['m-esso-8', 'Esso Treptow'], ['m-star-2', 'star Neukölln']] as const;
  const across = (i: number) => ({ country: 'DE', lat: 52.52 - 0.02 * i, lon: 13.48 + 0.015 * i });

  it('a cloned card at six fuel stations and five cash machines across town, 2,300 EUR in an hour, card present, raises a fraud alert', async () => {
    const customer = 'unseen-cloned-card-cash-out';
    const start = NOW - DAY + 2 * 3_600_000;
    const run: EventInput[] = [];
    for (let i = 0; i < 11; i++) {
      const at = start + i * 5 * MINUTE + (i % 3) * MINUTE;
      if (i % 2 === 0) {
        const [id, name] = FUEL[i / 2]!;
        run.push(event(customer, 'card_payment', at, {
          channel: 'pos', amount: (95 + 13 * i).toFixed(2), currency: 'EUR', merchant: { id, mcc: '5542', country: 'DE', name }, geo: across(i), entry_mode: 'magstripe',
        }));
      } else {
        run.push(event(customer, 'cash_withdrawal', at, { channel: 'atm', amount: '300.00', currency: 'EUR', geo: across(i) }));
      }
    }
    const total = run.reduce((sum, e) => sum + Number((e as { amount: string }).amount), 0);
    expect(total).toBeGreaterThan(2_200);
    const fraud = (await replay(customer, run)).filter((a) => a.type === 'fraud');
    expect(fraud.map((a) => a.severity)).toContain('high');
    expect(fraud.flatMap((a) => a.ruleIds)).toContain('velocity-burst');
  });

  it('cash for a used car, four withdrawals of 500 EUR at one machine within minutes, puts no fraud alert in the queue', async () => {
    const customer = 'unseen-cash-for-car';
    const machine = { country: 'DE', lat: 52.5219, lon: 13.4132 };
    const draws = [0, 2, 3, 5].map((m) => event(customer, 'cash_withdrawal', NOW - DAY + m * MINUTE, { channel: 'atm', amount: '500.00', currency: 'EUR', geo: machine }));
    // A first large cash withdrawal may be noted as advisory (low); nothing reaches the queue.
    expect(queueFraud(await replay(customer, draws))).toEqual([]);
  });

  it('an afternoon at a Christmas market, nine stalls never paid before and the cash machine twice, puts no fraud alert in the queue', async () => {
    const customer = 'unseen-christmas-market';
    const start = NOW - DAY + 3_600_000;
    const market = { country: 'DE', lat: 52.5163, lon: 13.3777 };
    const stalls = Array.from({ length: 9 }, (_, i) => event(customer, 'card_payment', start + i * 6 * MINUTE, {
      channel: 'pos', amount: (4.5 + 2.5 * (i % 4)).toFixed(2), currency: 'EUR', merchant: { id: `m-stall-${i}`, mcc: i % 2 ? '5814' : '5947', country: 'DE' },
      geo: market, entry_mode: 'contactless',
    }));
    const cash = [10, 40].map((m, i) => event(customer, 'cash_withdrawal', start + m * MINUTE, {
      channel: 'atm', amount: '50.00', currency: 'EUR', geo: { country: 'DE', lat: 52.5163 + 0.004 * i, lon: 13.3777 },
    }));
    expect(queueFraud(await replay(customer, [...stalls, ...cash]))).toEqual([]);
  });

  it('a failed login, a new device abroad, a new phone number and 1,900 EUR to a new foreign payee within ten minutes is reported as a takeover, with the sequence as its reasons', async () => {
    const customer = 'unseen-takeover';
    const attacker = { id: 'dev-unknown-7f3a', ip: '185.220.101.45' };
    const abroad = { country: 'RO', lat: 44.43, lon: 26.1 };
    const start = NOW - DAY;
    const takeover = [
      event(customer, 'login_failed', start, { channel: 'web', device: attacker, geo: abroad }),
      event(customer, 'login', start + MINUTE, { channel: 'web', device: attacker, geo: abroad }),
      event(customer, 'profile_change', start + 3 * MINUTE, { channel: 'web', device: attacker, geo: abroad, changed_fields: ['phone'] }),
      event(customer, 'transfer_out', start + 9 * MINUTE, {
        channel: 'web', amount: '1900.00', currency: 'EUR', device: attacker, geo: abroad,
        counterparty: { id: 'payee-lt-1', account: 'LT601010012345678901', bank: 'REVOLT21', country: 'LT', name: 'M. Petrauskas' },
      }),
    ];
    const alerts = await replay(customer, takeover);
    const fraud = alerts.filter((a) => a.type === 'fraud');
    expect(fraud).toHaveLength(1);
    expect(fraud[0]).toMatchObject({ severity: 'critical' });
    expect(fraud[0]!.ruleIds).toContain('account-takeover');
    const reasons = fraud[0]!.reasons.filter((r) => r.ruleId === 'account-takeover').map((r) => r.text);
    expect(reasons).toEqual(expect.arrayContaining([
      'first payment to this payee',
      expect.stringMatching(/^login from a new device 8 min ago/),
      expect.stringMatching(/^1 failed logins in 24 h/),
      expect.stringMatching(/^phone number or e-mail changed 6 min ago/),
      expect.stringMatching(/^login from a new country 8 min ago/),
    ]));
  });

  describe('Hamburg and Berlin, 255 km apart', () => {
    const BERLIN_HBF = { country: 'DE', lat: 52.5251, lon: 13.3694 };
    const ON_THE_TRAIN = { country: 'DE', lat: 53.33, lon: 11.5 };
    const HAMBURG_HBF = { country: 'DE', lat: 53.553, lon: 10.0069 };
    const HAMBURG_SHOPS = { country: 'DE', lat: 53.5503, lon: 9.9937 };
    const day = NOW - DAY;
    const till = (customer: string, atMs: number, id: string, mcc: string, amount: string, geo: typeof HOME, entryMode = 'contactless') => event(customer, 'card_payment', atMs, {
      channel: 'pos', amount, currency: 'EUR', merchant: { id, mcc, country: 'DE' }, geo, entry_mode: entryMode,
    });
    const app = (customer: string, atMs: number, geo: typeof HOME) => event(customer, 'login', atMs, { channel: 'mobile_app', device: PHONE, geo });

    it('a re-routed card used with its PIN in Hamburg at 11:55 and 12:40, the customer in the app at home in Berlin at 12:15, is reported as impossible travel', async () => {
      const customer = 'unseen-rerouted-card';
      // A week before, a caller who knew enough moved the address and had a replacement card sent there.
      const rerouted = [
        event(customer, 'profile_change', day - 7 * DAY + 10 * HOUR, { channel: 'call_centre', changed_fields: ['address'] }),
        event(customer, 'product_closed', day - 7 * DAY + 10 * HOUR + 5 * MINUTE, { channel: 'call_centre', product: { type: 'debit_card', id: 'card-1', closure_reason: 'replaced' } }),
        event(customer, 'product_opened', day - 7 * DAY + 10 * HOUR + 5 * MINUTE, { channel: 'call_centre', product: { type: 'debit_card', id: 'card-2' } }),
        app(customer, day + 8 * HOUR, HOME),
        till(customer, day + 11 * HOUR + 55 * MINUTE, 'm-hh-elektro-4', '5732', '1180.00', HAMBURG_SHOPS, 'chip'),
        app(customer, day + 12 * HOUR + 15 * MINUTE, HOME),
        till(customer, day + 12 * HOUR + 40 * MINUTE, 'm-hh-juwelier-2', '5944', '2350.00', HAMBURG_SHOPS, 'chip'),
      ];
      const travel = queueFraud(await replay(customer, rerouted)).filter((a) => a.ruleIds.includes('impossible-travel'));
      expect(travel.length).toBeGreaterThanOrEqual(1);
      const reasons = travel[0]!.reasons.filter((r) => r.ruleId === 'impossible-travel').map((r) => r.text);
      expect(reasons).toEqual([expect.stringMatching(/^the journey from the previous event's location needs 1\.\d× the time there was/)]);
    });

    it('the same customer taking the train to Hamburg and back, paying at both ends and in the app on the way, raises nothing in the queue', async () => {
      const customer = 'unseen-train-trip';
      const trip = [
        app(customer, day + 7 * HOUR + 30 * MINUTE, HOME),
        till(customer, day + 9 * HOUR + 20 * MINUTE, 'm-bhf-cafe-1', '5814', '4.80', BERLIN_HBF),
        // The ICE at 9:30, in Hamburg at 11:15.
        app(customer, day + 10 * HOUR + 10 * MINUTE, ON_THE_TRAIN),
        till(customer, day + 11 * HOUR + 25 * MINUTE, 'm-hh-baecker-1', '5462', '6.40', HAMBURG_HBF),
        till(customer, day + 13 * HOUR + 10 * MINUTE, 'm-hh-bistro-3', '5812', '24.50', HAMBURG_SHOPS),
        // Back on the 17:48, in Berlin at 19:32, the usual supermarket on the way home.
        till(customer, day + 17 * HOUR + 40 * MINUTE, 'm-hh-kiosk-2', '5994', '3.20', HAMBURG_HBF),
        till(customer, day + 19 * HOUR + 50 * MINUTE, 'm-rewe-12', '5411', '38.00', HOME),
        app(customer, day + 21 * HOUR, HOME),
      ];
      expect(queueFraud(await replay(customer, trip))).toEqual([]);
    });
  });

  describe('the landlord\'s "new bank details", the rent paid to a payee saved anew under the landlord\'s name', () => {
    // The history pays LANDLORD (Hausverwaltung Ost, a Commerzbank IBAN) 950.00 every fortnight.
    const rent = (customer: string, atMs: number, counterparty: Record<string, unknown>) => event(customer, 'transfer_out', atMs, {
      channel: 'mobile_app', amount: '950.00', currency: 'EUR', device: PHONE, geo: HOME, counterparty,
    });
    const resaved = (account: string, country: string) => ({ id: 'payee-hv-ost-new', account, bank: 'OTHERBANK', country, name: 'HAUSVERWALTUNG OST GmbH' });

    it('at an account at home, is challenged and advisory: one low alert, nothing in the queue', async () => {
      const customer = 'unseen-redirected-home';
      const redirected = rent(customer, NOW - DAY, resaved('DE75512108001245126199', 'DE'));
      const alerts = await replay(customer, [redirected]);
      expect(alerts.map((a) => [a.severity, a.ruleIds])).toEqual([['low', ['payee-details-changed']]]);
      expect(queueFraud(alerts)).toEqual([]);
      // Asked before the next such payment executes, the bank's authorisation system is told to challenge it.
      const next = rent(customer, NOW - DAY + HOUR, { ...resaved('DE02120300000000202077', 'DE'), id: 'payee-hv-ost-2' });
      const asked = await engine.app.inject({ method: 'POST', url: '/v1/decisions', headers: { authorization: `Bearer ${INGEST_KEY}` }, payload: next });
      expect(asked.statusCode, asked.body).toBe(200);
      expect(asked.json()).toMatchObject({ decision: 'challenge' });
      expect(asked.json().reasons.map((r: { rule_id: string }) => r.rule_id)).toContain('payee-details-changed');
    });

    it('at an account abroad, is in the queue as a saved payee paid at a new account abroad', async () => {
      const customer = 'unseen-redirected-abroad';
      const alerts = await replay(customer, [rent(customer, NOW - DAY, resaved('PL27114020040000300201355387', 'PL'))]);
      expect(queueFraud(alerts).flatMap((a) => a.ruleIds)).toContain('payee-account-changed-abroad');
    });

    it('paid again at the same new account a fortnight later, is not asked about again', async () => {
      const customer = 'unseen-landlord-moved';
      const moved = resaved('DE75512108001245126199', 'DE');
      const alerts = await replay(customer, [rent(customer, NOW - 15 * DAY, moved), rent(customer, NOW - DAY, moved)]);
      expect(alerts).toHaveLength(1);
      expect(Date.parse(alerts[0]!.triggeringEvents[0]!.occurredAt!)).toBe(NOW - 15 * DAY);
    });
  });

  describe('growing transfers to a new payee at home over eight weeks, with savings brought in', () => {
    const CARER_PHONE = { id: 'dev-carer-phone', ip: '81.2.69.77' };
    const WEEKS = [280, 400, 600, 900, 1300, 1800, 2400, 3000];
    const SAVINGS = { id: 'payee-own-savings', account: 'DE12500105170648489890', bank: 'VIGIL', country: 'DE', name: 'Tagesgeld', own_account: true };
    // Eleven weeks of ordinary life first: the customer's own phone is known well before the story starts.
    const replayLong = async (customer: string, scenario: readonly EventInput[]) =>
      (await replayScenario(engine, customer, scenario, lifeOf(event, NOW, customer, { from: 80 }), { timeoutMs: 20_000, quietMs: 300 })).raised;
    const story = (customer: string, device: { id: string; ip: string }, payee: Record<string, unknown>) => {
      const start = NOW - 57 * DAY;
      const events: EventInput[] = [];
      if (device.id !== PHONE.id) events.push(event(customer, 'device_added', start, { channel: 'mobile_app', device, geo: HOME }));
      WEEKS.forEach((amount, week) => {
        const at = start + (week * 7 + 1) * DAY + 11 * HOUR;
        events.push(event(customer, 'login', at - 5 * MINUTE, { channel: 'mobile_app', device, geo: HOME }));
        events.push(event(customer, 'transfer_out', at, { channel: 'mobile_app', amount: `${amount}.00`, currency: 'EUR', device, geo: HOME, counterparty: payee }));
      });
      // Savings brought in twice as the sums grow.
      for (const week of [3, 5]) {
        events.push(event(customer, 'transfer_in', start + week * 7 * DAY + 9 * HOUR, { channel: 'core_banking', amount: '4000.00', currency: 'EUR', counterparty: SAVINGS }));
      }
      return events;
    };

    it('a carer\'s phone added to a widow\'s account, transfers to the carer growing from 280 to 3,000 and weekly cash growing, is in the queue', async () => {
      const customer = 'unseen-carer-abuse';
      const carer = { id: 'payee-carer', account: 'DE44100110012629586455', bank: 'NTSBDEB1XXX', country: 'DE', name: 'Marek Duda' };
      const cash = WEEKS.map((_, week) => event(customer, 'cash_withdrawal', NOW - 57 * DAY + (week * 7 + 3) * DAY + 10 * HOUR, {
        channel: 'atm', amount: `${200 + week * 115}.00`, currency: 'EUR', geo: HOME,
      }));
      const alerts = await replayLong(customer, [...story(customer, CARER_PHONE, carer), ...cash]);
      expect(queueFraud(alerts).flatMap((a) => a.ruleIds)).toContain('growing-payments-from-added-device');
    });

    it('a builder paid in the same growing stages from the customer\'s own phone puts no fraud alert in the queue', async () => {
      const customer = 'unseen-builder-own-phone';
      const builder = { id: 'payee-builder', account: 'DE44100110012629586499', bank: 'NTSBDEB1XXX', country: 'DE', name: 'Bau Lindner GmbH' };
      expect(queueFraud(await replayLong(customer, story(customer, PHONE, builder)))).toEqual([]);
    });
  });
});
