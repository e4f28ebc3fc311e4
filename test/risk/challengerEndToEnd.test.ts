import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TABLES, type AggregateStore } from '../../aggregates/index.js';
import type { EventInput } from '../../core/events/index.js';
import { Redis } from 'ioredis';
import { partitionKeys, partitionOf, readBacklog } from '../../core/streams/index.js';
import { cardPayment } from '../support/events.js';
import { FaultyStore } from '../support/faultyStore.js';
import { ADMIN_KEY, INGEST_KEY, REDIS_URL, RISK_ADMIN_KEY, RISK_KEY, dropPrefix, startTestEngine, testConfig, testPseudonymise } from '../support/testEngine.js';

// Issue 9, item 4: a challenger rule set runs beside the champion on live events. The champion
// alerts as before; the challenger raises nothing; what it would have raised is in ClickHouse,
// per event and type with the champion's outcome beside it, and the comparison counts it exactly.

const rule = (id: string, condition: string, severity = 'medium') => `
  - id: ${id}
    name: ${id}
    description: test rule ${id}
    alert_type: fraud
    severity: ${severity}
    weight: 0.3
    mode: active
    suppress_for: 0s
    when: { event_types: [card_payment] }
    condition: ${condition}`;
const ruleSet = (version: string, ...rules: string[]) => `version: "${version}"\nrules:${rules.join('')}\n`;
// Champion: rule A. Challenger: A' (the same rule, stricter) and B.
const CHAMPION = ruleSet('champ-1', rule('large-payment', '{ field: event.amount, op: gte, value: 1000 }'));
const challengerSet = (version: string) => ruleSet(version,
  rule('large-payment', '{ field: event.amount, op: gte, value: 5000 }'),
  rule('tiny-online-payment', '{ all: [{ field: event.channel, op: eq, value: ecommerce }, { field: event.amount, op: lt, value: 10 }] }', 'low'));

const as = (key: string) => ({ authorization: `Bearer ${key}` });

/**
 * Five payments a minute apart: A fires alone (champion only), A and A' (both), B alone (challenger
 * only), nothing, A and A' again (both).
 */
function payments(customer: string): EventInput[] {
  const start = Date.now() - 10 * 60_000;
  const pay = (i: number, amount: string, channel: string) => cardPayment({
    event_id: `${customer}-e${i}`, customer_id: customer, amount, channel, occurred_at: new Date(start + i * 60_000).toISOString(),
  });
  return [pay(1, '2000.00', 'pos'), pay(2, '6000.00', 'pos'), pay(3, '5.00', 'ecommerce'), pay(4, '50.00', 'pos'), pay(5, '7000.00', 'ecommerce')];
}

interface StoredRow { event_id: string; challenger_alerted: number; champion_alerted: number; rule_ids: string[]; champion_rule_ids: string[]; severity: string; score: number; challenger_version: string; champion_version: string }

async function challengerRows(store: AggregateStore, customer: string, pseudonymise = testPseudonymise()): Promise<StoredRow[]> {
  return store.query<StoredRow>(
    `SELECT event_id, challenger_alerted, champion_alerted, rule_ids, champion_rule_ids, severity, score, challenger_version, champion_version
     FROM ${store.database}.${TABLES.challengerAlerts} WHERE customer_id = {c:String} ORDER BY event_id`,
    { c: pseudonymise(customer) },
  );
}

// Every engine of this file writes to the one ClickHouse of its process: each test's challenger has a version of its own.
async function setUpChampionAndChallenger(engine: Awaited<ReturnType<typeof startTestEngine>>, version: string): Promise<void> {
  const published = await engine.app.inject({ method: 'PUT', url: '/v1/rules', headers: as(RISK_ADMIN_KEY), payload: { format: 'yaml', text: CHAMPION } });
  expect(published.statusCode).toBe(200);
  const started = await engine.app.inject({ method: 'PUT', url: '/v1/rules/challenger', headers: as(RISK_ADMIN_KEY), payload: { format: 'yaml', text: challengerSet(version) } });
  expect(started.statusCode).toBe(200);
  expect(engine.rules.current().version).toBe('champ-1');
  expect(engine.challenger.current()?.version).toBe(version);
}

