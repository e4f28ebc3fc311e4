import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { openAggregateStore, pseudonymisingStore, TABLES, toEventRow, type AggregateStore } from '../../aggregates/index.js';
import type { VigilConfig } from '../../config/index.js';
import { parseEvent, type EventInput, type VigilEvent } from '../../core/events/index.js';
import { ensureProcessorGroups, partitionKeys, partitionOf, PROCESSOR_GROUP, readBacklog } from '../../core/streams/index.js';
import { EventAppender } from '../../ingest/eventAppender.js';
import { CustomerActivityStore } from '../../processors/customerActivity.js';
import { PartitionCommitter } from '../../processors/partitionCommit.js';
import { streamIdMs } from '../../processors/streamEntries.js';
import { cardPayment, login } from '../support/events.js';
import { FaultyStore } from '../support/faultyStore.js';
import { REDIS_URL, SRE_KEY, INGEST_KEY, dropPrefix, eventually, numberedIds, startTestEngine, storedEventsOf, testConfig, testPseudonymise } from '../support/testEngine.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setUp(overrides: Record<string, string> = {}) {
  const config = testConfig(overrides);
  const redis = new Redis(REDIS_URL);
  await ensureProcessorGroups(redis, config.redis.prefix, config.partitions);
  const store = await openAggregateStore(config.clickhouse);
  cleanups.push(async () => {
    await store.close();
    redis.disconnect();
    await dropPrefix(config.redis.prefix);
  });
  return { config, redis, store };
}

async function startEngine(config: VigilConfig, opts: Parameters<typeof startTestEngine>[1] = {}) {
  const engine = await startTestEngine(config, opts);
  cleanups.push(() => engine.close());
  return engine;
}

const valid = (input: EventInput): VigilEvent => {
  const parsed = parseEvent(input);
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  return parsed.event;
};

async function append(config: VigilConfig, redis: Redis, inputs: EventInput[]) {
  const appender = new EventAppender(redis, { prefix: config.redis.prefix, partitions: config.partitions, dedupWindowSeconds: 3600 });
  await appender.append(inputs.map(valid));
}

/** What a worker that crashed mid-batch leaves behind: entries delivered to it and never acknowledged. */
async function readAsDeadConsumer(config: VigilConfig, redis: Redis) {
  const taken: { partition: number; id: string; fields: string[] }[] = [];
  for (let p = 0; p < config.partitions; p++) {
    const keys = partitionKeys(config.redis.prefix, p);
    await redis.set(keys.lease, 'dead-worker', 'PX', 300);
    const reply = (await redis.xreadgroup('GROUP', PROCESSOR_GROUP, 'dead-worker', 'COUNT', 1000, 'STREAMS', keys.stream, '>')) as
      | [string, [string, string[]][]][]
      | null;
    for (const [id, fields] of reply?.[0]?.[1] ?? []) taken.push({ partition: p, id, fields });
  }
  return taken;
}

// ClickHouse holds customers by pseudonym: rows are found through the engines' keyed hash.
const storedEvents = (store: AggregateStore, customers: readonly string[]) => storedEventsOf(store, customers);

async function backlogOf(config: VigilConfig, redis: Redis): Promise<number> {
  return (await readBacklog(redis, config.redis.prefix, config.partitions)).reduce((sum, p) => sum + p.lag + p.pending, 0);
}

