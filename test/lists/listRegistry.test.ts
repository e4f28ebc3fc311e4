import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger, createMetrics } from '../../core/observability/index.js';
import { ListRegistry, ListStore } from '../../lists/index.js';
import { REDIS_URL, dropPrefix, uniquePrefix } from '../support/testEngine.js';

const redis = new Redis(REDIS_URL);
const log = createLogger('silent');
let prefix: string;
let store: ListStore;
const registries: ListRegistry[] = [];

beforeEach(async () => {
  prefix = uniquePrefix('lists');
  store = new ListStore({ redis, prefix, log, maxEntryDays: 400 });
  await store.create({ name: 'blocked-devices', purpose: 'block', kind: 'device', description: 'stolen devices' }, 'risk-admin:test');
});
afterEach(async () => {
  for (const r of registries.splice(0)) r.stop();
  await dropPrefix(prefix);
});
afterAll(() => redis.disconnect());

async function registry(): Promise<{ registry: ListRegistry; reloads: () => Promise<string>; sizes: () => Promise<string> }> {
  const metrics = createMetrics({ defaultMetrics: false });
  // Polled by hand in these tests (refresh()), so the interval never gets in the way.
  const r = new ListRegistry({ redis, prefix, log, pollMs: 600_000, metrics });
  registries.push(r);
  await r.start();
  return {
    registry: r,
    reloads: () => metrics.registry.getSingleMetricAsString('vigil_list_reloads_total'),
    sizes: () => metrics.registry.getSingleMetricAsString('vigil_list_entries'),
  };
}
const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();
const add = (value: string, expiresAt = inMs(3_600_000)) => store.addEntry('blocked-devices', { value, reason: 'stolen', expires_at: expiresAt }, 'risk:test');
const has = (r: ListRegistry, value: string) => r.at(Date.now()).find('blocked-devices', value) !== undefined;

describe('ListRegistry', () => {
  it('loads the lists whole at start, then applies only the changes made since', async () => {
    await add('dev-1');
    const { registry: r, reloads } = await registry();
    expect(has(r, 'dev-1')).toBe(true);
    await add('dev-2');
    await store.removeEntry('blocked-devices', 'dev-1', 'risk:test');
    await r.refresh();
    expect([has(r, 'dev-1'), has(r, 'dev-2')]).toEqual([false, true]);
    expect(await reloads()).toMatch(/kind="full"\} 1\n.*kind="incremental"\} 1/s);
    expect(r.revision()).toBe(4);
  });

  it('loads everything again when the change records it needs were trimmed away', async () => {
    const { registry: r, reloads } = await registry();
    await add('dev-3');
    await add('dev-4');
    await redis.xtrim(store.keys.changes, 'MAXLEN', 0);
    await r.refresh();
    expect([has(r, 'dev-3'), has(r, 'dev-4')]).toEqual([true, true]);
    expect(await reloads()).toMatch(/kind="full"\} 2/);
  });

  it('follows a list deleted and created again, and the entries of a new list', async () => {
    const { registry: r } = await registry();
    await add('dev-5');
    await r.refresh();
    await store.delete('blocked-devices', 'risk-admin:test');
    await store.create({ name: 'blocked-devices', purpose: 'block', kind: 'device', description: 'again' }, 'risk-admin:test');
    await store.create({ name: 'blocked-ips', purpose: 'block', kind: 'ip', description: 'bad addresses' }, 'risk-admin:test');
    await store.addEntry('blocked-ips', { value: '2001:db8::1', reason: 'attack', expires_at: inMs(60_000) }, 'risk:test');
    await r.refresh();
    expect(has(r, 'dev-5')).toBe(false);
    expect(r.at(Date.now()).find('blocked-ips', '2001:DB8:0::1')?.reason).toBe('attack');
  });

  it('ignores an expired entry at once; the sweep then removes it from Redis and every copy, audited without the value', async () => {
    const { registry: r, sizes } = await registry();
    await add('dev-6', inMs(300));
    await add('dev-7');
    await r.refresh();
    expect(has(r, 'dev-6')).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(has(r, 'dev-6')).toBe(false);
    expect(await redis.hexists(store.keys.entries('blocked-devices'), 'dev-6')).toBe(1);

    expect(await store.sweepExpired()).toBe(1);
    expect(await redis.hexists(store.keys.entries('blocked-devices'), 'dev-6')).toBe(0);
    expect(await redis.zcard(store.keys.expiries('blocked-devices'))).toBe(1);
    expect(await sizes()).toMatch(/list="blocked-devices"\} 2/);
    await r.refresh();
    expect(has(r, 'dev-7')).toBe(true);
    expect(await sizes()).toMatch(/list="blocked-devices"\} 1/);
    const [audit] = await store.audit({ list: 'blocked-devices', limit: 1 });
    expect(audit).toEqual(expect.objectContaining({ action: 'entries_expired', actor: 'system:expiry', count: 1 }));
    expect(audit).not.toHaveProperty('value');
    expect(await store.sweepExpired()).toBe(0);
  });

  it('imports in chunks under one import id, each chunk audited', async () => {
    const { registry: r } = await registry();
    const entries = Array.from({ length: 2500 }, (_, i) => ({ value: `dev-bulk-${i}`, reason: 'batch from partner bank', expiresAtMs: Date.now() + 60_000 }));
    const result = await store.putEntries('blocked-devices', entries, 'risk-admin:test');
    expect(result).toMatchObject({ created: 2500, replaced: 0 });
    const audit = await store.audit({ list: 'blocked-devices', limit: 10 });
    expect(audit.filter((a) => a.action === 'entries_imported').map((a) => [a.importId, a.count])).toEqual([
      [result.importId, 500], [result.importId, 1000], [result.importId, 1000],
    ]);
    await r.refresh();
    expect(has(r, 'dev-bulk-2499')).toBe(true);
  });
});
