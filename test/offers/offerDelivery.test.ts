import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyWebhookSignature } from '../../core/webhooks/signature.js';
import { deliveryJobId, OfferDeadLetterNotFoundError } from '../../offers/index.js';
import { customerOfferKeys } from '../../offers/keys.js';
import { offerPayload, type Offer } from '../../offers/delivery/offer.js';
import { eventually } from '../support/testEngine.js';
import { deliveriesCounted, pause, Receiver, startDeliveryHarness, testOffer, type DeliveryHarness } from './deliveryHarness.js';

let h: DeliveryHarness;
let receiver: Receiver;

afterEach(async () => {
  await h?.dispose();
  await receiver?.stop();
});

async function withEndpoint(overrides: Parameters<typeof startDeliveryHarness>[0] = {}): Promise<string> {
  receiver = await new Receiver('/offers').start();
  h = startDeliveryHarness(overrides);
  const { secret } = await h.endpoints.set('push', { url: receiver.url }, 'admin:platform-admin');
  return secret;
}

const sentMarker = (offer: Offer) => customerOfferKeys(h.prefix, offer.customerId).sentPrefix + offer.offerId;
const jobState = async (offer: Offer) => (await h.delivery.queue.getJob(deliveryJobId(offer.offerId)))?.getState();

describe('offer delivery', () => {
  it('POSTs the offer once, signed, with its id as delivery id and idempotency key, then marks it sent', async () => {
    const secret = await withEndpoint();
    const offer = testOffer();
    h.delivery.start();
    await h.delivery.enqueue([offer]);
    await eventually(async () => h.outcomes.length, (n) => n === 1);

    expect(receiver.received).toHaveLength(1);
    const [request] = receiver.received;
    expect(request!.headers).toMatchObject({
      'content-type': 'application/json', 'x-vigil-event': 'offer.send', 'x-vigil-delivery': offer.offerId, 'idempotency-key': offer.offerId,
    });
    expect(JSON.parse(request!.body)).toEqual(offerPayload(offer));
    const header = String(request!.headers['x-vigil-signature']);
    expect(verifyWebhookSignature({ secret, header, body: request!.body })).toBe(true);
    expect(verifyWebhookSignature({ secret: 'whsec_other', header, body: request!.body })).toBe(false);

    expect(h.outcomes).toEqual([{ offerId: offer.offerId, status: 'delivered', at: expect.any(String), attempts: 1 }]);
    expect(await h.redis.ttl(sentMarker(offer))).toBeGreaterThan(29 * 86_400);
    expect(await deliveriesCounted(h.metrics, 'delivered')).toBe(1);
  });

  it('retries a failing endpoint with backoff and delivers once, with the same body and idempotency key', async () => {
    await withEndpoint();
    receiver.answer = (nth) => (nth <= 2 ? 503 : 202);
    const offer = testOffer();
    h.delivery.start();
    await h.delivery.enqueue([offer]);
    await eventually(async () => h.outcomes.length, (n) => n === 1);

    expect(receiver.received).toHaveLength(3);
    expect(new Set(receiver.received.map((r) => r.body)).size).toBe(1);
    expect(new Set(receiver.received.map((r) => r.headers['idempotency-key']))).toEqual(new Set([offer.offerId]));
    expect(h.outcomes).toEqual([expect.objectContaining({ status: 'delivered', attempts: 3 })]);
    expect(await deliveriesCounted(h.metrics, 'failed')).toBe(2);
    expect(await deliveriesCounted(h.metrics, 'delivered')).toBe(1);
  });

  it('never sends an offer twice: a job run again after the send completes without a request', async () => {
    await withEndpoint();
    const offer = testOffer();
    h.delivery.start();
    await h.delivery.enqueue([offer]);
    await eventually(async () => h.outcomes.length, (n) => n === 1);

    // The job is gone (as after a crash before BullMQ recorded completion, or once removeOnComplete
    // dropped it) and the same offer arrives again: only the sent marker stands between it and a resend.
    await h.delivery.queue.remove(deliveryJobId(offer.offerId));
    await h.delivery.enqueue([offer]);
    await eventually(async () => deliveriesCounted(h.metrics, 'duplicate_skipped'), (n) => n === 1);

    expect(await jobState(offer)).toBe('completed');
    expect((await h.delivery.queue.getJob(deliveryJobId(offer.offerId)))?.returnvalue).toEqual({ status: 'duplicate_skipped' });
    expect(receiver.received).toHaveLength(1);
    expect(h.outcomes).toHaveLength(1);
  });

  it('does not resend when the outcome hook fails after the send', async () => {
    await withEndpoint({ onOutcome: async () => { throw new Error('decision record unavailable'); } });
    const offer = testOffer();
    h.delivery.start();
    await h.delivery.enqueue([offer]);
    await eventually(async () => jobState(offer), (state) => state === 'completed');
    await pause(200);
    expect(receiver.received).toHaveLength(1);
    expect(await h.redis.exists(sentMarker(offer))).toBe(1);
  });

  it('cancels, without sending or retrying, an offer the customer may no longer receive', async () => {
    const asked: string[] = [];
    await withEndpoint({
      checkStillAllowed: async (offer) => {
        asked.push(offer.offerId);
        return { ok: false, reason: 'consent_withdrawn:push' };
      },
    });
    const offer = testOffer();
    h.delivery.start();
    await h.delivery.enqueue([offer]);
    await eventually(async () => h.outcomes.length, (n) => n === 1);

    expect(h.outcomes).toEqual([{ offerId: offer.offerId, status: 'cancelled', reason: 'consent_withdrawn:push', at: expect.any(String), attempts: 1 }]);
    await pause(200);
    expect(asked).toEqual([offer.offerId]);
    expect(receiver.received).toHaveLength(0);
    expect(await jobState(offer)).toBe('completed');
    expect(await h.delivery.deadLetters()).toEqual([]);
    expect(await h.redis.exists(sentMarker(offer))).toBe(0);
    expect(await deliveriesCounted(h.metrics, 'cancelled')).toBe(1);
  });

  it('sends when the customer may still be contacted', async () => {
    await withEndpoint({ checkStillAllowed: async () => ({ ok: true }) });
    h.delivery.start();
    const offer = testOffer();
    await h.delivery.enqueue([offer]);
    await eventually(async () => h.outcomes.length, (n) => n === 1);

    expect(h.outcomes).toEqual([{ offerId: offer.offerId, status: 'delivered', at: expect.any(String), attempts: 1 }]);
    expect(receiver.received).toHaveLength(1);
    expect(JSON.parse(receiver.received[0]!.body)).toEqual(offerPayload(offer));
  });

  it('dead-letters an offer whose channel has no endpoint, and delivers it on retry once one is set', async () => {
    receiver = await new Receiver('/offers').start();
    h = startDeliveryHarness();
    const offer = testOffer({ channel: 'sms' });
    h.delivery.start();
    await h.delivery.enqueue([offer]);
    await eventually(async () => h.outcomes.length, (n) => n === 1);

    expect(h.outcomes[0]).toMatchObject({ status: 'dead_lettered', attempts: 3, reason: 'no endpoint is configured for channel sms' });
    // The outcome is reported from inside the last attempt, before BullMQ moves the job to its failed set.
    expect(await eventually(() => h.delivery.deadLetters(), (d) => d.length === 1)).toEqual([{
      offerId: offer.offerId, campaignId: 'savings-boost', channel: 'sms', attempts: 3,
      error: 'no endpoint is configured for channel sms', failedAt: expect.any(String),
    }]);
    expect(await deliveriesCounted(h.metrics, 'dead_lettered', 'sms')).toBe(1);

    const { secret } = await h.endpoints.set('sms', { url: receiver.url }, 'admin:platform-admin');
    await h.delivery.retryDeadLetter(offer.offerId);
    await eventually(async () => h.outcomes.length, (n) => n === 2);
    expect(h.outcomes[1]).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(receiver.received).toHaveLength(1);
    expect(verifyWebhookSignature({ secret, header: String(receiver.received[0]!.headers['x-vigil-signature']), body: receiver.received[0]!.body })).toBe(true);
    expect(await h.delivery.deadLetters()).toEqual([]);
  });

  it('dead-letters after the attempts when the endpoint keeps failing, saying how', async () => {
    await withEndpoint();
    receiver.answer = () => 500;
    const offer = testOffer();
    h.delivery.start();
    await h.delivery.enqueue([offer]);
    await eventually(async () => h.outcomes.length, (n) => n === 1);
    expect(receiver.received).toHaveLength(3);
    expect(h.outcomes[0]).toMatchObject({ status: 'dead_lettered', reason: 'channel endpoint answered HTTP 500', attempts: 3 });
    expect(await h.redis.exists(sentMarker(offer))).toBe(0);
  });

  it('refuses to retry an offer that is not a dead letter', async () => {
    await withEndpoint();
    await expect(h.delivery.retryDeadLetter('no-such-offer')).rejects.toBeInstanceOf(OfferDeadLetterNotFoundError);
    const offer = testOffer();
    await h.delivery.enqueue([offer]);
    await expect(h.delivery.retryDeadLetter(offer.offerId)).rejects.toBeInstanceOf(OfferDeadLetterNotFoundError);
  });

  it('queues one job for an offer enqueued twice (a redelivered decision)', async () => {
    await withEndpoint();
    const offer = testOffer();
    await h.delivery.enqueue([offer]);
    await h.delivery.enqueue([offer, offer]);
    expect(await h.delivery.queue.getWaitingCount()).toBe(1);
    h.delivery.start();
    await eventually(async () => h.outcomes.length, (n) => n === 1);
    await pause(200);
    expect(receiver.received).toHaveLength(1);
  });

  it('holds an offer deferred past quiet hours in the delayed set until its send time', async () => {
    await withEndpoint();
    const later = testOffer({ sendAt: new Date(Date.now() + 600).toISOString() });
    await h.delivery.enqueue([later]);
    expect(await h.delivery.queue.getDelayedCount()).toBe(1);
    expect(await h.delivery.queue.getWaitingCount()).toBe(0);
    h.delivery.start();
    await pause(200);
    expect(receiver.received).toHaveLength(0);
    await eventually(async () => receiver.received.length, (n) => n === 1, 5000);
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(later.sendAt!));
  });

  it('never enqueues a holdout offer: the control group is decided, not sent', async () => {
    await withEndpoint();
    const held = testOffer({ holdout: true });
    const sent = testOffer();
    await h.delivery.enqueue([held, sent]);
    expect(await h.delivery.queue.getWaitingCount()).toBe(1);
    expect(await h.delivery.queue.getJob(deliveryJobId(held.offerId))).toBeUndefined();
  });

  it('delivers offers whose ids BullMQ would refuse as job ids', async () => {
    await withEndpoint();
    const offers = [testOffer({ offerId: 'evt:42:savings-boost' }), testOffer({ offerId: '12345' })];
    expect(deliveryJobId('evt:42:savings-boost')).not.toContain(':');
    h.delivery.start();
    await h.delivery.enqueue(offers);
    await eventually(async () => h.outcomes.length, (n) => n === 2);
    expect(receiver.received.map((r) => r.headers['x-vigil-delivery']).sort()).toEqual(['12345', 'evt:42:savings-boost']);
  });
});
