import { randomBytes } from 'node:crypto';

import type { OfferPolicy } from '../offers/decide/policy.js';
import { envSchema, type ApiRole } from './schema.js';

export interface VigilConfig {
  http: { host: string; port: number; bodyLimitBytes: number; maxBatchEvents: number };
  logLevel: string;
  role: 'all' | 'api' | 'worker';
  redis: { url: string; prefix: string };
  clickhouse:
    | { kind: 'embedded'; dataDir: string; database: string }
    | { kind: 'server'; url: string; user: string; password: string; database: string };
  partitions: number;
  /** API key → role. `generatedKeys` is set when keys were made up for the demo and must be printed once. */
  apiKeys: Map<string, ApiRole>;
  generatedKeys: boolean;
  ingest: {
    dedupWindowSeconds: number;
    maxLagEvents: number;
    lagPollMs: number;
    /** Events whose occurred_at is older than this are refused at ingest. */
    maxEventAgeDays: number;
  };
  processing: {
    readCount: number;
    readBlockMs: number;
    claimIdleMs: number;
    maxAttempts: number;
    leaseMs: number;
    flushRows: number;
    flushIntervalMs: number;
    maxBufferedEvents: number;
    trimIntervalMs: number;
  };
  risk: {
    /** A rule file to load and watch; unset → the published set in Redis, or the default pack. */
    rulesFile?: string;
    rulesPollMs: number;
    /** The rules file may hold no active rule (switching detection off). */
    rulesAllowEmpty: boolean;
    allowedLatenessMs: number;
    complaintSlaHours: number;
  };
  alerts: { webhookAttempts: number };
  offers: {
    /** Campaigns to seed at start: missing ones are created, existing ones left as the API made them. */
    campaignsFile?: string;
    campaignsPollMs: number;
    policy: OfferPolicy;
    deliveryAttempts: number;
  };
  shutdownGraceMs: number;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Builds the config from environment variables; a bad value throws a ConfigError naming it. */
export function loadConfig(env: Record<string, string | undefined>, opts: { allowGeneratedKeys?: boolean } = {}): VigilConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  let apiKeys = e.VIGIL_API_KEYS;
  const generatedKeys = apiKeys === undefined;
  if (!apiKeys) {
    if (!opts.allowGeneratedKeys) throw new ConfigError('invalid configuration:\n  VIGIL_API_KEYS: required (comma-separated key:role pairs)');
    apiKeys = generateApiKeys();
  }
  return {
    http: { host: e.HOST, port: e.PORT, bodyLimitBytes: e.VIGIL_BODY_LIMIT_BYTES, maxBatchEvents: e.VIGIL_MAX_BATCH_EVENTS },
    logLevel: e.LOG_LEVEL,
    role: e.VIGIL_ROLE,
    redis: { url: e.REDIS_URL, prefix: e.VIGIL_REDIS_PREFIX },
    clickhouse: e.CLICKHOUSE_URL
      ? { kind: 'server', url: e.CLICKHOUSE_URL, user: e.CLICKHOUSE_USER, password: e.CLICKHOUSE_PASSWORD, database: e.CLICKHOUSE_DATABASE }
      : { kind: 'embedded', dataDir: e.VIGIL_DATA_DIR, database: e.CLICKHOUSE_DATABASE },
    partitions: e.VIGIL_PARTITIONS,
    apiKeys,
    generatedKeys,
    ingest: {
      dedupWindowSeconds: e.VIGIL_DEDUP_WINDOW_SECONDS,
      maxLagEvents: e.VIGIL_MAX_LAG_EVENTS,
      lagPollMs: e.VIGIL_LAG_POLL_MS,
      maxEventAgeDays: e.VIGIL_MAX_EVENT_AGE_DAYS,
    },
    processing: {
      readCount: e.VIGIL_READ_COUNT,
      readBlockMs: e.VIGIL_READ_BLOCK_MS,
      claimIdleMs: e.VIGIL_CLAIM_IDLE_MS,
      maxAttempts: e.VIGIL_MAX_ATTEMPTS,
      leaseMs: e.VIGIL_LEASE_MS,
      flushRows: e.VIGIL_FLUSH_ROWS,
      flushIntervalMs: e.VIGIL_FLUSH_INTERVAL_MS,
      maxBufferedEvents: e.VIGIL_MAX_BUFFERED_EVENTS,
      trimIntervalMs: e.VIGIL_TRIM_INTERVAL_MS,
    },
    risk: {
      rulesFile: e.VIGIL_RULES_FILE,
      rulesPollMs: e.VIGIL_RULES_POLL_MS,
      rulesAllowEmpty: e.VIGIL_RULES_ALLOW_EMPTY,
      allowedLatenessMs: e.VIGIL_ALLOWED_LATENESS_MS,
      complaintSlaHours: e.VIGIL_COMPLAINT_SLA_HOURS,
    },
    alerts: { webhookAttempts: e.VIGIL_WEBHOOK_ATTEMPTS },
    offers: {
      campaignsFile: e.VIGIL_CAMPAIGNS_FILE,
      campaignsPollMs: e.VIGIL_CAMPAIGNS_POLL_MS,
      policy: e.VIGIL_OFFER_POLICY,
      deliveryAttempts: e.VIGIL_OFFER_DELIVERY_ATTEMPTS,
    },
    shutdownGraceMs: e.VIGIL_SHUTDOWN_GRACE_MS,
  };
}

function generateApiKeys(): Map<string, ApiRole> {
  const roles: ApiRole[] = ['admin', 'ingest', 'risk', 'marketing', 'sre'];
  return new Map(roles.map((role) => [`${role}_${randomBytes(18).toString('base64url')}`, role]));
}