describe('crash recovery', () => {
  it("reclaims a killed consumer's pending entries once idle and processes each exactly once", async () => {
    const { config, redis, store } = await setUp();
    await append(config, redis, Array.from({ length: 20 }, (_, i) => cardPayment({ customer_id: `rec-a-${i % 5}` })));
    expect(await readAsDeadConsumer(config, redis)).toHaveLength(20);

    const engine = await startEngine(config);
    expect(await eventually(() => storedEvents(store, numberedIds('rec-a-', 5)), (n) => n === 20)).toBe(20);
    expect(await eventually(() => backlogOf(config, redis), (n) => n === 0)).toBe(0);
    expect(await engine.metrics.registry.getSingleMetricAsString('vigil_events_reclaimed_total')).toMatch(/ 20$/m);
  });

  it('writes a batch interrupted between the ClickHouse insert and the acknowledgement exactly once', async () => {
    const { config, redis, store } = await setUp();
    const customer = 'rec-b-1';
    await append(config, redis, Array.from({ length: 10 }, () => cardPayment({ customer_id: customer, amount: '3.00' })));
    const taken = await readAsDeadConsumer(config, redis);
    const partition = partitionOf(customer, config.partitions);
    const keys = partitionKeys(config.redis.prefix, partition);
    const entries = taken.map((t) => ({ id: t.id, event: valid(JSON.parse(t.fields[1]!)) }));

    // The dead worker had applied customer state, recorded its intent and inserted, then died.
    const activity = new CustomerActivityStore(redis, { prefix: config.redis.prefix, customerTtlSeconds: 3600 });
    const applied = entries.map((e) => ({ entryId: e.id, event: e.event }));
    const { changes } = await activity.plan(keys, applied);
    await redis.set(keys.lease, 'dead-worker');
    const markers = applied.map(({ entryId, event }) => ({ op: 'set' as const, key: keys.appliedPrefix + event.event_id, value: entryId, ttlSeconds: 3600 }));
    expect(await new PartitionCommitter(redis).commit(keys, 'dead-worker', [...markers, ...changes])).toBe(true);
    await redis.pexpire(keys.lease, 300);
    const token = `${config.redis.prefix}:batch-of-the-dead-worker`;
    await redis.set(keys.flushIntent, JSON.stringify({ from: entries[0]!.id, to: entries.at(-1)!.id, token }));
    const rows = entries.map((e) => toEventRow(e.event, { partition, streamId: e.id, ingestedAtMs: streamIdMs(e.id), processedAtMs: Date.now() }));
    // The dead worker wrote through the engine's pseudonymising gate, as its successor does.
    await pseudonymisingStore(store, { pseudonymise: testPseudonymise(config), rawIdentifiers: false }).insertRows(TABLES.events, rows, { dedupToken: token });

    await startEngine(config);
    expect(await eventually(() => backlogOf(config, redis), (n) => n === 0)).toBe(0);
    expect(await storedEvents(store, [customer])).toBe(10);
    expect(await redis.exists(keys.flushIntent)).toBe(0);
    expect((await activity.get(partition, customer))?.moneyOut).toEqual({ EUR: 3000 });
  });

  it('dead-letters an entry that keeps coming back without being acknowledged (crash loop)', async () => {
    const { config, redis } = await setUp({ VIGIL_MAX_ATTEMPTS: '3' });
    await append(config, redis, [login({ customer_id: 'rec-c-1' })]);
    const [taken] = await readAsDeadConsumer(config, redis);
    await redis.hset(partitionKeys(config.redis.prefix, taken!.partition).attempts, taken!.id, 3);

    const engine = await startEngine(config);
    const list = () => engine.app.inject({ url: '/v1/dead-letters', headers: { authorization: `Bearer ${SRE_KEY}` } });
    const res = await eventually(list, (r) => r.json().total === 1);
    expect(res.json().deadLetters[0]).toMatchObject({ reason: 'crash_loop', sourceId: taken!.id, attempts: 4 });
    expect(await eventually(() => backlogOf(config, redis), (n) => n === 0)).toBe(0);
  });
});

describe('alerts decided before a crash', () => {
  it('are raised by the next owner from the partition outbox, once', async () => {
    const { config, redis } = await setUp();
    const keys = partitionKeys(config.redis.prefix, partitionOf('outbox-1', config.partitions));
    const decided = {
      customerId: 'outbox-1', type: 'fraud', severity: 'high', score: 0.7, ruleIds: ['card-testing'],
      reasons: [{ ruleId: 'card-testing', text: '8 card payments at new merchants in 10 min (threshold > 5)' }],
      triggeringEvents: [{ eventId: 'evt-outbox-1', type: 'card_payment', occurredAt: new Date().toISOString() }],
      ruleSetVersion: '2026.1', dedupKey: 'fraud:evt-outbox-1',
    };
    // The dead worker committed its batch (alert in the outbox) and died before draining it; the
    // same alert also sits there twice, as if a drain had been cut short after raising it once.
    await redis.set(keys.lease, 'dead-worker', 'PX', 200);
    const json = JSON.stringify(decided);
    expect(await new PartitionCommitter(redis).commit(keys, 'dead-worker', [
      { op: 'rpush', key: keys.alertOutbox, value: json }, { op: 'rpush', key: keys.alertOutbox, value: json },
    ])).toBe(true);

    const engine = await startEngine(config);
    const alerts = await eventually(() => engine.alerts.store.list({ customerId: 'outbox-1', limit: 10 }), (page) => page.alerts.length > 0);
    expect(alerts.alerts).toHaveLength(1);
    expect(alerts.alerts[0]).toMatchObject({ type: 'fraud', ruleIds: ['card-testing'] });
    expect(await eventually(() => redis.llen(keys.alertOutbox), (n) => n === 0)).toBe(0);
  });
});

