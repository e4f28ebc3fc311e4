import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { partitionKeys, partitionOf } from '../../core/streams/index.js';
import { emptyRiskState, encodeRiskState } from '../../risk/riskState.js';
import { ADMIN_KEY, MARKETING_KEY, PARTITIONS, RISK_ADMIN_KEY, RISK_KEY, auth, fraudAlert, openTestAggregates, startAlertHarness, type AlertHarness } from './harness.js';

let aggregates: Awaited<ReturnType<typeof openTestAggregates>>;
let h: AlertHarness;

beforeAll(async () => {
  aggregates = await openTestAggregates();
});
afterAll(async () => aggregates?.close());
beforeEach(async () => {
  h = await startAlertHarness(aggregates.store, { background: false });
});
afterEach(async () => h?.dispose());

const transition = (id: string, body: unknown, key = RISK_KEY, headers: Record<string, string> = {}) =>
  h.app.inject({ method: 'POST', url: `/v1/alerts/${id}/transitions`, payload: body as object, headers: { ...auth(key), ...headers } });

describe('alert API roles', () => {
  const routes = [
    ['GET', '/v1/alerts'], ['GET', '/v1/alerts/alt_x'], ['POST', '/v1/alerts/alt_x/transitions'], ['GET', '/v1/alerts/feed'],
    ['GET', '/v1/customers/c-1/alerts'], ['GET', '/v1/webhooks'], ['POST', '/v1/webhooks'], ['DELETE', '/v1/webhooks/whk_x'],
    ['GET', '/v1/webhooks/dead-letters'],
  ] as const;

  it.each(routes)('%s %s answers 401 without an API key and 403 to the marketing role', async (method, url) => {
    expect((await h.app.inject({ method, url })).statusCode).toBe(401);
    const forbidden = await h.app.inject({ method, url, headers: auth(MARKETING_KEY) });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().error).toBe('FORBIDDEN');
  });

  it('lets risk admins (who change the rules) read alerts but not work them, so the two duties can be separated', async () => {
    const [alert] = await h.service.store.raise([fraudAlert()]);
    expect((await h.app.inject({ url: `/v1/alerts/${alert!.id}`, headers: auth(RISK_ADMIN_KEY) })).statusCode).toBe(200);
    expect((await h.app.inject({ url: '/v1/alerts', headers: auth(RISK_ADMIN_KEY) })).statusCode).toBe(200);
    const closing = await transition(alert!.id, { action: 'acknowledge' }, RISK_ADMIN_KEY);
    expect(closing.statusCode).toBe(403);
    expect((await h.service.store.get(alert!.id))?.status).toBe('open');
  });

  it('keeps webhook management to admins: risk officers get 403', async () => {
    expect((await h.app.inject({ url: '/v1/webhooks', headers: auth(RISK_KEY) })).statusCode).toBe(403);
    expect((await h.app.inject({ url: '/v1/webhooks', headers: auth(ADMIN_KEY) })).statusCode).toBe(200);
  });
});

