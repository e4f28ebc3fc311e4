import type { FastifyInstance } from 'fastify';
import { openAggregateStore, type AggregateStore } from '../aggregates/index.js';
import type { VigilConfig } from '../config/index.js';
import { createLogger, createMetrics, type Logger, type VigilMetrics } from '../core/observability/index.js';
import { createRedis, type Redis } from '../core/redis.js';
import { BacklogMonitor, ensureProcessorGroups } from '../core/streams/index.js';
import { EventAppender } from '../ingest/eventAppender.js';
import { ingestRoutes } from '../ingest/routes.js';
import { CustomerActivityStore } from '../processors/customerActivity.js';
import { DeadLetterQueue } from '../processors/deadLetters.js';
import type { EventStage } from '../processors/eventBatch.js';
import { processorRoutes } from '../processors/routes.js';
import { Worker } from '../processors/worker.js';
import { fileURLToPath } from 'node:url';
import { createAlertService, type AlertService } from '../alerts/index.js';
import { DEFAULT_SEGMENTATION_CONFIG } from '../customers/index.js';
import { DEFAULT_FEATURE_CONFIG, FEATURE_NAMES } from '../features/index.js';
import { RiskEffect } from '../risk/riskEffect.js';
import { customerScoreReader } from '../risk/customerScores.js';
import { riskRoutes } from '../risk/routes.js';
import { RuleSetRegistry } from '../risk/ruleSetRegistry.js';
import { DEFAULT_RULE_PACK_URL } from '../rules/index.js';
import { buildApp } from './app.js';
import { readFileSync } from 'node:fs';
import { ProfileStore, customerProfileRoutes } from '../customers/index.js';
import { createOfferService, parseCampaignSet, type CampaignSet, type OfferService } from '../offers/index.js';

export interface Engine {
  config: VigilConfig;
  app: FastifyInstance;
  worker?: Worker;
  alerts: AlertService;
  offers: OfferService;
  profiles: ProfileStore;
  rules: RuleSetRegistry;
  store: AggregateStore;
  redis: Redis;
  metrics: VigilMetrics;
  log: Logger;
  backlog: BacklogMonitor;
  /** Stops taking requests, lets in-flight ones finish, flushes workers, closes connections. */
  close(): Promise<void>;
}

export interface EngineOptions {
  logger?: Logger;
  stages?: readonly EventStage[];
  workerName?: string;
  /** Wraps the aggregate store, e.g. to inject faults in tests. */
  decorateStore?: (store: AggregateStore) => AggregateStore;
}

/**
 * Wires one Vigil process from its config: the HTTP API (ingest for the api role, health and
 * metrics always), the processor worker for the worker role, or both.
 */
