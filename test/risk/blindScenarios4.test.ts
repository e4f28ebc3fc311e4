import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { EventInput } from '../../core/events/index.js';
import { startTestEngine, testConfig } from '../support/testEngine.js';
import {
  DAY, EMPLOYER, HOME, HOME_IP, HOUR, MINUTE, PHONE, customerAlerts, eventMaker, ordinaryLife as lifeOf, postEvents, queueFraud, replayOutcome,
  reportScenario, scenarioOutcome, settle,
  type LifeOptions, type RaisedAlert, type ScenarioOutcome, BLIND_NOW, blindAt, type Merchant
} from './scenarioHarness.js';

// Blind scenarios, fourth set: genuine customers whose life changes (false-positive checks), credit
// deterioration and churn, written from how bank customers behave without reading the rule pack,
// features, simulator or evaluation. The same harness (scenarioHarness.ts): months of ordinary
// life, often with the monthly statements (balance snapshots) a core system sends, then the
// scenario, posted in event-time order through the real engine. Expectations are a risk officer's:
//  - genuine: no fraud alert of medium or above from the scenario on, and no credit alert for a
//    customer who is fine (and, where the change is routine, no churn alert either);
//  - credit deterioration: a credit alert (any severity) before default;
//  - churn: a churn alert (any severity) before the customer is gone, raised by the scenario's
//    events or by Vigil's scheduled review of the customer.
// Cases whose signal is a silence (churn, and the two routine money moves that must not read as
// churn) run on an engine whose reviews follow event time, as blindScenarios2's fading customer does.
// The cases are not tuned to pass: a failure is a finding. When written, one failed: the payday-loan
// spiral (seven lender loans in eight weeks, the overdraft at 77 % of its limit) raised no credit
// alert. Not asserted but worth reading in the report: the maternity case draws a high churn alert
// (salary-stopped) because Elterngeld arrives as a transfer from a public body, not as a salary.

vi.setConfig({ testTimeout: 120_000, hookTimeout: 180_000 });

const NOW = BLIND_NOW;
// BLIND4_REPORT=<file> writes what each scenario raised, one JSON line each, for reading the reasons.
const REPORT = process.env.BLIND4_REPORT;
const event = eventMaker('blind4');
const ordinaryLife = (customer: string, o?: LifeOptions) => lifeOf(event, NOW, customer, o);
/** d days before NOW (negative: after), at h:m UTC. */
const at = blindAt;

const ofType = (alerts: readonly RaisedAlert[], type: string) => alerts.filter((a) => a.type === type);
function record(name: string, expectation: string, verdict: Record<string, boolean>, alerts: readonly RaisedAlert[], all: readonly RaisedAlert[], note?: string): void {
  reportScenario(REPORT, { name, expectation, verdict, ...(note ? { note } : {}) }, alerts, all);
}

type Engine = Awaited<ReturnType<typeof startTestEngine>>;
const WAITS = { timeoutMs: 60_000, quietMs: 500 };

type Outcome = ScenarioOutcome;

const replayOn = (engine: Engine, customer: string, scenario: readonly EventInput[], history: readonly EventInput[]) => replayOutcome(engine, customer, scenario, history, WAITS);

const pos = (customer: string, when: number, amount: string, merchant: Merchant, extra: Record<string, unknown> = {}) =>
  event(customer, 'card_payment', when, { channel: 'pos', amount, currency: 'EUR', merchant, entry_mode: Number(amount) < 50 ? 'contactless' : 'chip', geo: HOME, ...extra });
const online = (customer: string, when: number, amount: string, merchant: Merchant) =>
  event(customer, 'card_payment', when, { channel: 'ecommerce', amount, currency: 'EUR', merchant, entry_mode: 'online', device: PHONE, geo: HOME });
const snapshot = (customer: string, when: number, product: { type: string; id?: string }, balance: number, limit?: string) =>
  event(customer, 'balance_snapshot', when, { channel: 'core_banking', product, balance: balance.toFixed(2), currency: 'EUR', ...(limit ? { credit_limit: limit } : {}) });
const CURRENT = { type: 'current_account', id: 'ca-main' };

/** The genuine checks: fraud in the queue and credit alerts, from the scenario's start on. */
function genuineVerdict(o: Outcome): Record<string, boolean> {
  return { noFraudMediumPlus: queueFraud(o.since).length === 0, noCreditAlert: ofType(o.since, 'credit').length === 0 };
}
const earliest = (alerts: readonly RaisedAlert[]) => alerts.flatMap((a) => a.triggeringEvents.map((e) => e.occurredAt).filter((t): t is string => !!t)).sort()[0];

