import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { parse as parseYaml } from 'yaml';
import { DEFAULT_RULE_PACK_URL } from '../../rules/index.js';
import { loadConfig, type VigilConfig } from '../../config/index.js';
import { OutboundPolicy } from '../../core/net/index.js';
import { createLogger, createMetrics } from '../../core/observability/index.js';
import type { AppOptions } from '../../server/app.js';
import { startEngine, type Engine, type EngineOptions } from '../../server/engine.js';
import { deleteKeysMatching } from '../../core/redis.js';
import { TABLES, type AggregateStore } from '../../aggregates/index.js';
import { loadPseudonymKey, pseudonymiser, type Pseudonymise } from '../../core/privacy/index.js';

/** The version of the rule pack an engine starts with, so tests do not restate (and go stale on) it. */
export const DEFAULT_PACK_VERSION: string = String(parseYaml(readFileSync(DEFAULT_RULE_PACK_URL, 'utf8')).version);

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const INGEST_KEY = 'test-ingest-key-0123456789';
export const ADMIN_KEY = 'test-admin-key-0123456789';
export const RISK_KEY = 'test-risk-key-0123456789';
export const SRE_KEY = 'test-sre-key-0123456789';
export const MARKETING_KEY = 'test-marketing-key-0123456789';
export const RISK_ADMIN_KEY = 'test-risk-admin-key-0123456789';

/**
 * Who holds each test key: audit records name them as `<role>:<name>` (e.g. `risk:officer.jones`).
 * The ingest key keeps the older `key:role` form, so that form stays covered.
 */
export const TEST_API_KEYS = [
  `${INGEST_KEY}:ingest`,
  `platform-admin:${ADMIN_KEY}:admin`,
  `officer.jones:${RISK_KEY}:risk`,
  `head.of.fraud:${RISK_ADMIN_KEY}:risk-admin`,
  `sre-oncall:${SRE_KEY}:sre`,
  `anna.marketing:${MARKETING_KEY}:marketing`,
].join(',');

/** A key prefix no other test uses, so tests share the machine's Redis without seeing each other. */
export function uniquePrefix(name: string): string {
  return `t${name.replace(/[^a-z0-9]/gi, '').slice(0, 12)}${randomBytes(4).toString('hex')}`;
}

// chdb binds one data directory per process (each test file is its own fork), so every engine a
// file starts shares this one; tests tell their rows apart by customer ids of their own.
const processDataDir = mkdtempSync(join(tmpdir(), 'vigil-test-'));
process.on('exit', () => rmSync(processDataDir, { recursive: true, force: true }));

export function testConfig(overrides: Record<string, string> = {}): VigilConfig {
  return loadConfig({
    REDIS_URL,
    VIGIL_REDIS_PREFIX: uniquePrefix('vigil'),
    VIGIL_DATA_DIR: processDataDir,
    VIGIL_PARTITIONS: '4',
    VIGIL_API_KEYS: TEST_API_KEYS,
    LOG_LEVEL: 'silent',
    VIGIL_READ_BLOCK_MS: '50',
    VIGIL_FLUSH_INTERVAL_MS: '50',
    VIGIL_LAG_POLL_MS: '50',
    VIGIL_LEASE_MS: '1000',
    VIGIL_CLAIM_IDLE_MS: '200',
    VIGIL_TRIM_INTERVAL_MS: '200',
    // The receivers standing in for bank systems listen on loopback over http; the bank hosts the
    // API tests name (*.bank.example) never resolve, so they are allowed by name.
    VIGIL_OUTBOUND_ALLOW: '127.0.0.1,*.bank.example',
    // Changes apply at once, as API clients made them before four-eyes; approval tests turn it on.
    VIGIL_APPROVALS: 'none',
    ...overrides,
  });
}

/** The outbound policy of testConfig(): loopback receivers allowed, everything else as in production. */
export function testOutbound(): OutboundPolicy {
  return new OutboundPolicy(testConfig().outbound.allow);
}

/**
 * buildApp options as the engine derives them from testConfig() (named keys, limits, docs behind a
 * key), for tests that mount one capability's routes on the real app shell.
 */
export function testAppOptions(features: AppOptions['features'], overrides: Partial<AppOptions> & { env?: Record<string, string> } = {}): AppOptions {
  const { env, ...rest } = overrides;
  const config = testConfig(env);
  return {
    logger: createLogger('silent'), metrics: createMetrics({ defaultMetrics: false }), apiKeys: config.apiKeys,
    http: config.http, publicDocs: config.operations.publicDocs, readinessChecks: {}, features, ...rest,
  };
}

/** Deletes every key under a prefix (the test's own). */
export async function dropPrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  await deleteKeysMatching(redis, `${prefix}*`);
  redis.disconnect();
}

export async function startTestEngine(config: VigilConfig, opts: EngineOptions = {}): Promise<Engine & { dispose(): Promise<void> }> {
  const engine = await startEngine(config, { logger: createLogger('silent'), ...opts });
  return Object.assign(engine, {
    async dispose() {
      await engine.close();
      await dropPrefix(config.redis.prefix);
    },
  });
}

/**
 * Polls until the check's value is accepted and returns it; throws when the deadline passes, with
 * the last value seen, so a wait that never comes true fails the test instead of passing quietly.
 */
export async function eventually<T>(check: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (accept(value)) return value;
    if (Date.now() >= deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${describe(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function describe(value: unknown): string {
  try {
    const text = typeof value === 'object' && value !== null && 'json' in value && typeof value.json === 'function'
      ? JSON.stringify(value.json())
      : JSON.stringify(value);
    return (text ?? String(value)).slice(0, 500);
  } catch {
    return String(value).slice(0, 500);
  }
}

/**
 * The pseudonymiser the engines of this test file use: they share the process's data dir, hence
 * its key file. ClickHouse holds customers by pseudonym, so tests look their rows up through it.
 */
export function testPseudonymise(config: VigilConfig = testConfig()): Pseudonymise {
  return pseudonymiser(loadPseudonymKey(config.privacy.pseudonymKey));
}

/** Rows in the events table of these customers. */
export async function storedEventsOf(store: AggregateStore, customers: readonly string[], config?: VigilConfig): Promise<number> {
  const pseudonymise = testPseudonymise(config);
  const [row] = await store.query<{ n: number }>(
    `SELECT count() AS n FROM ${store.database}.${TABLES.events} WHERE customer_id IN {ids:Array(String)}`,
    { ids: customers.map((id) => pseudonymise(id)) },
  );
  return row?.n ?? 0;
}

/** `<prefix>0` … `<prefix><n-1>`: the customer ids tests make with `${prefix}${i % n}`. */
export function numberedIds(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${i}`);
}