export async function startEngine(config: VigilConfig, opts: EngineOptions = {}): Promise<Engine> {
  const log = opts.logger ?? createLogger(config.logLevel);
  const metrics = createMetrics();
  const redis = createRedis(config.redis.url, config.role, log);
  const opened = await openAggregateStore(config.clickhouse);
  const store = opts.decorateStore ? opts.decorateStore(opened) : opened;
  const { prefix } = config.redis;
  await ensureProcessorGroups(redis, prefix, config.partitions);

  const backlog = new BacklogMonitor(redis, { prefix, partitions: config.partitions, pollMs: config.ingest.lagPollMs }, metrics, log);
  await backlog.start();

  const serveApi = config.role !== 'worker';
  const runsWorker = config.role !== 'api';
  const alerts = await createAlertService({
    redis, redisUrl: config.redis.url, prefix, store, log, metrics,
    background: runsWorker,
    scores: customerScoreReader(redis, { prefix, partitions: config.partitions }),
    webhooks: { attempts: config.alerts.webhookAttempts },
  });
  const rules = new RuleSetRegistry({
    redis, prefix, knownFeatures: FEATURE_NAMES, log, defaultPackPath: fileURLToPath(DEFAULT_RULE_PACK_URL), pollMs: config.risk.rulesPollMs,
  });
  await rules.start({ watchFile: config.risk.rulesFile });
  const profiles = new ProfileStore(redis, { prefix, partitions: config.partitions });
  const offers = await createOfferService({
    redis, redisUrl: config.redis.url, prefix, store, profiles, log, metrics,
    fraudReview: alerts.store,
    policy: config.offers.policy,
    campaignsPollMs: config.offers.campaignsPollMs,
    initialCampaigns: config.offers.campaignsFile ? { set: readCampaignFile(config.offers.campaignsFile), source: `file:${config.offers.campaignsFile}` } : undefined,
    background: runsWorker,
    delivery: { attempts: config.offers.deliveryAttempts },
  });
  const segmentation = DEFAULT_SEGMENTATION_CONFIG;
  const risk = new RiskEffect({
    redis, alerts: alerts.store, metrics, log, stateTtlSeconds: 400 * 86_400,
    followers: [offers.follower],
    context: () => ({
      ruleSet: rules.current(),
      featureConfig: { ...DEFAULT_FEATURE_CONFIG, allowedLatenessMs: config.risk.allowedLatenessMs },
      segmentation,
      complaintSlaHours: { default: config.risk.complaintSlaHours },
    }),
  });
  const activity = new CustomerActivityStore(redis, { prefix, customerTtlSeconds: 400 * 86_400 });
  const deadLetters = new DeadLetterQueue(redis, { prefix, partitions: config.partitions });
  const app = await buildApp({
    logger: log,
    metrics,
    apiKeys: config.apiKeys,
    bodyLimitBytes: config.http.bodyLimitBytes,
    readinessChecks: {
      redis: async () => (await redis.ping()) === 'PONG',
      clickhouse: () => store.ping(),
    },
    features: serveApi
      ? [
          (scope) => ingestRoutes(scope, {
            appender: new EventAppender(redis, { prefix, partitions: config.partitions, dedupWindowSeconds: config.ingest.dedupWindowSeconds }),
            backlog, metrics, maxBatchEvents: config.http.maxBatchEvents, maxLagEvents: config.ingest.maxLagEvents,
          }),
          (scope) => processorRoutes(scope, { deadLetters, activity, partitions: config.partitions }),
          (scope) => riskRoutes(scope, { redis, prefix, partitions: config.partitions, rules, segmentation }),
          (scope) => customerProfileRoutes(scope, { profiles }),
          alerts.routes,
          offers.routes,
        ]
      : [],
  });

  let worker: Worker | undefined;
  if (runsWorker) {
    worker = new Worker({
      redis, store, metrics, log, prefix, partitions: config.partitions, processing: config.processing,
      effects: [activity, risk], deadLetters, stages: opts.stages, name: opts.workerName,
      // Applied markers must outlive any redelivery: the dedup window plus a week of recovery slack.
      appliedTtlSeconds: config.ingest.dedupWindowSeconds + 7 * 86_400,
    });
    await worker.start();
  }

  let closing: Promise<void> | undefined;
  return {
    config, app, worker, alerts, offers, profiles, rules, store, redis, metrics, log, backlog,
    close() {
      closing ??= (async () => {
        await app.close();
        await worker?.stop();
        await offers.close();
        await alerts.close();
        rules.stop();
        backlog.stop();
        await store.close();
        await redis.quit();
      })();
      return closing;
    },
  };
}

/** Campaigns from a YAML or JSON file; an invalid file stops start-up with every problem listed. */
function readCampaignFile(path: string): CampaignSet {
  const parsed = parseCampaignSet(readFileSync(path, 'utf8'), /\.json$/i.test(path) ? 'json' : 'yaml');
  if (!parsed.ok) throw new Error(`campaign file ${path} is invalid:\n  ${parsed.errors.join('\n  ')}`);
  return parsed.campaignSet;
}
