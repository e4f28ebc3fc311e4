import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseOutboxEntry } from '../../alerts/outbox.js';
import { signWebhook, verifyWebhookSignature } from '../../alerts/index.js';
import { Receiver } from '../support/receiver.js';
import { ADMIN_KEY, auth, eventually, fraudAlert, openTestAggregates, startAlertHarness, type AlertHarness } from './harness.js';

let aggregates: Awaited<ReturnType<typeof openTestAggregates>>;
let h: AlertHarness;
let receiver: Receiver;

beforeAll(async () => {
  aggregates = await openTestAggregates();
});
afterAll(async () => aggregates?.close());

/** A fresh service, app and receiver per test of the calling describe block. */
function withServiceAndReceiver() {
  beforeEach(async () => {
    receiver = await new Receiver('/hooks/vigil').start();
    h = await startAlertHarness(aggregates.store, { webhooks: { attempts: 3, backoffMs: 20, timeoutMs: 2000 } });
  });
  afterEach(async () => {
    await h?.dispose();
    await receiver.stop();
  });
}

async function subscribe(body: Record<string, unknown> = {}) {
  const res = await h.app.inject({ method: 'POST', url: '/v1/webhooks', headers: auth(ADMIN_KEY), payload: { url: receiver.url, ...body } });
  expect(res.statusCode).toBe(201);
  return res.json() as { id: string; secret: string };
}

describe('verifyWebhookSignature', () => {
  const secret = 'whsec_test';
  const body = '{"event":"alert.created"}';
  const now = 1_790_000_000;

  it('accepts a signature of this body by this secret within the tolerance', () => {
    expect(verifyWebhookSignature({ secret, body, header: signWebhook(secret, body, now), nowSeconds: now + 299 })).toBe(true);
    expect(verifyWebhookSignature({ secret, body: Buffer.from(body), header: signWebhook(secret, body, now), nowSeconds: now })).toBe(true);
  });

  it.each([
    ['a tampered body', { body: body.replace('created', 'updated') }],
    ['another secret', { secret: 'whsec_other' }],
    ['a stale timestamp (a replay)', { nowSeconds: now + 301 }],
    ['a timestamp from the future', { nowSeconds: now - 301 }],
    ['no header', { header: undefined }],
    ['a header without v1', { header: `t=${now}` }],
    ['a truncated signature', { header: signWebhook(secret, body, now).slice(0, -2) }],
  ])('rejects %s', (_name, change) => {
    expect(verifyWebhookSignature({ secret, body, header: signWebhook(secret, body, now), nowSeconds: now, ...change })).toBe(false);
  });
});

describe('webhook subscribers', () => {
  withServiceAndReceiver();

  it('registers with a secret shown once, lists without it, and unsubscribes', async () => {
    const created = await subscribe({ alert_types: ['fraud'], min_severity: 'high' });
    expect(created).toMatchObject({ id: expect.stringMatching(/^whk_/), secret: expect.stringMatching(/^whsec_/), alertTypes: ['fraud'], minSeverity: 'high' });
    const list = (await h.app.inject({ url: '/v1/webhooks', headers: auth(ADMIN_KEY) })).json();
    expect(list.webhooks).toEqual([{
      id: created.id, url: receiver.url, alertTypes: ['fraud'], minSeverity: 'high', createdAt: expect.any(String), createdBy: 'admin:platform-admin',
    }]);
    expect((await h.app.inject({ method: 'DELETE', url: `/v1/webhooks/${created.id}`, headers: auth(ADMIN_KEY) })).statusCode).toBe(204);
    expect((await h.app.inject({ method: 'DELETE', url: `/v1/webhooks/${created.id}`, headers: auth(ADMIN_KEY) })).statusCode).toBe(404);
  });

  it('refuses loopback, private, link-local and plain-http URLs with a 400 saying why, and stores none of them', async () => {
    // The tests' allow-list names 127.0.0.1 (the receivers) and *.bank.example; nothing else.
    const refused = [
      'https://169.254.169.254/latest/meta-data/', 'http://2852039166/', 'https://[::1]/hook', 'https://[::ffff:10.0.0.1]/',
      'https://10.1.2.3/hook', 'https://0.0.0.0/', 'https://0x7f000002/hook', 'http://hooks.example.com/vigil',
    ];
    for (const url of refused) {
      const res = await h.app.inject({ method: 'POST', url: '/v1/webhooks', headers: auth(ADMIN_KEY), payload: { url } });
      expect(res.statusCode, url).toBe(400);
      expect(res.json(), url).toMatchObject({ error: 'TARGET_NOT_PERMITTED', message: expect.stringMatching(/not a public address|non-public address|must use https/) });
    }
    expect((await h.app.inject({ url: '/v1/webhooks', headers: auth(ADMIN_KEY) })).json().webhooks).toEqual([]);
  });

  it('accepts only http(s) URLs', async () => {
    for (const url of ['ftp://example.com/x', 'file:///etc/passwd', 'not a url']) {
      const res = await h.app.inject({ method: 'POST', url: '/v1/webhooks', headers: auth(ADMIN_KEY), payload: { url } });
      expect(res.statusCode).toBe(400);
    }
  });
});