describe('poison messages', () => {
  it('dead-letters undecodable entries with the reason, lists them for SREs, and refuses to replay them', async () => {
    const { config, redis } = await setUp();
    const { stream } = partitionKeys(config.redis.prefix, 0);
    await redis.xadd(stream, '*', 'event', '{not json');
    await redis.xadd(stream, '*', 'other', 'field');
    await redis.xadd(stream, '*', 'event', JSON.stringify({ type: 'login', event_id: 'x' }));
    const engine = await startEngine(config);
    const list = () => engine.app.inject({ url: '/v1/dead-letters?limit=10', headers: { authorization: `Bearer ${SRE_KEY}` } });
    const body = (await eventually(list, (r) => r.json().total === 3)).json();
    expect(body.deadLetters.map((d: { reason: string }) => d.reason)).toEqual(['invalid', 'invalid', 'invalid']);
    expect(body.deadLetters.map((d: { error: string }) => d.error)).toEqual([
      'event is not valid JSON', 'stream entry has no event field', expect.stringMatching(/customer_id/),
    ]);
    expect(await eventually(() => backlogOf(config, redis), (n) => n === 0)).toBe(0);

    const replay = await engine.app.inject({
      method: 'POST', url: '/v1/dead-letters/replay', headers: { authorization: `Bearer ${SRE_KEY}` }, payload: { ids: [body.deadLetters[0].id] },
    });
    expect(replay.json().skipped[0].reason).toMatch(/not a valid event/);
    const forbidden = await engine.app.inject({ url: '/v1/dead-letters', headers: { authorization: `Bearer ${INGEST_KEY}` } });
    expect(forbidden.statusCode).toBe(403);
  });

  it('dead-letters an event whose processing fails N times, keeps the others flowing, and replays it once fixed', async () => {
    const { config, redis, store } = await setUp({ VIGIL_MAX_ATTEMPTS: '3' });
    let enrichmentFixed = false;
    const engine = await startEngine(config, {
      stages: [(event) => {
        if (event.attributes?.explode && !enrichmentFixed) throw new Error('merchant enrichment failed');
      }],
    });
    const poison = cardPayment({ customer_id: 'poison-1', attributes: { explode: true } });
    const post = await engine.app.inject({
      method: 'POST', url: '/v1/events', headers: { authorization: `Bearer ${INGEST_KEY}` },
      payload: { events: [cardPayment({ customer_id: 'poison-1' }), poison, cardPayment({ customer_id: 'poison-1' })] },
    });
    expect(post.json().accepted).toBe(3);
    const list = () => engine.app.inject({ url: '/v1/dead-letters', headers: { authorization: `Bearer ${SRE_KEY}` } });
    const letter = (await eventually(list, (r) => r.json().total === 1)).json().deadLetters[0];
    expect(letter).toMatchObject({ reason: 'failed', attempts: 3, error: 'merchant enrichment failed' });
    expect(JSON.parse(letter.payload).event_id).toBe(poison.event_id);
    expect(await eventually(() => storedEvents(store, ['poison-1']), (n) => n === 2)).toBe(2);

    enrichmentFixed = true;
    const replay = await engine.app.inject({
      method: 'POST', url: '/v1/dead-letters/replay', headers: { authorization: `Bearer ${SRE_KEY}` }, payload: { ids: [letter.id] },
    });
    expect(replay.json()).toEqual({ replayed: [letter.id], skipped: [] });
    expect(await eventually(() => storedEvents(store, ['poison-1']), (n) => n === 3)).toBe(3);
    expect((await list()).json().total).toBe(0);
    expect(await backlogOf(config, redis)).toBe(0);
  });
});

