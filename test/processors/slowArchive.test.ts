import { afterEach, describe, expect, it } from 'vitest';
import { TABLES, type AggregateStore } from '../../aggregates/index.js';
import { cardPayment } from '../support/events.js';
import { INGEST_KEY, RISK_KEY, eventually, startTestEngine, testConfig } from '../support/testEngine.js';

/** The real store, with inserts into `events` held until the test opens the gate: a ClickHouse that is slow to answer. */
class GatedStore implements AggregateStore {
  held = 0;
  private open!: () => void;
  private readonly gate = new Promise<void>((resolve) => {
    this.open = resolve;
  });
  constructor(private readonly inner: AggregateStore) {}
  get kind() { return this.inner.kind; }
  get database() { return this.inner.database; }
  exec(sql: string) { return this.inner.exec(sql); }
  query<T>(sql: string, params?: Record<string, unknown>) { return this.inner.query<T>(sql, params); }
  async insertRows(table: string, rows: readonly Record<string, unknown>[], opts?: { dedupToken?: string }) {
    if (table === TABLES.events) {
      this.held++;
      await this.gate;
    }
    return this.inner.insertRows(table, rows, opts);
  }
  ping() { return this.inner.ping(); }
  close() { return this.inner.close(); }
  release() { this.open(); }
}

let dispose: (() => Promise<void>) | undefined;
afterEach(async () => {
  await dispose?.();
  dispose = undefined;
});

describe('a slow ClickHouse insert', () => {
  it('does not hold up detection: the partition keeps processing while its archive write waits, and every row lands once', async () => {
    let gated: GatedStore | undefined;
    // One partition, so both customers' events go through the same consumer.
    const engine = await startTestEngine(testConfig({ VIGIL_PARTITIONS: '1' }), { decorateStore: (store) => (gated = new GatedStore(store)) });
    dispose = async () => {
      gated!.release();
      await engine.dispose();
    };
    const tag = `slow-${Date.now()}`;
    const post = (customer: string) => engine.app.inject({
      method: 'POST', url: '/v1/events', headers: { authorization: `Bearer ${INGEST_KEY}` }, payload: cardPayment({ event_id: `${tag}-${customer}`, customer_id: `${tag}-${customer}` }),
    });
    const activity = (customer: string) => engine.app.inject({ method: 'GET', url: `/v1/customers/${tag}-${customer}/activity`, headers: { authorization: `Bearer ${RISK_KEY}` } });

    expect((await post('first')).statusCode).toBe(202);
    await eventually(async () => gated!.held, (n) => n >= 1);

    expect((await post('second')).statusCode).toBe(202);
    const second = await eventually(() => activity('second'), (r) => r.statusCode === 200 && r.json().events === 1);
    expect(second.json().events).toBe(1);
    expect(gated!.held).toBe(1); // the first insert is still waiting

    gated!.release();
    const rows = async () => (await engine.store.query<{ n: number }>(
      `SELECT count() AS n FROM ${engine.store.database}.${TABLES.events} WHERE startsWith(event_id, {t:String})`, { t: tag },
    ))[0]?.n ?? 0;
    expect(await eventually(rows, (n) => n === 2)).toBe(2);
  });
});
