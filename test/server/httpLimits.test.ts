import type { FastifyInstance } from 'fastify';
import { get } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../server/app.js';
import { INGEST_KEY, RISK_KEY, testAppOptions } from '../support/testEngine.js';
import { openTestAggregates, startAlertHarness } from '../alerts/harness.js';

// The app shell's defences against slow, greedy and flooding clients, over real sockets on
// loopback: the issue saw 300 clients sending a byte every 10 s stay connected for 330 s.

let app: FastifyInstance | undefined;
const sockets: Socket[] = [];

async function startApp(env: Record<string, string>): Promise<{ port: number; base: string }> {
  app = await buildApp(testAppOptions([async (scope) => {
    scope.post('/v1/echo', { config: { roles: ['ingest'] } }, async (request) => ({ received: JSON.stringify(request.body).length }));
  }], { env }));
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  return { port: Number(new URL(base).port), base };
}

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await app?.close();
  app = undefined;
});

/** A raw client: what it received, and when the server closed it (undefined while open). */
function rawClient(port: number): Promise<{ socket: Socket; received: () => string; closedAt: () => number | undefined }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    sockets.push(socket);
    let received = '';
    let closedAt: number | undefined;
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
    socket.on('error', () => {});
    socket.on('close', () => (closedAt = Date.now()));
    socket.once('connect', () => resolve({ socket, received: () => received, closedAt: () => closedAt }));
    socket.once('error', reject);
  });
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until the client is closed, at most `ms`; the time it took, or undefined if it stayed open. */
async function closedWithin(client: { closedAt: () => number | undefined }, since: number, ms: number): Promise<number | undefined> {
  for (let waited = 0; waited < ms && client.closedAt() === undefined; waited += 25) await pause(25);
  const at = client.closedAt();
  return at === undefined ? undefined : at - since;
}

describe('slow clients', () => {
  it('cuts a client that sends its body a byte at a time once the request deadline passes', async () => {
    const { port } = await startApp({ VIGIL_HEADERS_TIMEOUT_MS: '300', VIGIL_REQUEST_TIMEOUT_MS: '600' });
    const client = await rawClient(port);
    const started = Date.now();
    client.socket.write(`POST /v1/echo HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${INGEST_KEY}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{`);
    // A byte every 100 ms would take 10 s for the body; bounded at 40 bytes.
    for (let i = 0; i < 40 && client.closedAt() === undefined; i++) {
      await pause(100);
      if (!client.socket.destroyed) client.socket.write(' ');
    }
    const after = await closedWithin(client, started, 500);
    expect(after, 'the slow body was never cut').toBeDefined();
    expect(after!).toBeGreaterThanOrEqual(550);
    expect(after!).toBeLessThan(3000);
    expect(client.received()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('cuts a client that never finishes its headers once the header deadline passes', async () => {
    const { port } = await startApp({ VIGIL_HEADERS_TIMEOUT_MS: '300', VIGIL_REQUEST_TIMEOUT_MS: '5000' });
    const client = await rawClient(port);
    const started = Date.now();
    client.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
    for (let i = 0; i < 30 && client.closedAt() === undefined; i++) {
      await pause(100);
      if (!client.socket.destroyed) client.socket.write('X-Slow: 1\r\n');
    }
    const after = await closedWithin(client, started, 500);
    expect(after, 'the slow headers were never cut').toBeDefined();
    expect(after!).toBeLessThan(2500);
    expect(client.received()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('closes a kept-alive connection that stays silent past the idle time, and not before', async () => {
    // 20 s is the shortest idle time the settings allow (the live feeds' heartbeat is 15 s).
    const { port } = await startApp({ VIGIL_IDLE_TIMEOUT_MS: '20000' });
    const client = await rawClient(port);
    client.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n');
    await vi.waitFor(() => expect(client.received()).toMatch(/^HTTP\/1\.1 200 /));
    const answeredAt = Date.now();
    await pause(15_000);
    expect(client.closedAt(), 'closed before the idle time').toBeUndefined();
    const after = await closedWithin(client, answeredAt, 10_000);
    expect(after, 'the idle connection was never closed').toBeDefined();
    expect(after!).toBeGreaterThanOrEqual(19_000);
  }, 40_000);
});

describe('connections per client address', () => {
  it('closes the connection beyond the cap at once, keeps the others, and accepts again once one goes', async () => {
    const { port } = await startApp({ VIGIL_MAX_CONNECTIONS_PER_IP: '5' });
    const held = [];
    for (let i = 0; i < 5; i++) held.push(await rawClient(port));
    const sixth = await rawClient(port);
    const opened = Date.now();
    expect(await closedWithin(sixth, opened, 2000), 'the sixth connection was not closed').toBeDefined();
    expect(sixth.received()).toBe('');
    expect(held.every((c) => c.closedAt() === undefined)).toBe(true);

    // The held connections still work.
    held[0]!.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    for (let i = 0; i < 80 && !held[0]!.received().includes('"ok"'); i++) await pause(25);
    expect(held[0]!.received()).toMatch(/^HTTP\/1\.1 200 /);

    held[1]!.socket.destroy();
    await closedWithin(held[1]!, Date.now(), 1000);
    await pause(100);
    const again = await rawClient(port);
    again.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    await closedWithin(again, Date.now(), 2000);
    expect(again.received()).toMatch(/^HTTP\/1\.1 200 /);
  });
});

describe('requests per client address', () => {
  it('answers 429 with Retry-After beyond the limit, counts requests without a key too, and never limits health checks', async () => {
    const { base } = await startApp({ VIGIL_RATE_LIMIT_MAX: '3', VIGIL_RATE_LIMIT_WINDOW_MS: '60000' });
    const echo = (key?: string) => fetch(`${base}/v1/echo`, {
      method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json', ...(key && { authorization: `Bearer ${key}` }) },
    });
    expect((await echo(INGEST_KEY)).status).toBe(200);
    expect((await echo(INGEST_KEY)).status).toBe(200);
    expect((await echo()).status).toBe(401);
    const limited = await echo(INGEST_KEY);
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await limited.json()).toEqual({ error: 'RATE_LIMITED', message: expect.stringMatching(/more than 3 requests in 60 s.*retry after \d+ s/) });
    // Key guessing is limited before the key is checked.
    expect((await echo()).status).toBe(429);
    for (let i = 0; i < 5; i++) expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });
});

describe('live feeds', () => {
  it('keep streaming long past the request deadline: only receiving the request is bounded, not the answer', async () => {
    const aggregates = await openTestAggregates();
    const h = await startAlertHarness(aggregates.store, { background: false, feed: { heartbeatMs: 100 } }, { VIGIL_HEADERS_TIMEOUT_MS: '200', VIGIL_REQUEST_TIMEOUT_MS: '300' });
    try {
      const base = await h.app.listen({ host: '127.0.0.1', port: 0 });
      const heartbeats: number[] = [];
      let ended = false;
      const request = get(`${base}/v1/alerts/feed`, { headers: { authorization: `Bearer ${RISK_KEY}` } }, (res) => {
        res.on('data', (chunk: Buffer) => { if (chunk.toString('utf8').includes(': heartbeat')) heartbeats.push(Date.now()); });
        res.on('close', () => (ended = true));
      });
      request.on('error', () => (ended = true));
      const opened = Date.now();
      await pause(1500);
      expect(ended, 'the feed was cut').toBe(false);
      expect(heartbeats.filter((t) => t - opened > 1000).length).toBeGreaterThanOrEqual(2);
      request.destroy();
    } finally {
      await h.dispose();
      await aggregates.close();
    }
  });
});