describe('ClickHouse outage', () => {
  it('keeps processing while ClickHouse is down, holds the rows and the acknowledgements, and writes them once it returns', async () => {
    const { config, redis, store } = await setUp();
    let faulty: FaultyStore | undefined;
    const engine = await startEngine(config, { decorateStore: (s) => (faulty = new FaultyStore(s)) });
    faulty!.unavailable = true;
    const events = Array.from({ length: 25 }, (_, i) => cardPayment({ customer_id: `outage-${i % 5}` }));
    await engine.app.inject({ method: 'POST', url: '/v1/events', headers: { authorization: `Bearer ${INGEST_KEY}` }, payload: { events } });

    const buffered = () => engine.metrics.registry.getSingleMetric('vigil_aggregates_buffered_events')!.get().then((m) => m.values[0]?.value ?? 0);
    expect(await eventually(buffered, (n) => n === 25)).toBe(25);
    await eventually(async () => faulty!.failedInserts, (n) => n >= 1);
    expect(await storedEvents(store, numberedIds('outage-', 5))).toBe(0);
    const pending = (await readBacklog(redis, config.redis.prefix, config.partitions)).reduce((s, p) => s + p.pending, 0);
    expect(pending).toBe(25);
    expect(await engine.app.inject('/readyz').then((r) => r.statusCode)).toBe(503);

    faulty!.unavailable = false;
    expect(await eventually(() => storedEvents(store, numberedIds('outage-', 5)), (n) => n === 25, 15_000)).toBe(25);
    expect(await eventually(() => backlogOf(config, redis), (n) => n === 0)).toBe(0);
    expect(await buffered()).toBe(0);
  });

  it('stops reading once the worker holds VIGIL_MAX_BUFFERED_EVENTS rows over all its partitions, and writes them all once ClickHouse returns', async () => {
    const { config, redis, store } = await setUp({ VIGIL_MAX_BUFFERED_EVENTS: '100', VIGIL_READ_COUNT: '10' });
    let faulty: FaultyStore | undefined;
    const engine = await startEngine(config, { decorateStore: (s) => (faulty = new FaultyStore(s)) });
    faulty!.unavailable = true;
    // 400 events over the partitions: each partition alone stays far below the limit.
    const events = Array.from({ length: 400 }, (_, i) => cardPayment({ customer_id: `held-${i % 80}` }));
    const posted = await engine.app.inject({ method: 'POST', url: '/v1/events', headers: { authorization: `Bearer ${INGEST_KEY}` }, payload: { events: events.slice(0, 200) } });
    expect(posted.statusCode).toBe(202);
    await engine.app.inject({ method: 'POST', url: '/v1/events', headers: { authorization: `Bearer ${INGEST_KEY}` }, payload: { events: events.slice(200) } });

    const buffered = () => engine.metrics.registry.getSingleMetric('vigil_aggregates_buffered_events')!.get().then((m) => m.values[0]?.value ?? 0);
    expect(await eventually(buffered, (n) => n >= 100)).toBeGreaterThanOrEqual(100);
    await new Promise((r) => setTimeout(r, 1500));
    // The limit, passed by at most one read batch per partition.
    expect(await buffered()).toBeLessThanOrEqual(100 + config.partitions * 10);
    expect(await backlogOf(config, redis)).toBeGreaterThan(0);

    faulty!.unavailable = false;
    expect(await eventually(() => storedEvents(store, numberedIds('held-', 80)), (n) => n === 400, 20_000)).toBe(400);
    expect(await eventually(() => backlogOf(config, redis), (n) => n === 0)).toBe(0);
    expect(await buffered()).toBe(0);
  });
});

describe('scaling out', () => {
  it('splits partitions between two workers, processes everything once, and hands partitions back when one leaves', async () => {
    const { config, redis, store } = await setUp({ VIGIL_PARTITIONS: '4' });
    const first = await startEngine(config, { workerName: 'worker-a' });
    const second = await startEngine({ ...config, role: 'worker' }, { workerName: 'worker-b' });
    const owned = () => Promise.resolve([first.worker!.ownedPartitions, second.worker!.ownedPartitions]);
    const [a, b] = await eventually(owned, ([x, y]) => x!.length === 2 && y!.length === 2);
    expect([...a!, ...b!].sort()).toEqual([0, 1, 2, 3]);

    const events = Array.from({ length: 200 }, (_, i) => login({ customer_id: `scale-${i % 50}` }));
    await first.app.inject({ method: 'POST', url: '/v1/events', headers: { authorization: `Bearer ${INGEST_KEY}` }, payload: { events } });
    expect(await eventually(() => storedEvents(store, numberedIds('scale-', 50)), (n) => n === 200)).toBe(200);

    await second.close();
    expect(await eventually(() => Promise.resolve(first.worker!.ownedPartitions.length), (n) => n === 4)).toBe(4);
    await first.app.inject({ method: 'POST', url: '/v1/events', headers: { authorization: `Bearer ${INGEST_KEY}` }, payload: { events: events.map((e) => ({ ...e, event_id: `${e.event_id}-b` })) } });
    expect(await eventually(() => storedEvents(store, numberedIds('scale-', 50)), (n) => n === 400)).toBe(400);
    expect(await backlogOf(config, redis)).toBe(0);
  });
});