describe('alert transitions over HTTP', () => {
  it('records who did what and when, with comments, in the alert history', async () => {
    const [alert] = await h.service.store.raise([fraudAlert()]);
    expect((await transition(alert!.id, { action: 'acknowledge', comment: 'looking' })).statusCode).toBe(200);
    expect((await transition(alert!.id, { action: 'assign', assignee: 'bo.silva' }, ADMIN_KEY)).statusCode).toBe(200);
    const resolved = await transition(alert!.id, { action: 'resolve', disposition: 'confirmed_fraud', comment: 'card blocked' });
    expect(resolved.statusCode).toBe(200);
    expect(resolved.json().alert).toMatchObject({ status: 'resolved', disposition: 'confirmed_fraud', assignee: 'bo.silva' });

    const detail = await h.app.inject({ url: `/v1/alerts/${alert!.id}`, headers: auth(RISK_KEY) });
    const history = detail.json().history;
    expect(history.map((t: { action: string }) => t.action)).toEqual(['raised', 'acknowledge', 'assign', 'resolve']);
    // Each key's holder as configured in VIGIL_API_KEYS (name:key:role).
    expect(history[1]).toMatchObject({ actor: 'risk:officer.jones', from: 'open', to: 'acknowledged', comment: 'looking' });
    expect(history[2]).toMatchObject({ actor: 'admin:platform-admin', assignee: 'bo.silva' });
    expect(history[3]).toMatchObject({ actor: 'risk:officer.jones', disposition: 'confirmed_fraud', comment: 'card blocked' });
    for (const t of history) expect(Date.parse(t.at)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('records a risk key that claims to be someone else (X-Vigil-Actor) under its own configured name', async () => {
    const [alert] = await h.service.store.raise([fraudAlert()]);
    const res = await transition(alert!.id, { action: 'acknowledge' }, RISK_KEY, { 'x-vigil-actor': 'admin:chief-risk-officer' });
    expect(res.statusCode).toBe(200);
    expect(res.json().transition.actor).toBe('risk:officer.jones');
    expect(JSON.stringify((await h.service.store.get(alert!.id))?.history)).not.toContain('chief-risk-officer');
  });

  it('answers 409 with the reason for a transition the state does not allow', async () => {
    const [alert] = await h.service.store.raise([fraudAlert()]);
    const res = await transition(alert!.id, { action: 'resolve', disposition: 'false_positive' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toEqual({ error: 'ILLEGAL_TRANSITION', message: 'cannot resolve an alert that is open; resolve is allowed from assigned' });
  });

  it('answers 404 for an unknown alert and 400 for a bad body or a disposition of another alert type', async () => {
    const [alert] = await h.service.store.raise([fraudAlert()]);
    expect((await transition('alt_unknown', { action: 'acknowledge' })).statusCode).toBe(404);
    expect((await transition(alert!.id, { action: 'escalate' })).statusCode).toBe(400);
    expect((await transition(alert!.id, { action: 'acknowledge', extra: 1 })).statusCode).toBe(400);
    await transition(alert!.id, { action: 'assign', assignee: 'bo' });
    const wrongType = await transition(alert!.id, { action: 'resolve', disposition: 'retained' });
    expect(wrongType.statusCode).toBe(400);
    expect(wrongType.json()).toMatchObject({ error: 'INVALID_TRANSITION', message: expect.stringContaining('does not apply to fraud alerts') });
    expect((await h.app.inject({ url: '/v1/alerts/alt_unknown', headers: auth(RISK_KEY) })).statusCode).toBe(404);
  });
});

describe('listing over HTTP', () => {
  it('filters by query and pages with nextCursor', async () => {
    await h.service.store.raise(Array.from({ length: 5 }, () => fraudAlert({ customerId: 'c-page' })));
    await h.service.store.raise([fraudAlert({ customerId: 'c-page', type: 'churn', severity: 'low' })]);
    const get = (qs: string) => h.app.inject({ url: `/v1/alerts?${qs}`, headers: auth(RISK_KEY) });
    const first = (await get('type=fraud&limit=3')).json();
    expect(first.alerts).toHaveLength(3);
    const second = (await get(`type=fraud&limit=3&cursor=${first.nextCursor}`)).json();
    expect(second.alerts).toHaveLength(2);
    expect(second.nextCursor).toBeNull();
    expect((await get('severity=low')).json().alerts).toHaveLength(1);
    expect((await get('overdue=false&status=open&min_severity=low')).json().alerts).toHaveLength(6);
    expect((await get('status=closed')).statusCode).toBe(400);
    expect((await get('cursor=nonsense')).json()).toMatchObject({ error: 'INVALID_CURSOR' });
  });

  it('leaves advisory (low) alerts out of the queue unless a severity is asked for, and shows them on the customer page', async () => {
    const [advisory] = await h.service.store.raise([fraudAlert({ customerId: 'c-queue', severity: 'low' })]);
    const [medium] = await h.service.store.raise([fraudAlert({ customerId: 'c-queue', severity: 'medium' })]);
    const ids = async (url: string) => (await h.app.inject({ url, headers: auth(RISK_KEY) })).json().alerts.map((a: { id: string }) => a.id);
    expect(await ids('/v1/alerts?customer_id=c-queue')).toEqual([medium!.id]);
    // Raised in the same millisecond, so their order is not the point here: which ones are.
    const both = [medium!.id, advisory!.id].sort();
    expect((await ids('/v1/alerts?customer_id=c-queue&min_severity=low')).sort()).toEqual(both);
    expect(await ids('/v1/alerts?customer_id=c-queue&severity=low')).toEqual([advisory!.id]);
    expect((await ids('/v1/customers/c-queue/alerts')).sort()).toEqual(both);
  });

  it("answers a customer's alerts with the scores of their risk state, faded to now", async () => {
    await h.service.store.raise([fraudAlert({ customerId: 'c-score' }), fraudAlert({ customerId: 'c-other' })]);
    // Where the risk pipeline keeps scores: the customer's risk state, scored 6 h (one fraud half-life) ago.
    const state = { ...emptyRiskState(), scores: { fraud: 0.9, churn: 0.4, credit: 0, atMs: Date.now() - 6 * 3_600_000 } };
    await h.redis.set(partitionKeys(h.prefix, partitionOf('c-score', PARTITIONS)).riskStatePrefix + 'c-score', encodeRiskState(state));
    const res = await h.app.inject({ url: '/v1/customers/c-score/alerts?limit=10', headers: auth(RISK_KEY) });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ customerId: 'c-score', nextCursor: null });
    expect(body.scores.fraud).toBeCloseTo(0.45, 2);
    expect(body.scores.churn).toBeGreaterThan(0.39);
    // Four decimals at most: no 3.85e-71 for a score faded for days.
    for (const score of Object.values(body.scores as Record<string, number>)) expect(Math.round(score * 10_000) / 10_000).toBe(score);
    expect(body.alerts.map((a: { customerId: string }) => a.customerId)).toEqual(['c-score']);
  });

  it('answers empty scores for a customer the risk pipeline has never assessed', async () => {
    const res = await h.app.inject({ url: '/v1/customers/c-unknown/alerts', headers: auth(RISK_KEY) });
    expect(res.json()).toMatchObject({ customerId: 'c-unknown', scores: {}, alerts: [] });
  });

  it('documents every alert and webhook route in the OpenAPI document', async () => {
    const doc = (await h.app.inject({ url: '/openapi.json', headers: auth(RISK_KEY) })).json();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining([
      '/v1/alerts', '/v1/alerts/feed', '/v1/alerts/{id}', '/v1/alerts/{id}/transitions', '/v1/customers/{customerId}/alerts',
      '/v1/webhooks', '/v1/webhooks/{id}', '/v1/webhooks/dead-letters',
    ]));
  });
});
