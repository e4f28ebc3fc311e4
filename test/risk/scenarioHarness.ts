import { appendFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { EventInput } from '../../core/events/index.js';
import { readBacklog } from '../../core/streams/index.js';
import { INGEST_KEY, RISK_KEY, eventually, type startTestEngine } from '../support/testEngine.js';

// What the scenario tests share (unseenScenarios, blindScenarios, blindScenarios2): the ordinary
// life every customer lives before the scenario (a Berlin customer's groceries, bakery, chemist,
// clothes and fuel by card, rent and a sister paid weekly by turns, salary in monthly, the app
// daily on one phone), and posting it through the real engine until it has settled. One copy, so
// the three sets measure their scenarios against the same habits, the same way.

export const DAY = 86_400_000;
export const HOUR = 3_600_000;
export const MINUTE = 60_000;

/**
 * A blind set's clock: midnight UTC two days ago, so that hours of the day mean something (Berlin
 * is UTC+1 in winter: 19:00 UTC is 20:00 at home) and every scenario event (at most a day and
 * 23 h after it) lies in the past.
 */
export const BLIND_NOW: number = (() => { const d = new Date(Date.now() - 2 * DAY); d.setUTCHours(0, 0, 0, 0); return d.getTime(); })();
/** `d` days before BLIND_NOW (negative: after), at h:m UTC. */
export const blindAt = (d: number, h: number, m = 0) => BLIND_NOW - d * DAY + h * HOUR + m * MINUTE;

/** What the blind sets' event builders take. */
export type Merchant = { id: string; mcc: string; country: string; name?: string };
export type Geo = { country: string; lat?: number; lon?: number };
export type Party = { id?: string; account?: string; bank?: string; country?: string; name?: string; own_account?: boolean };
export const HOME = { country: 'DE', lat: 52.52, lon: 13.405 };
export const HOME_IP = '81.2.69.10';
export const PHONE = { id: 'dev-own-phone', ip: HOME_IP };

const SHOPS = [
  { id: 'm-rewe-12', mcc: '5411', country: 'DE', amount: 38 }, { id: 'm-baecker-3', mcc: '5462', country: 'DE', amount: 6 },
  { id: 'm-dm-7', mcc: '5912', country: 'DE', amount: 14 }, { id: 'm-zara-2', mcc: '5651', country: 'DE', amount: 60 },
  { id: 'm-saturn-1', mcc: '5732', country: 'DE', amount: 35 }, { id: 'm-aral-9', mcc: '5541', country: 'DE', amount: 55 },
];
export const LANDLORD = { id: 'payee-landlord', account: 'DE89370400440532013000', bank: 'COBADEFF', country: 'DE', name: 'Hausverwaltung Ost' };
export const SISTER = { id: 'payee-sister', account: 'DE02120300000000202051', bank: 'BYLADEM1001', country: 'DE', name: 'Anna Weber' };
export const EMPLOYER = { id: 'emp-acme', name: 'Acme GmbH', bank: 'DEUTDEFF' };

export type ScenarioEvent = (customer: string, type: string, atMs: number, fields: Record<string, unknown>) => EventInput;

/** Events of one test file: ids `<prefix>-<customer>-<n>`, numbered in the order they are made. */
export function eventMaker(prefix: string): ScenarioEvent {
  let counter = 0;
  return (customer, type, atMs, fields) => {
    counter++;
    return { event_id: `${prefix}-${customer}-${counter}`, customer_id: customer, type, occurred_at: new Date(atMs).toISOString(), ...fields } as EventInput;
  };
}

export interface LifeOptions {
  /** Days before `now` the life runs from and to, both included (default 60 to 3). */
  from?: number;
  to?: number;
  /** Salary on day d (days before now); default every 30th day. */
  salary?: (d: number) => boolean;
  /** Card payments on day d (0–2); default 2. */
  cards?: (d: number) => number;
  /** An app login on day d; default every day. */
  app?: (d: number) => boolean;
  /** The weekly transfer on day d; default every 7th day. */
  transfers?: (d: number) => boolean;
}

export function ordinaryLife(event: ScenarioEvent, now: number, customer: string, o: LifeOptions = {}): EventInput[] {
  const { from = 60, to = 3 } = o;
  const events: EventInput[] = [];
  for (let d = from; d >= to; d--) {
    const day = now - d * DAY;
    if (o.app?.(d) ?? true) events.push(event(customer, 'login', day + 8 * HOUR, { channel: 'mobile_app', device: PHONE, geo: HOME }));
    const n = o.cards?.(d) ?? 2;
    for (let i = 0; i < n; i++) {
      const shop = SHOPS[(d * 2 + i) % SHOPS.length]!;
      const amount = (shop.amount * (0.7 + ((d * 7 + i * 3) % 10) / 15)).toFixed(2);
      events.push(event(customer, 'card_payment', day + (12 + 4 * i) * HOUR, {
        channel: 'pos', amount, currency: 'EUR', merchant: { id: shop.id, mcc: shop.mcc, country: shop.country }, geo: HOME,
        entry_mode: Number(amount) < 50 ? 'contactless' : 'chip',
      }));
    }
    if (d % 7 === 0 && (o.transfers?.(d) ?? true)) {
      const [counterparty, amount] = (d / 7) % 2 === 0 ? [LANDLORD, '950.00'] : [SISTER, '40.00'];
      events.push(event(customer, 'transfer_out', day + 19 * HOUR, {
        channel: 'mobile_app', amount, currency: 'EUR', device: PHONE, geo: HOME, counterparty,
      }));
    }
    if (o.salary ? o.salary(d) : d % 30 === 0) {
      events.push(event(customer, 'salary_credit', day + 6 * HOUR, { channel: 'core_banking', amount: '3400.00', currency: 'EUR', counterparty: EMPLOYER }));
    }
  }
  return events;
}

type Engine = Awaited<ReturnType<typeof startTestEngine>>;

export interface RaisedAlert {
  type: string;
  severity: string;
  ruleIds: string[];
  reasons: { ruleId: string; text: string }[];
  triggeringEvents: { eventId: string; occurredAt?: string; type?: string }[];
  createdAt?: string;
}

const RANK: Record<string, number> = { low: 0, medium: 1, high: 2, critical: 3 };
/** Fraud alerts in the officer's queue: medium and above (low is advisory). */
export const queueFraud = (alerts: readonly RaisedAlert[]) => alerts.filter((a) => a.type === 'fraud' && (RANK[a.severity] ?? 0) >= RANK.medium!);

/** Posts in batches of 500, as given; every event must be accepted. */
export async function postEvents(engine: Engine, events: readonly EventInput[]): Promise<void> {
  for (let i = 0; i < events.length; i += 500) {
    const batch = events.slice(i, i + 500);
    const res = await engine.app.inject({ method: 'POST', url: '/v1/events', headers: { authorization: `Bearer ${INGEST_KEY}` }, payload: { events: batch } });
    expect(res.statusCode, res.body).toBeLessThan(300);
    expect(res.json()).toMatchObject({ accepted: batch.length, rejected: [] });
  }
}

/**
 * Waits (failing past `timeoutMs`) until the customer's features count every event and no stream
 * holds work, then `quietMs` more: alerts leave the outbox right after their batch commits, so a
 * drain gets a moment before anyone reads "none".
 */
export async function settle(engine: Engine, customer: string, expectedEvents: number, waits: { timeoutMs: number; quietMs: number }): Promise<void> {
  const { config } = engine;
  const processed = async () => (await engine.app.inject({ url: `/v1/customers/${customer}/features`, headers: { authorization: `Bearer ${RISK_KEY}` } })).json();
  await eventually(processed, (body) => body.features?.events_total === expectedEvents, waits.timeoutMs);
  const backlog = async () => (await readBacklog(engine.redis, config.redis.prefix, config.partitions)).reduce((s, p) => s + p.lag + p.pending, 0);
  await eventually(backlog, (n) => n === 0, waits.timeoutMs);
  await new Promise((resolve) => setTimeout(resolve, waits.quietMs));
}

export async function customerAlerts(engine: Engine, customer: string): Promise<RaisedAlert[]> {
  const res = await engine.app.inject({ url: `/v1/customers/${customer}/alerts?limit=50`, headers: { authorization: `Bearer ${RISK_KEY}` } });
  return res.json().alerts as RaisedAlert[];
}

/**
 * Posts history and scenario in event-time order (a customer's ordinary life goes on during a scam
 * lasting weeks), settles, and answers every alert of the customer and those the scenario's own
 * events raised.
 */
export async function replayScenario(
  engine: Engine, customer: string, scenario: readonly EventInput[], history: readonly EventInput[], waits: { timeoutMs: number; quietMs: number },
): Promise<{ raised: RaisedAlert[]; all: RaisedAlert[] }> {
  const events = [...history, ...scenario].sort((a, b) => Date.parse(a.occurred_at) - Date.parse(b.occurred_at));
  await postEvents(engine, events);
  await settle(engine, customer, events.length, waits);
  const all = await customerAlerts(engine, customer);
  const scenarioIds = new Set(scenario.map((e) => e.event_id));
  return { raised: all.filter((a) => a.triggeringEvents.some((e) => scenarioIds.has(e.eventId))), all };
}

export interface ScenarioOutcome {
  /** Raised by the scenario's own events. */
  raised: RaisedAlert[];
  /** Every alert of the customer. */
  all: RaisedAlert[];
  /** Raised by Vigil's scheduled review of the customer. */
  reviewed: RaisedAlert[];
  /**
   * Raised from the scenario's start on: what the scenario caused, even when the event that tipped
   * it was one of the customer's ordinary ones (a genuine payment right after the scenario's own).
   */
  since: RaisedAlert[];
}

/** Splits a customer's alerts by what raised them, for a scenario's expectations. */
export function scenarioOutcome(all: RaisedAlert[], scenario: readonly EventInput[]): ScenarioOutcome {
  const ids = new Set(scenario.map((e) => e.event_id));
  const start = Math.min(...scenario.map((e) => Date.parse(e.occurred_at)));
  const raised = all.filter((a) => a.triggeringEvents.some((e) => ids.has(e.eventId)));
  const reviewed = all.filter((a) => a.triggeringEvents.some((e) => e.eventId.startsWith('review:')));
  const since = all.filter((a) => raised.includes(a) || a.triggeringEvents.some((e) => e.occurredAt !== undefined && Date.parse(e.occurredAt) >= start));
  return { raised, all, reviewed, since };
}

/** replayScenario, with the customer's alerts split as scenarioOutcome does. */
export async function replayOutcome(
  engine: Engine, customer: string, scenario: readonly EventInput[], history: readonly EventInput[], waits: { timeoutMs: number; quietMs: number },
): Promise<ScenarioOutcome> {
  const { all } = await replayScenario(engine, customer, scenario, history, waits);
  return scenarioOutcome(all, scenario);
}

const briefAlert = (a: RaisedAlert) => ({
  type: a.type, severity: a.severity, ruleIds: a.ruleIds, reasons: a.reasons.map((r) => `${r.ruleId}: ${r.text}`),
  triggers: a.triggeringEvents.map((e) => `${e.eventId}${e.occurredAt ? `@${e.occurredAt}` : ''}`),
});

/**
 * For reading the reasons (a set's BLINDn_REPORT=<file>): one JSON line per scenario, what the set
 * records of it (name, expectation, verdict…) with the alerts it raised and the customer's others.
 */
export function reportScenario(file: string | undefined, line: Record<string, unknown>, alerts: readonly RaisedAlert[], all: readonly RaisedAlert[]): void {
  if (file === undefined) return;
  const record = { ...line, scenarioAlerts: alerts.map(briefAlert), otherAlertsOfCustomer: all.filter((a) => !alerts.includes(a)).map(briefAlert) };
  appendFileSync(file, `${JSON.stringify(record)}\n`);
}
