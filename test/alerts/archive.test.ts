import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ALERT_TABLES } from '../../alerts/index.js';
import { AlertArchive } from '../../alerts/alertArchive.js';
import { OutboxConsumer, parseOutboxEntry } from '../../alerts/outbox.js';
import { createLogger } from '../../core/observability/index.js';
import { FaultyStore } from '../support/faultyStore.js';
import { eventually, fraudAlert, openTestAggregates, startAlertHarness, type AlertHarness } from './harness.js';

let aggregates: Awaited<ReturnType<typeof openTestAggregates>>;
let clickhouse: FaultyStore;
let h: AlertHarness;

beforeAll(async () => {
  aggregates = await openTestAggregates();
});
afterAll(async () => aggregates?.close());
beforeEach(async () => {
  // The real engine behind a switch that makes inserts fail as if ClickHouse were unreachable.
  clickhouse = new FaultyStore(aggregates.store);
  h = await startAlertHarness(clickhouse);
});
afterEach(async () => h?.dispose());

async function alertRows(id: string) {
  return clickhouse.query<{ id: string; customer_id: string; type: string; score: number; rule_ids: string[]; reasons: string; due_at: string | null }>(
    `SELECT id, customer_id, type, score, rule_ids, reasons, due_at FROM ${clickhouse.database}.${ALERT_TABLES.alerts} WHERE id = {id:String}`, { id },
  );
}

async function transitionRows(id: string) {
  return clickhouse.query<{ seq: number; actor: string; action: string; from_status: string; to_status: string; assignee: string; disposition: string; comment: string }>(
    `SELECT seq, actor, action, from_status, to_status, assignee, disposition, comment
     FROM ${clickhouse.database}.${ALERT_TABLES.alertTransitions} WHERE alert_id = {id:String} ORDER BY seq`, { id },
  );
}

