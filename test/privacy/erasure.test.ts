import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLES } from '../../aggregates/index.js';
import type { EventInput } from '../../core/events/index.js';
import { partitionKeys, partitionOf } from '../../core/streams/index.js';
import { customerOfferKeys, deliveryJobId } from '../../offers/index.js';
import { cardPayment } from '../support/events.js';
import { Receiver } from '../support/receiver.js';
import { ADMIN_KEY, INGEST_KEY, MARKETING_KEY, RISK_KEY, eventually, startTestEngine, testConfig } from '../support/testEngine.js';

// The right to erasure and subject access, end to end against real Redis and chdb: a customer
// with a profile (two versions), processed events, fraud and complaint alerts, an offer sent and
// answered, is exported whole, then erased everywhere with a report whose counts match, audited,
// while another customer is untouched and campaign uplift still joins decisions to events.

const config = testConfig({ VIGIL_CAMPAIGNS_POLL_MS: '50' });
let engine: Awaited<ReturnType<typeof startTestEngine>>;
const receiver = new Receiver('/push');
receiver.answer = () => 202;

const ERASED = 'privacy-erase-1';
const KEPT = 'privacy-keep-1';
const as = (key: string) => ({ authorization: `Bearer ${key}` });
const marketer = { ...as(MARKETING_KEY), 'x-vigil-actor': 'crm-sync' };

const campaign = {
  id: 'privacy-retention', name: 'Retention offer', description: 'A closed product; offer the fee-free account.',
  state: 'active', priority: 80, expected_value: 400, product: { id: 'fee-free-current-account', risk_level: 'low' },
  trigger: { event_types: ['product_closed'] },
  content: { push: { title: 'Stay with fewer fees', body: 'Fee-free for 12 months.' } },
  caps: { cooldown: '30d' },
  goal: { event_type: 'product_opened', product_type: 'current_account', within: '30d' },
};

function profile(language: string) {
  const hour = (new Date().getUTCHours() + 2) % 24;
  const pad = (h: number) => String(h).padStart(2, '0');
  return {
    kyc_status: 'verified', preferred_channel: 'push', marketing_consent: { push: true }, time_zone: 'UTC', language,
    quiet_hours: { start: `${pad(hour)}:00`, end: `${pad((hour + 1) % 24)}:00` },
  };
}

let seq = 0;
// Event ids say nothing about the customer, as a bank's would not.
const nextId = () => `prv-${process.pid}-${++seq}`;
const at = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();

/**
 * The closing a minute ago, so the customer's later events are later in event time too; the
 * opening (the campaign's goal) now, after the offer was decided, so it counts as a conversion.
 */
function productEvent(customer: string, type: 'product_closed' | 'product_opened', product: string): EventInput {
  const occurredAt = type === 'product_closed' ? at(60_000) : at(0);
  return { type, event_id: nextId(), customer_id: customer, occurred_at: occurredAt, channel: 'web', product: { type: product } } as EventInput;
}

/** Everything that raises alerts and leaves identifiers: a card-testing run, a privacy complaint, a login from an IP, a transfer to an account. */
function riskyHistory(customer: string): EventInput[] {
  // Seconds apart and after the customer's earlier events, so the run lands in the current 10-minute window.
  const start = Date.now() - 9000;
  return [
    ...Array.from({ length: 8 }, (_, i) => cardPayment({
      event_id: nextId(), customer_id: customer, channel: 'ecommerce', amount: '1.00', occurred_at: new Date(start + i * 1000).toISOString(),
      merchant: { id: `m-prv-${i}`, mcc: '5999', country: 'GB' },
    })),
    { type: 'complaint', event_id: nextId(), customer_id: customer, occurred_at: at(2000), channel: 'web', complaint: { id: `cmp-${seq}`, category: 'privacy' } } as EventInput,
    { type: 'login', event_id: nextId(), customer_id: customer, occurred_at: at(1500), channel: 'mobile_app', device: { id: 'dev-prv', ip: '203.0.113.77' } } as EventInput,
    {
      type: 'transfer_out', event_id: nextId(), customer_id: customer, occurred_at: at(1200), channel: 'mobile_app', amount: '90.00', currency: 'EUR',
      counterparty: { account: 'DE89 3704 0044 0532 0130 77', country: 'DE' },
    } as EventInput,
  ];
}

