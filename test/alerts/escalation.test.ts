import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escalateOverdue } from '../../alerts/lifecycle.js';
import type { StoredAlert } from '../../alerts/index.js';
import { ADMIN_KEY, INGEST_KEY, RISK_KEY, eventually, startTestEngine, testConfig } from '../support/testEngine.js';

const HOUR = 3_600_000;
const alert = (extra: Partial<StoredAlert> = {}): StoredAlert => ({
  id: 'a1', customerId: 'c1', type: 'complaint_sla', severity: 'medium', score: 1, ruleIds: ['complaint-opened'], reasons: [],
  triggeringEvents: [{ eventId: 'e1', type: 'complaint', occurredAt: '2026-01-01T00:00:00.000Z' }], ruleSetVersion: 'v', dedupKey: 'k',
  dueAt: '2026-01-03T00:00:00.000Z', status: 'open', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', history: [], ...extra,
});

describe('escalating an alert whose deadline passed', () => {
  it('records a system step, raises the severity to high, and marks when', () => {
    const outcome = escalateOverdue(alert(), 'vigil', '2026-01-03T01:00:00.000Z');
    expect(outcome).toMatchObject({ ok: true, alert: { severity: 'high', escalatedAt: '2026-01-03T01:00:00.000Z', status: 'open' } });
    expect(outcome.ok && outcome.transition).toMatchObject({ actor: 'vigil', action: 'escalate', from: 'open', to: 'open' });
  });

  it.each([
    ['an alert escalated already', alert({ escalatedAt: '2026-01-03T00:30:00.000Z' })],
    ['a resolved alert', alert({ status: 'resolved' })],
    ['an alert before its deadline', alert({ dueAt: '2026-01-04T00:00:00.000Z' })],
    ['an alert without a deadline', alert({ dueAt: undefined })],
  ])('refuses %s', (_name, current) => {
    expect(escalateOverdue(current, 'vigil', '2026-01-03T01:00:00.000Z').ok).toBe(false);
  });

  it('keeps a critical alert critical', () => {
    expect(escalateOverdue(alert({ severity: 'critical' }), 'vigil', '2026-01-03T01:00:00.000Z')).toMatchObject({ alert: { severity: 'critical' } });
  });
});

describe('complaint SLAs going overdue, end to end', () => {
  let engine: Awaited<ReturnType<typeof startTestEngine>>;
  beforeAll(async () => {
    engine = await startTestEngine(testConfig({ VIGIL_SWEEP_INTERVAL_MS: '50' }));
  });
  afterAll(() => engine?.dispose());
  const as = (key: string) => ({ authorization: `Bearer ${key}` });
  const complaint = (customer: string, atMs: number) => ({
    event_id: `${customer}-complaint`, customer_id: customer, type: 'complaint', occurred_at: new Date(atMs).toISOString(), channel: 'call_centre',
    complaint: { id: `${customer}-c`, category: 'fees' },
  });
  const alertOf = async (customer: string) =>
    (await engine.app.inject({ url: `/v1/alerts?customer_id=${customer}&type=complaint_sla&min_severity=low`, headers: as(RISK_KEY) })).json().alerts[0];

  it('escalates an unanswered complaint once its promised answer time passes, once, and leaves one still in time alone', async () => {
    const late = `esc-late-${Date.now()}`;
    const inTime = `esc-in-time-${Date.now()}`;
    const res = await engine.app.inject({ method: 'POST', url: '/v1/events', headers: as(INGEST_KEY), payload: { events: [complaint(late, Date.now() - 50 * HOUR), complaint(inTime, Date.now() - HOUR)] } });
    expect(res.statusCode).toBe(202);

    const escalated = await eventually(() => alertOf(late), (a) => a?.escalatedAt !== undefined);
    expect(escalated).toMatchObject({ severity: 'high', overdue: true, status: 'open' });
    expect(escalated.history.map((h: { action: string; actor: string }) => [h.action, h.actor])).toEqual([['raised', 'vigil'], ['escalate', 'vigil']]);

    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await alertOf(late)).history).toHaveLength(2);
    const waiting = await alertOf(inTime);
    expect(waiting).toMatchObject({ overdue: false });
    expect(waiting.escalatedAt).toBeUndefined();
    expect(await engine.redis.zscore(engine.alerts.store.keys.dueAt, waiting.id)).not.toBeNull();
    expect(await engine.redis.zscore(engine.alerts.store.keys.dueAt, escalated.id)).toBeNull();

    // Resolving takes an alert off the watch for good.
    for (const body of [{ action: 'assign', assignee: 'officer.jones' }, { action: 'resolve', disposition: 'complaint_resolved' }]) {
      expect((await engine.app.inject({ method: 'POST', url: `/v1/alerts/${waiting.id}/transitions`, headers: as(ADMIN_KEY), payload: body })).statusCode).toBe(200);
    }
    expect(await engine.redis.zscore(engine.alerts.store.keys.dueAt, waiting.id)).toBeNull();
  });
});
