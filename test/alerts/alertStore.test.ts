import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AlertStore, InvalidAlertError, alertIdFor, type Alert } from '../../alerts/index.js';
import { REDIS_URL, dropPrefix, fraudAlert, uniquePrefix } from './harness.js';

const redis = new Redis(REDIS_URL);
let prefix: string;
let clock: number;
let store: AlertStore;

beforeEach(() => {
  prefix = uniquePrefix();
  clock = Date.parse('2026-11-20T10:00:00.000Z');
  store = new AlertStore(redis, { prefix, now: () => clock, resolvedRetentionSeconds: 3600 });
});
afterEach(async () => dropPrefix(redis, prefix));
afterAll(async () => redis.quit());

const ids = (alerts: Alert[]) => alerts.map((a) => a.id);

describe('raising alerts', () => {
  it('creates an open alert with a deterministic id and a "raised" history entry', async () => {
    const input = fraudAlert();
    const [alert] = await store.raise([input]);
    expect(alert).toMatchObject({ id: alertIdFor(input.dedupKey), status: 'open', overdue: false, createdAt: '2026-11-20T10:00:00.000Z' });
    expect(alert!.id).toMatch(/^alt_[0-9a-z]{26}$/);
    expect(alert!.history).toEqual([{ at: '2026-11-20T10:00:00.000Z', actor: 'vigil', action: 'raised', from: null, to: 'open' }]);
    expect(await store.get(alert!.id)).toEqual(alert);
  });

  it('creates one alert for a dedup key raised twice (a redelivered event), answering only the new one', async () => {
    const input = fraudAlert();
    expect(await store.raise([input])).toHaveLength(1);
    expect(await store.raise([input, { ...input, severity: 'critical' }])).toEqual([]);
    expect((await store.list({ limit: 10 })).alerts).toHaveLength(1);
    expect(await redis.xlen(store.keys.outbox)).toBe(1);
  });

  it('creates exactly one alert when 20 callers on 4 connections raise the same dedup key at once', async () => {
    const connections = Array.from({ length: 4 }, () => new Redis(REDIS_URL));
    try {
      const stores = connections.map((c) => new AlertStore(c, { prefix, now: () => clock }));
      const input = fraudAlert();
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => stores[i % 4]!.raise([input])));
      expect(results.flat()).toHaveLength(1);
      expect(await redis.zcard(store.keys.byCreated)).toBe(1);
      expect(await redis.xlen(store.keys.outbox)).toBe(1);
    } finally {
      await Promise.all(connections.map((c) => c.quit()));
    }
  });

  it('refuses an alert that does not match the schema', async () => {
    await expect(store.raise([{ ...fraudAlert(), score: 1.5 }])).rejects.toBeInstanceOf(InvalidAlertError);
  });
});

describe('listing alerts', () => {
  async function seed() {
    const a = await store.raise([fraudAlert({ customerId: 'c-a', severity: 'low' })]);
    clock += 1000;
    const b = await store.raise([fraudAlert({ customerId: 'c-b', type: 'churn', severity: 'critical' })]);
    clock += 1000;
    const c = await store.raise([fraudAlert({ customerId: 'c-a', type: 'complaint_sla', severity: 'medium', dueAt: new Date(clock + 500).toISOString() })]);
    return { a: a[0]!, b: b[0]!, c: c[0]! };
  }

  it('filters by status, type, severity, customer, time and overdue, newest first', async () => {
    const { a, b, c } = await seed();
    await store.transition(b.id, { action: 'acknowledge' }, 'risk:ana');
    const list = async (f: Record<string, unknown>) => ids((await store.list({ limit: 10, ...f })).alerts);
    expect(await list({})).toEqual([c.id, b.id, a.id]);
    expect(await list({ status: 'acknowledged' })).toEqual([b.id]);
    expect(await list({ status: 'open' })).toEqual([c.id, a.id]);
    expect(await list({ type: 'churn' })).toEqual([b.id]);
    expect(await list({ severity: 'low' })).toEqual([a.id]);
    expect(await list({ minSeverity: 'medium' })).toEqual([c.id, b.id]);
    expect(await list({ customerId: 'c-a' })).toEqual([c.id, a.id]);
    expect(await list({ customerId: 'c-a', type: 'fraud' })).toEqual([a.id]);
    expect(await list({ from: b.createdAt })).toEqual([c.id, b.id]);
    expect(await list({ to: b.createdAt })).toEqual([b.id, a.id]);
    expect(await list({ overdue: true })).toEqual([]);
    clock += 1000; // past c's due time
    expect(await list({ overdue: true })).toEqual([c.id]);
    expect((await store.get(c.id))!.overdue).toBe(true);
  });

  it('pages newest first without gaps or repeats, also through alerts created in the same millisecond', async () => {
    await store.raise(Array.from({ length: 7 }, () => fraudAlert())); // one batch: one createdAt
    clock += 1;
    await store.raise(Array.from({ length: 5 }, () => fraudAlert()));
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.list({ limit: 3, cursor });
      seen.push(...ids(page.alerts));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(12);
    expect(new Set(seen).size).toBe(12);
    expect(seen).toEqual(ids((await store.list({ limit: 50 })).alerts));
  });

  it('bounds the work of one page: a rare filter answers a partial page with a cursor to continue', async () => {
    await store.raise(Array.from({ length: 1100 }, () => fraudAlert({ severity: 'low' })));
    const page = await store.list({ limit: 10, severity: 'critical' });
    expect(page.alerts).toEqual([]);
    expect(page.nextCursor).not.toBeNull();
    const rest = await store.list({ limit: 10, severity: 'critical', cursor: page.nextCursor! });
    expect(rest).toEqual({ alerts: [], nextCursor: null });
  });
});

