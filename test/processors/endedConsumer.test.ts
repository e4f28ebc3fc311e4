import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partitionKeys } from '../../core/streams/index.js';
import { cardPayment } from '../support/events.js';
import { INGEST_KEY, REDIS_URL, RISK_KEY, eventually, startTestEngine, testConfig } from '../support/testEngine.js';

// Issue 12, item 1: a worker whose partition consumer had died kept renewing the partition's lease,
// so nobody processed that partition again. Here the consumer ends for real (its commit finds the
// lease in another worker's name for a moment, as after a pause past the lease), and the lease is
// then back in this worker's name, so renewing it succeeds: only handing back a partition whose
// consumer ended starts a fresh consumer. The lease is long (30 s, renewed every 10 s) so the
// moment of the theft falls between two renewals and the worker's own renewal cannot notice it.

const config = testConfig({ VIGIL_PARTITIONS: '1', VIGIL_LEASE_MS: '30000' });
const WORKER = 'ended-consumer-worker';
let engine: Awaited<ReturnType<typeof startTestEngine>>;
const redis = new Redis(REDIS_URL);
const leaseKey = partitionKeys(config.redis.prefix, 0).lease;
const as = (key: string) => ({ authorization: `Bearer ${key}` });

beforeAll(async () => {
  engine = await startTestEngine(config, { workerName: WORKER });
});
afterAll(async () => {
  await engine?.dispose();
  redis.disconnect();
});

const post = async (customer: string) => {
  const res = await engine.app.inject({ method: 'POST', url: '/v1/events', headers: as(INGEST_KEY), payload: cardPayment({ customer_id: customer }) });
  expect(res.statusCode).toBe(202);
};
const eventsOf = async (customer: string) =>
  (await engine.app.inject({ url: `/v1/customers/${customer}/features`, headers: as(RISK_KEY) })).json().features?.events_total ?? 0;

describe('a worker whose partition consumer ended', () => {
  it('hands the partition back instead of renewing its lease, and a fresh consumer processes what came meanwhile', async () => {
    await post('ended-1');
    await eventually(() => eventsOf('ended-1'), (n) => n === 1);
    expect(await redis.get(leaseKey)).toBe(WORKER);

    // Another worker holds the lease while this one commits: the commit is refused and the consumer ends.
    await redis.set(leaseKey, 'intruder', 'PX', 30_000);
    await post('ended-2');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await eventsOf('ended-2')).toBe(0);
    await redis.set(leaseKey, WORKER, 'PX', 30_000);

    // Renewal succeeds from here on, so only the ended consumer's release lets the event through.
    await post('ended-3');
    await eventually(async () => [await eventsOf('ended-2'), await eventsOf('ended-3')], (n) => n.join() === '1,1', 25_000);
    expect(await redis.get(leaseKey)).toBe(WORKER);
  }, 40_000);
});