describe('blind scenarios 4 (one engine, wall-clock reviews)', () => {
  const config = testConfig();
  let engine: Engine;
  beforeAll(async () => { engine = await startTestEngine(config); });
  afterAll(async () => engine?.dispose());
  const replay = (customer: string, scenario: readonly EventInput[], history: readonly EventInput[]) => replayOn(engine, customer, scenario, history);

  describe('genuine customers whose life changes: no fraud alert of medium or above, no credit alert', () => {
    it('pays the credit card in full every month; Black Friday and Christmas shopping take the statement to 90 % of the limit, paid in full again', async () => {
      const c = 'blind4-pif-xmas';
      const cc = { type: 'credit_card', id: 'cc-pif-7781' };
      // statements every 30 days (d = 153, 123, …), collected in full by direct debit four days later; the account holds a few thousand
      const statements: [number, number][] = [[153, 1120.4], [123, 980.15], [93, 1264.9], [63, 1045.3], [33, 1190.75]];
      const history = [
        ...ordinaryLife(c, { from: 155, to: 0 }),
        ...statements.flatMap(([d, bal]) => [
          snapshot(c, at(d, 2), cc, bal, '4000.00'),
          event(c, 'loan_repayment', at(d - 4, 7), { channel: 'core_banking', amount: bal.toFixed(2), currency: 'EUR', product: cc }),
          snapshot(c, at(d - 4, 2), CURRENT, 5200 - bal + (d % 7) * 30),
        ]),
      ];
      const de = (id: string, mcc: string, name: string) => ({ id, mcc, country: 'DE', name });
      const scenario = [
        online(c, at(9, 20, 15), '349.00', de('m-otto-de', '5311', 'OTTO Versand')),
        online(c, at(8, 21, 2), '229.99', de('m-zalando-de', '5651', 'Zalando SE')),
        pos(c, at(8, 15), '412.00', de('m-saturn-alexa', '5732', 'Saturn Alexanderplatz')),
        pos(c, at(7, 14, 30), '186.50', de('m-kadewe', '5311', 'KaDeWe')),
        pos(c, at(6, 16), '94.80', de('m-thalia-berlin', '5942', 'Thalia Buchhandlung')),
        pos(c, at(6, 17), '159.99', de('m-lego-store-berlin', '5945', 'LEGO Store Berlin')),
        online(c, at(5, 19, 40), '238.40', de('m-db-fernverkehr', '4112', 'DB Fernverkehr')),
        pos(c, at(4, 13), '325.00', de('m-galeries-lafayette', '5311', 'Galeries Lafayette Berlin')),
        // the December statement: 3,612.30 of 4,000 (90 %), collected in full four days later as always
        snapshot(c, at(3, 2), cc, 3612.3, '4000.00'),
        snapshot(c, at(3, 2, 5), CURRENT, 4870.2),
        event(c, 'loan_repayment', at(-1, 7), { channel: 'core_banking', amount: '3612.30', currency: 'EUR', product: cc }),
        snapshot(c, at(-1, 22), CURRENT, 1257.9),
      ];
      const o = await replay(c, scenario, history);
      const verdict = genuineVerdict(o);
      record('pays card in full, 90 % utilisation at Christmas', 'no fraud >= medium, no credit alert', verdict, o.since, o.all);
      expect(verdict).toEqual({ noFraudMediumPlus: true, noCreditAlert: true });
    });

    it('salary a day late: the electricity direct debit due on payday comes back once, the salary lands the next morning and she pays the bill by app', async () => {
      const c = 'blind4-late-salary';
      const vattenfall = { id: 'payee-vattenfall', name: 'Vattenfall Europe Sales', account: 'DE70100700000051234567', bank: 'DEUTDEBBXXX', country: 'DE' };
      const history = [
        ...ordinaryLife(c, { from: 150, to: 0, salary: (d) => d % 30 === 0 && d > 0 }),
        ...[150, 120, 90, 60, 30].flatMap((d, i) => [
          // a tight month: low balance just before payday, then the direct debit right after the salary
          snapshot(c, at(d, 3), CURRENT, [310.4, 262.15, 415.0, 198.7, 344.25][i]!),
          event(c, 'bill_payment', at(d, 7), { channel: 'core_banking', amount: '86.00', currency: 'EUR', counterparty: vattenfall, attributes: { mandate: 'SEPA-DD-VATT-4471' } }),
        ]),
      ];
      const scenario = [
        snapshot(c, at(0, 3), CURRENT, 238.6),
        event(c, 'direct_debit_returned', at(0, 8), { channel: 'core_banking', amount: '86.00', currency: 'EUR', counterparty: vattenfall, attributes: { reason: 'AM04' } }),
        event(c, 'salary_credit', at(-1, 6), { channel: 'core_banking', amount: '3400.00', currency: 'EUR', counterparty: EMPLOYER }),
        event(c, 'login', at(-1, 18, 30), { channel: 'mobile_app', device: PHONE, geo: HOME }),
        event(c, 'bill_payment', at(-1, 18, 34), { channel: 'mobile_app', amount: '86.00', currency: 'EUR', device: PHONE, geo: HOME, counterparty: vattenfall }),
        snapshot(c, at(-1, 22), CURRENT, 3412.3),
      ];
      const o = await replay(c, scenario, history);
      const verdict = genuineVerdict(o);
      record('one returned DD, salary a day late', 'no fraud >= medium, no credit alert', verdict, o.since, o.all);
      expect(verdict).toEqual({ noFraudMediumPlus: true, noCreditAlert: true });
    });

    it('maternity leave: the employer\'s salary ends, parental allowance (Elterngeld) and child benefit from public bodies instead, baby shops, savings used a little', async () => {
      const c = 'blind4-maternity';
      const elterngeld = { id: 'payer-elterngeld-pankow', name: 'Bezirksamt Pankow Elterngeldstelle', country: 'DE' };
      const kindergeld = { id: 'payer-familienkasse', name: 'Bundesagentur fuer Arbeit Familienkasse', country: 'DE' };
      const history = [
        ...ordinaryLife(c, { from: 150, to: 0, salary: (d) => d % 30 === 0 && d >= 60, cards: (d) => (d > 60 ? 2 : 1), transfers: (d) => d > 60 || (d / 7) % 2 === 0 }),
        ...[148, 118, 88].map((d, i) => snapshot(c, at(d, 3), CURRENT, [7420, 7810, 8150][i]!)),
      ];
      const de = (id: string, mcc: string, name: string) => ({ id, mcc, country: 'DE', name });
      const scenario: EventInput[] = [
        // the employer tops up maternity pay for the protection period (the last salary at d=60), then Elterngeld
        event(c, 'transfer_in', at(52, 9), { channel: 'core_banking', amount: '390.00', currency: 'EUR', counterparty: { id: 'payer-tk', name: 'Techniker Krankenkasse', country: 'DE' } }),
        pos(c, at(50, 11), '689.00', de('m-babyone-berlin', '5641', 'BabyOne Berlin')),
        online(c, at(47, 20), '129.90', de('m-windeln-de', '5641', 'windeln.de')),
        event(c, 'transfer_in', at(30, 9), { channel: 'core_banking', amount: '1784.00', currency: 'EUR', counterparty: elterngeld }),
        event(c, 'transfer_in', at(26, 9), { channel: 'core_banking', amount: '255.00', currency: 'EUR', counterparty: kindergeld }),
        snapshot(c, at(28, 3), CURRENT, 6240.5),
        event(c, 'transfer_in', at(1, 9), { channel: 'core_banking', amount: '1784.00', currency: 'EUR', counterparty: elterngeld }),
        snapshot(c, at(0, 3), CURRENT, 5310.8),
      ];
      for (let d = 45; d >= 1; d -= 4) scenario.push(pos(c, at(d, 10, 30), (18 + (d % 5) * 4.3).toFixed(2), de('m-dm-pankow', '5912', 'dm-drogerie markt')));
      for (let d = 40; d >= 1; d -= 9) scenario.push(pos(c, at(d, 11), (9.5 + (d % 3) * 6).toFixed(2), de('m-apotheke-pankow', '5912', 'Apotheke am Garbatyplatz')));
      const o = await replay(c, scenario, history);
      const verdict = genuineVerdict(o);
      record('maternity leave: salary replaced by public benefits', 'no fraud >= medium, no credit alert', verdict, o.since, o.all);
      expect(verdict).toEqual({ noFraudMediumPlus: true, noCreditAlert: true });
    });

    it('retirement: last salary with holiday pay, then a state pension and a company pension from two other payers; shopping moves to weekday mornings', async () => {
      const c = 'blind4-retired';
      const drv = { id: 'payer-drv-bund', name: 'Deutsche Rentenversicherung Bund', country: 'DE' };
      const bav = { id: 'payer-allianz-pk', name: 'Allianz Pensionskasse AG', country: 'DE' };
      const history = [
        ...ordinaryLife(c, { from: 160, to: 40, salary: (d) => d % 30 === 0 && d >= 60 }),
        ...[150, 120, 90, 60].map((d, i) => snapshot(c, at(d, 3), CURRENT, [9120, 9480, 9705, 10020][i]!)),
      ];
      const de = (id: string, mcc: string, name: string) => ({ id, mcc, country: 'DE', name });
      const scenario: EventInput[] = [
        event(c, 'salary_credit', at(60, 7), { channel: 'core_banking', amount: '1240.00', currency: 'EUR', counterparty: EMPLOYER, attributes: { reference: 'Urlaubsabgeltung' } }),
        event(c, 'salary_credit', at(31, 5), { channel: 'core_banking', amount: '1874.26', currency: 'EUR', counterparty: drv }),
        event(c, 'salary_credit', at(30, 6), { channel: 'core_banking', amount: '418.50', currency: 'EUR', counterparty: bav }),
        event(c, 'salary_credit', at(1, 5), { channel: 'core_banking', amount: '1874.26', currency: 'EUR', counterparty: drv }),
        event(c, 'salary_credit', at(0, 6), { channel: 'core_banking', amount: '418.50', currency: 'EUR', counterparty: bav }),
        snapshot(c, at(30, 3), CURRENT, 9310.4),
        snapshot(c, at(0, 3), CURRENT, 8790.1),
        event(c, 'branch_visit', at(20, 9, 30), { channel: 'branch', geo: HOME }),
      ];
      // the last 40 days: her own: rent and a weekly shop, the market and the pharmacy in the morning, the app every other day
      for (let d = 39; d >= 0; d--) {
        if (d % 2 === 0) scenario.push(event(c, 'login', at(d, 9), { channel: 'mobile_app', device: PHONE, geo: HOME }));
        scenario.push(pos(c, at(d, 9, 40), (21 + (d % 6) * 5.5).toFixed(2), de('m-rewe-12', '5411', 'REWE')));
        if (d % 3 === 0) scenario.push(pos(c, at(d, 10, 15), (6.2 + (d % 4) * 2).toFixed(2), de('m-baecker-3', '5462', 'Baeckerei Mueller')));
        if (d % 10 === 4) scenario.push(pos(c, at(d, 10, 45), (14 + (d % 7) * 3).toFixed(2), de('m-dm-7', '5912', 'dm')));
        if (d % 14 === 0) scenario.push(event(c, 'transfer_out', at(d, 19), { channel: 'mobile_app', amount: '950.00', currency: 'EUR', device: PHONE, geo: HOME,
          counterparty: { id: 'payee-landlord', account: 'DE89370400440532013000', bank: 'COBADEFF', country: 'DE', name: 'Hausverwaltung Ost' } }));
      }
      const o = await replay(c, scenario, history);
      const verdict = genuineVerdict(o);
      record('retirement: salary replaced by pensions', 'no fraud >= medium, no credit alert', verdict, o.since, o.all);
      expect(verdict).toEqual({ noFraudMediumPlus: true, noCreditAlert: true });
    });

    it('moving from Berlin to Munich: deposit and first rent to the new landlord, movers, address change, new shops in Munich, old deposit refunded', async () => {
      const c = 'blind4-moving';
      const MUC = { country: 'DE', lat: 48.16, lon: 11.58 };
      const newHomeIp = '88.217.44.12';
      const phoneMuc = { id: PHONE.id, ip: newHomeIp };
      const newLandlord = { id: 'payee-schwabing-immo', account: 'DE12700202700015432198', bank: 'HYVEDEMMXXX', country: 'DE', name: 'Immobilienverwaltung Schwabing GmbH' };
      const tr = (when: number, amount: string, counterparty: Record<string, unknown>, device = PHONE, geo = HOME, attributes?: Record<string, string>) =>
        event(c, 'transfer_out', when, { channel: 'mobile_app', amount, currency: 'EUR', device, geo, counterparty, ...(attributes ? { attributes } : {}) });
      const muc = (id: string, mcc: string, name: string) => ({ id, mcc, country: 'DE', name });
      const history = [
        ...ordinaryLife(c, { from: 150, to: 25, transfers: (d) => d > 28 }),
        ...[145, 115, 85, 55].map((d, i) => snapshot(c, at(d, 3), CURRENT, [8320, 8610, 8940, 9210][i]!)),
      ];
      const scenario: EventInput[] = [
        tr(at(40, 19, 10), '3450.00', newLandlord, PHONE, HOME, { reference: 'Kaution Wohnung Belgradstr 3 OG' }),
        tr(at(38, 19, 5), '1350.00', newLandlord, PHONE, HOME, { reference: 'Miete' }),
        tr(at(27, 18), '1680.00', { id: 'payee-zapf-umzuege', account: 'DE44100100100123456789', bank: 'PBNKDEFFXXX', country: 'DE', name: 'Zapf Umzuege AG' }),
        event(c, 'login', at(24, 8), { channel: 'mobile_app', device: phoneMuc, geo: MUC }),
        event(c, 'profile_change', at(23, 20), { channel: 'mobile_app', device: phoneMuc, geo: MUC, changed_fields: ['address'] }),
        pos(c, at(23, 12), '1142.00', muc('m-ikea-eching', '5712', 'IKEA Muenchen-Eching'), { geo: MUC }),
        pos(c, at(22, 15), '234.60', muc('m-hornbach-muc', '5200', 'Hornbach Muenchen'), { geo: MUC }),
        pos(c, at(18, 16), '489.00', muc('m-mediamarkt-muc', '5732', 'MediaMarkt Muenchen'), { geo: MUC }), // washing machine
        event(c, 'bill_payment', at(10, 19), { channel: 'mobile_app', amount: '72.00', currency: 'EUR', device: phoneMuc, geo: MUC,
          counterparty: { id: 'payee-swm', account: 'DE61700500000000024040', bank: 'BYLADEMMXXX', country: 'DE', name: 'SWM Versorgungs GmbH' } }),
        tr(at(8, 19, 20), '1350.00', newLandlord, phoneMuc, MUC, { reference: 'Miete' }),
        event(c, 'transfer_in', at(5, 10), { channel: 'core_banking', amount: '2850.00', currency: 'EUR',
          counterparty: { id: 'payee-landlord', name: 'Hausverwaltung Ost', account: 'DE89370400440532013000', country: 'DE' } }),
        snapshot(c, at(25, 3), CURRENT, 6420.3),
      ];
      // life in Munich: groceries, bakery, chemist, the U-Bahn and fuel, the app on the same phone from the new home network
      const shops = [muc('m-edeka-schwabing', '5411', 'EDEKA Schwabing'), muc('m-rischart', '5462', 'Rischart'), muc('m-rossmann-muc', '5912', 'Rossmann'), muc('m-mvg', '4111', 'MVG Automat'), muc('m-shell-muc', '5541', 'Shell Leopoldstr')];
      for (let d = 24; d >= 0; d--) {
        scenario.push(event(c, 'login', at(d, 7, 45), { channel: 'mobile_app', device: phoneMuc, geo: MUC }));
        for (let i = 0; i < 2; i++) {
          const shop = shops[(d + i * 2) % shops.length]!;
          const amount = ([36, 5.8, 13, 3.7, 58][(d + i * 2) % shops.length]! * (0.8 + ((d * 3 + i) % 6) / 10)).toFixed(2);
          scenario.push(pos(c, at(d, 11 + 6 * i), amount, shop, { geo: MUC }));
        }
        if (d % 30 === 0) scenario.push(event(c, 'salary_credit', at(d, 6), { channel: 'core_banking', amount: '3400.00', currency: 'EUR', counterparty: EMPLOYER }));
      }
      const o = await replay(c, scenario, history);
      const verdict = genuineVerdict(o);
      record('moving house Berlin to Munich', 'no fraud >= medium, no credit alert', verdict, o.since, o.all);
      expect(verdict).toEqual({ noFraudMediumPlus: true, noCreditAlert: true });
    });

    it('a gambling hobbyist: the Saturday lottery ticket and a 20 EUR football bet every week for months (about 4 % of income), a small win now and then', async () => {
      const c = 'blind4-gambling-hobby';
      const lotto = { id: 'm-lotto-annahme-kiez', mcc: '7995', country: 'DE', name: 'Lotto Annahmestelle Kiez' };
      const tipico = { id: 'm-tipico-com', mcc: '7995', country: 'MT', name: 'Tipico Co. Ltd' };
      const weeks = (from: number, to: number) => {
        const out: EventInput[] = [];
        for (let d = from; d >= to; d--) {
          if (d % 7 !== 2) continue;
          out.push(pos(c, at(d, 10, 20), '12.50', lotto));
          out.push(online(c, at(d, 13, 5), '20.00', tipico));
          if (d % 35 === 2) out.push(event(c, 'transfer_in', at(d - 1, 11), { channel: 'core_banking', amount: (30 + (d % 4) * 12.5).toFixed(2), currency: 'EUR', counterparty: { id: 'payer-tipico', name: 'Tipico Co. Ltd', country: 'MT' } }));
        }
        return out;
      };
      const history = [
        ...ordinaryLife(c, { from: 150, to: 0 }),
        ...weeks(150, 31),
        ...[150, 120, 90, 60].map((d, i) => snapshot(c, at(d, 3), CURRENT, [2610, 2790, 2540, 2880][i]!)),
      ];
      const scenario = [...weeks(30, 0), snapshot(c, at(30, 3), CURRENT, 2720.4), snapshot(c, at(0, 3), CURRENT, 2805.1)];
      const o = await replay(c, scenario, history);
      const verdict = genuineVerdict(o);
      record('gambling hobbyist, small steady share', 'no fraud >= medium, no credit alert', verdict, o.since, o.all);
      expect(verdict).toEqual({ noFraudMediumPlus: true, noCreditAlert: true });
    });
  });

  describe('credit deterioration draws a credit alert before default', () => {
    it('card utilisation creeps from 30 % to 98 % of 6,000 EUR over four monthly statements, minimum payments only, cash advances on the card', async () => {
      const c = 'blind4-card-creep';
      const cc = { type: 'credit_card', id: 'cc-creep-3310' };
      const history = [
        ...ordinaryLife(c, { from: 180, to: 0 }),
        // before: statements around 30 %, paid down by a few hundred euros each month
        ...[175, 145].flatMap((d, i) => [
          snapshot(c, at(d, 2), cc, [1740.2, 1810.6][i]!, '6000.00'),
          event(c, 'loan_repayment', at(d - 20, 7), { channel: 'core_banking', amount: '600.00', currency: 'EUR', product: cc }),
          snapshot(c, at(d, 2, 5), CURRENT, [2140, 2080][i]!),
        ]),
      ];
      const scenario = [
        ...[[115, 1850.4, 2010], [85, 3120.75, 1420], [55, 4290.1, 760], [25, 5340.9, 310], [1, 5884.3, 95]].flatMap(([d, bal, acct], i) => [
          snapshot(c, at(d!, 2), cc, bal!, '6000.00'),
          snapshot(c, at(d!, 2, 5), CURRENT, acct!),
          // the minimum (2 %, at least 25 EUR), twenty days after each statement but the last
          ...(i < 4 ? [event(c, 'loan_repayment', at(d! - 20, 7), { channel: 'core_banking', amount: Math.max(25, bal! * 0.02).toFixed(2), currency: 'EUR', product: cc })] : []),
        ]),
        ...[[72, '200.00'], [43, '300.00'], [17, '250.00'], [6, '400.00']].map(([d, amount]) => event(c, 'cash_withdrawal', at(Number(d), 18, 30), {
          channel: 'atm', amount, currency: 'EUR', geo: HOME, product: cc })),
      ];
      const o = await replay(c, scenario, history);
      const credit = ofType([...o.raised, ...o.since], 'credit');
      const verdict = { creditAlert: credit.length > 0 };
      record('card utilisation creep 30->98 %, minimum payments, cash advances', 'credit alert', verdict, [...new Set([...o.raised, ...o.since])], o.all, `earliest credit trigger ${earliest(credit)}`);
      expect(verdict).toEqual({ creditAlert: true });
    });

    it('salary stops with no benefit claimed: the overdraft grows week by week to near its limit, then the car insurance direct debit comes back', async () => {
      const c = 'blind4-overdraft';
      const history = [
        ...ordinaryLife(c, { from: 150, to: 0, salary: (d) => d % 30 === 0 && d >= 60, cards: (d) => (d > 30 ? 2 : 1) }),
        ...[145, 115, 85, 55].map((d, i) => snapshot(c, at(d, 3), CURRENT, [2310, 2150, 2040, 1690][i]!, '1500.00')),
      ];
      const scenario = [
        event(c, 'transfer_in', at(33, 20), { channel: 'mobile_app', amount: '600.00', currency: 'EUR', device: PHONE, geo: HOME,
          counterparty: { id: 'acct-own-tagesgeld', name: 'Tagesgeld M Koch', country: 'DE', own_account: true } }),
        ...[[35, 880.4], [28, 115.2], [21, -392.6], [14, -771.3], [7, -1118.9], [2, -1394.55]].map(([d, bal]) => snapshot(c, at(d!, 3), CURRENT, bal!, '1500.00')),
        event(c, 'direct_debit_returned', at(1, 8), { channel: 'core_banking', amount: '389.40', currency: 'EUR',
          counterparty: { id: 'payee-huk-coburg', name: 'HUK-COBURG', account: 'DE12783500000040117000', country: 'DE' }, attributes: { reason: 'AM04' } }),
      ];
      const o = await replay(c, scenario, history);
      const credit = ofType([...o.raised, ...o.since], 'credit');
      const verdict = { creditAlert: credit.length > 0 };
      record('salary stops, overdraft grows, DD returned', 'credit alert', verdict, [...new Set([...o.raised, ...o.since])], o.all, `earliest credit trigger ${earliest(credit)} (DD returned ${new Date(at(1, 8)).toISOString()})`);
      expect(verdict).toEqual({ creditAlert: true });
    });

    it('payday-loan spiral: seven short-term loans from three online lenders in eight weeks, each repaid with the next, the account sliding into overdraft', async () => {
      const c = 'blind4-payday-loans';
      const lenders = {
        vexcash: { id: 'cp-vexcash', name: 'Vexcash AG', account: 'DE53700700100205555500', bank: 'DEUTDEMMXXX', country: 'DE' },
        cashper: { id: 'cp-cashper', name: 'Novum Bank Ltd (Cashper)', account: 'MT31VALL22013000000040018823411', bank: 'VALLMTMT', country: 'MT' },
        ferratum: { id: 'cp-ferratum', name: 'Ferratum Bank p.l.c.', account: 'MT84MALT011000012345MTLCAST001S', bank: 'MALTMTMT', country: 'MT' },
      };
      const history = [
        ...ordinaryLife(c, { from: 150, to: 0 }),
        ...[145, 115, 85].map((d, i) => snapshot(c, at(d, 3), CURRENT, [640, 520, 410][i]!, '800.00')),
      ];
      const loanIn = (d: number, amount: string, cp: Record<string, unknown>) => event(c, 'transfer_in', at(d, 11), { channel: 'open_banking', amount, currency: 'EUR', counterparty: cp });
      const repay = (d: number, amount: string, cp: Record<string, unknown>) => event(c, 'transfer_out', at(d, 9, 30), { channel: 'mobile_app', amount, currency: 'EUR', device: PHONE, geo: HOME, counterparty: cp });
      const scenario = [
        loanIn(56, '300.00', lenders.vexcash),
        loanIn(48, '500.00', lenders.cashper),
        loanIn(41, '400.00', lenders.ferratum),
        repay(26, '345.00', lenders.vexcash), loanIn(25, '500.00', lenders.vexcash),
        repay(18, '565.00', lenders.cashper), loanIn(18, '600.00', lenders.cashper),
        repay(11, '462.00', lenders.ferratum), loanIn(9, '700.00', lenders.ferratum),
        snapshot(c, at(55, 3), CURRENT, 180.2, '800.00'),
        snapshot(c, at(25, 3), CURRENT, -240.7, '800.00'),
        snapshot(c, at(1, 3), CURRENT, -612.35, '800.00'),
      ];
      const o = await replay(c, scenario, history);
      const credit = ofType([...o.raised, ...o.since], 'credit');
      const verdict = { creditAlert: credit.length > 0 };
      record('payday-loan spiral', 'credit alert', verdict, [...new Set([...o.raised, ...o.since])], o.all, `earliest credit trigger ${earliest(credit)}`);
      expect(verdict).toEqual({ creditAlert: true });
    });

    it('gambling takes over: from a weekly bet to nightly online casino sessions in six weeks, winnings rare, then two direct debits come back', async () => {
      const c = 'blind4-gambling-rising';
      const casino = [
        { id: 'm-tipico-casino', mcc: '7995', country: 'MT', name: 'Tipico Casino' },
        { id: 'm-mrgreen', mcc: '7995', country: 'MT', name: 'Mr Green Ltd' },
        { id: 'm-bwin', mcc: '7995', country: 'GI', name: 'ElectraWorks Ltd (bwin)' },
      ];
      const history = [
        ...ordinaryLife(c, { from: 150, to: 0 }),
        ...[150, 120, 90, 60].map((d, i) => snapshot(c, at(d, 3), CURRENT, [1940, 2010, 1880, 1720][i]!, '1000.00')),
      ];
      for (let d = 150; d > 42; d--) if (d % 7 === 5) history.push(online(c, at(d, 20), '15.00', casino[0]!));
      const scenario: EventInput[] = [];
      // six weeks: sessions per week 2, 3, 4, 5, 6, 7, stakes rising from ~40 to ~180 a session, late at night
      for (let d = 42; d >= 1; d--) {
        const week = Math.floor((42 - d) / 7); // 0..5
        if ((d * 3) % 7 >= week + 2) continue;
        const sessions = 1 + Math.floor(week / 2);
        for (let s = 0; s < sessions; s++) {
          const stake = (40 + week * 28 + ((d + s) % 4) * 10).toFixed(2);
          scenario.push(online(c, at(d, 21 + s, 10 + 13 * s), stake, casino[(d + s) % casino.length]!));
        }
      }
      scenario.push(event(c, 'transfer_in', at(20, 12), { channel: 'core_banking', amount: '120.00', currency: 'EUR', counterparty: { id: 'payer-mrgreen', name: 'Mr Green Ltd', country: 'MT' } }));
      scenario.push(snapshot(c, at(30, 3), CURRENT, 760.3, '1000.00'));
      scenario.push(snapshot(c, at(15, 3), CURRENT, -310.5, '1000.00'));
      scenario.push(event(c, 'direct_debit_returned', at(8, 7), { channel: 'core_banking', amount: '39.95', currency: 'EUR', counterparty: { id: 'payee-telekom', name: 'Telekom Deutschland GmbH', country: 'DE' } }));
      scenario.push(event(c, 'direct_debit_returned', at(3, 7), { channel: 'core_banking', amount: '86.00', currency: 'EUR', counterparty: { id: 'payee-vattenfall', name: 'Vattenfall Europe Sales', country: 'DE' } }));
      scenario.push(snapshot(c, at(2, 3), CURRENT, -884.2, '1000.00'));
      const o = await replay(c, scenario, history);
      const credit = ofType([...o.raised, ...o.since], 'credit');
      const verdict = { creditAlert: credit.length > 0 };
      record('gambling share rising, DDs returned', 'credit alert', verdict, [...new Set([...o.raised, ...o.since])], o.all, `earliest credit trigger ${earliest(credit)}; casino payments ${scenario.filter((e) => e.type === 'card_payment').length}`);
      expect(verdict).toEqual({ creditAlert: true });
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Cases whose signal is silence or a routine move of money: one engine whose reviews fall due by
// event time (one partition, a busy customer moving the clock on to today), every customer's
// history and scenario posted together in event-time order.

interface Case { name: string; customer: string; expectation: string; history: EventInput[]; scenario: EventInput[]; kind: 'churn' | 'genuine-no-churn' }

function eventClockCases(): Case[] {
  const cases: Case[] = [];

  { // a matured term deposit: closed by the bank on maturity, paid out, most of it rolled into a new one
    const c = 'blind4-matured-td';
    const td = { id: 'acct-own-festgeld-1', name: 'Festgeld 24M L Braun', own_account: true };
    const history = ordinaryLife(c, { from: 150, to: 0 });
    const scenario = [
      event(c, 'product_closed', at(10, 1), { channel: 'core_banking', product: { type: 'term_deposit', id: 'td-braun-2024', closure_reason: 'matured' } }),
      event(c, 'transfer_in', at(10, 1, 5), { channel: 'core_banking', amount: '25412.50', currency: 'EUR', counterparty: td }),
      event(c, 'login', at(8, 19), { channel: 'mobile_app', device: PHONE, geo: HOME }),
      event(c, 'app_session', at(8, 19, 2), { channel: 'mobile_app', device: PHONE, geo: HOME }),
      event(c, 'product_opened', at(8, 19, 10), { channel: 'mobile_app', device: PHONE, geo: HOME, product: { type: 'term_deposit', id: 'td-braun-2026' } }),
      event(c, 'transfer_out', at(8, 19, 12), { channel: 'mobile_app', amount: '20000.00', currency: 'EUR', device: PHONE, geo: HOME,
        counterparty: { id: 'acct-own-festgeld-2', name: 'Festgeld 12M L Braun', own_account: true } }),
    ];
    cases.push({ name: 'matured term deposit rolled over', customer: c, expectation: 'no churn alert, no fraud >= medium', history, scenario, kind: 'genuine-no-churn' });
  }

  { // new phone, then the usual monthly top-up of his own savings account at another bank he has used for years
    const c = 'blind4-newphone-savings';
    const ing = { id: 'acct-own-ing-extra', name: 'Jonas Richter', account: 'DE27500105175533219876', bank: 'INGDDEFFXXX', country: 'DE', own_account: true };
    const newPhone = { id: 'dev-pixel-8a-jr', ip: HOME_IP };
    const history = [
      ...ordinaryLife(c, { from: 150, to: 0, app: (d) => d >= 1 }),
      ...[149, 119, 89, 59, 29].map((d) => event(c, 'transfer_out', at(d, 19, 30), { channel: 'mobile_app', amount: '300.00', currency: 'EUR', device: PHONE, geo: HOME, counterparty: ing })),
    ];
    const scenario = [
      event(c, 'login', at(0, 18, 2), { channel: 'mobile_app', device: newPhone, geo: HOME }),
      event(c, 'device_added', at(0, 18, 4), { channel: 'mobile_app', device: newPhone, geo: HOME }),
      event(c, 'transfer_out', at(0, 18, 20), { channel: 'mobile_app', amount: '450.00', currency: 'EUR', device: newPhone, geo: HOME, counterparty: ing }),
      event(c, 'login', at(-1, 8), { channel: 'mobile_app', device: newPhone, geo: HOME }),
      pos(c, at(-1, 12), '23.40', { id: 'm-rewe-12', mcc: '5411', country: 'DE' }),
    ];
    cases.push({ name: 'new phone, usual top-up of own savings at another bank', customer: c, expectation: 'no churn alert, no fraud >= medium', history, scenario, kind: 'genuine-no-churn' });
  }

  { // salary swept out: a test transfer to his own new account at N26, then the salary leaves the same morning it arrives, and the next one never comes
    const c = 'blind4-salary-sweep';
    const n26 = { id: 'acct-own-n26', name: 'Felix Wagner', account: 'DE89100110012623456789', bank: 'NTSBDEB1XXX', country: 'DE', own_account: true };
    const history = ordinaryLife(c, { from: 150, to: 0, salary: (d) => d % 30 === 0 && d >= 30,
      cards: (d) => (d > 30 ? 2 : d % 2 === 0 ? 1 : 0), app: (d) => d > 30 || d % 3 === 0, transfers: (d) => d > 14 });
    const scenario = [
      event(c, 'transfer_out', at(44, 20), { channel: 'mobile_app', amount: '50.00', currency: 'EUR', device: PHONE, geo: HOME, counterparty: n26 }),
      event(c, 'login', at(30, 9), { channel: 'mobile_app', device: PHONE, geo: HOME }),
      event(c, 'transfer_out', at(30, 9, 4), { channel: 'mobile_app', amount: '2900.00', currency: 'EUR', device: PHONE, geo: HOME, counterparty: n26 }),
      event(c, 'transfer_in', at(12, 10), { channel: 'open_banking', amount: '400.00', currency: 'EUR', counterparty: n26 }),
    ];
    cases.push({ name: 'salary swept to own new bank, then stops', customer: c, expectation: 'churn alert', history, scenario, kind: 'churn' });
  }

  { // two complaints about fees, never resolved, then she goes quiet
    const c = 'blind4-fee-complaints';
    const history = ordinaryLife(c, { from: 150, to: 12,
      cards: (d) => (d > 28 ? 2 : d % 3 === 0 ? 1 : 0), app: (d) => d > 28 || d % 7 === 0, transfers: (d) => d > 28 });
    const scenario = [
      event(c, 'call_centre_contact', at(45, 10), { channel: 'call_centre' }),
      event(c, 'complaint', at(45, 10, 6), { channel: 'call_centre', complaint: { id: 'cmp-vogel-1', category: 'fees', status: 'opened' } }),
      event(c, 'login', at(31, 20), { channel: 'web', device: PHONE, geo: HOME }),
      event(c, 'complaint', at(31, 20, 9), { channel: 'web', device: PHONE, geo: HOME, complaint: { id: 'cmp-vogel-2', category: 'fees', status: 'opened' } }),
    ];
    cases.push({ name: 'two unresolved fee complaints, then quiet', customer: c, expectation: 'churn alert', history, scenario, kind: 'churn' });
  }

  { // closes the credit card at her own request after paying it off, then stops using the app; the salary still comes in
    const c = 'blind4-card-closed';
    const cc = { type: 'credit_card', id: 'cc-lange-5520' };
    const history = [
      ...ordinaryLife(c, { from: 150, to: 0, app: (d) => d > 35, cards: (d) => (d > 35 ? 2 : d % 2 === 0 ? 1 : 0) }),
      ...[140, 110, 80, 50].map((d) => event(c, 'loan_repayment', at(d, 7), { channel: 'core_banking', amount: '380.00', currency: 'EUR', product: cc })),
      ...[160, 130, 100, 70].map((d, i) => snapshot(c, at(d - 10, 2), cc, [380, 412.5, 365.2, 398.8][i]!, '3000.00')),
    ];
    const scenario = [
      event(c, 'loan_repayment', at(37, 19), { channel: 'mobile_app', amount: '412.80', currency: 'EUR', device: PHONE, geo: HOME, product: cc }),
      snapshot(c, at(36, 2), cc, 0, '3000.00'),
      event(c, 'call_centre_contact', at(35, 10), { channel: 'call_centre' }),
      event(c, 'product_closed', at(35, 10, 8), { channel: 'call_centre', product: { type: 'credit_card', id: cc.id, closure_reason: 'customer_request' } }),
    ];
    cases.push({ name: 'credit card closed on request, app abandoned', customer: c, expectation: 'churn alert', history, scenario, kind: 'churn' });
  }

  { // a slow fade: card use and app use halve month by month; salary and rent still run through the account
    const c = 'blind4-halving';
    const perMonth = (d: number) => (d > 120 ? 2 : d > 90 ? 1 : d > 60 ? (d % 2 === 0 ? 1 : 0) : d > 30 ? (d % 4 === 0 ? 1 : 0) : d % 8 === 0 ? 1 : 0);
    const all = ordinaryLife(c, { from: 150, to: 0, cards: perMonth, app: (d) => (d > 120 ? true : d > 90 ? d % 2 === 0 : d > 60 ? d % 4 === 0 : d > 30 ? d % 8 === 0 : d % 16 === 0) });
    const start = at(120, 0);
    const history = all.filter((e) => Date.parse(e.occurred_at) < start);
    // the scenario is the fading months themselves
    const scenario = all.filter((e) => Date.parse(e.occurred_at) >= start);
    cases.push({ name: 'slow fade: card use halves each month', customer: c, expectation: 'churn alert', history, scenario, kind: 'churn' });
  }
  return cases;
}

describe('blind scenarios 4: silence and routine money moves (event-time review clock)', () => {
  const cases = eventClockCases();
  const busy = 'blind4-clock-busy';
  let engine: Engine;
  const outcomes = new Map<string, Outcome>();

  beforeAll(async () => {
    engine = await startTestEngine(testConfig({ VIGIL_PARTITIONS: '1', VIGIL_SWEEP_INTERVAL_MS: '50', VIGIL_SWEEP_CLOCK: 'events' }));
    // another customer of the same partition, whose ordinary life moves the event-time clock on to today
    const clock = ordinaryLife(busy, { from: 150, to: 0 });
    const events = [...clock, ...cases.flatMap((k) => [...k.history, ...k.scenario])].sort((a, b) => Date.parse(a.occurred_at) - Date.parse(b.occurred_at));
    await postEvents(engine, events);
    await settle(engine, busy, clock.length, WAITS);
    for (const k of cases) await settle(engine, k.customer, k.history.length + k.scenario.length, WAITS);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    for (const k of cases) outcomes.set(k.customer, scenarioOutcome(await customerAlerts(engine, k.customer), k.scenario));
  });
  afterAll(async () => engine?.dispose());

  for (const k of cases) {
    it(`${k.name}: ${k.expectation}`, () => {
      const o = outcomes.get(k.customer)!;
      const start = Math.min(...k.scenario.map((e) => Date.parse(e.occurred_at)));
      const afterStart = (a: RaisedAlert) => o.raised.includes(a) || a.triggeringEvents.some((e) => e.eventId.startsWith('review:') && (e.occurredAt === undefined || Date.parse(e.occurredAt) >= start));
      const churn = ofType(o.all, 'churn').filter(afterStart);
      const relevant = [...new Set([...o.raised, ...o.reviewed.filter(afterStart), ...o.since])];
      const lastActivity = Math.max(...[...k.history, ...k.scenario].map((e) => Date.parse(e.occurred_at)));
      if (k.kind === 'churn') {
        const verdict = { churnAlert: churn.length > 0 };
        record(k.name, k.expectation, verdict, relevant, o.all, `last activity ${new Date(lastActivity).toISOString()}; earliest churn trigger ${earliest(churn)}`);
        expect(verdict).toEqual({ churnAlert: true });
      } else {
        const verdict = { noFraudMediumPlus: queueFraud(o.since).length === 0, noChurnAlert: churn.length === 0 };
        record(k.name, k.expectation, verdict, relevant, o.all);
        expect(verdict).toEqual({ noFraudMediumPlus: true, noChurnAlert: true });
      }
    });
  }
});