describe('a challenger rule set on live traffic', () => {
  const config = testConfig();
  let engine: Awaited<ReturnType<typeof startTestEngine>>;
  beforeAll(async () => {
    engine = await startTestEngine(config);
    await setUpChampionAndChallenger(engine, 'chal-1');
  });
  afterAll(async () => engine?.dispose());

  const customer = 'chal-e2e-1';
  const alertsOf = async () => (await engine.app.inject({ url: `/v1/alerts?customer_id=${customer}&min_severity=low`, headers: as(RISK_KEY) })).json().alerts as {
    id: string; ruleIds: string[]; ruleSetVersion: string; triggeringEvents: { eventId: string }[];
  }[];

  it('raises the champion\'s alerts as before and none of the challenger\'s, and records the challenger\'s with the overlap', async () => {
    const posted = await engine.app.inject({ method: 'POST', url: '/v1/events', headers: as(INGEST_KEY), payload: { events: payments(customer) } });
    expect(posted.json().accepted).toBe(5);

    const rows = await vi.waitFor(async () => {
      const stored = await challengerRows(engine.store, customer);
      expect(stored).toHaveLength(4);
      return stored;
    }, { timeout: 15_000, interval: 100 });
    const e = (i: number) => `${customer}-e${i}`;
    expect(rows).toEqual([
      { event_id: e(1), challenger_alerted: 0, champion_alerted: 1, rule_ids: [], champion_rule_ids: ['large-payment'], severity: '', score: 0, challenger_version: 'chal-1', champion_version: 'champ-1' },
      expect.objectContaining({ event_id: e(2), challenger_alerted: 1, champion_alerted: 1, rule_ids: ['large-payment'], champion_rule_ids: ['large-payment'], severity: 'medium' }),
      expect.objectContaining({ event_id: e(3), challenger_alerted: 1, champion_alerted: 0, rule_ids: ['tiny-online-payment'], champion_rule_ids: [], severity: 'low' }),
      expect.objectContaining({ event_id: e(5), challenger_alerted: 1, champion_alerted: 1, rule_ids: ['large-payment'] }),
    ]);
    expect(rows[1]!.score).toBeCloseTo(0.3, 5);

    // The champion's three alerts, each from the published set; nothing for the challenger's B.
    const alerts = await vi.waitFor(async () => {
      const listed = await alertsOf();
      expect(listed).toHaveLength(3);
      return listed;
    }, { timeout: 10_000, interval: 100 });
    expect(alerts.map((a) => a.triggeringEvents[0]!.eventId).sort()).toEqual([e(1), e(2), e(5)]);
    for (const alert of alerts) expect(alert).toMatchObject({ ruleIds: ['large-payment'], ruleSetVersion: 'champ-1' });
    expect(await engine.metrics.registry.getSingleMetricAsString('vigil_alerts_raised_total')).not.toMatch(/severity="low"/);
    const counted = await engine.metrics.registry.getSingleMetricAsString('vigil_challenger_alerts_total');
    expect(counted).toMatch(/vigil_challenger_alerts_total\{rule="large-payment",version="chal-1"\} 2$/m);
    expect(counted).toMatch(/vigil_challenger_alerts_total\{rule="tiny-online-payment",version="chal-1"\} 1$/m);

    // The champion's scores are its own: three alerts of weight 0.3, never the challenger's.
    const features = (await engine.app.inject({ url: `/v1/customers/${customer}/features`, headers: as(RISK_KEY) })).json();
    expect(features.scores.fraud).toBeCloseTo(0.3, 2);

    // The challenger's own scores and suppression are the customer's data too: subject access shows them.
    const exported = await engine.app.inject({ url: `/v1/customers/${customer}/export`, headers: as(ADMIN_KEY) });
    expect(exported.json().data.risk.challenger).toMatchObject({ version: 'chal-1', rules_last_raised: { 'large-payment': expect.any(String), 'tiny-online-payment': expect.any(String) } });
  });

  it('compares the sets on the same events, with exact counts, and scores precision with the officers\' verdicts', async () => {
    // Officers work two of the champion's alerts: e2 was fraud, e1 was not.
    const alerts = await alertsOf();
    const alertOf = (eventId: string) => alerts.find((a) => a.triggeringEvents[0]!.eventId === eventId)!;
    const resolve = async (id: string, disposition: string) => {
      const step = (payload: Record<string, string>) => engine.app.inject({ method: 'POST', url: `/v1/alerts/${id}/transitions`, headers: as(RISK_KEY), payload });
      expect((await step({ action: 'acknowledge' })).statusCode).toBe(200);
      expect((await step({ action: 'assign', assignee: 'officer.jones' })).statusCode).toBe(200);
      expect((await step({ action: 'resolve', disposition })).statusCode).toBe(200);
    };
    await resolve(alertOf(`${customer}-e2`).id, 'confirmed_fraud');
    await resolve(alertOf(`${customer}-e1`).id, 'false_positive');

    // Over the days of the events' times (they may begin the day before the challenger started, just after midnight).
    const firstDay = new Date(Date.now() - 10 * 60_000).toISOString().slice(0, 10);
    const today = new Date().toISOString().slice(0, 10);
    const comparison = async () => {
      const res = await engine.app.inject({ url: `/v1/rules/challenger/comparison?from=${firstDay}`, headers: as(RISK_KEY) });
      expect(res.statusCode).toBe(200);
      return res.json();
    };
    // The verdicts reach the ClickHouse archive through its outbox consumer.
    await expect.poll(async () => (await comparison()).precision.champion.labelled, { timeout: 15_000, interval: 200 }).toBe(2);
    const answer = await comparison();
    const tally = { champion: 3, challenger: 3, both: 2, champion_only: 1, challenger_only: 1 };
    expect(answer).toMatchObject({
      challenger_version: 'chal-1', running: true, champion_versions: ['champ-1'], from: firstDay,
      events_assessed: 5,
      alerts: tally,
      by_type: { fraud: tally },
      by_day: answer.by_day.length === 1
        ? [{ day: today, events_assessed: 5, champion: 3, challenger: 3, both: 2 }]
        : expect.any(Array),
      precision: {
        champion: { alerts: 3, labelled: 2, true_positives: 1, false_positives: 1, precision: 0.5, unlabelled: 1 },
        challenger: { alerts: 3, labelled: 1, true_positives: 1, false_positives: 0, precision: 1, unlabelled: 2 },
      },
    });
    expect(answer.by_rule).toEqual({
      champion: { 'large-payment': { alerts: 3, labelled: 2, true_positives: 1, false_positives: 1, precision: 0.5, unlabelled: 1 } },
      challenger: {
        'large-payment': { alerts: 2, labelled: 1, true_positives: 1, false_positives: 0, precision: 1, unlabelled: 1 },
        'tiny-online-payment': { alerts: 1, labelled: 0, true_positives: 0, false_positives: 0, precision: null, unlabelled: 1 },
      },
    });
    // Events posted ten minutes back may straddle midnight: then they split over two days, still five in all.
    expect(answer.by_day.reduce((sum: number, d: { events_assessed: number }) => sum + d.events_assessed, 0)).toBe(5);
    expect(answer.labels_note).toMatch(/unlabelled/);
  });

  it('stops recording once the challenger is stopped, and the comparison of its version stays readable', async () => {
    expect((await engine.app.inject({ method: 'DELETE', url: '/v1/rules/challenger', headers: as(RISK_ADMIN_KEY) })).statusCode).toBe(200);
    const later = 'chal-e2e-2';
    await engine.app.inject({ method: 'POST', url: '/v1/events', headers: as(INGEST_KEY), payload: { events: payments(later) } });
    await vi.waitFor(async () => expect(await alertsOfCustomer(engine, later)).toHaveLength(3), { timeout: 10_000, interval: 100 });
    expect(await challengerRows(engine.store, later)).toEqual([]);
    const firstDay = new Date(Date.now() - 15 * 60_000).toISOString().slice(0, 10);
    const res = await engine.app.inject({ url: `/v1/rules/challenger/comparison?version=chal-1&from=${firstDay}`, headers: as(RISK_KEY) });
    expect(res.json()).toMatchObject({ running: false, events_assessed: 5, alerts: { champion: 3, challenger: 3 } });
  });
});