describe('webhook delivery', () => {
  withServiceAndReceiver();

  it('POSTs each alert event with headers and a signature the receiver can verify', async () => {
    const { id, secret } = await subscribe();
    const [alert] = await h.service.store.raise([fraudAlert()]);
    await h.service.store.transition(alert!.id, { action: 'acknowledge' }, 'risk:ana');
    await eventually(async () => receiver.received.length, (n) => n === 2);
    const [created, updated] = [...receiver.received].sort((a, b) => String(a.headers['x-vigil-event']).localeCompare(String(b.headers['x-vigil-event'])));
    expect(created!.headers).toMatchObject({
      'content-type': 'application/json', 'x-vigil-event': 'alert.created', 'x-vigil-delivery': `${alert!.id}.0.${id}`,
    });
    expect(JSON.parse(created!.body)).toMatchObject({ event: 'alert.created', alert: { id: alert!.id, status: 'open' } });
    expect(updated!.headers['x-vigil-delivery']).toBe(`${alert!.id}.1.${id}`);

    const header = String(created!.headers['x-vigil-signature']);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature({ secret, header, body: created!.body })).toBe(true);
    expect(verifyWebhookSignature({ secret, header, body: created!.body.replace('"open"', '"resolved"') })).toBe(false);
    expect(verifyWebhookSignature({ secret, header, body: created!.body, nowSeconds: Math.floor(Date.now() / 1000) + 600 })).toBe(false);
  });

  it('sends only the alerts a subscriber filtered for', async () => {
    await subscribe({ alert_types: ['churn'], min_severity: 'critical' });
    await h.service.store.raise([fraudAlert({ severity: 'critical' }), fraudAlert({ type: 'churn', severity: 'high' }), fraudAlert({ type: 'churn', severity: 'critical' })]);
    await eventually(async () => receiver.received.length, (n) => n >= 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.received.map((r) => JSON.parse(r.body).alert.type + '/' + JSON.parse(r.body).alert.severity)).toEqual(['churn/critical']);
  });

  it('does not enqueue the same alert event twice when the outbox entry is handled again', async () => {
    await subscribe();
    await h.service.store.raise([fraudAlert()]);
    await eventually(async () => receiver.received.length, (n) => n === 1);
    const [entry] = await h.redis.xrange(h.service.store.keys.outbox, '-', '+');
    await h.service.delivery.enqueue([parseOutboxEntry(entry![0], entry![1])!]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.received).toHaveLength(1);
  });

  it('retries after the receiver answers 500, then succeeds with the same delivery id and body', async () => {
    receiver.answer = (nth) => (nth <= 2 ? 500 : 204);
    await subscribe();
    await h.service.store.raise([fraudAlert()]);
    await eventually(async () => receiver.received.length, (n) => n === 3);
    const ids = new Set(receiver.received.map((r) => r.headers['x-vigil-delivery']));
    expect(ids.size).toBe(1);
    expect(new Set(receiver.received.map((r) => r.body)).size).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(receiver.received).toHaveLength(3);
    expect((await h.app.inject({ url: '/v1/webhooks/dead-letters', headers: auth(ADMIN_KEY) })).json().deadLetters).toEqual([]);
  });

  it('moves a delivery that exhausts its attempts to the dead letters', async () => {
    receiver.answer = () => 503;
    const { id } = await subscribe();
    const [alert] = await h.service.store.raise([fraudAlert()]);
    const read = async () => (await h.app.inject({ url: '/v1/webhooks/dead-letters', headers: auth(ADMIN_KEY) })).json().deadLetters;
    const deadLetters = await eventually(read, (d) => d.length === 1);
    expect(deadLetters).toEqual([{
      deliveryId: `${alert!.id}.0.${id}`, subscriberId: id, alertId: alert!.id, event: 'alert.created',
      attempts: 3, error: 'receiver answered HTTP 503', failedAt: expect.any(String),
    }]);
    expect(receiver.received).toHaveLength(3);
  });

  it('says why in the dead letter when the receiver cannot be reached, without naming its address or port', async () => {
    const url = receiver.url;
    await receiver.stop();
    const res = await h.app.inject({ method: 'POST', url: '/v1/webhooks', headers: auth(ADMIN_KEY), payload: { url } });
    expect(res.statusCode).toBe(201);
    await h.service.store.raise([fraudAlert()]);
    const read = async () => (await h.app.inject({ url: '/v1/webhooks/dead-letters', headers: auth(ADMIN_KEY) })).json().deadLetters;
    const [deadLetter] = await eventually(read, (d) => d.length === 1);
    expect(deadLetter.error).toBe('request to the receiver failed: connection refused');
    const { port } = new URL(url);
    expect(deadLetter.error).not.toContain('127.0.0.1');
    expect(deadLetter.error).not.toContain(port);
    await receiver.start(); // afterEach stops it again
  });
});
