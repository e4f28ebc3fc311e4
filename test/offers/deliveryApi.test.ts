import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliveryJobId, offerDeliveryRoutes } from '../../offers/index.js';
import { buildApp } from '../../server/app.js';
import { ADMIN_KEY, eventually, INGEST_KEY, MARKETING_KEY, RISK_KEY, SRE_KEY, testAppOptions } from '../support/testEngine.js';
import { startDeliveryHarness, testOffer, type DeliveryHarness } from './deliveryHarness.js';

const auth = (key: string) => ({ authorization: `Bearer ${key}` });

let h: DeliveryHarness;
let app: FastifyInstance;

beforeEach(async () => {
  h = startDeliveryHarness({ attempts: 1 });
  app = await buildApp(testAppOptions([(scope) => offerDeliveryRoutes(scope, { endpoints: h.endpoints, delivery: h.delivery })]));
});

afterEach(async () => {
  await app?.close();
  await h?.dispose();
});

const putChannel = (channel: string, payload: unknown, key = ADMIN_KEY) =>
  app.inject({ method: 'PUT', url: `/v1/offers/channels/${channel}`, headers: auth(key), payload: payload as Record<string, unknown> });

describe('channel endpoints API', () => {
  it('refuses loopback, private, link-local and plain-http endpoints with a 400 saying why, and keeps the one set before', async () => {
    expect((await putChannel('push', { url: 'https://push.bank.example/a' })).statusCode).toBe(200);
    for (const url of ['https://169.254.169.254/', 'https://0x7f000002/', 'https://[::ffff:192.168.0.1]/', 'https://172.16.0.9/', 'http://push.example.com/']) {
      const res = await putChannel('push', { url });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error, url).toBe('TARGET_NOT_PERMITTED');
    }
    expect((await h.endpoints.get('push'))?.url).toBe('https://push.bank.example/a');
  });

  it('sets an endpoint with a secret shown once, lists it without the secret, and removes it', async () => {
    const set = await putChannel('email', { url: 'https://mail.bank.example/offers' });
    expect(set.statusCode).toBe(200);
    const created = set.json();
    expect(created).toEqual({
      channel: 'email', url: 'https://mail.bank.example/offers', updatedAt: expect.any(String), updatedBy: 'admin:platform-admin', secret: expect.stringMatching(/^whsec_/),
    });
    expect((await h.endpoints.get('email'))?.secret).toBe(created.secret);

    const list = await app.inject({ url: '/v1/offers/channels', headers: auth(MARKETING_KEY) });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toEqual({ channels: [{ channel: 'email', url: 'https://mail.bank.example/offers', updatedAt: created.updatedAt, updatedBy: 'admin:platform-admin' }] });
    expect(list.body).not.toContain(created.secret);

    expect((await app.inject({ method: 'DELETE', url: '/v1/offers/channels/email', headers: auth(ADMIN_KEY) })).statusCode).toBe(204);
    const again = await app.inject({ method: 'DELETE', url: '/v1/offers/channels/email', headers: auth(ADMIN_KEY) });
    expect(again.statusCode).toBe(404);
    expect(again.json()).toMatchObject({ error: 'CHANNEL_ENDPOINT_NOT_FOUND' });
    expect((await app.inject({ url: '/v1/offers/channels', headers: auth(ADMIN_KEY) })).json()).toEqual({ channels: [] });
  });

  it('issues a new secret when an endpoint is set again, and signs with the newest only', async () => {
    const first = (await putChannel('push', { url: 'https://push.bank.example/a' })).json();
    const second = (await putChannel('push', { url: 'https://push.bank.example/b' })).json();
    expect(second.secret).not.toBe(first.secret);
    expect(await h.endpoints.get('push')).toMatchObject({ url: 'https://push.bank.example/b', secret: second.secret });
  });

  it.each([
    ['a non-http url', 'push', { url: 'ftp://files.bank.example/offers' }],
    ['a file url', 'push', { url: 'file:///etc/passwd' }],
    ['not a url', 'push', { url: 'push gateway' }],
    ['no url', 'push', {}],
    ['an unknown field', 'push', { url: 'https://push.bank.example', secret: 'mine' }],
    ['an unknown channel', 'fax', { url: 'https://fax.bank.example' }],
  ])('answers 400 for %s', async (_name, channel, payload) => {
    const res = await putChannel(channel, payload);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: expect.any(String), message: expect.any(String) });
    expect(await h.endpoints.list()).toEqual([]);
  });

  it('lets only admins change endpoints, and marketing and admins read them', async () => {
    for (const key of [MARKETING_KEY, RISK_KEY, SRE_KEY, INGEST_KEY]) {
      expect((await putChannel('sms', { url: 'https://sms.bank.example' }, key)).statusCode).toBe(403);
      expect((await app.inject({ method: 'DELETE', url: '/v1/offers/channels/sms', headers: auth(key) })).statusCode).toBe(403);
    }
    for (const key of [RISK_KEY, SRE_KEY, INGEST_KEY]) {
      expect((await app.inject({ url: '/v1/offers/channels', headers: auth(key) })).statusCode).toBe(403);
    }
    expect((await app.inject({ url: '/v1/offers/channels' })).statusCode).toBe(401);
    expect(await h.endpoints.list()).toEqual([]);
  });
});

