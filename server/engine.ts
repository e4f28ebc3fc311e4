import type { FastifyInstance } from 'fastify';
import { applyRetention, drainArchiveRelay, openAggregateStore, pseudonymisingStore, RelayedAggregateStore, type AggregateStore } from '../aggregates/index.js';
import type { VigilConfig } from '../config/index.js';
import { createLogger, createMetrics, type Logger, type VigilMetrics } from '../core/observability/index.js';
import { createRedis, QueueConnections, redisIsUp, redisReady, type Redis } from '../core/redis.js';
import { BacklogMonitor, ensureProcessorGroups } from '../core/streams/index.js';
import { EventAppender } from '../ingest/eventAppender.js';
import { ingestRoutes } from '../ingest/routes.js';
import { InlineDecider, decisionRoutes } from '../decisions/index.js';
import { CustomerActivityStore } from '../processors/customerActivity.js';
import { DeadLetterQueue } from '../processors/deadLetters.js';
import type { EventStage } from '../processors/eventBatch.js';
import { processorRoutes } from '../processors/routes.js';
import { Worker } from '../processors/worker.js';
import { fileURLToPath } from 'node:url';
import { createAlertMetrics, createAlertService, type AlertService } from '../alerts/index.js';
import { DEFAULT_SEGMENTATION_CONFIG } from '../customers/index.js';
import { DEFAULT_FEATURE_CONFIG, FEATURE_NAMES } from '../features/index.js';
import { RiskEffect } from '../risk/riskEffect.js';
import { customerScoreReader } from '../risk/customerScores.js';
import { riskRoutes } from '../risk/routes.js';
import { RuleSetRegistry } from '../risk/ruleSetRegistry.js';
import { historyExportRoutes, ModelFileError, ModelRegistry, modelRoutes, readModelFiles, shadowModelProblem } from '../models/index.js';
import { ChallengerRegistry } from '../risk/challengerRegistry.js';
import { challengerRoutes } from '../risk/challengerRoutes.js';
import { DEFAULT_RULE_PACK_URL } from '../rules/index.js';
import { buildApp, type AppOptions } from './app.js';
import { startMetricsListener, type MetricsListener } from './metricsListener.js';
import { OutboundPolicy } from '../core/net/index.js';
import { readFileSync } from 'node:fs';
import { ProfileStore, customerProfileRoutes } from '../customers/index.js';
import { createOfferService, parseCampaignSet, type CampaignSet, type OfferService } from '../offers/index.js';
import { loadPseudonymKey, pseudonymiser, type Pseudonymise } from '../core/privacy/index.js';
import { CustomerPrivacy, ErasureAudit, customerDataHolders, privacyRoutes } from '../privacy/index.js';
import { createListService, type ListService } from '../lists/index.js';
import { ApprovalService, ApprovalStore, approvalRoutes } from '../approvals/index.js';
import { identityRoutes, LocalDirectory, OidcSignIn, RedisSessionStore } from '../identity/index.js';
import { registerApprovalAppliers } from './approvalAppliers.js';
import { CONSOLE_DIST, consoleReadRoutes, consoleStatic, opsHealthRoutes } from '../console/server/index.js';
import { backtestRoutes, createBacktestService, profileTimeline, type BacktestService } from '../backtest/index.js';
import { RulePerformanceGauges, rulePerformanceRoutes } from '../alerts/performance/index.js';