describe('transitions', () => {
  it('keeps every one of 20 concurrent comments in the history', async () => {
    const [alert] = await store.raise([fraudAlert()]);
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.transition(alert!.id, { action: 'comment', comment: `note ${i}` }, 'risk:ana')));
    const after = await store.get(alert!.id);
    expect(after!.history).toHaveLength(21);
    expect(new Set(after!.history.slice(1).map((t) => t.comment)).size).toBe(20);
    expect(await redis.xlen(store.keys.outbox)).toBe(21);
  });

  it('lets one of two concurrent acknowledgements win and refuses the other against the new state', async () => {
    const [alert] = await store.raise([fraudAlert()]);
    const results = await Promise.allSettled([1, 2].map(() => store.transition(alert!.id, { action: 'acknowledge' }, 'risk:ana')));
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((await store.get(alert!.id))!.history).toHaveLength(2);
  });

  it('moves the alert between status indexes', async () => {
    const [alert] = await store.raise([fraudAlert()]);
    await store.transition(alert!.id, { action: 'assign', assignee: 'bo' }, 'risk:ana');
    expect(await redis.zscore(`${store.keys.byStatusPrefix}open`, alert!.id)).toBeNull();
    expect(await redis.zscore(`${store.keys.byStatusPrefix}assigned`, alert!.id)).not.toBeNull();
  });
});

describe('fraud review', () => {
  it('counts an unresolved fraud alert of the queue, not an advisory (low) one nor a resolved one', async () => {
    await store.raise([fraudAlert({ customerId: 'c-adv', severity: 'low' }), fraudAlert({ customerId: 'c-adv', type: 'churn' })]);
    expect(await store.hasUnresolved('c-adv', 'fraud')).toBe(false);
    const [medium] = await store.raise([fraudAlert({ customerId: 'c-adv', severity: 'medium' })]);
    expect(await store.hasUnresolved('c-adv', 'fraud')).toBe(true);
    await store.transition(medium!.id, { action: 'assign', assignee: 'bo' }, 'risk:ana');
    await store.transition(medium!.id, { action: 'resolve', disposition: 'false_positive' }, 'risk:bo');
    expect(await store.hasUnresolved('c-adv', 'fraud')).toBe(false);
  });
});

describe('retention', () => {
  it('sweeps resolved alerts past retention from Redis with their index entries, keeping open ones', async () => {
    const [resolved, open] = await store.raise([fraudAlert({ customerId: 'c-r' }), fraudAlert({ customerId: 'c-r' })]);
    await store.transition(resolved!.id, { action: 'assign', assignee: 'bo' }, 'risk:ana');
    await store.transition(resolved!.id, { action: 'resolve', disposition: 'false_positive' }, 'risk:bo');
    expect(await store.sweepResolved()).toBe(0);
    clock += 3601_000;
    expect(await store.sweepResolved()).toBe(1);
    expect(await store.get(resolved!.id)).toBeUndefined();
    expect(ids((await store.list({ limit: 10, customerId: 'c-r' })).alerts)).toEqual([open!.id]);
    expect(await redis.zcard(store.keys.byCreated)).toBe(1);
  });
});
