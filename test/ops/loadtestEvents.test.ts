import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { parseEvent } from '../../core/events/index.js';
import { LoadTestOptionError, assertLoopbackUrl, resolveLoadOptions, runIngestLoad } from '../../loadtests/ingest-autocannon.js';
import { newRunId, sampleBatch, sampleEvent } from '../../loadtests/sampleEvents.js';

const root = new URL('../../', import.meta.url);

interface K6Events {
  buildEvent(runId: string, n: number): Record<string, unknown>;
  buildBatch(runId: string, first: number, size: number): Array<Record<string, unknown>>;
  newRunId(): string;
}

function invalid(events: readonly unknown[]): Array<{ event: unknown; errors: string[] }> {
  return events.flatMap((event) => {
    const parsed = parseEvent(event);
    return parsed.ok ? [] : [{ event, errors: parsed.errors }];
  });
}

describe('loadtests/sampleEvents (autocannon benchmark)', () => {
  const runId = newRunId();
  const events = sampleBatch(runId, 0, 3000);

  it('builds only events the ingest schema accepts', () => {
    expect(invalid(events)).toEqual([]);
  });

  it('gives every event of a run its own id', () => {
    expect(new Set(events.map((e) => e.event_id)).size).toBe(events.length);
  });

  it('mixes transactions and channel activity, with amounts as decimal strings', () => {
    expect(new Set(events.map((e) => e.type)).size).toBeGreaterThanOrEqual(8);
    for (const event of events) {
      if ('amount' in event) expect(typeof event.amount, event.event_id).toBe('string');
    }
  });

  it('is deterministic in run id and sequence number', () => {
    const now = new Date('2026-11-26T09:15:00Z');
    expect(sampleEvent('lt-replay', 42, { now })).toEqual(sampleEvent('lt-replay', 42, { now }));
  });
});

describe('loadtests/k6 event builder', () => {
  let k6: K6Events;
  beforeAll(async () => {
    // Plain JavaScript shared with the k6 scripts; imported by URL because it has no type declarations.
    k6 = (await import(new URL('loadtests/k6/events.js', root).href)) as K6Events;
  });

  it('builds only events the ingest schema accepts, each with its own id', () => {
    const runId = k6.newRunId();
    const events = [...k6.buildBatch(runId, 0, 2000), k6.buildEvent(runId, 2000)];
    expect(invalid(events)).toEqual([]);
    expect(new Set(events.map((e) => e.event_id)).size).toBe(events.length);
    for (const event of events) {
      if ('amount' in event) expect(event.amount).toMatch(/^\d+\.\d{2}$/);
    }
  });

  it.each(['ingest-single.js', 'ingest-batch.js'])('%s is a constant-arrival-rate scenario with a p(99) threshold against a local default', async (file) => {
    const script = await readFile(new URL(`loadtests/k6/${file}`, root), 'utf8');
    expect(script).toContain("from './events.js'");
    expect(script).toContain("executor: 'constant-arrival-rate'");
    expect(script).toMatch(/'p\(99\)<\d+'/);
    expect(script).toContain("__ENV.BASE_URL || 'http://127.0.0.1:8080'");
    expect(script).toContain('__ENV.API_KEY');
    expect(script).toContain('exec.scenario.iterationInTest');
    expect(script).toContain('Bearer ${API_KEY}');
  });
});

describe('loadtests/ingest-autocannon', () => {
  it.each(['http://127.0.0.1:8080', 'http://localhost:8080', 'http://[::1]:8080', 'https://localhost'])('accepts loopback URL %s', (url) => {
    expect(assertLoopbackUrl(url).href).toContain(new URL(url).hostname);
  });

  it.each(['http://10.0.0.5:8080', 'http://example.com', 'http://127.0.0.1.nip.io', 'ftp://127.0.0.1', 'not a url'])('refuses %s', (url) => {
    expect(() => assertLoopbackUrl(url)).toThrow(LoadTestOptionError);
  });

  it('refuses a missing key, an unknown mode and non-positive sizes before sending anything', () => {
    const ok = { url: 'http://127.0.0.1:8080', apiKey: 'test-ingest-key-0001', mode: 'batch' } as const;
    expect(resolveLoadOptions(ok)).toMatchObject({ eventsPerRequest: 100, connections: 20, durationSeconds: 10, path: '/v1/events' });
    expect(() => resolveLoadOptions({ ...ok, apiKey: '' })).toThrow(/key/);
    expect(() => resolveLoadOptions({ ...ok, mode: 'bulk' as never })).toThrow(/mode/);
    expect(() => resolveLoadOptions({ ...ok, batchSize: 0 })).toThrow(/batch/);
    expect(() => resolveLoadOptions({ ...ok, connections: Number.NaN })).toThrow(/connections/);
  });

  describe('against a stand-in API on loopback', () => {
    const received: unknown[] = [];
    const authHeaders = new Set<string | undefined>();
    let server: Server;
    let url: string;

    beforeAll(async () => {
      server = createServer((req, res) => {
        authHeaders.add(req.headers.authorization);
        let body = '';
        req.setEncoding('utf8');
        req.on('data', (chunk: string) => (body += chunk));
        req.on('end', () => {
          const json = JSON.parse(body) as { events?: unknown[] };
          const events = json.events ?? [json];
          received.push(...events);
          res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ accepted: events.length, duplicates: 0, rejected: [] }));
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('sends valid, never-repeated events in single and batch mode and reports what was accepted', async () => {
      const single = await runIngestLoad({ url, apiKey: 'test-ingest-key-0001', mode: 'single', connections: 2, durationSeconds: 1 });
      const batch = await runIngestLoad({ url, apiKey: 'test-ingest-key-0001', mode: 'batch', batchSize: 25, connections: 2, durationSeconds: 1 });

      expect(single.requests).toBeGreaterThan(0);
      expect(single.events).toBe(single.requests);
      expect(batch.requests).toBeGreaterThan(0);
      expect(batch.events).toBe(batch.requests * 25);
      expect(single.non2xx + batch.non2xx).toBe(0);
      expect(single.duplicates + single.rejected + batch.duplicates + batch.rejected).toBe(0);
      expect(batch.latencyP99Ms).toBeGreaterThanOrEqual(batch.latencyP50Ms);

      expect(received.length).toBeGreaterThanOrEqual(single.events + batch.events);
      expect(invalid(received)).toEqual([]);
      const ids = received.map((e) => (e as { event_id: string }).event_id);
      expect(new Set(ids).size).toBe(ids.length);
      expect([...authHeaders]).toEqual(['Bearer test-ingest-key-0001']);
    });
  });
});
