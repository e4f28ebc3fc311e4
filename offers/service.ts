import type { QueueConnections } from '../core/redis.js';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import { toClickHouseDateTime64, type AggregateStore } from '../aggregates/index.js';
import type { OutboundPolicy } from '../core/net/index.js';
import type { Logger } from '../core/observability/index.js';
import { StreamGroupConsumer } from '../core/streams/index.js';
import type { ProfileStore } from '../customers/index.js';
import { CampaignRegistry } from './campaigns/campaignRegistry.js';
import { campaignRoutes } from './campaigns/campaignRoutes.js';
import type { CampaignSet } from './campaigns/campaignSchema.js';
import { CapStore } from './pipeline/capStore.js';
import { ChannelEndpointRegistry } from './delivery/channelEndpoints.js';
import { DeadTriggers } from './pipeline/deadTriggers.js';
import { DecisionStore } from './pipeline/decisionStore.js';
import { offerDeliveryRoutes } from './delivery/deliveryRoutes.js';
import { offerKeys, type OfferKeys } from './keys.js';
import { createOfferMetrics, type OfferMetrics } from './metrics.js';
import type { Offer } from './delivery/offer.js';
import { OfferArchive } from './reporting/offerArchive.js';
import { OfferDecider, type FraudReview } from './pipeline/offerDecider.js';
import { OfferDelivery, type DeliveryOutcome, type StillAllowed } from './delivery/offerDelivery.js';
import { OfferFeed } from './pipeline/offerFeed.js';
import { OfferFollower } from './pipeline/offerFollower.js';
import { OfferLog, parseOfferLogEntry } from './reporting/offerLog.js';
import { offerRoutes } from './pipeline/offerRoutes.js';
import type { OfferPolicy } from './decide/policy.js';
import type { OfferClock } from './decide/offerClock.js';
import type { ListCatalogue } from '../rules/index.js';
import type { ApprovalService } from '../approvals/index.js';

export interface OfferServiceOptions {
  /** The process's command connection; duplicated for the feed and the log consumer. */
  redis: Redis;
  /** BullMQ opens its own connections. */
  queues: QueueConnections;
  prefix: string;
  store: AggregateStore;
  profiles: ProfileStore;
  /** Open fraud review: a customer under it gets no marketing. */
  fraudReview: FraudReview;
  policy: OfferPolicy;
  /** What offers are decided as of: the wall clock (production) or, for replays of history, each event's time (VIGIL_OFFER_CLOCK). */
  clock?: OfferClock;
  /** Vets channel endpoint URLs and sends the offers (VIGIL_OUTBOUND_ALLOW). */
  outbound: OutboundPolicy;
  log: Logger;
  metrics?: { registry: Registry };
  campaignsPollMs: number;
  /** The lists that exist now, for checking campaign triggers that use `in_list` when they are written. */
  knownLists?: () => Promise<ListCatalogue>;
  /** Campaigns to seed at start: those missing are created (audited as the file); existing ones are left to the API. */
  initialCampaigns?: { set: CampaignSet; source: string };
  /** Run the background work here: delivery worker and ClickHouse archive consumer. */
  background: boolean;
  delivery?: { attempts?: number; backoffMs?: number; timeoutMs?: number; concurrency?: number };
  archive?: { blockMs?: number; claimIdleMs?: number; retryDelayMs?: number };
  /** A customer's decision record expires this long after their last decision; default 400 days. */
  decisionRecordTtlSeconds?: number;
  /** Four-eyes for campaign activation (VIGIL_APPROVALS). */
  approvals?: ApprovalService;
  now?: () => number;
}

export interface OfferService {
  keys: OfferKeys;
  campaigns: CampaignRegistry;
  follower: OfferFollower;
  decider: OfferDecider;
  decisions: DecisionStore;
  delivery: OfferDelivery;
  endpoints: ChannelEndpointRegistry;
  feed: OfferFeed;
  metrics: OfferMetrics | undefined;
  /** Feature plugin for buildApp({ features }): campaigns, channels, decision records, feed, stats. */
  routes: (scope: FastifyInstance) => Promise<void>;
  close(): Promise<void>;
}

/**
 * Builds the engagement-offer capability: campaigns (registry, hot reload), the follower the risk
 * pipeline calls for every event, the decider, delivery through BullMQ, the offer log archived to
 * ClickHouse, the live feed and the API.
 */
