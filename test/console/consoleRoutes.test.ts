import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleStatic } from '../../console/server/index.js';
import { cardPayment } from '../support/events.js';
import { DEFAULT_PACK_VERSION, INGEST_KEY, MARKETING_KEY, RISK_KEY, SRE_KEY, eventually, startTestEngine, testConfig } from '../support/testEngine.js';

let engine: Awaited<ReturnType<typeof startTestEngine>>;
beforeAll(async () => {
  engine = await startTestEngine(testConfig());
});
afterAll(async () => {
  await engine?.dispose();
});
const as = (key: string) => ({ authorization: `Bearer ${key}` });

describe('what the console reads', () => {
  it("gives risk roles a customer's processed events, newest first, and refuses marketing", async () => {
    const events = [0, 1, 2].map((i) => cardPayment({ customer_id: 'timeline-1', occurred_at: new Date(Date.now() - (3 - i) * 60_000).toISOString() }));
    await engine.app.inject({ method: 'POST', url: '/v1/events', headers: as(INGEST_KEY), payload: { events } });
    const read = () => engine.app.inject({ url: '/v1/customers/timeline-1/events?limit=10', headers: as(RISK_KEY) });
    const body = (await eventually(read, (r) => r.json().events?.length === 3)).json();
    expect(body.events.map((e: { eventId: string }) => e.eventId)).toEqual([events[2]!.event_id, events[1]!.event_id, events[0]!.event_id]);
    expect(body.events[0]).toMatchObject({ type: 'card_payment', channel: 'pos', currency: 'EUR', payload: { amount: '12.50' } });
    expect((await engine.app.inject({ url: '/v1/customers/timeline-1/events', headers: as(MARKETING_KEY) })).statusCode).toBe(403);
    expect((await engine.app.inject({ url: '/v1/customers/timeline-1/events?limit=0', headers: as(RISK_KEY) })).statusCode).toBe(400);
  });

  it('counts alerts per day and rule from the archive', async () => {
    const res = await engine.app.inject({ url: '/v1/alerts/daily-by-rule?days=7', headers: as(RISK_KEY) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ days: 7, rows: expect.any(Array) });
    expect((await engine.app.inject({ url: '/v1/alerts/daily-by-rule?days=9999', headers: as(RISK_KEY) })).statusCode).toBe(400);
  });

  it('tells SREs lag per partition, dead letters, queue depths and the versions in force, and nobody else', async () => {
    const res = await engine.app.inject({ url: '/v1/ops/health', headers: as(SRE_KEY) });
    expect(res.statusCode).toBe(200);
    const health = res.json();
    expect(health.partitions).toHaveLength(4);
    expect(health).toMatchObject({ deadLetters: 0, ruleSet: { version: DEFAULT_PACK_VERSION }, pendingApprovals: 0, grafana: null });
    expect(Object.keys(health.queues)).toEqual(['offer delivery', 'alert webhooks']);
    expect(health.queues['offer delivery']).toMatchObject({ waiting: expect.any(Number), failed: expect.any(Number) });
    expect((await engine.app.inject({ url: '/v1/ops/health', headers: as(RISK_KEY) })).statusCode).toBe(403);
  });
});

describe('serving the built console', () => {
  async function appServing(root: string) {
    const app = Fastify();
    await app.register(async (scope) => consoleStatic(scope, { root }));
    return app;
  }

  it('answers every page of the app with index.html, never cached, and hashed assets for a year', async () => {
    const root = mkdtempSync(join(tmpdir(), 'vigil-console-'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>Vigil console</title>');
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'assets', 'index-abc.js'), 'console.log(1)');
    const app = await appServing(root);
    for (const url of ['/console/', '/console/alerts/alt_1', '/console/campaigns/new']) {
      const res = await app.inject(url);
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('Vigil console');
      expect(res.headers['cache-control']).toBe('no-cache');
    }
    const asset = await app.inject('/console/assets/index-abc.js');
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await app.inject('/console')).headers.location).toBe('/console/');
    expect((await app.inject('/console/../package.json')).body).not.toContain('"dependencies"');
  });

  it('says how to build the console when it has not been built, instead of a bare 404', async () => {
    const app = await appServing(mkdtempSync(join(tmpdir(), 'vigil-console-empty-')));
    const res = await app.inject('/console/alerts');
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('npm run build:console');
  });
});
