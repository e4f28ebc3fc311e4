import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyRetention, openAggregateStore, ttlDays, type AggregateStore } from '../../aggregates/index.js';
import { loadConfig } from '../../config/index.js';
import { tempDataDir } from './fixtures.js';

const data = tempDataDir();
let store: AggregateStore;
const defaults = loadConfig({ VIGIL_API_KEYS: 'admin-key-0123456789:admin' }).retention.clickhouseDays;

beforeAll(async () => {
  store = await openAggregateStore({ kind: 'embedded', dataDir: data.dir, database: 'vigil_retention' });
});
afterAll(async () => {
  await store?.close();
  data.remove();
});

async function tableTtls(): Promise<Record<string, number | undefined>> {
  const rows = await store.query<{ name: string; engine_full: string }>('SELECT name, engine_full FROM system.tables WHERE database = {db:String}', { db: store.database });
  return Object.fromEntries(rows.map((r) => [r.name, ttlDays(r.engine_full)]));
}

describe('retention per ClickHouse table', () => {
  it('reads a TTL in days whatever unit ClickHouse shows it in', () => {
    expect(ttlDays('MergeTree ORDER BY x TTL toDateTime(at) + toIntervalYear(7) SETTINGS index_granularity = 8192')).toBe(2555);
    expect(ttlDays('MergeTree ORDER BY x TTL minute + toIntervalDay(800)')).toBe(800);
    expect(ttlDays('MergeTree ORDER BY x')).toBeUndefined();
  });

  it('changes nothing when the settings are the defaults the migrations wrote', async () => {
    expect(await applyRetention(store, defaults)).toEqual([]);
  });

  it('applies a changed setting once, and only to its table', async () => {
    const changed = { ...defaults, events: 30, offer_decisions: 90 };
    expect(await applyRetention(store, changed)).toEqual([
      { table: 'events', fromDays: 400, toDays: 30 },
      { table: 'offer_decisions', fromDays: 730, toDays: 90 },
    ]);
    expect(await applyRetention(store, changed)).toEqual([]);
    expect(await tableTtls()).toMatchObject({ events: 30, offer_decisions: 90, event_rollups_1m: 800, alerts: 2555, offer_responses: 730 });
  });
});
