import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { AggregateStore } from '../aggregates/index.js';
import type { VigilConfig } from '../config/index.js';
import { auditActor, type ApiIdentity } from '../core/identity.js';
import { VigilError } from '../core/errors.js';
import type { Logger } from '../core/observability/index.js';
import type { QueueConnections } from '../core/redis.js';
import type { ScoringModel } from '../models/index.js';
import { KNOWN_FEATURES, parseRuleSet, type RuleSet } from '../rules/index.js';
import type { RuleSetRegistry } from '../risk/ruleSetRegistry.js';
import { BacktestStore, EMPTY_PROGRESS, statusOf, type BacktestRecord, type StoredRuleSet } from './backtestStore.js';
import { replayContext } from './defaultContext.js';
import { ClickHouseHistory } from './history.js';
import type { ProfileHistory } from './profiles.js';
import { BacktestQueue } from './queue.js';
import { BacktestInterrupted, runBacktest } from './run.js';
import { instantMs, type BacktestRequest, type BacktestStatus } from './schema.js';

// Backtests as a capability: the API records a request and queues it; a processing process runs
// it (run.ts) over ClickHouse (history.ts) and stores the result (backtestStore.ts).

export class BacktestNotFoundError extends VigilError {
  constructor(id: string) {
    super('NOT_FOUND', `no backtest ${id}; results are kept for VIGIL_BACKTEST_RESULT_TTL_HOURS after they finish`, 404);
  }
}

/** The candidate does not validate (the same checks as a rule set to publish, but for its version and active rules). */
export class InvalidCandidateError extends VigilError {
  constructor(readonly errors: string[]) {
    super('INVALID_RULE_SET', errors.join('; '), 400);
  }
}

export class NoPublishedRuleSetError extends VigilError {
  constructor() {
    super('NO_PUBLISHED_RULE_SET', 'no rule set is published yet; there is nothing to backtest against', 409);
  }
}

export interface BacktestServiceOptions {
  redis: Redis;
  queues: QueueConnections;
  prefix: string;
  log: Logger;
  rules: RuleSetRegistry;
  /** The context the workers assess with: the same settings make the same features and alerts. */
  risk: VigilConfig['risk'];
  settings: VigilConfig['backtests'];
  /** Customers' profiles with their kept history, by pseudonym (profiles.ts), read when a backtest starts. */
  profiles?: () => Promise<ProfileHistory>;
  /** The live model versions the workers score with now (the model registry): a rule on model.<name> is backtested on the same scores. */
  models?: () => readonly ScoringModel[];
  /**
   * Where the history is read; only in a process that can read ClickHouse and runs backtests
   * (server/engine.ts decides which). Without it the process only queues them.
   */
  history?: AggregateStore;
}

export interface BacktestService {
  request(body: BacktestRequest, identity: ApiIdentity | undefined): Promise<BacktestStatus>;
  status(id: string): Promise<BacktestStatus>;
  store: BacktestStore;
  queue: BacktestQueue;
  close(): Promise<void>;
}

export function createBacktestService(opts: BacktestServiceOptions): BacktestService {
  const store = new BacktestStore(opts.redis, opts.prefix, opts.settings.resultTtlHours * 3600);
  const queue = new BacktestQueue({ queues: opts.queues, prefix: opts.prefix, log: opts.log });

  if (opts.history) {
    const history = new ClickHouseHistory(opts.history);
    queue.start(async (id, signal) => {
      const record = await store.update(id, (r) => ({ ...r, state: 'running', started_at: new Date().toISOString(), progress: EMPTY_PROGRESS }));
      if (!record) {
        opts.log.warn({ backtest: id }, 'backtest expired before it ran; skipped');
        return 'finished';
      }
      opts.log.info({ backtest: id, from: record.from, to: record.to, candidate: record.candidate?.version }, 'backtest started');
      // The versions live when the backtest starts, for the whole run.
      const models = opts.models?.() ?? [];
      const modelNames = models.map((model) => model.name);
      try {
        const profiles = await opts.profiles?.();
        const result = await runBacktest(
          { fromMs: Date.parse(record.from), toMs: Date.parse(record.to), published: parsed(record.published, modelNames), ...(record.candidate ? { candidate: parsed(record.candidate, modelNames) } : {}) },
          {
            history, context: (ruleSet) => ({ ...replayContext(opts.risk, ruleSet), models, ...(profiles ? { profiles } : {}) }), pageSize: opts.settings.pageEvents, signal,
            onProgress: async (progress) => void (await store.update(id, (r) => ({ ...r, progress }))),
          },
        );
        await store.update(id, (r) => ({ ...r, state: 'done', finished_at: new Date().toISOString(), result }));
        opts.log.info({ backtest: id, events: result.events_read, eventsPerSecond: result.events_per_second }, 'backtest done');
        return 'finished';
      } catch (error) {
        if (error instanceof BacktestInterrupted) {
          await store.update(id, (r) => ({ ...r, state: 'queued', progress: EMPTY_PROGRESS }));
          return 'interrupted';
        }
        opts.log.error({ err: error, backtest: id }, 'backtest failed');
        await markFailed(store, id, error instanceof Error ? error.message : String(error));
        return 'finished';
      }
    }, (id, reason) => markFailed(store, id, reason));
  }

  return {
    store,
    queue,
    async request(body, identity) {
      const requestedBy = auditActor(identity);
      const published = await opts.rules.published();
      if (!published) throw new NoPublishedRuleSetError();
      let candidate: StoredRuleSet | undefined;
      if (body.rule_set) {
        const checked = await opts.rules.validate(body.rule_set.text, body.rule_set.format);
        if (!checked.ok) throw new InvalidCandidateError(checked.errors);
        candidate = { ...body.rule_set, version: checked.ruleSet.version };
      }
      const record: BacktestRecord = {
        id: `bt_${randomBytes(12).toString('base64url')}`,
        state: 'queued',
        requested_by: requestedBy,
        requested_at: new Date().toISOString(),
        from: new Date(instantMs(body.from)).toISOString(),
        to: new Date(instantMs(body.to)).toISOString(),
        // The published set as it stands now: the result compares with what was live when asked.
        published: { version: published.version, format: published.format, text: published.text },
        ...(candidate ? { candidate } : {}),
        progress: EMPTY_PROGRESS,
      };
      await store.create(record);
      await queue.enqueue(record.id);
      opts.log.info({ backtest: record.id, requestedBy, from: record.from, to: record.to, candidate: candidate?.version }, 'backtest requested');
      return statusOf(record);
    },
    async status(id) {
      const record = await store.get(id);
      if (!record) throw new BacktestNotFoundError(id);
      return statusOf(record);
    },
    close: () => queue.close(),
  };
}

function parsed(stored: StoredRuleSet, models: readonly string[]): RuleSet {
  const result = parseRuleSet(stored.text, stored.format, KNOWN_FEATURES, models);
  if (!result.ok) throw new Error(`rule set ${stored.version} no longer parses: ${result.errors.join('; ')}`);
  return result.ruleSet;
}

async function markFailed(store: BacktestStore, id: string, reason: string): Promise<void> {
  await store.update(id, (r) => (r.state === 'done' ? r : { ...r, state: 'failed', finished_at: new Date().toISOString(), error: reason.slice(0, 500) }));
}