async function post(events: EventInput[]) {
  const res = await engine.app.inject({ method: 'POST', url: '/v1/events', headers: as(INGEST_KEY), payload: { events } });
  expect(res.json().accepted).toBe(events.length);
}

async function exportOf(customer: string, query = '') {
  const res = await engine.app.inject({ url: `/v1/customers/${customer}/export${query}`, headers: as(ADMIN_KEY) });
  expect(res.statusCode).toBe(200);
  return res.json();
}

const chCount = async (table: string, customer: string) => {
  const [row] = await engine.store.query<{ n: number }>(
    `SELECT count() AS n FROM ${engine.store.database}.${table} WHERE customer_id = {c:String}`, { c: engine.pseudonymise(customer) });
  return Number(row?.n ?? 0);
};

/** A customer with all of it: two profile versions, an offer delivered and accepted, events, alerts, all archived. */
async function buildCustomer(customer: string) {
  expect((await engine.app.inject({ method: 'PUT', url: `/v1/customers/${customer}`, headers: marketer, payload: profile('en') })).statusCode).toBe(201);
  expect((await engine.app.inject({ method: 'PUT', url: `/v1/customers/${customer}`, headers: marketer, payload: profile('en-GB') })).statusCode).toBe(200);
  // The offer first: a fraud alert would (rightly) stop marketing to the customer.
  await post([productEvent(customer, 'product_closed', 'current_account')]);
  const decisions = await eventually(
    async () => (await engine.app.inject({ url: `/v1/customers/${customer}/offers`, headers: as(MARKETING_KEY) })).json().decisions,
    (d) => d?.length === 1,
  );
  const offerId = decisions[0].offer.offerId as string;
  await eventually(async () => receiver.received.some((r) => r.body.includes(offerId)), Boolean);
  await post([
    ...riskyHistory(customer),
    { type: 'offer_response', event_id: nextId(), customer_id: customer, occurred_at: at(500), channel: 'mobile_app', offer: { offer_id: offerId, campaign_id: campaign.id, response: 'accepted' } } as EventInput,
    productEvent(customer, 'product_opened', 'current_account'),
    { type: 'app_session', event_id: nextId(), customer_id: customer, occurred_at: at(0), channel: 'mobile_app', attributes: { poison: true } } as EventInput,
  ]);
  await eventually(async () => ((await engine.privacy.export(customer, { rowLimit: 1 })).data.dead_letters as unknown[]).length, (n) => n === 1);
  // Churn (the current account closed), fraud (the card-testing run), complaint SLA (the privacy complaint).
  await eventually(() => engine.alerts.store.ofCustomer(customer), (alerts) => alerts.length === 3);
  // Everything reaches ClickHouse: 1 + 11 + 2 events, the 3 alerts, the decision, delivery and response.
  await eventually(async () => [
    await chCount(TABLES.events, customer), await chCount('alerts', customer), await chCount(TABLES.offerDecisions, customer),
    await chCount(TABLES.offerDeliveries, customer), await chCount(TABLES.offerResponses, customer),
  ], (n) => n.join() === '14,3,1,1,1', 20_000);
  return offerId;
}

const uplift = async () => (await engine.app.inject({ url: `/v1/campaigns/${campaign.id}/stats`, headers: as(MARKETING_KEY) })).json().uplift;

let erasedOfferId = '';

beforeAll(async () => {
  await receiver.start();
  // A stage that fails on a marked event, so each customer also has a dead letter.
  engine = await startTestEngine(config, {
    stages: [(event) => {
      if (event.attributes?.poison) throw new Error('enrichment failed');
    }],
  });
  expect((await engine.app.inject({ method: 'PUT', url: '/v1/offers/channels/push', headers: as(ADMIN_KEY), payload: { url: receiver.url } })).statusCode).toBe(200);
  expect((await engine.app.inject({ method: 'POST', url: '/v1/campaigns', headers: marketer, payload: campaign })).statusCode).toBe(201);
  await eventually(async () => engine.offers.campaigns.current().some((c) => c.id === campaign.id), Boolean);
  erasedOfferId = await buildCustomer(ERASED);
  await buildCustomer(KEPT);
}, 60_000);
afterAll(async () => {
  await engine?.dispose();
  await receiver.stop();
});