describe('alert archive in ClickHouse', () => {
  it('writes each raised alert and every transition of it', async () => {
    const [alert] = await h.service.store.raise([fraudAlert({ customerId: 'arch-1' })]);
    await h.service.store.transition(alert!.id, { action: 'assign', assignee: 'bo' }, 'risk:ana');
    await h.service.store.transition(alert!.id, { action: 'resolve', disposition: 'false_positive', comment: 'known merchant' }, 'risk:bo');

    const rows = await eventually(() => transitionRows(alert!.id), (r) => r.length === 3);
    expect(rows).toEqual([
      { seq: 0, actor: 'vigil', action: 'raised', from_status: '', to_status: 'open', assignee: '', disposition: '', comment: '' },
      { seq: 1, actor: 'risk:ana', action: 'assign', from_status: 'open', to_status: 'assigned', assignee: 'bo', disposition: '', comment: '' },
      { seq: 2, actor: 'risk:bo', action: 'resolve', from_status: 'assigned', to_status: 'resolved', assignee: '', disposition: 'false_positive', comment: 'known merchant' },
    ]);
    const [row] = await alertRows(alert!.id);
    expect(row).toMatchObject({ customer_id: 'arch-1', type: 'fraud', score: 0.91, rule_ids: ['velocity.card.5m'], due_at: null });
    expect(JSON.parse(row!.reasons)).toEqual(alert!.reasons);
  });

  it('records, parallel to rule_ids, the model versions each rule fired on', async () => {
    const [alert] = await h.service.store.raise([fraudAlert({
      customerId: 'arch-5', ruleIds: ['velocity.card.5m', 'model-fraud'],
      modelVersions: { 'model-fraud': ['fraud@example-2', 'mule@3'] },
    })]);
    const [row] = await eventually(
      () => clickhouse.query<{ rule_ids: string[]; model_versions: string[] }>(
        `SELECT rule_ids, model_versions FROM ${clickhouse.database}.${ALERT_TABLES.alerts} WHERE id = {id:String}`, { id: alert!.id },
      ),
      (r) => r.length === 1,
    );
    expect(row).toEqual({ rule_ids: ['velocity.card.5m', 'model-fraud'], model_versions: ['', 'fraud@example-2,mule@3'] });
    expect((await h.service.store.get(alert!.id))!.modelVersions).toEqual({ 'model-fraud': ['fraud@example-2', 'mule@3'] });
  });

  it('stores an alert and its transitions once even when they are archived again', async () => {
    const [alert] = await h.service.store.raise([fraudAlert({ customerId: 'arch-2' })]);
    await h.service.store.transition(alert!.id, { action: 'comment', comment: 'watching' }, 'risk:ana');
    await eventually(() => transitionRows(alert!.id), (r) => r.length === 2);

    const entries = (await h.redis.xrange(h.service.store.keys.outbox, '-', '+')).map(([id, fields]) => parseOutboxEntry(id, fields)!);
    await h.service.archive.archive(entries);
    await h.service.archive.archiveAlert((await h.service.store.get(alert!.id))!);
    expect(await alertRows(alert!.id)).toHaveLength(1);
    expect(await transitionRows(alert!.id)).toHaveLength(2);
  });

  it('stores each row once when entries come again in other batches, after a batch failed half-way', async () => {
    // Without the outbox consumers: these rows are first written below, in the batches chosen here.
    await h.service.close();
    const [first] = await h.service.store.raise([fraudAlert({ customerId: 'arch-6' })]);
    const [second] = await h.service.store.raise([fraudAlert({ customerId: 'arch-7' })]);
    const entries = (await h.redis.xrange(h.service.store.keys.outbox, '-', '+')).map(([id, fields]) => parseOutboxEntry(id, fields)!);
    const mine = entries.filter((e) => e.alert.id === first!.id || e.alert.id === second!.id);
    // A batch whose alert rows landed and whose transitions did not (ClickHouse failed in between).
    let inserts = 0;
    const halfWay = Object.assign(new FaultyStore(aggregates.store), {
      insertRows: async (table: string, rows: readonly Record<string, unknown>[], opts?: { dedupToken?: string }) => {
        if (inserts++ > 0) throw new Error('injected: ClickHouse went away');
        return aggregates.store.insertRows(table, rows, opts);
      },
    });
    await expect(new AlertArchive(halfWay, h.redis, h.service.store.keys).archive([...mine].reverse())).rejects.toThrow('went away');
    expect(await alertRows(first!.id)).toHaveLength(1);
    expect(await transitionRows(first!.id)).toHaveLength(0);
    // Then every grouping: each alone, both, and the backfill of one alert.
    for (const entry of mine) await h.service.archive.archive([entry]);
    await h.service.archive.archive(mine);
    await h.service.archive.archiveAlert((await h.service.store.get(first!.id))!);
    for (const alert of [first!, second!]) {
      expect(await alertRows(alert.id)).toHaveLength(1);
      expect(await transitionRows(alert.id)).toHaveLength(1);
    }
  });

  it('leaves an erased alert out of a batch kept for its retry, and writes the batch\'s other rows', async () => {
    clickhouse.unavailable = true;
    // One raise: both outbox entries come in one batch of the archive consumer.
    const [erased, kept] = await h.service.store.raise([fraudAlert({ customerId: 'arch-8' }), fraudAlert({ customerId: 'arch-9' })]);
    // The archive consumer claimed both for its batch and failed to insert it.
    const claimed = () => h.redis.exists(...[erased!, kept!].map((a) => h.service.store.keys.archiveRowPrefix + a.id));
    await eventually(claimed, (n) => n === 2);
    expect(await h.service.archive.forget([erased!])).toBe(2);
    // As the erasure does: its outbox entry goes too (a pending entry then reads as trimmed).
    await h.service.store.eraseOutboxEntries('arch-8');
    clickhouse.unavailable = false;
    expect(await eventually(() => transitionRows(kept!.id), (r) => r.length === 1)).toHaveLength(1);
    expect(await alertRows(kept!.id)).toHaveLength(1);
    // The erased alert's outbox entry was handled with the batch; nothing of it reached ClickHouse.
    const pending = () => h.redis.xpending(h.service.store.keys.outbox, 'archive') as Promise<[number, ...unknown[]]>;
    await eventually(pending, (p) => p[0] === 0);
    expect(await alertRows(erased!.id)).toHaveLength(0);
    expect(await transitionRows(erased!.id)).toHaveLength(0);
  });

  it('keeps the API working while ClickHouse is down and catches up when it is back', async () => {
    clickhouse.unavailable = true;
    const [alert] = await h.service.store.raise([fraudAlert({ customerId: 'arch-3' })]);
    await h.service.store.transition(alert!.id, { action: 'acknowledge' }, 'risk:ana');
    await eventually(async () => clickhouse.failedInserts, (n) => n >= 2);
    expect(await transitionRows(alert!.id)).toEqual([]);

    clickhouse.unavailable = false;
    expect(await eventually(() => transitionRows(alert!.id), (r) => r.length === 2)).toHaveLength(2);
    expect(await alertRows(alert!.id)).toHaveLength(1);
  });

  it('takes over outbox entries a crashed process read but never acknowledged', async () => {
    const { outbox } = h.service.store.keys;
    await h.redis.xgroup('CREATE', outbox, 'archive-takeover', '0', 'MKSTREAM');
    const [alert] = await h.service.store.raise([fraudAlert({ customerId: 'arch-4' })]);
    // The crashed process: it read the entry and died before writing it.
    await h.redis.xreadgroup('GROUP', 'archive-takeover', 'crashed', 'COUNT', 10, 'STREAMS', outbox, '>');

    const handled: string[] = [];
    const survivor = new OutboxConsumer({
      redis: h.redis, stream: outbox, group: 'archive-takeover', log: createLogger('silent'),
      handle: async (entries) => {
        handled.push(...entries.map((e) => e.alert.id));
      },
      claimIdleMs: 100, blockMs: 50, retryDelayMs: 20,
    });
    await survivor.start();
    try {
      const pending = () => h.redis.xpending(outbox, 'archive-takeover') as Promise<[number, ...unknown[]]>;
      expect((await eventually(pending, (p) => p[0] === 0))[0]).toBe(0);
      expect(handled).toEqual([alert!.id]);
      const consumers = async () => ((await h.redis.xinfo('CONSUMERS', outbox, 'archive-takeover')) as string[][]).map((c) => c[1]);
      expect(await eventually(consumers, (names) => !names.includes('crashed'), 5000)).not.toContain('crashed');
    } finally {
      await survivor.stop();
    }
  });
});
