import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { TABLES, type AggregateStore } from '../../aggregates/index.js';
import type { EventInput } from '../../core/events/index.js';
import type { AlertStore } from '../../alerts/index.js';
import { cardPayment } from '../support/events.js';
import { INGEST_KEY } from '../support/testEngine.js';

// What every fault test shares: a rule that alerts on a known set of events, a stream of events
// with a known number of alerts in it, a client that retries like a bank system does, and counts
// of what reached ClickHouse and the alert store.

/** One fraud rule, no suppression: every card payment of 5,000 or more raises exactly one alert. */
const FAULT_RULES = `
version: "fault-test-1"
rules:
  - id: large-card-payment
    name: Large card payment
    description: A test rule that fires on every large card payment, so the number of alerts is known in advance.
    alert_type: fraud
    severity: high
    weight: 0.5
    mode: active
    suppress_for: 0s
    when: { event_types: [card_payment] }
    condition: { field: event.amount, op: gte, value: 5000 }
`;

export function faultRulesFile(): string {
  const path = join(tmpdir(), `vigil-fault-rules-${process.pid}-${Date.now()}.yaml`);
  writeFileSync(path, FAULT_RULES);
  return path;
}

/** Settings the test engine and every worker process share (the test's prefix, data dir, keys, short timings). */
export function sharedEnv(base: Record<string, string>): Record<string, string> {
  return {
    VIGIL_PARTITIONS: '4', VIGIL_READ_BLOCK_MS: '50', VIGIL_FLUSH_INTERVAL_MS: '100', VIGIL_LAG_POLL_MS: '100',
    VIGIL_LEASE_MS: '2000', VIGIL_CLAIM_IDLE_MS: '1000', VIGIL_TRIM_INTERVAL_MS: '500', VIGIL_RULES_POLL_MS: '200',
    ...base,
  };
}

const CUSTOMERS = 23;

/** A run of card payments under one id prefix; every `alertEvery`-th is large (one alert each). */
export class FaultTraffic {
  private next = 0;
  alertsExpected = 0;
  constructor(readonly prefix: string, private readonly alertEvery = 10) {}

  batch(size: number): EventInput[] {
    return Array.from({ length: size }, () => {
      const n = this.next++;
      const large = n % this.alertEvery === 0;
      if (large) this.alertsExpected++;
      return cardPayment({ event_id: `${this.prefix}${n}`, customer_id: `${this.prefix}c${n % CUSTOMERS}`, amount: large ? '7500.00' : '12.50' });
    });
  }

  get sent(): number {
    return this.next;
  }

  get customers(): string[] {
    return Array.from({ length: CUSTOMERS }, (_, k) => `${this.prefix}c${k}`);
  }
}

/** Alerts the alert store (Redis) holds for the traffic's customers. */
export async function alertsInStore(alerts: AlertStore, traffic: FaultTraffic): Promise<{ alerts: number; distinctEvents: number }> {
  const triggering = new Set<string>();
  let count = 0;
  for (const customerId of traffic.customers) {
    const page = await alerts.list({ customerId, limit: 1000 });
    count += page.alerts.length;
    for (const alert of page.alerts) for (const e of alert.triggeringEvents) triggering.add(e.eventId);
  }
  return { alerts: count, distinctEvents: triggering.size };
}

/** Posts a batch as a bank system would: retries 503s (with or without Retry-After) until accepted. */
export async function postAccepted(app: FastifyInstance, events: EventInput[], deadlineMs = 60_000): Promise<void> {
  const giveUpAt = Date.now() + deadlineMs;
  for (;;) {
    const res = await app.inject({ method: 'POST', url: '/v1/events', headers: { authorization: `Bearer ${INGEST_KEY}` }, payload: { events } });
    if (res.statusCode === 202) {
      const body = res.json() as { accepted: number; duplicates: number; rejected: unknown[] };
      if (body.rejected.length > 0 || body.accepted + body.duplicates !== events.length) throw new Error(`ingest refused events: ${res.body}`);
      return;
    }
    if (res.statusCode !== 503) throw new Error(`ingest answered ${res.statusCode}: ${res.body}`);
    if (Date.now() > giveUpAt) throw new Error('ingest did not accept the batch in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface Stored {
  events: number;
  distinctEvents: number;
  alerts: number;
  distinctAlerts: number;
}

/** What ClickHouse holds for the traffic: event rows, and archived alerts triggered by its events. */
export async function storedFor(store: AggregateStore, prefix: string): Promise<Stored> {
  const db = store.database;
  const [events] = await store.query<{ n: number; d: number }>(
    `SELECT count() AS n, uniqExact(event_id) AS d FROM ${db}.${TABLES.events} WHERE startsWith(event_id, {p:String})`, { p: prefix },
  );
  const [alerts] = await store.query<{ n: number; d: number }>(
    `SELECT count() AS n, uniqExact(id) AS d FROM ${db}.alerts WHERE arrayExists(e -> startsWith(e, {p:String}), triggering_event_ids)`, { p: prefix },
  );
  return { events: events?.n ?? 0, distinctEvents: events?.d ?? 0, alerts: alerts?.n ?? 0, distinctAlerts: alerts?.d ?? 0 };
}

export function summary(name: string, traffic: FaultTraffic, stored: Stored, recoverySeconds: number): string {
  return `[fault] ${name}: ${traffic.sent} events accepted, ${traffic.sent - stored.distinctEvents} lost, ${stored.events - stored.distinctEvents} duplicated; ` +
    `${traffic.alertsExpected} alerts expected, ${stored.alerts} archived (${stored.alerts - stored.distinctAlerts} duplicated); recovered in ${recoverySeconds.toFixed(1)} s`;
}