export interface Engine {
  config: VigilConfig;
  app: FastifyInstance;
  worker?: Worker;
  alerts: AlertService;
  offers: OfferService;
  profiles: ProfileStore;
  rules: RuleSetRegistry;
  /** Model versions (live, shadow, history) in Redis, and the ones this process scores with. */
  models: ModelRegistry;
  /** The challenger rule set: evaluated on live events beside the published one, raises nothing. */
  challenger: ChallengerRegistry;
  /** Allow, block and watch lists (store, this process's copy) and snoozes. */
  lists: ListService;
  /** ClickHouse through the pseudonymising gate: rows naming a customer are written by pseudonym. */
  store: AggregateStore;
  /** The keyed hash that stands for customer ids in ClickHouse (and in the erasure audit). */
  pseudonymise: Pseudonymise;
  /** Subject access and erasure over every capability's customer data. */
  privacy: CustomerPrivacy;
  redis: Redis;
  metrics: VigilMetrics;
  log: Logger;
  backlog: BacklogMonitor;
  /** Where alert webhooks and offer channels may be sent (VIGIL_OUTBOUND_ALLOW). */
  outbound: OutboundPolicy;
  /** Four-eyes: proposals of changes that need a second person's approval. */
  approvals: ApprovalService;
  /** Backtests of rule sets over the stored events (queued here; run where `runsBacktests`). */
  backtests: BacktestService;
  /** The key-less /metrics listener, when VIGIL_METRICS_PORT is set. */
  metricsListener?: MetricsListener;
  /** Stops taking requests, lets in-flight ones finish, flushes workers, closes connections. */
  close(): Promise<void>;
}

export interface EngineOptions {
  logger?: Logger;
  stages?: readonly EventStage[];
  workerName?: string;
  /** Wraps the aggregate store, e.g. to inject faults in tests. */
  decorateStore?: (store: AggregateStore) => AggregateStore;
  /** Told of every HTTP route as it is registered. */
  onRoute?: AppOptions['onRoute'];
}

/**
 * Wires one Vigil process from its config: the HTTP API (ingest for the api role, health and
 * metrics always), the processor worker for the worker role, or both.
 */