async function alertsOfCustomer(engine: Awaited<ReturnType<typeof startTestEngine>>, customer: string): Promise<unknown[]> {
  return (await engine.app.inject({ url: `/v1/alerts?customer_id=${customer}&min_severity=low`, headers: as(RISK_KEY) })).json().alerts;
}

/** Fails every insert into one table while down: the flush of a batch fails after its events were written. */
class TableOutage extends FaultyStore {
  down = false;

  constructor(inner: AggregateStore, private readonly table: string) {
    super(inner);
  }

  override async insertRows(table: string, rows: readonly Record<string, unknown>[], opts?: { dedupToken?: string }) {
    if (table === this.table && this.down) {
      this.failedInserts++;
      throw new Error(`${table} unavailable (injected)`);
    }
    return super.insertRows(table, rows, opts);
  }
}

describe('a challenger batch written again after a restart', () => {
  it('stores its rows once: a redelivered entry flushes the rows committed with it, under the same token', async () => {
    const config = testConfig();
    let outage: TableOutage | undefined;
    const first = await startTestEngine(config, { decorateStore: (s) => (outage = new TableOutage(s, TABLES.challengerAlerts)) });
    const customer = 'chal-restart-1';
    try {
      await setUpChampionAndChallenger(first, 'chal-restart');
      outage!.down = true;
      await first.app.inject({ method: 'POST', url: '/v1/events', headers: as(INGEST_KEY), payload: { events: payments(customer) } });
      // Processed and committed (the champion's alerts are raised), its flush failing on the challenger's table.
      await vi.waitFor(async () => expect(await alertsOfCustomer(first, customer)).toHaveLength(3), { timeout: 10_000, interval: 100 });
      await vi.waitFor(() => expect(outage!.failedInserts).toBeGreaterThanOrEqual(1), { timeout: 10_000, interval: 50 });
      // The events' rows of the batch were written before the challenger's insert failed.
      const events = () => first.store.query<{ n: number }>(`SELECT count() AS n FROM ${first.store.database}.${TABLES.events} WHERE customer_id = {c:String}`, { c: testPseudonymise()(customer) });
      expect(Number((await events())[0]!.n)).toBe(5);
    } finally {
      // Gives up flushing after its retries: the entries stay pending, with their rows in Redis.
      await first.close();
    }
    const redis = new Redis(REDIS_URL);
    try {
      const backlog = await readBacklog(redis, config.redis.prefix, config.partitions);
      expect(backlog.reduce((sum, p) => sum + p.pending, 0)).toBe(5);
      const { archivedRowsPrefix } = partitionKeys(config.redis.prefix, partitionOf(customer, config.partitions));
      expect(await redis.keys(`${archivedRowsPrefix}*`)).toHaveLength(4);
    } finally {
      redis.disconnect();
    }

    const second = await startTestEngine(config);
    try {
      const rows = await vi.waitFor(async () => {
        const stored = await challengerRows(second.store, customer);
        expect(stored).toHaveLength(4);
        return stored;
      }, { timeout: 20_000, interval: 100 });
      expect(rows.map((r) => [r.event_id, r.challenger_alerted, r.champion_alerted])).toEqual([
        [`${customer}-e1`, 0, 1], [`${customer}-e2`, 1, 1], [`${customer}-e3`, 1, 0], [`${customer}-e5`, 1, 1],
      ]);
      await vi.waitFor(async () => {
        const backlog = await readBacklog(second.redis, config.redis.prefix, config.partitions);
        expect(backlog.reduce((sum, p) => sum + p.lag + p.pending, 0)).toBe(0);
      }, { timeout: 10_000, interval: 100 });
      // Written again under the batch's token: the events are not doubled, the challenger rows are once.
      const [events] = await second.store.query<{ n: number }>(`SELECT count() AS n FROM ${second.store.database}.${TABLES.events} WHERE customer_id = {c:String}`, { c: testPseudonymise()(customer) });
      expect(Number(events!.n)).toBe(5);
      expect(await challengerRows(second.store, customer)).toHaveLength(4);
      const firstDay = new Date(Date.now() - 30 * 60_000).toISOString().slice(0, 10);
      const comparison = (await second.app.inject({ url: `/v1/rules/challenger/comparison?from=${firstDay}`, headers: as(RISK_KEY) })).json();
      expect(comparison).toMatchObject({ events_assessed: 5, alerts: { champion: 3, challenger: 3, both: 2, champion_only: 1, challenger_only: 1 } });
    } finally {
      await second.close();
      await dropPrefix(config.redis.prefix);
    }
  });
});
