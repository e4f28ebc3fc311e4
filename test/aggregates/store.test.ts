import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { AggregateStoreError, TABLES, countEvents, openAggregateStore, type AggregateStore } from '../../aggregates/index.js';
import { loginRow, minuteAgo, paymentRow, tempDataDir } from './fixtures.js';

const data = tempDataDir();
const MIB = 2 ** 20;
const LIMITS = { maxMemoryBytes: 512 * MIB, markCacheBytes: 32 * MIB, primaryIndexCacheBytes: 16 * MIB, idleThreads: 4 };
let store: AggregateStore;

beforeAll(async () => {
  store = await openAggregateStore({ kind: 'embedded', dataDir: data.dir, database: 'vigil_store', limits: LIMITS });
});

afterAll(async () => {
  await store.close();
  data.remove();
});

interface RollupRow {
  minute: string;
  type: string;
  currency: string;
  events: number;
  amount_minor: number;
}

async function rollups(s: AggregateStore): Promise<RollupRow[]> {
  return s.query<RollupRow>(
    `SELECT toString(minute) AS minute, type, currency, sum(events) AS events, sum(amount_minor) AS amount_minor
     FROM ${s.database}.${TABLES.eventRollups1m} GROUP BY minute, type, currency ORDER BY minute, type, currency`,
  );
}

async function truncate(): Promise<void> {
  await store.exec(`TRUNCATE TABLE ${store.database}.${TABLES.events}`);
  await store.exec(`TRUNCATE TABLE ${store.database}.${TABLES.eventRollups1m}`);
}

const at = (minute: Date, seconds: number) => new Date(minute.getTime() + seconds * 1000);
const chText = (d: Date) => d.toISOString().slice(0, 19).replace('T', ' ');

