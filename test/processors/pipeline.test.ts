import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLES } from '../../aggregates/index.js';
import { partitionKeys, partitionOf, readBacklog } from '../../core/streams/index.js';
import { cardPayment, login } from '../support/events.js';
import { INGEST_KEY, RISK_KEY, eventually, numberedIds, startTestEngine, storedEventsOf, testConfig } from '../support/testEngine.js';

const config = testConfig();
let engine: Awaited<ReturnType<typeof startTestEngine>>;

beforeAll(async () => {
  engine = await startTestEngine(config);
});
afterAll(async () => engine?.dispose());

const post = (events: unknown[]) =>
  engine.app.inject({
    method: 'POST', url: '/v1/events', headers: { authorization: `Bearer ${INGEST_KEY}` }, payload: { events },
  });

// ClickHouse holds customers by pseudonym: rows are found through the engine's keyed hash.
const storedEvents = (customers: readonly string[]) => storedEventsOf(engine.store, customers, config);

async function rollupAt(minute: string) {
  return engine.store.query<{ type: string; currency: string; events: number; amount_minor: number }>(
    `SELECT type, currency, sum(events) AS events, sum(amount_minor) AS amount_minor
     FROM ${engine.store.database}.${TABLES.eventRollups1m}
     WHERE minute = toDateTime({m:String}, 'UTC') GROUP BY type, currency ORDER BY type, currency`, { m: minute },
  );
}

/** Entries not yet delivered plus delivered but unacknowledged, over all partitions. */
async function pendingTotal(): Promise<number> {
  const backlog = await readBacklog(engine.redis, config.redis.prefix, config.partitions);
  return backlog.reduce((sum, p) => sum + p.lag + p.pending, 0);
}

describe('events flow from HTTP through the streams into ClickHouse', () => {
  it('processes posted events into the events table and exact per-minute rollups', async () => {
    const at = '2026-11-20T10:15:30.000Z';
    const events = [
      ...Array.from({ length: 30 }, (_, i) => cardPayment({ customer_id: `e2e-a-${i % 7}`, occurred_at: at, amount: '10.05' })),
      ...Array.from({ length: 5 }, (_, i) => cardPayment({ customer_id: `e2e-a-${i}`, occurred_at: at, amount: '1000', currency: 'JPY' })),
      ...Array.from({ length: 12 }, (_, i) => login({ customer_id: `e2e-a-${i % 3}`, occurred_at: at })),
    ];
    expect((await post(events)).json().accepted).toBe(47);

    expect(await eventually(() => storedEvents(numberedIds('e2e-a-', 7)), (n) => n === 47)).toBe(47);
    expect(await rollupAt('2026-11-20 10:15:00')).toEqual([
      { type: 'card_payment', currency: 'EUR', events: 30, amount_minor: 30_150 },
      { type: 'card_payment', currency: 'JPY', events: 5, amount_minor: 5000 },
      { type: 'login', currency: '', events: 12, amount_minor: 0 },
    ]);
    expect(await eventually(pendingTotal, (n) => n === 0)).toBe(0);
  });

  it('keeps a per-customer activity summary in minor units, readable by risk officers', async () => {
    await post([
      cardPayment({ customer_id: 'e2e-activity', amount: '20.00' }),
      cardPayment({ customer_id: 'e2e-activity', type: 'card_refund', amount: '5.25' }),
      { ...login({ customer_id: 'e2e-activity' }) },
    ]);
    const read = () => engine.app.inject({ url: '/v1/customers/e2e-activity/activity', headers: { authorization: `Bearer ${RISK_KEY}` } });
    const res = await eventually(read, (r) => r.statusCode === 200 && r.json().events === 3);
    expect(res.json()).toMatchObject({ events: 3, byType: { card_payment: 1, card_refund: 1, login: 1 }, moneyIn: { EUR: 525 }, moneyOut: { EUR: 2000 } });
  });

  it('does not count an event twice when it is posted twice', async () => {
    const event = cardPayment({ customer_id: 'e2e-dup-1' });
    await post([event]);
    await post([event, event]);
    await eventually(() => storedEvents(['e2e-dup-1']), (n) => n >= 1);
    await eventually(pendingTotal, (n) => n === 0);
    expect(await storedEvents(['e2e-dup-1'])).toBe(1);
  });

  it('skips an event_id that reaches the stream a second time on another entry (dedup window passed, replay)', async () => {
    const event = cardPayment({ customer_id: 'e2e-again', amount: '7.00' });
    await post([event]);
    await eventually(() => storedEvents(['e2e-again']), (n) => n === 1);
    const { stream } = partitionKeys(config.redis.prefix, partitionOf('e2e-again', config.partitions));
    await engine.redis.xadd(stream, '*', 'event', JSON.stringify(event));
    expect(await eventually(pendingTotal, (n) => n === 0)).toBe(0);
    expect(await storedEvents(['e2e-again'])).toBe(1);
    const activity = await engine.app.inject({ url: '/v1/customers/e2e-again/activity', headers: { authorization: `Bearer ${RISK_KEY}` } });
    expect(activity.json()).toMatchObject({ events: 1, moneyOut: { EUR: 700 } });
  });

  it('measures end-to-end latency and throughput as Prometheus metrics', async () => {
    const text = await engine.metrics.registry.metrics();
    expect(text).toMatch(/vigil_events_processed_total\{partition="\d"\} [1-9]/);
    expect(text).toMatch(/vigil_ingest_to_processed_seconds_count [1-9]/);
    expect(text).toMatch(/vigil_event_time_to_processed_seconds_count [1-9]/);
    expect(text).toMatch(/vigil_processing_batch_size_count [1-9]/);
    expect(text).toMatch(/vigil_partitions_owned 4/);
  });

  it('trims acknowledged entries from the streams', async () => {
    const customer = 'e2e-trim';
    await post(Array.from({ length: 400 }, () => login({ customer_id: customer })));
    const { stream } = partitionKeys(config.redis.prefix, partitionOf(customer, config.partitions));
    await eventually(() => storedEvents([customer]), (n) => n === 400);
    const length = await eventually(() => engine.redis.xlen(stream), (n) => n < 400);
    expect(length).toBeLessThan(400);
  });
});
