import { QueueConnections } from '../../core/redis.js';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { createLogger } from '../../core/observability/index.js';
import { ChannelEndpointRegistry, OfferDelivery, type DeliveryOutcome, type OfferDeliveryOptions } from '../../offers/index.js';
import { offerKeys } from '../../offers/keys.js';
import { createOfferMetrics, type OfferMetrics } from '../../offers/metrics.js';
import type { Offer } from '../../offers/delivery/offer.js';
import { dropPrefix, REDIS_URL, testOutbound, uniquePrefix } from '../support/testEngine.js';

// Offer delivery on its own: real Redis under a prefix of its own, real BullMQ, and a channel
// endpoint that is a real HTTP server on a loopback port.

export { Receiver, type Received } from '../support/receiver.js';

export interface DeliveryHarness {
  prefix: string;
  redis: Redis;
  endpoints: ChannelEndpointRegistry;
  delivery: OfferDelivery;
  metrics: OfferMetrics;
  outcomes: Array<{ offerId: string } & DeliveryOutcome>;
  dispose(): Promise<void>;
}

export function startDeliveryHarness(overrides: Partial<Omit<OfferDeliveryOptions, 'queues' | 'prefix' | 'keys' | 'endpoints' | 'outbound' | 'redis' | 'log'>> = {}): DeliveryHarness {
  const prefix = uniquePrefix('offerdelivery');
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 3 });
  const keys = offerKeys(prefix);
  const outbound = testOutbound();
  const endpoints = new ChannelEndpointRegistry(redis, keys.channelEndpoints, outbound);
  const metrics = createOfferMetrics(new Registry());
  const outcomes: DeliveryHarness['outcomes'] = [];
  const delivery = new OfferDelivery({
    queues: new QueueConnections({ url: REDIS_URL }), prefix, keys, endpoints, outbound, redis, log: createLogger('silent'), metrics,
    attempts: 3, backoffMs: 20, timeoutMs: 2000,
    onOutcome: async (offer, outcome) => {
      outcomes.push({ offerId: offer.offerId, ...outcome });
    },
    ...overrides,
  });
  return {
    prefix, redis, endpoints, delivery, metrics, outcomes,
    async dispose() {
      await delivery.close();
      await outbound.close();
      await dropPrefix(prefix);
      await redis.quit();
    },
  };
}

let offerCounter = 0;

/** A push offer of the savings campaign to cust-1; fields can be overridden. */
export function testOffer(overrides: Partial<Offer> = {}): Offer {
  offerCounter++;
  const eventId = `evt-${process.pid}-${Date.now()}-${offerCounter}`;
  return {
    offerId: `${eventId}.savings-boost`,
    decisionId: eventId,
    customerId: 'cust-1',
    campaignId: 'savings-boost',
    campaignName: 'Savings boost',
    channel: 'push',
    content: { title: 'Save more', body: 'Open Savings Plus today.' },
    holdout: false,
    because: ['transfer_in of 2,500.00 EUR'],
    decidedAt: new Date().toISOString(),
    triggeringEvent: { eventId, type: 'transfer_in', occurredAt: new Date().toISOString() },
    language: 'en',
    ...overrides,
  };
}

/** The value of vigil_offer_deliveries_total for one channel and result. */
export async function deliveriesCounted(metrics: OfferMetrics, result: string, channel = 'push'): Promise<number> {
  const { values } = await metrics.deliveries.get();
  return values.find((v) => v.labels.result === result && v.labels.channel === channel)?.value ?? 0;
}

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