describe('pseudonymised analytics', () => {
  it('keeps no raw customer id, IP address or account number in any ClickHouse row', async () => {
    const db = engine.store.database;
    for (const table of [TABLES.events, 'alerts', TABLES.offerDecisions, TABLES.offerDeliveries, TABLES.offerResponses]) {
      const [row] = await engine.store.query<{ n: number }>(`SELECT count() AS n FROM ${db}.${table} WHERE customer_id IN ({a:String}, {b:String})`, { a: ERASED, b: KEPT });
      expect(row!.n, table).toBe(0);
    }
    const [leaks] = await engine.store.query<{ n: number; total: number }>(
      `SELECT countIf(position(payload, {a:String}) > 0 OR position(payload, '203.0.113.77') > 0 OR position(payload, '0532 0130') > 0) AS n, count() AS total
       FROM ${db}.${TABLES.events} WHERE customer_id = {h:String}`, { a: ERASED, h: engine.pseudonymise(ERASED) });
    expect(leaks).toEqual({ n: 0, total: 14 });
    const [login] = await engine.store.query<{ ip_hash: string }>(
      `SELECT JSONExtractString(payload, 'device', 'ip_hash') AS ip_hash FROM ${db}.${TABLES.events} WHERE customer_id = {h:String} AND type = 'login'`,
      { h: engine.pseudonymise(ERASED) });
    expect(login!.ip_hash).toBe(engine.pseudonymise('203.0.113.77', 'ip'));
  });

  it('still computes campaign uplift, joining decisions to goal events by pseudonym', async () => {
    expect(await uplift()).toMatchObject({ treated: { customers: 2, converted: 2 } });
  });
});

describe('subject access', () => {
  it('is for administrators only', async () => {
    for (const key of [RISK_KEY, MARKETING_KEY]) {
      expect((await engine.app.inject({ url: `/v1/customers/${ERASED}/export`, headers: as(key) })).statusCode).toBe(403);
    }
  });

  it("answers every holder's data on the customer, with ClickHouse rows paged newest first", async () => {
    const { customer_id, data } = await exportOf(ERASED);
    expect(customer_id).toBe(ERASED);
    expect(Object.keys(data)).toEqual(['profile', 'activity', 'dead_letters', 'risk', 'alerts', 'offers', 'lists', 'clickhouse']);
    expect(data.profile.current).toMatchObject({ customerId: ERASED, version: 2, profile: { language: 'en-GB' } });
    expect(data.profile.previous_versions).toHaveLength(1);
    expect(data.activity).toMatchObject({ events: 14, byType: { card_payment: 8, complaint: 1, login: 1 } });
    expect(data.risk.features.txn_count_30d).toBeGreaterThan(0);
    expect(data.risk.scores.fraud).toBeGreaterThan(0);
    expect(data.alerts.alerts.map((a: { type: string }) => a.type).sort()).toEqual(['churn', 'complaint_sla', 'fraud']);
    expect(data.alerts.alerts[0].history[0]).toMatchObject({ action: 'raised' });
    expect(data.dead_letters).toEqual([expect.objectContaining({ reason: 'failed', error: 'enrichment failed', payload: expect.stringContaining(ERASED) })]);
    expect(data.offers.decisions).toEqual([expect.objectContaining({ customerId: ERASED, offer: expect.objectContaining({ offerId: erasedOfferId }) })]);
    expect(Object.keys(data.offers.cap_counters).length).toBeGreaterThanOrEqual(2);
    const { pseudonym, tables } = data.clickhouse;
    expect(pseudonym).toBe(engine.pseudonymise(ERASED));
    expect(tables.events.total).toBe(14);
    expect(tables.events.rows).toHaveLength(14);
    expect(tables.events.rows[0].payload.customer_id).toBe(pseudonym);
    expect(tables.alerts.total).toBe(3);
    expect(tables.alert_transitions.total).toBe(3);
    expect(tables.offer_decisions.total + tables.offer_deliveries.total + tables.offer_responses.total).toBe(3);
    expect(tables.events.next_before).toBeNull();
  });

  it('pages ClickHouse rows newest first: row_limit per table, then before=<next_before>, never splitting or repeating an instant', async () => {
    /** Every page of one table, following next_before until it is null. */
    async function walk(table: string, rowLimit: number) {
      const pages: { id: string; at: string }[][] = [];
      let before: string | null | undefined;
      do {
        const query = `?row_limit=${rowLimit}${before ? `&before=${encodeURIComponent(before)}` : ''}`;
        const { rows, next_before } = (await exportOf(ERASED, query)).data.clickhouse.tables[table];
        pages.push(rows.map((r: Record<string, string>) => ({ id: r.event_id ?? r.id, at: r.occurred_at ?? r.created_at })));
        before = next_before;
      } while (before && pages.length < 20);
      return pages;
    }
    const events = await walk('events', 5);
    expect(events.length).toBeGreaterThanOrEqual(3);
    const ids = events.flat().map((r) => r.id);
    expect(ids).toHaveLength(14);
    expect(new Set(ids).size).toBe(14);
    const times = events.flat().map((r) => r.at);
    expect(times).toEqual([...times].sort().reverse());
    // The fraud and complaint alerts were raised together (one instant): a page of one holds both.
    const alerts = await walk('alerts', 1);
    expect(alerts.map((page) => page.length)).toEqual([2, 1]);
  });
});

