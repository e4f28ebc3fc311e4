import { QueueConnections } from '../../core/redis.js';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { openAggregateStore, type AggregateStore } from '../../aggregates/index.js';
import { createLogger, createMetrics, type VigilMetrics } from '../../core/observability/index.js';
import { buildApp } from '../../server/app.js';
import { alertDedupKey, createAlertService, type AlertService, type AlertServiceOptions, type NewAlert } from '../../alerts/index.js';
import { deleteKeysMatching } from '../../core/redis.js';
import { testAppOptions, testOutbound } from '../support/testEngine.js';
import { customerScoreReader } from '../../risk/customerScores.js';

/** Partitions the harness's score reader assumes, as deployed by default. */
export const PARTITIONS = 8;

// The alerts capability on its own: a real Redis under a key prefix of its own per test, the real
// embedded ClickHouse (one data directory per test file, as chdb binds one per process), and the
// real fastify app shell with the alert routes as its only feature. The engine wiring is left to
// server/engine.ts; nothing here mocks our infrastructure.

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export { ADMIN_KEY, MARKETING_KEY, RISK_ADMIN_KEY, RISK_KEY } from '../support/testEngine.js';
export const auth = (key: string) => ({ authorization: `Bearer ${key}` });

export function uniquePrefix(): string {
  return `talerts${randomBytes(4).toString('hex')}`;
}

/** Deletes every key under the test's prefix. */
export async function dropPrefix(redis: Redis, prefix: string): Promise<void> {
  await deleteKeysMatching(redis, `${prefix}*`);
}

/** One ClickHouse per test file; close it in afterAll. */
export async function openTestAggregates(): Promise<{ store: AggregateStore; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-alerts-'));
  const store = await openAggregateStore({ kind: 'embedded', dataDir: dir, database: 'vigil_alerts' });
  return { store, close: async () => { await store.close(); rmSync(dir, { recursive: true, force: true }); } };
}

export interface AlertHarness {
  prefix: string;
  redis: Redis;
  service: AlertService;
  app: FastifyInstance;
  metrics: VigilMetrics;
  dispose(): Promise<void>;
}

export async function startAlertHarness(
  aggregates: AggregateStore,
  overrides: Partial<Omit<AlertServiceOptions, 'redis' | 'queues' | 'prefix' | 'store' | 'log' | 'outbound' | 'scores'>> = {},
  /** Settings for the app shell, as environment variables (timeouts, limits). */
  appEnv: Record<string, string> = {},
): Promise<AlertHarness> {
  const prefix = uniquePrefix();
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 3 });
  const log = createLogger('silent');
  const metrics = createMetrics({ defaultMetrics: false });
  const outbound = testOutbound();
  const service = await createAlertService({
    redis, queues: new QueueConnections({ url: REDIS_URL }), prefix, store: aggregates, log, metrics, outbound,
    outbox: { blockMs: 100, retryDelayMs: 50 },
    scores: customerScoreReader(redis, { prefix, partitions: PARTITIONS, now: overrides.now }),
    ...overrides,
  });
  // The same named keys as the engine tests (officer.jones holds the risk key, and so on).
  const app = await buildApp(testAppOptions([service.routes], { logger: log, metrics, env: appEnv }));
  return {
    prefix, redis, service, app, metrics,
    async dispose() {
      await app.close();
      await service.close();
      await outbound.close();
      await dropPrefix(redis, prefix);
      await redis.quit();
    },
  };
}

let eventCounter = 0;

/** A fraud alert raised by one fresh event; fields can be overridden. */
export function fraudAlert(overrides: Partial<NewAlert> = {}): NewAlert {
  eventCounter++;
  const eventId = `evt-${process.pid}-${Date.now()}-${eventCounter}`;
  const type = overrides.type ?? 'fraud';
  return {
    customerId: 'cust-1',
    type,
    severity: 'high',
    score: 0.91,
    ruleIds: ['velocity.card.5m'],
    reasons: [{ ruleId: 'velocity.card.5m', text: '7 card payments in 5 minutes', field: 'card_payments_5m', actual: 7, threshold: 5 }],
    triggeringEvents: [{ eventId, type: 'card_payment', occurredAt: new Date().toISOString() }],
    ruleSetVersion: 'rules-2026.11.1',
    dedupKey: alertDedupKey(type, overrides.customerId ?? 'cust-1', eventId),
    ...overrides,
  };
}

export { eventually } from '../support/testEngine.js';