describe('offer dead letters API', () => {
  it('lists dead letters and queues one again with fresh attempts', async () => {
    const offer = testOffer({ channel: 'rm_task' });
    h.delivery.start();
    await h.delivery.enqueue([offer]);
    await eventually(async () => (await h.delivery.deadLetters()).length, (n) => n === 1);
    await h.delivery.stop();

    const list = await app.inject({ url: '/v1/offers/dead-letters?limit=10', headers: auth(MARKETING_KEY) });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toEqual({ deadLetters: [{
      offerId: offer.offerId, campaignId: 'savings-boost', channel: 'rm_task', attempts: 1,
      error: 'no endpoint is configured for channel rm_task', failedAt: expect.any(String),
    }] });

    const retry = await app.inject({ method: 'POST', url: `/v1/offers/dead-letters/${offer.offerId}/retry`, headers: auth(MARKETING_KEY) });
    expect(retry.statusCode).toBe(202);
    expect(retry.json()).toEqual({ offerId: offer.offerId, status: 'queued' });
    expect(await (await h.delivery.queue.getJob(deliveryJobId(offer.offerId)))?.getState()).toBe('waiting');
    expect((await app.inject({ url: '/v1/offers/dead-letters', headers: auth(ADMIN_KEY) })).json()).toEqual({ deadLetters: [] });

    const twice = await app.inject({ method: 'POST', url: `/v1/offers/dead-letters/${offer.offerId}/retry`, headers: auth(ADMIN_KEY) });
    expect(twice.statusCode).toBe(404);
    expect(twice.json()).toMatchObject({ error: 'OFFER_DEAD_LETTER_NOT_FOUND' });
  });

  it('answers 404 for an offer that is not a dead letter', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/offers/dead-letters/no-such-offer/retry', headers: auth(ADMIN_KEY) });
    expect(res.statusCode).toBe(404);
  });

  it.each(['0', '1001', 'ten'])('answers 400 for limit=%s', async (limit) => {
    expect((await app.inject({ url: `/v1/offers/dead-letters?limit=${limit}`, headers: auth(MARKETING_KEY) })).statusCode).toBe(400);
  });

  it('keeps dead letters from the other roles', async () => {
    for (const key of [RISK_KEY, SRE_KEY, INGEST_KEY]) {
      expect((await app.inject({ url: '/v1/offers/dead-letters', headers: auth(key) })).statusCode).toBe(403);
      expect((await app.inject({ method: 'POST', url: '/v1/offers/dead-letters/x/retry', headers: auth(key) })).statusCode).toBe(403);
    }
  });
});