describe('erasure', () => {
  it('is for administrators only', async () => {
    for (const key of [RISK_KEY, MARKETING_KEY, INGEST_KEY]) {
      expect((await engine.app.inject({ method: 'DELETE', url: `/v1/customers/${ERASED}`, headers: as(key) })).statusCode).toBe(403);
    }
    expect((await engine.alerts.store.ofCustomer(ERASED)).length).toBe(3);
  });

  it('removes everything every holder keeps on the customer, reports counts that match, audits it, and leaves others untouched', async () => {
    const before = (await exportOf(ERASED)).data;
    const keptBefore = (await exportOf(KEPT)).data;
    const keys = partitionKeys(config.redis.prefix, partitionOf(ERASED, config.partitions));
    const offerKeys = customerOfferKeys(config.redis.prefix, ERASED);
    expect(await engine.redis.exists(keys.riskStatePrefix + ERASED, keys.customerPrefix + ERASED, keys.profilePrefix + ERASED, offerKeys.decisionDocs)).toBe(4);
    expect(before.risk.next_review_at).toEqual(expect.any(String));
    expect(await engine.redis.zscore(keys.reviewDue, ERASED)).not.toBeNull();

    const res = await engine.app.inject({ method: 'DELETE', url: `/v1/customers/${ERASED}`, headers: as(ADMIN_KEY) });
    expect(res.statusCode).toBe(200);
    const report = res.json();
    expect(report).toMatchObject({
      customer_id: ERASED,
      removed: {
        profile: 1, profile_versions: 1, activity: 1, risk_state: 1, alerts: 3, offer_decisions: 1,
        cap_counters: Object.keys(before.offers.cap_counters).length, sent_markers: 1, dead_letters: 1,
        clickhouse: {
          events: before.clickhouse.tables.events.total, alerts: 3, alert_transitions: before.clickhouse.tables.alert_transitions.total,
          offer_decisions: 1, offer_deliveries: 1, offer_responses: 1,
        },
      },
    });
    expect(report.removed.decision_markers).toBeGreaterThanOrEqual(1);
    expect(report.removed.alert_outbox_entries).toBe(3);
    expect(report.removed.offer_log_entries).toBeGreaterThanOrEqual(3);

    // Every holder is empty, read through the API and straight from the stores.
    const after = (await exportOf(ERASED)).data;
    expect(after).toMatchObject({
      profile: { current: null, previous_versions: [] }, activity: null, risk: null, dead_letters: [],
      alerts: { alerts: [] }, offers: { decisions: [], cap_counters: {} },
    });
    for (const table of Object.values(after.clickhouse.tables) as { total: number; rows: unknown[] }[]) expect(table).toMatchObject({ total: 0, rows: [] });
    expect(await engine.redis.exists(
      keys.riskStatePrefix + ERASED, keys.customerPrefix + ERASED, keys.profilePrefix + ERASED, `${keys.profilePrefix}${ERASED}#history`,
      offerKeys.decisions, offerKeys.decisionDocs, offerKeys.sentPrefix + erasedOfferId,
      engine.alerts.store.keys.byCustomerPrefix + ERASED,
    )).toBe(0);
    // No key of this test's deployment names the customer any more (a scan is fine in a test, never in Vigil).
    const named: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await engine.redis.scan(cursor, 'MATCH', `${config.redis.prefix}*${ERASED}*`, 'COUNT', 10_000);
      named.push(...keys);
      cursor = next;
    } while (cursor !== '0');
    expect(named).toEqual([]);
    // Nor does the review schedule, which holds customers as members, not in key names.
    expect(await engine.redis.zscore(keys.reviewDue, ERASED)).toBeNull();
    for (const stream of [engine.alerts.store.keys.outbox, engine.offers.keys.log, `${config.redis.prefix}:deadletters`]) {
      const entries = await engine.redis.xrange(stream, '-', '+');
      expect(entries.length).toBeGreaterThan(0);
      expect(entries.filter(([, fields]) => fields.join(' ').includes(ERASED))).toEqual([]);
    }
    expect(await engine.offers.delivery.queue.getJob(deliveryJobId(erasedOfferId))).toBeUndefined();
    for (const alert of before.alerts.alerts as { id: string }[]) {
      expect((await engine.app.inject({ url: `/v1/alerts/${alert.id}`, headers: as(RISK_KEY) })).statusCode).toBe(404);
    }

    // The audit names who, when and what, and the customer only by pseudonym.
    const audit = (await engine.app.inject({ url: `/v1/privacy/erasures?customer_id=${ERASED}`, headers: as(ADMIN_KEY) })).json();
    expect(audit.erasures).toEqual([{
      id: expect.any(String), at: report.at, actor: 'admin:platform-admin', customer: engine.pseudonymise(ERASED), outcome: 'complete', removed: report.removed,
    }]);
    expect(JSON.stringify(audit)).not.toContain(ERASED);

    // The other customer keeps everything.
    const keptAfter = (await exportOf(KEPT)).data;
    expect(keptAfter.profile).toEqual(keptBefore.profile);
    expect(keptAfter.activity).toEqual(keptBefore.activity);
    expect(keptAfter.dead_letters).toHaveLength(1);
    expect(keptAfter.dead_letters).toEqual(keptBefore.dead_letters);
    expect(keptAfter.alerts.alerts.map((a: { id: string }) => a.id)).toEqual(keptBefore.alerts.alerts.map((a: { id: string }) => a.id));
    expect(keptAfter.offers).toEqual(keptBefore.offers);
    for (const table of ['events', 'alerts', 'alert_transitions', 'offer_decisions', 'offer_deliveries', 'offer_responses']) {
      expect(keptAfter.clickhouse.tables[table].total, table).toBe(keptBefore.clickhouse.tables[table].total);
    }
    expect(await uplift()).toMatchObject({ treated: { customers: 1, converted: 1 } });
  });

  it('answers 200 with zeros for a customer already erased or never seen (idempotent), and audits each request', async () => {
    for (const customer of [ERASED, 'privacy-never-seen']) {
      const res = await engine.app.inject({ method: 'DELETE', url: `/v1/customers/${customer}`, headers: as(ADMIN_KEY) });
      expect(res.statusCode).toBe(200);
      const counts = Object.values(res.json().removed).flatMap((v) => (typeof v === 'number' ? [v] : Object.values(v as Record<string, number>)));
      expect(counts.length).toBeGreaterThan(10);
      expect(counts.every((n) => n === 0)).toBe(true);
    }
    const audit = (await engine.app.inject({ url: '/v1/privacy/erasures?limit=2', headers: as(ADMIN_KEY) })).json();
    expect(audit.erasures.map((e: { customer: string }) => e.customer)).toEqual([engine.pseudonymise('privacy-never-seen'), engine.pseudonymise(ERASED)]);
    expect(audit.next).toEqual(audit.erasures[1].id);
    const older = (await engine.app.inject({ url: `/v1/privacy/erasures?limit=2&before=${audit.next}`, headers: as(ADMIN_KEY) })).json();
    expect(older).toEqual({ erasures: [expect.objectContaining({ customer: engine.pseudonymise(ERASED), outcome: 'complete' })], next: null });
  });

  it('refuses an invalid customer id with a 400 naming the rule', async () => {
    const res = await engine.app.inject({ method: 'DELETE', url: '/v1/customers/bad%20id', headers: as(ADMIN_KEY) });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/letters, digits/);
  });
});
