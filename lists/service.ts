import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { FailureStreak } from '../core/failureStreak.js';
import type { Logger, VigilMetrics } from '../core/observability/index.js';
import { DEFAULT_LISTS_URL, parseListPack } from './defaultLists.js';
import { installListErrorHandler } from './errors.js';
import { ListRegistry } from './listRegistry.js';
import { listRoutes } from './routes.js';
import type { ApprovalService } from '../approvals/index.js';
import { ListStore } from './listStore.js';
import { snoozeRoutes } from './snoozeRoutes.js';
import { SnoozeStore } from './snoozeStore.js';

export interface ListServiceOptions {
  redis: Redis;
  prefix: string;
  partitions: number;
  log: Logger;
  metrics?: Pick<VigilMetrics, 'listEntries' | 'listReloads'>;
  pollMs: number;
  maxEntryDays: number;
  snoozeMaxDays: number;
  /** How long a customer's snooze history is kept after its last change. */
  snoozeHistoryTtlSeconds: number;
  /** Rule ids of the published set (only those can be snoozed). */
  ruleIds: () => readonly string[];
  /** Rules and campaigns that name a list (a list in use is not deleted). */
  usedBy: (name: string) => string[];
  /** Sweep expired entries out of Redis in this process (processes that run workers). */
  sweep: boolean;
  /** Four-eyes for bulk imports (VIGIL_APPROVALS). */
  approvals?: ApprovalService;
  now?: () => number;
}

export interface ListService {
  store: ListStore;
  registry: ListRegistry;
  snoozes: SnoozeStore;
  /** Creates the lists the default rule pack names, if missing; call before the pack is first published. */
  seedDefaults(actor: string): Promise<string[]>;
  routes: (scope: FastifyInstance) => Promise<void>;
  close(): void;
}

/** How often expired entries are swept out of Redis; they stop matching at their expiry regardless. */
const SWEEP_INTERVAL_MS = 60_000;

/** Builds lists and snoozes: the store, every process's in-memory copy (started), the expiry sweep and the API. */
export async function createListService(opts: ListServiceOptions): Promise<ListService> {
  const store = new ListStore({ redis: opts.redis, prefix: opts.prefix, log: opts.log, maxEntryDays: opts.maxEntryDays, usedBy: opts.usedBy, now: opts.now });
  const registry = new ListRegistry({ redis: opts.redis, prefix: opts.prefix, log: opts.log, pollMs: opts.pollMs, metrics: opts.metrics });
  const snoozes = new SnoozeStore({
    redis: opts.redis, prefix: opts.prefix, partitions: opts.partitions, ruleIds: opts.ruleIds,
    maxDays: opts.snoozeMaxDays, historyTtlSeconds: opts.snoozeHistoryTtlSeconds, now: opts.now,
  });
  await registry.start();
  let sweeper: NodeJS.Timeout | undefined;
  if (opts.sweep) {
    const trouble = new FailureStreak(opts.log, 'list expiry sweep');
    sweeper = setInterval(() => void store.sweepExpired().then((removed) => {
      trouble.succeeded();
      if (removed > 0) opts.log.info({ removed }, 'expired list entries swept');
    }, (err: unknown) => void trouble.failed(err)), SWEEP_INTERVAL_MS);
    sweeper.unref();
  }
  return {
    store, registry, snoozes,
    async seedDefaults(actor) {
      const created = await store.seed(parseListPack(readFileSync(DEFAULT_LISTS_URL, 'utf8')), actor);
      if (created.length > 0) await registry.refresh();
      return created;
    },
    routes: async (scope) => {
      installListErrorHandler(scope);
      await listRoutes(scope, { lists: store, approvals: opts.approvals });
      await snoozeRoutes(scope, { snoozes });
    },
    close() {
      clearInterval(sweeper);
      registry.stop();
    },
  };
}
