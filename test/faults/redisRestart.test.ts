import { afterAll, describe, expect, it } from 'vitest';
import { TABLES, type AggregateStore } from '../../aggregates/index.js';
import type { EventInput } from '../../core/events/index.js';
import { cardPayment } from '../support/events.js';
import { OwnRedis } from '../support/ownRedis.js';
import { INGEST_KEY, eventually, startTestEngine, testConfig } from '../support/testEngine.js';

// A Redis restart (kill -9, then start from its append-only file) while events flow: processing
// must resume on its own, whether the outage is shorter or longer than the partition lease, with
// every accepted event stored once.

const redis = new OwnRedis({ persistent: true });
afterAll(() => redis.dispose());

async function rowsFor(store: AggregateStore, eventPrefix: string): Promise<{ rows: number; distinct: number }> {
  const [row] = await store.query<{ rows: number; distinct: number }>(
    `SELECT count() AS rows, uniqExact(event_id) AS distinct FROM ${store.database}.${TABLES.events} WHERE startsWith(event_id, {p:String})`,
    { p: eventPrefix },
  );
  return row ?? { rows: 0, distinct: 0 };
}

describe.each([
  { outageMs: 2500, leaseMs: 10_000, label: 'shorter' },
  { outageMs: 4000, leaseMs: 1500, label: 'longer' },
])('a Redis restart $label than the lease', ({ outageMs, leaseMs, label }) => {
  it('stops nothing for good: events accepted before and after are all processed, each once', async () => {
    await redis.start();
    const engine = await startTestEngine(testConfig({ REDIS_URL: redis.url, VIGIL_LEASE_MS: String(leaseMs) }));
    const prefix = `restart-${label}-${Date.now()}-`;
    let n = 0;
    const events = (count: number): EventInput[] =>
      Array.from({ length: count }, () => cardPayment({ event_id: `${prefix}${n++}`, customer_id: `${prefix}c${n % 17}` }));
    const post = async (batch: EventInput[]) => {
      // As a bank client does: retry on 503 (Redis down) until accepted.
      for (let attempt = 0; ; attempt++) {
        const res = await engine.app.inject({ method: 'POST', url: '/v1/events', headers: { authorization: `Bearer ${INGEST_KEY}` }, payload: { events: batch } });
        if (res.statusCode === 202) return res.json() as { accepted: number; duplicates: number };
        expect(res.statusCode).toBe(503);
        expect(res.headers['retry-after']).toBeDefined();
        if (attempt > 200) throw new Error('ingest never came back');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    try {
      await post(events(200));
      await eventually(() => rowsFor(engine.store, prefix), (r) => r.rows === 200, 20_000);

      await redis.stop();
      const during = await engine.app.inject({ method: 'POST', url: '/v1/events', headers: { authorization: `Bearer ${INGEST_KEY}` }, payload: { events: events(1) } });
      expect(during.statusCode).toBe(503);
      n--; // that event was not accepted; its id is used again below
      await new Promise((resolve) => setTimeout(resolve, outageMs));
      await redis.start();
      const restartedAt = Date.now();

      const second = await post(events(200));
      expect(second.accepted + second.duplicates).toBe(200);
      const stored = await eventually(() => rowsFor(engine.store, prefix), (r) => r.rows >= 400, 30_000);
      const recoverySeconds = (Date.now() - restartedAt) / 1000;
      expect(stored).toEqual({ rows: 400, distinct: 400 });
      console.log(`[fault] redis restart ${label} than the lease (outage ${outageMs} ms, lease ${leaseMs} ms): 400 accepted, ${stored.rows} stored, ${stored.rows - stored.distinct} duplicated, all processed ${recoverySeconds.toFixed(1)} s after Redis returned`);
    } finally {
      await engine.dispose();
      await redis.stop();
    }
  }, 90_000);
});
