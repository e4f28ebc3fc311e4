import type { QueueConnections } from '../core/redis.js';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import type { AggregateStore } from '../aggregates/index.js';
import type { OutboundPolicy } from '../core/net/index.js';
import type { Logger } from '../core/observability/index.js';
import { AlertArchive } from './alertArchive.js';
import { AlertStore, type AlertStoreOptions } from './alertStore.js';
import { WebhookDelivery, type WebhookDeliveryOptions } from './delivery.js';
import { AlertFeed } from './feed.js';
import { createAlertMetrics } from './metrics.js';
import { OutboxConsumer } from './outbox.js';
import { alertRoutes, type AlertRouteDeps, type CustomerScoreSource } from './routes.js';
import { WebhookRegistry } from './webhooks.js';
import { FailureStreak } from '../core/failureStreak.js';

export interface AlertServiceOptions {
  /** The process's command connection; duplicated for the feed subscriber and the outbox readers. */
  redis: Redis;
  /** BullMQ opens its own connections (its worker must have maxRetriesPerRequest: null). */
  queues: QueueConnections;
  prefix: string;
  /** ClickHouse, for the archive. */
  store: AggregateStore;
  log: Logger;
  /** Vets subscriber URLs and sends the webhooks (VIGIL_OUTBOUND_ALLOW). */
  outbound: OutboundPolicy;
  /** Where alert metrics are registered (the engine's VigilMetrics fits). */
  metrics?: { registry: Registry };
  /**
   * Run the background work here: the outbox consumers (webhook fan-out, ClickHouse archive), the
   * webhook worker and the retention sweep. Default true. Any number of processes may run it.
   */
  background?: boolean;
  /** Where GET /v1/customers/{id}/alerts reads the customer's current scores (the risk state: risk/customerScores.ts). */
  scores: CustomerScoreSource;
  alerts?: Pick<AlertStoreOptions, 'resolvedRetentionSeconds' | 'outboxMaxEntries'>;
  webhooks?: Pick<WebhookDeliveryOptions, 'attempts' | 'backoffMs' | 'timeoutMs' | 'concurrency' | 'deadLetterCap'>;
  feed?: { heartbeatMs?: number };
  outbox?: { blockMs?: number; claimIdleMs?: number; retryDelayMs?: number };
  sweepIntervalMs?: number;
  /** How often open alerts whose deadline passed (complaint SLAs) are looked for and escalated; default a minute. */
  escalateIntervalMs?: number;
  now?: () => number;
}

export interface AlertService {
  store: AlertStore;
  feed: AlertFeed;
  webhooks: WebhookRegistry;
  delivery: WebhookDelivery;
  archive: AlertArchive;
  routeDeps: AlertRouteDeps;
  /** The feature plugin for buildApp({ features }). */
  routes: (scope: FastifyInstance) => Promise<void>;
  /** Stops the background work and closes the service's own connections (not `redis`, not `store`). */
  close(): Promise<void>;
}

/** Builds the alerts capability; with `background`, its consumers and webhook worker are running on return. */
export async function createAlertService(opts: AlertServiceOptions): Promise<AlertService> {
  const metrics = opts.metrics ? createAlertMetrics(opts.metrics.registry) : undefined;
  const now = opts.now ?? Date.now;
  const store = new AlertStore(opts.redis, { prefix: opts.prefix, now, metrics, ...opts.alerts });
  const { keys } = store;
  const feed = new AlertFeed(opts.redis, keys.feedChannel, { log: opts.log, metrics, now, heartbeatMs: opts.feed?.heartbeatMs });
  const webhooks = new WebhookRegistry(opts.redis, keys.webhooks, opts.outbound);
  const delivery = new WebhookDelivery({ queues: opts.queues, keys, registry: webhooks, outbound: opts.outbound, log: opts.log, metrics, now, ...opts.webhooks });
  const archive = new AlertArchive(opts.store, opts.redis, keys, metrics);
  const routeDeps: AlertRouteDeps = { store, feed, webhooks, delivery, scores: opts.scores };

  const consumers = opts.background === false ? [] : [
    new OutboxConsumer({ redis: opts.redis, stream: keys.outbox, group: 'webhooks', handle: (e) => delivery.enqueue(e), log: opts.log, onFailure: () => metrics?.outboxFailures.inc({ consumer: 'webhooks' }), ...opts.outbox }),
    new OutboxConsumer({ redis: opts.redis, stream: keys.outbox, group: 'archive', handle: (e) => archive.archive(e), log: opts.log, onFailure: () => metrics?.outboxFailures.inc({ consumer: 'archive' }), ...opts.outbox }),
  ];
  let sweeper: NodeJS.Timeout | undefined;
  let escalator: NodeJS.Timeout | undefined;
  if (opts.background !== false) {
    await Promise.all(consumers.map((c) => c.start()));
    delivery.start();
    sweeper = setInterval(() => {
      store.sweepResolved().catch((err: unknown) => opts.log.warn({ err }, 'sweeping resolved alerts failed; next interval retries'));
    }, opts.sweepIntervalMs ?? 3_600_000);
    sweeper.unref();
    const overdue = new FailureStreak(opts.log, 'escalating overdue alerts');
    escalator = setInterval(() => {
      store.escalateOverdue().then(() => overdue.succeeded(), (err: unknown) => void overdue.failed(err));
    }, opts.escalateIntervalMs ?? 60_000);
    escalator.unref();
  }

  let closing: Promise<void> | undefined;
  return {
    store, feed, webhooks, delivery, archive, routeDeps,
    routes: (scope) => alertRoutes(scope, routeDeps),
    close() {
      closing ??= (async () => {
        clearInterval(sweeper);
        clearInterval(escalator);
        await Promise.all(consumers.map((c) => c.stop()));
        await delivery.close();
        await feed.close();
      })();
      return closing;
    },
  };
}