export async function startEngine(config: VigilConfig, opts: EngineOptions = {}): Promise<Engine> {
  const log = opts.logger ?? createLogger(config.logLevel);
  // Read and checked before anything connects: a model file that cannot be scored faithfully stops
  // the start. The files only seed the model registry (a model's first start); from then on every
  // process scores with the registry's live and shadow versions and follows their changes.
  const modelFiles = await readModelFiles(config.risk.modelFiles);
  const shadowFiles = await readModelFiles(config.risk.shadowModelFiles);
  const shadowProblem = shadowModelProblem(modelFiles.map((f) => f.model), shadowFiles.map((f) => f.model));
  if (shadowProblem) throw new ModelFileError(shadowProblem);
  const oversized = [...modelFiles, ...shadowFiles].find((f) => f.bytes.length > config.risk.modelMaxBytes);
  if (oversized) throw new ModelFileError(`${oversized.source}: ${oversized.bytes.length} bytes, more than VIGIL_MODEL_MAX_BYTES (${config.risk.modelMaxBytes})`);
  const metrics = createMetrics();
  const redis = createRedis(config.redis, config.role, log, { failFast: true });
  const queues = new QueueConnections(config.redis);
  await redisReady(redis);
  const { prefix } = config.redis;
  const DAY_SECONDS = 86_400;
  const pseudonymise = pseudonymiser(loadPseudonymKey(config.privacy.pseudonymKey));
  // The embedded ClickHouse belongs to one process per data directory: the one serving the API.
  // Workers started beside it hand their rows over through Redis (aggregates/archiveRelay.ts)
  // as they are; the owner pseudonymises them on the way in, like its own.
  const relaysRows = config.clickhouse.kind === 'embedded' && config.role === 'worker';
  let store: AggregateStore;
  let relayDrain: ReturnType<typeof drainArchiveRelay> | undefined;
  if (relaysRows) {
    const relayed = new RelayedAggregateStore(redis, config.clickhouse.database, prefix);
    store = opts.decorateStore ? opts.decorateStore(relayed) : relayed;
  } else {
    const opened = await openAggregateStore(config.clickhouse);
    const retention = await applyRetention(opened, config.retention.clickhouseDays);
    if (retention.length > 0) log.info({ changes: retention }, 'ClickHouse retention changed to the configured days');
    const gated = pseudonymisingStore(opened, { pseudonymise, rawIdentifiers: config.privacy.rawIdentifiers });
    store = opts.decorateStore ? opts.decorateStore(gated) : gated;
    relayDrain = drainArchiveRelay({ redis, prefix, store, log, claimIdleMs: config.processing.claimIdleMs });
    await relayDrain.start();
  }
  await ensureProcessorGroups(redis, prefix, config.partitions);

  const backlog = new BacklogMonitor(redis, { prefix, partitions: config.partitions, pollMs: config.ingest.lagPollMs }, metrics, log);
  await backlog.start();

  const outbound = new OutboundPolicy(config.outbound.allow);
  const approvals = new ApprovalService({ store: new ApprovalStore(redis, prefix), required: config.approvals.required, ttlHours: config.approvals.ttlHours, log });
  const serveApi = config.role !== 'worker';
  const runsWorker = config.role !== 'api';
  const alerts = await createAlertService({
    redis, queues, prefix, store, log, metrics,
    background: runsWorker,
    outbound,
    scores: customerScoreReader(redis, { prefix, partitions: config.partitions }),
    webhooks: { attempts: config.alerts.webhookAttempts },
    // A dead worker's outbox entries are taken over as soon as its partitions are.
    outbox: { claimIdleMs: config.processing.claimIdleMs },
    // Complaint deadlines are watched as often as quiet customers are reviewed.
    escalateIntervalMs: config.processing.sweepIntervalMs,
    alerts: { resolvedRetentionSeconds: config.retention.resolvedAlertsDays * DAY_SECONDS },
  });
  const models: ModelRegistry = new ModelRegistry({
    redis, prefix, log, pollMs: config.risk.modelsPollMs, maxBytes: config.risk.modelMaxBytes,
    rulesReading: (name): Promise<string[]> => rules.rulesReadingModel(name),
  });
  // Before the rules: the published set may read a model only the files bring on a first start.
  await models.seed({ live: modelFiles, shadow: shadowFiles });
  await models.start();
  const rules: RuleSetRegistry = new RuleSetRegistry({
    redis, prefix, knownFeatures: FEATURE_NAMES, liveModels: (): Promise<string[]> => models.liveNames(), log,
    defaultPackPath: fileURLToPath(DEFAULT_RULE_PACK_URL), pollMs: config.risk.rulesPollMs,
    knownLists: () => lists.store.catalogue(),
  });
  // Campaigns are built after the lists; a list is deleted only through the API, once both exist.
  let campaignsUsingList: (name: string) => string[] = () => [];
  const lists = await createListService({
    redis, prefix, partitions: config.partitions, log, metrics,
    pollMs: config.risk.listsPollMs, maxEntryDays: config.risk.listEntryMaxDays, snoozeMaxDays: config.risk.snoozeMaxDays,
    snoozeHistoryTtlSeconds: config.retention.customerStateDays * DAY_SECONDS,
    ruleIds: () => rules.current().rules.map((rule) => rule.id),
    usedBy: (name) => [...rules.rulesUsingList(name).map((id) => `rule ${id}`), ...campaignsUsingList(name).map((id) => `campaign ${id}`)],
    sweep: runsWorker,
    approvals,
  });
  // The default pack names lists; they are created with it, once, so it can be published.
  if (!(await rules.published())) await lists.seedDefaults('system:default-pack');
  await rules.start({ watchFile: config.risk.rulesFile, allowNoLiveRules: config.risk.rulesAllowEmpty });
  const challenger = new ChallengerRegistry({
    redis, prefix, log, pollMs: config.risk.rulesPollMs, rules, knownFeatures: FEATURE_NAMES, liveModels: (): Promise<string[]> => models.liveNames(),
  });
  await challenger.start();
  const profiles = new ProfileStore(redis, {
    prefix, partitions: config.partitions,
    ...(config.retention.profileDays ? { ttlSeconds: config.retention.profileDays * DAY_SECONDS } : {}),
  });
  const offers = await createOfferService({
    redis, queues, prefix, store, profiles, log, metrics,
    fraudReview: alerts.store,
    policy: config.offers.policy,
    clock: config.offers.clock,
    campaignsPollMs: config.offers.campaignsPollMs,
    knownLists: () => lists.store.catalogue(),
    initialCampaigns: config.offers.campaignsFile ? { set: readCampaignFile(config.offers.campaignsFile), source: `file:${config.offers.campaignsFile}` } : undefined,
    background: runsWorker,
    outbound,
    delivery: { attempts: config.offers.deliveryAttempts },
    archive: { claimIdleMs: config.processing.claimIdleMs },
    decisionRecordTtlSeconds: config.retention.offerRecordsDays * DAY_SECONDS,
    approvals,
  });
  registerApprovalAppliers(approvals, { rules, campaigns: offers.campaigns, lists: lists.store, models });
  campaignsUsingList = (name) => offers.campaigns.campaignsUsingList(name);
  // Backtests are jobs for worker processes, one at a time each, off the API's requests. But they
  // read ClickHouse, and a worker beside an embedded ClickHouse cannot (the API process owns the
  // directory; worker rows go through the relay): there the owner runs them instead.
  const runsBacktests = !relaysRows && (runsWorker || config.clickhouse.kind === 'embedded');
  const backtests = createBacktestService({
    redis, queues, prefix, log, rules, risk: config.risk, settings: config.backtests, models: () => models.live(),
    profiles: () => profileTimeline(profiles, pseudonymise),
    ...(runsBacktests ? { history: store } : {}),
  });
  const segmentation = DEFAULT_SEGMENTATION_CONFIG;
  // What every assessment reads at its moment: the current rule set (reloads apply at once).
  const riskContext = () => ({
    ruleSet: rules.current(),
    featureConfig: { ...DEFAULT_FEATURE_CONFIG, allowedLatenessMs: config.risk.allowedLatenessMs },
    segmentation,
    complaintSlaHours: { default: config.risk.complaintSlaHours, privacy: config.risk.privacyComplaintSlaHours },
    // One read per batch: a promotion or rollback takes effect between batches, never inside one.
    models: models.live(),
    shadowModels: models.shadows(),
  });
  const listsAt = (nowMs: number) => lists.registry.at(nowMs);
  const risk = new RiskEffect({
    redis, alerts: alerts.store, metrics, log, stateTtlSeconds: config.retention.customerStateDays * DAY_SECONDS,
    followers: [offers.follower], lists: listsAt, context: riskContext, challenger: () => challenger.current(),
  });
  const appender = new EventAppender(redis, { prefix, partitions: config.partitions, dedupWindowSeconds: config.ingest.dedupWindowSeconds });
  const activity = new CustomerActivityStore(redis, { prefix, customerTtlSeconds: config.retention.customerStateDays * DAY_SECONDS });
  const audit = new ErasureAudit(redis, `${prefix}:privacy:erasures`);
  const privacy = new CustomerPrivacy({
    holders: customerDataHolders({ redis, prefix, partitions: config.partitions, profiles, activity, alerts, offers, lists, store, pseudonymise }),
    audit, pseudonymise, log,
  });
  const deadLetters = new DeadLetterQueue(redis, { prefix, partitions: config.partitions });
  const { users } = config;
  const local = new LocalDirectory(users.local);
  const oidc = users.oidc ? new OidcSignIn(users.oidc) : undefined;
  const sessionTtlSeconds = users.sessionTtlMinutes * 60;
  const app = await buildApp({
    logger: log,
    metrics,
    apiKeys: config.apiKeys,
    http: config.http,
    publicDocs: config.operations.publicDocs,
    ...(users.sessionSecret && (local.enabled || oidc) && {
      sessions: { secret: users.sessionSecret, ttlMinutes: users.sessionTtlMinutes, secure: users.cookieSecure, store: new RedisSessionStore(redis, prefix, sessionTtlSeconds) },
    }),
    redisUp: () => redisIsUp(redis),
    onRoute: opts.onRoute,
    readinessChecks: {
      redis: async () => redisIsUp(redis) && (await redis.ping()) === 'PONG',
      clickhouse: () => store.ping(),
    },
    features: serveApi
      ? [
          (scope) => ingestRoutes(scope, {
            appender, backlog, metrics, maxBatchEvents: config.http.maxBatchEvents, maxLagEvents: config.ingest.maxLagEvents,
            maxEventAgeDays: config.ingest.maxEventAgeDays, dedupWindowSeconds: config.ingest.dedupWindowSeconds,
          }),
          (scope) => decisionRoutes(scope, {
            decider: new InlineDecider({ redis, prefix, partitions: config.partitions, dedupWindowSeconds: config.ingest.dedupWindowSeconds, appender, context: riskContext, lists: listsAt, settings: config.decisions, metrics, log }),
            maxEventAgeDays: config.ingest.maxEventAgeDays,
          }),
          (scope) => processorRoutes(scope, { deadLetters, activity, partitions: config.partitions }),
          (scope) => riskRoutes(scope, { redis, prefix, partitions: config.partitions, rules, segmentation, approvals }),
          (scope) => modelRoutes(scope, { models, approvals, maxBytes: config.risk.modelMaxBytes }),
          (scope) => historyExportRoutes(scope, { store, redis, prefix, pageEvents: config.backtests.pageEvents }),
          (scope) => backtestRoutes(scope, { backtests }),
          (scope) => rulePerformanceRoutes(scope, { store, maxAlerts: config.rulePerformance.maxAlerts }),
          (scope) => challengerRoutes(scope, { challenger, store, redis, prefix, partitions: config.partitions }),
          (scope) => approvalRoutes(scope, { approvals }),
          (scope) => identityRoutes(scope, { local, oidc, sessions: scope.sessionAuth, sessionTtlMinutes: users.sessionTtlMinutes, consolePath: '/console/' }),
          (scope) => customerProfileRoutes(scope, { profiles }),
          alerts.routes,
          offers.routes,
          lists.routes,
          (scope) => privacyRoutes(scope, { privacy, audit, pseudonymise }),
          (scope) => consoleReadRoutes(scope, { store, pseudonymise }),
          (scope) => opsHealthRoutes(scope, {
            backlog, deadLetters, rules, campaigns: offers.campaigns, approvals, grafanaUrl: config.grafanaUrl,
            queues: { 'offer delivery': offers.delivery.queue, 'alert webhooks': alerts.delivery.queue },
          }),
          (scope) => consoleStatic(scope, { root: CONSOLE_DIST }),
        ]
      : [],
  });

  // Rule performance gauges: computed where ClickHouse can be read, beside the API that serves the same figures.
  const performanceGauges = serveApi
    ? new RulePerformanceGauges({ store, metrics: createAlertMetrics(metrics.registry), log, ...config.rulePerformance })
    : undefined;
  performanceGauges?.start();

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

  const metricsListener = config.operations.metricsListener
    ? await startMetricsListener({ ...config.operations.metricsListener, registry: metrics.registry, timeoutMs: config.http.headersTimeoutMs })
    : undefined;

  let closing: Promise<void> | undefined;
  return {
    config, app, worker, alerts, offers, profiles, rules, models, challenger, lists, store, pseudonymise, privacy, redis, metrics, log, backlog, outbound, metricsListener, approvals, backtests,
    close() {
      closing ??= (async () => {
        await metricsListener?.close();
        await app.close();
        await worker?.stop();
        await backtests.close();
        await offers.close();
        await alerts.close();
        await queues.close();
        await outbound.close();
        rules.stop();
        models.stop();
        challenger.stop();
        lists.close();
        backlog.stop();
        await performanceGauges?.stop();
        await relayDrain?.stop();
        await store.close();
        // During an outage QUIT cannot be sent; the connection is dropped instead.
        await redis.quit().catch(() => redis.disconnect());
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