describe('embedded aggregate store', () => {
  it('starts the engine within the configured limits instead of its server defaults', async () => {
    const settings = await store.query<{ name: string; value: string }>(
      `SELECT name, value FROM system.server_settings
       WHERE name IN ('max_server_memory_usage', 'mark_cache_size', 'primary_index_cache_size', 'max_thread_pool_free_size') ORDER BY name`,
    );
    expect(Object.fromEntries(settings.map((s) => [s.name, Number(s.value)]))).toEqual({
      max_server_memory_usage: 512 * MIB, mark_cache_size: 32 * MIB, primary_index_cache_size: 16 * MIB, max_thread_pool_free_size: 4,
    });
    const [parsing] = await store.query<{ value: string }>(`SELECT value FROM system.settings WHERE name = 'input_format_parallel_parsing'`);
    expect(parsing?.value).toBe('0');
  });

  it('answers ping while open', async () => {
    expect(store.kind).toBe('embedded');
    expect(await store.ping()).toBe(true);
  });

  it('stores inserted rows in events and rolls them up per minute with exact counts and minor-unit sums', async () => {
    await truncate();
    const m1 = minuteAgo(3);
    const m2 = minuteAgo(2);
    const rows = [
      paymentRow(at(m1, 1), '10.01', 'EUR'),
      paymentRow(at(m1, 59.999), '0.02', 'EUR'),
      paymentRow(at(m1, 30), '1500', 'JPY'),
      paymentRow(at(m2, 0), '99999999.99', 'EUR'),
      paymentRow(at(m2, 45), '1.234', 'KWD'),
      loginRow(at(m1, 10)),
      loginRow(at(m2, 20)),
      loginRow(at(m2, 21)),
    ];
    await store.insertRows(TABLES.events, rows);

    expect(await countEvents(store)).toBe(8);
    expect(await rollups(store)).toEqual([
      { minute: chText(m1), type: 'card_payment', currency: 'EUR', events: 2, amount_minor: 1003 },
      { minute: chText(m1), type: 'card_payment', currency: 'JPY', events: 1, amount_minor: 1500 },
      { minute: chText(m1), type: 'login', currency: '', events: 1, amount_minor: 0 },
      { minute: chText(m2), type: 'card_payment', currency: 'EUR', events: 1, amount_minor: 9999999999 },
      { minute: chText(m2), type: 'card_payment', currency: 'KWD', events: 1, amount_minor: 1234 },
      { minute: chText(m2), type: 'login', currency: '', events: 2, amount_minor: 0 },
    ]);
  });

  it('reads back the DateTime64 values written by toEventRow as the same instants', async () => {
    await truncate();
    const row = paymentRow(new Date(minuteAgo(1).getTime() + 12_345), '5.00', 'GBP');
    await store.insertRows(TABLES.events, [row]);
    const [stored] = await store.query<{ occurred_ms: number; ingested_ms: number; processed_ms: number; partition: number }>(
      `SELECT toUnixTimestamp64Milli(occurred_at) AS occurred_ms, toUnixTimestamp64Milli(ingested_at) AS ingested_ms,
              toUnixTimestamp64Milli(processed_at) AS processed_ms, partition
       FROM ${store.database}.${TABLES.events}`,
    );
    const occurred = Date.parse(`${row.occurred_at}Z`);
    expect(stored).toEqual({ occurred_ms: occurred, ingested_ms: occurred + 5, processed_ms: occurred + 9, partition: 0 });
  });

  it('counts a batch retried with the same dedup token once, in both events and the rollup', async () => {
    await truncate();
    const minute = minuteAgo(4);
    const batch = [paymentRow(at(minute, 1), '7.00', 'EUR'), paymentRow(at(minute, 2), '3.00', 'EUR'), loginRow(at(minute, 3))];

    await store.insertRows(TABLES.events, batch, { dedupToken: 'p0:1-0:3-0' });
    await store.insertRows(TABLES.events, batch, { dedupToken: 'p0:1-0:3-0' });

    expect(await countEvents(store)).toBe(3);
    // The view still receives the skipped block; only the rollup's own dedup window stops it.
    expect(await rollups(store)).toEqual([
      { minute: chText(minute), type: 'card_payment', currency: 'EUR', events: 2, amount_minor: 1000 },
      { minute: chText(minute), type: 'login', currency: '', events: 1, amount_minor: 0 },
    ]);
  });

  it('counts the same rows again under a different dedup token', async () => {
    await truncate();
    const minute = minuteAgo(5);
    const batch = [paymentRow(at(minute, 1), '7.00', 'EUR')];

    await store.insertRows(TABLES.events, batch, { dedupToken: 'token-a' });
    await store.insertRows(TABLES.events, batch, { dedupToken: 'token-b' });

    expect(await countEvents(store)).toBe(2);
    expect(await rollups(store)).toEqual([{ minute: chText(minute), type: 'card_payment', currency: 'EUR', events: 2, amount_minor: 1400 }]);
  });

  it('does not merge different batches whose rollup rows happen to be identical', async () => {
    await truncate();
    const minute = minuteAgo(6);
    await store.insertRows(TABLES.events, [loginRow(at(minute, 1))], { dedupToken: 'batch-1' });
    await store.insertRows(TABLES.events, [loginRow(at(minute, 2))], { dedupToken: 'batch-2' });
    await store.insertRows(TABLES.events, [loginRow(at(minute, 3))]);
    await store.insertRows(TABLES.events, [loginRow(at(minute, 4))]);

    expect(await countEvents(store)).toBe(4);
    expect((await rollups(store)).map((r) => r.events)).toEqual([4]);
  });

  it('keeps data across closing and reopening the store on the same directory', async () => {
    await truncate();
    const minute = minuteAgo(7);
    await store.insertRows(TABLES.events, [paymentRow(at(minute, 1), '1.00', 'GBP'), loginRow(at(minute, 2))]);
    await store.close();

    store = await openAggregateStore({ kind: 'embedded', dataDir: data.dir, database: 'vigil_store' });
    expect(await countEvents(store)).toBe(2);
    expect((await rollups(store)).map((r) => [r.type, r.events, r.amount_minor])).toEqual([['card_payment', 1, 100], ['login', 1, 0]]);
  });

  it('binds parameters server-side, so quotes and backslashes in values are data, not SQL', async () => {
    const hostile = `x' OR 1=1 --"\\'; DROP TABLE ${store.database}.events; \n\t`;
    const rows = await store.query<{ value: string; n: number }>('SELECT {value:String} AS value, {n:UInt32} AS n', { value: hostile, n: 7 });
    expect(rows).toEqual([{ value: hostile, n: 7 }]);
    const matches = await store.query(`SELECT count() AS n FROM ${store.database}.${TABLES.events} WHERE customer_id = {c:String}`, { c: hostile });
    expect(matches).toEqual([{ n: 0 }]);
  });

  it('returns 64-bit integers as JS numbers and binds Date parameters as UTC DateTime64', async () => {
    const since = new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678));
    const [row] = await store.query('SELECT toInt64(-5) AS i, toUInt64(9007199254740991) AS u, count() AS c, {since:DateTime64(3, \'UTC\')} AS since', { since });
    expect(row).toEqual({ i: -5, u: 9007199254740991, c: 1, since: '2026-01-02 03:04:05.678' });
  });

  it('wraps engine errors in AggregateStoreError naming the failing statement', async () => {
    const failure = await store.query('SELECT no_such_column FROM system.one').catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(AggregateStoreError);
    expect(failure).toMatchObject({ code: 'AGGREGATE_STORE', context: 'SELECT no_such_column FROM system.one' });

    const badInsert = await store.insertRows(TABLES.events, [{ occurred_at: 'not a time' }]).catch((e: unknown) => e);
    expect(badInsert).toMatchObject({ code: 'AGGREGATE_STORE', context: 'INSERT INTO vigil_store.events' });
  });

  it('runs concurrent inserts and queries on one store without mixing up their results', async () => {
    await truncate();
    const minute = minuteAgo(8);
    const work = Array.from({ length: 20 }, (_, i) =>
      Promise.all([
        store.insertRows(TABLES.events, [paymentRow(at(minute, i), '1.00', 'EUR')], { dedupToken: `concurrent-${i}` }),
        store.query<{ i: number }>('SELECT {i:UInt32} AS i', { i }),
        store.query<{ i: number }>(`SELECT ${i} AS i`),
      ]),
    );
    for (const [i, [, bound, plain]] of (await Promise.all(work)).entries()) {
      expect(bound).toEqual([{ i }]);
      expect(plain).toEqual([{ i }]);
    }
    expect((await rollups(store)).map((r) => [r.events, r.amount_minor])).toEqual([[20, 2000]]);
  });

  it('refuses work once closed and reports ping false', async () => {
    const other = await openAggregateStore({ kind: 'embedded', dataDir: data.dir, database: 'vigil_store' });
    await other.close();
    await other.close();
    expect(await other.ping()).toBe(false);
    await expect(other.query('SELECT 1')).rejects.toBeInstanceOf(AggregateStoreError);
    expect(await store.ping()).toBe(true);
  });

  it('refuses a second data directory in the same process with an AggregateStoreError, leaving the open store working', async () => {
    const elsewhere = tempDataDir();
    try {
      const failure = await openAggregateStore({ kind: 'embedded', dataDir: elsewhere.dir, database: 'vigil_store' }).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(AggregateStoreError);
      expect(await store.ping()).toBe(true);
      expect(await countEvents(store)).toBeGreaterThanOrEqual(0);
    } finally {
      elsewhere.remove();
    }
  });
});
