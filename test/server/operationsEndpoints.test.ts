import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.js';
import { ADMIN_KEY, INGEST_KEY, MARKETING_KEY, RISK_ADMIN_KEY, RISK_KEY, SRE_KEY, startTestEngine, testAppOptions, testConfig } from '../support/testEngine.js';

// /metrics names every rule and how often it fires, shadow rules included; /docs and
// /openapi.json map the API. The issue found all three public.

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const get = (url: string, key?: string) => app!.inject({ url, headers: key ? { authorization: `Bearer ${key}` } : {} });

describe('/metrics on the API port', () => {
  it('answers only operators: 401 without a key, 403 to every other role, 200 to sre and admin', async () => {
    app = await buildApp(testAppOptions([]));
    expect((await get('/metrics')).statusCode).toBe(401);
    for (const key of [INGEST_KEY, RISK_KEY, RISK_ADMIN_KEY, MARKETING_KEY]) expect((await get('/metrics', key)).statusCode).toBe(403);
    for (const key of [SRE_KEY, ADMIN_KEY]) {
      const res = await get('/metrics', key);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
    }
  });
});

describe('/docs and /openapi.json', () => {
  it('are for key holders by default: 401 without a key, 200 with a key of any role', async () => {
    app = await buildApp(testAppOptions([]));
    for (const url of ['/openapi.json', '/docs/', '/docs/json']) {
      expect((await get(url)).statusCode, url).toBe(401);
      expect((await get(url, INGEST_KEY)).statusCode, url).toBe(200);
    }
    expect((await get('/openapi.json', MARKETING_KEY)).json().openapi).toMatch(/^3\./);
  });

  it('are public with VIGIL_PUBLIC_DOCS=true, while /metrics still needs an operator key', async () => {
    app = await buildApp(testAppOptions([], { env: { VIGIL_PUBLIC_DOCS: 'true' } }));
    expect((await get('/openapi.json')).statusCode).toBe(200);
    expect((await get('/docs/')).statusCode).toBe(200);
    expect((await get('/metrics')).statusCode).toBe(401);
  });

  it('leave health probes public', async () => {
    app = await buildApp(testAppOptions([]));
    expect((await get('/healthz')).statusCode).toBe(200);
    expect((await get('/readyz')).statusCode).toBe(200);
  });
});

describe('the metrics listener (VIGIL_METRICS_PORT)', () => {
  it('serves /metrics without a key on loopback, and nothing else', async () => {
    const engine = await startTestEngine(testConfig({ VIGIL_METRICS_PORT: '0', VIGIL_ROLE: 'api' }));
    try {
      const address = engine.metricsListener?.address;
      expect(address).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const scraped = await fetch(`${address}/metrics`);
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).toContain('vigil_events_ingested_total');
      expect((await fetch(`${address}/v1/alerts`)).status).toBe(404);
      expect((await fetch(`${address}/openapi.json`)).status).toBe(404);
      expect((await engine.app.inject({ url: '/metrics' })).statusCode).toBe(401);
    } finally {
      await engine.dispose();
    }
  });
});