export async function createOfferService(opts: OfferServiceOptions): Promise<OfferService> {
  const keys = offerKeys(opts.prefix);
  const metrics = opts.metrics ? createOfferMetrics(opts.metrics.registry) : undefined;
  const now = opts.now ?? Date.now;
  const campaigns = new CampaignRegistry({ redis: opts.redis, prefix: opts.prefix, log: opts.log, pollMs: opts.campaignsPollMs, now, knownLists: opts.knownLists });
  if (opts.initialCampaigns) {
    const result = await campaigns.importSet(opts.initialCampaigns.set, opts.initialCampaigns.source, { existing: 'keep' });
    opts.log.info({ source: opts.initialCampaigns.source, ...result }, 'campaigns imported');
  }
  await campaigns.start();

  const log = new OfferLog(opts.redis, keys.log);
  const endpoints = new ChannelEndpointRegistry(opts.redis, keys.channelEndpoints, opts.outbound);
  const delivery = new OfferDelivery({
    queues: opts.queues, prefix: opts.prefix, keys, endpoints, outbound: opts.outbound, redis: opts.redis, log: opts.log, metrics, now,
    ...opts.delivery,
    checkStillAllowed: (offer) => stillAllowed(opts.profiles, offer),
    onOutcome: (offer, outcome) => log.append([{ kind: 'delivery', row: deliveryRow(offer, outcome) }]),
  });
  const feed = new OfferFeed(opts.redis, keys.feedChannel, { log: opts.log, metrics });
  const decisions = new DecisionStore(opts.redis, { prefix: opts.prefix, ttlSeconds: opts.decisionRecordTtlSeconds });
  const decider = new OfferDecider({
    campaigns, caps: new CapStore(opts.redis, opts.prefix), sender: delivery, fraudReview: opts.fraudReview, decisions, log,
    publish: (record) => feed.publish(record), policy: opts.policy, clock: opts.clock, metrics, logger: opts.log, now,
  });
  const deadTriggers = new DeadTriggers(opts.redis, keys.deadTriggers, opts.prefix);
  const follower = new OfferFollower({ redis: opts.redis, campaigns, decider, policy: opts.policy, clock: opts.clock, log: opts.log, deadTriggers, metrics, now });

  const archive = new OfferArchive(opts.store);
  const consumers = opts.background ? [new StreamGroupConsumer({
    redis: opts.redis, stream: keys.log, group: 'archive', parse: parseOfferLogEntry, log: opts.log,
    handle: (entries) => archive.archive(entries), onFailure: () => metrics?.archiveFailures.inc(), ...opts.archive,
  })] : [];
  if (opts.background) {
    await Promise.all(consumers.map((c) => c.start()));
    delivery.start();
  }

  let closing: Promise<void> | undefined;
  return {
    keys, campaigns, follower, decider, decisions, delivery, endpoints, feed, metrics,
    routes: async (scope) => {
      await campaignRoutes(scope, { campaigns, approvals: opts.approvals });
      await offerDeliveryRoutes(scope, { endpoints, delivery });
      await offerRoutes(scope, { campaigns, decisions, feed, store: opts.store, deadTriggers });
    },
    close() {
      closing ??= (async () => {
        campaigns.stop();
        await Promise.all(consumers.map((c) => c.stop()));
        await delivery.close();
        await feed.close();
      })();
      return closing;
    },
  };
}

/** Consent is checked again at send time: withdrawn since the decision means not contacted. */
async function stillAllowed(profiles: ProfileStore, offer: Offer): Promise<StillAllowed> {
  const profile = (await profiles.get(offer.customerId))?.profile;
  if (profile?.opted_out === true) return { ok: false, reason: 'the customer opted out of marketing since the decision' };
  if (profile?.marketing_consent?.[offer.channel] !== true) return { ok: false, reason: `${offer.channel} consent withdrawn since the decision` };
  return { ok: true };
}

function deliveryRow(offer: Offer, outcome: DeliveryOutcome) {
  return {
    offer_id: offer.offerId,
    campaign_id: offer.campaignId,
    customer_id: offer.customerId,
    channel: offer.channel,
    status: outcome.status,
    reason: outcome.reason ?? '',
    attempts: outcome.attempts,
    at: toClickHouseDateTime64(Date.parse(outcome.at)),
  };
}
