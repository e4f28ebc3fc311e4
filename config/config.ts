import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

import type { OutboundAllowList } from '../core/net/targetPolicy.js';
import type { OfferPolicy } from '../offers/decide/policy.js';
import type { OfferClock } from '../offers/decide/offerClock.js';
import { envSchema, type ApiIdentity, type ApiRole } from './schema.js';
import type { ApprovalAction } from '../approvals/policy.js';
import type { LocalUser } from '../identity/settings.js';

export interface VigilConfig {
  http: HttpSettings;
  logLevel: string;
  role: 'all' | 'api' | 'worker';
  /** Redis 7: one server at `url`, or a Redis Cluster found through `clusterNodes` (then `url` is unused). */
  redis: { url: string; prefix: string; clusterNodes?: { host: string; port: number }[] };
  clickhouse:
    | { kind: 'embedded'; dataDir: string; database: string; /** Absent (tests): the engine's own defaults. */ limits?: EmbeddedEngineLimits }
    | { kind: 'server'; url: string; user: string; password: string; database: string };
  partitions: number;
  /** API key → who holds it (name, role). `generatedKeys` is set when keys were made up for the demo and must be printed once. */
  apiKeys: Map<string, ApiIdentity>;
  generatedKeys: boolean;
  ingest: {
    dedupWindowSeconds: number;
    maxLagEvents: number;
    lagPollMs: number;
    /** Events whose occurred_at is older than this are refused at ingest. */
    maxEventAgeDays: number;
  };
  /** In-line payment decisions (POST /v1/decisions): the answer's deadline and what is answered past it or without Redis. */
  decisions: { deadlineMs: number; onFailure: 'approve' | 'review' | 'challenge' | 'decline' };
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
    /** How often each partition looks for customers whose review is due (risk/review). */
    sweepIntervalMs: number;
    /**
     * What "due" is measured against: the wall clock, or (for replays of history) the newest
     * event time the partition has processed, so reviews happen at the right moments of the past.
     */
    sweepClock: 'wall' | 'events';
  };
  risk: {
    /** A rule file to load and watch; unset → the published set in Redis, or the default pack. */
    rulesFile?: string;
    rulesPollMs: number;
    /** The rules file may hold no active rule (switching detection off). */
    rulesAllowEmpty: boolean;
    /** Model files loaded at start (models/); rules read their scores as model.<name>. Empty: no model. */
    modelFiles: string[];
    /** Candidate versions of live models, scored and counted beside them (models/shadow.ts), never seen by rules. */
    shadowModelFiles: string[];
    /** How often every process checks the model registry for a new live or shadow version. */
    modelsPollMs: number;
    /** The largest model file the registry accepts, in bytes. */
    modelMaxBytes: number;
    /** How often every process checks the lists' change counter (lists/listRegistry.ts). */
    listsPollMs: number;
    /** The latest expiry a list entry may be given, in days ahead. */
    listEntryMaxDays: number;
    /** The latest end a snooze may be given, in days ahead. */
    snoozeMaxDays: number;
    allowedLatenessMs: number;
    complaintSlaHours: number;
    /** Privacy complaints have their own, usually shorter, deadline (docs/privacy.md). */
    privacyComplaintSlaHours: number;
  };
  alerts: { webhookAttempts: number };
  offers: {
    /** Campaigns to seed at start: missing ones are created, existing ones left as the API made them. */
    campaignsFile?: string;
    campaignsPollMs: number;
    policy: OfferPolicy;
    /**
     * What offers are decided as of: the wall clock, or (for replays of history) each event's own
     * time, so caps, cooldowns and quiet hours count in the history's time (offers/decide/offerClock.ts).
     */
    clock: OfferClock;
    deliveryAttempts: number;
  };
  privacy: {
    /**
     * The key of the keyed hash that stands for customer ids (and IPs, account numbers) in
     * ClickHouse: given, or kept in a file the engine creates once (embedded ClickHouse only).
     */
    pseudonymKey: { kind: 'configured'; key: string } | { kind: 'file'; path: string };
    /** Keep raw IPs and account numbers in ClickHouse event payloads; customer ids are hashed regardless. */
    rawIdentifiers: boolean;
  };
  retention: {
    /** Days each ClickHouse table keeps a row (its TTL), applied at start when the table's differs. */
    clickhouseDays: Record<RetainedTable, number>;
    /** Activity, risk state (features, scores, suppression) and alert scores in Redis, after the customer's last event. */
    customerStateDays: number;
    /** Profiles after the CRM last sent them; undefined keeps them until replaced or erased. */
    profileDays?: number;
    /** The Redis copy of a resolved alert (ClickHouse keeps its record). */
    resolvedAlertsDays: number;
    /** A customer's offer decision record after their last decision. */
    offerRecordsDays: number;
  };
  /** Where alert webhooks and offer channels may send customer data (core/net). */
  outbound: { allow: OutboundAllowList };
  operations: {
    /** /docs and /openapi.json without a key (otherwise any valid key). */
    publicDocs: boolean;
    /** A second listener serving only /metrics, without a key; on the API port /metrics needs an sre or admin key. */
    metricsListener?: { host: string; port: number };
  };
  /** People who sign in to the console (sessions); API keys above stay for machines. */
  users: UserSettings;
  /** Four-eyes: the actions that need a second person's approval, and how long a proposal waits. */
  approvals: { required: ApprovalAction[]; ttlHours: number };
  /** Backtests of rule sets over stored events (backtest/). */
  backtests: {
    /** A backtest's record and result expire this long after their last change. */
    resultTtlHours: number;
    /** Stored events read per page (one ClickHouse query; the memory a page holds). */
    pageEvents: number;
  };
  /** Rule performance from dispositions (alerts/performance/). */
  rulePerformance: {
    /** How often the per-rule gauges are recomputed, by the process owning ClickHouse. */
    refreshMs: number;
    /** The most alerts one computation or request reads. */
    maxAlerts: number;
  };
  /** Grafana, linked from the console's health page. */
  grafanaUrl?: string;
  shutdownGraceMs: number;
}

export interface UserSettings {
  local: LocalUser[];
  oidc?: OidcSettings;
  /** Signs session cookies; required when any user can sign in. */
  sessionSecret?: string;
  sessionTtlMinutes: number;
  /** Session cookies only over https (behind a TLS proxy, set VIGIL_TRUST_PROXY so the scheme is seen). */
  cookieSecure: boolean;
}

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  scopes: string;
  nameClaim: string;
  rolesClaim: string;
  /** Claim value → roles it grants. */
  roleMap: Map<string, ApiRole[]>;
}

/** ClickHouse tables whose retention is a setting (aggregates/retention.ts applies it). */
export type RetainedTable =
  | 'events' | 'event_rollups_1m' | 'alerts' | 'alert_transitions' | 'offer_decisions' | 'offer_deliveries' | 'offer_responses';
/** The HTTP listener and what protects it from slow, greedy or flooding clients. */
export interface HttpSettings {
  host: string;
  port: number;
  bodyLimitBytes: number;
  maxBatchEvents: number;
  /** The request line and headers must arrive within this. */
  headersTimeoutMs: number;
  /** The whole request, body included, must arrive within this (a response may take longer: live feeds). */
  requestTimeoutMs: number;
  /** A connection with nothing received or sent for this long is closed; also the keep-alive timeout. */
  idleTimeoutMs: number;
  /** Open connections one client address may hold; 0 = no cap. */
  maxConnectionsPerIp: number;
  /** Requests one client address may make per window; max 0 = no limit. */
  rateLimit: { max: number; windowMs: number };
  /** Proxies whose X-Forwarded-For names the client (for the rate limit); empty = the socket's address. */
  trustProxy: string[];
}

/**
 * What the embedded ClickHouse may hold in this process (server settings, fixed when the engine
 * starts). Its defaults would size it as if it had the machine to itself.
 */
export interface EmbeddedEngineLimits {
  /** max_server_memory_usage: work that would track more than this fails with MEMORY_LIMIT_EXCEEDED. */
  maxMemoryBytes: number;
  /** mark_cache_size: marks of the parts read, kept for the next query. */
  markCacheBytes: number;
  /** primary_index_cache_size: primary keys of the parts read. */
  primaryIndexCacheBytes: number;
  /** max_thread_pool_free_size: idle threads the global pool keeps instead of ending them. */
  idleThreads: number;
}

const MIB = 2 ** 20;

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
  // Hashes must stay stable across every process writing to a shared ClickHouse, so a server
  // deployment names its key; a key file in one container's data dir would differ per container.
  if (e.CLICKHOUSE_URL && !e.VIGIL_PSEUDONYM_KEY) {
    throw new ConfigError('invalid configuration:\n  VIGIL_PSEUDONYM_KEY: required when CLICKHOUSE_URL is set (32+ characters, the same in every process; e.g. openssl rand -hex 32)');
  }
  let apiKeys = e.VIGIL_API_KEYS;
  const generatedKeys = apiKeys === undefined;
  if (!apiKeys) {
    if (!opts.allowGeneratedKeys) throw new ConfigError('invalid configuration:\n  VIGIL_API_KEYS: required (comma-separated name:key:role entries)');
    apiKeys = generateApiKeys();
  }
  return {
    http: {
      host: e.HOST,
      port: e.PORT,
      bodyLimitBytes: e.VIGIL_BODY_LIMIT_BYTES,
      maxBatchEvents: e.VIGIL_MAX_BATCH_EVENTS,
      headersTimeoutMs: e.VIGIL_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: e.VIGIL_REQUEST_TIMEOUT_MS,
      idleTimeoutMs: e.VIGIL_IDLE_TIMEOUT_MS,
      maxConnectionsPerIp: e.VIGIL_MAX_CONNECTIONS_PER_IP,
      rateLimit: { max: e.VIGIL_RATE_LIMIT_MAX, windowMs: e.VIGIL_RATE_LIMIT_WINDOW_MS },
      trustProxy: e.VIGIL_TRUST_PROXY,
    },
    logLevel: e.LOG_LEVEL,
    role: e.VIGIL_ROLE,
    redis: { url: e.REDIS_URL, prefix: e.VIGIL_REDIS_PREFIX, ...(e.REDIS_CLUSTER_NODES ? { clusterNodes: e.REDIS_CLUSTER_NODES } : {}) },
    clickhouse: e.CLICKHOUSE_URL
      ? { kind: 'server', url: e.CLICKHOUSE_URL, user: e.CLICKHOUSE_USER, password: e.CLICKHOUSE_PASSWORD, database: e.CLICKHOUSE_DATABASE }
      : {
          kind: 'embedded', dataDir: e.VIGIL_DATA_DIR, database: e.CLICKHOUSE_DATABASE,
          limits: {
            maxMemoryBytes: e.VIGIL_CLICKHOUSE_MAX_MEMORY_MB * MIB,
            markCacheBytes: e.VIGIL_CLICKHOUSE_MARK_CACHE_MB * MIB,
            primaryIndexCacheBytes: e.VIGIL_CLICKHOUSE_INDEX_CACHE_MB * MIB,
            idleThreads: e.VIGIL_CLICKHOUSE_IDLE_THREADS,
          },
        },
    partitions: e.VIGIL_PARTITIONS,
    apiKeys,
    generatedKeys,
    ingest: {
      dedupWindowSeconds: e.VIGIL_DEDUP_WINDOW_SECONDS,
      maxLagEvents: e.VIGIL_MAX_LAG_EVENTS,
      lagPollMs: e.VIGIL_LAG_POLL_MS,
      maxEventAgeDays: e.VIGIL_MAX_EVENT_AGE_DAYS,
    },
    decisions: { deadlineMs: e.VIGIL_DECISION_DEADLINE_MS, onFailure: e.VIGIL_DECISION_ON_FAILURE },
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
      sweepIntervalMs: e.VIGIL_SWEEP_INTERVAL_MS,
      sweepClock: e.VIGIL_SWEEP_CLOCK,
    },
    risk: {
      rulesFile: e.VIGIL_RULES_FILE,
      rulesPollMs: e.VIGIL_RULES_POLL_MS,
      rulesAllowEmpty: e.VIGIL_RULES_ALLOW_EMPTY,
      modelFiles: e.VIGIL_MODEL_FILES,
      shadowModelFiles: e.VIGIL_SHADOW_MODEL_FILES,
      modelsPollMs: e.VIGIL_MODELS_POLL_MS,
      modelMaxBytes: e.VIGIL_MODEL_MAX_BYTES,
      listsPollMs: e.VIGIL_LISTS_POLL_MS,
      listEntryMaxDays: e.VIGIL_LIST_ENTRY_MAX_DAYS,
      snoozeMaxDays: e.VIGIL_SNOOZE_MAX_DAYS,
      allowedLatenessMs: e.VIGIL_ALLOWED_LATENESS_MS,
      complaintSlaHours: e.VIGIL_COMPLAINT_SLA_HOURS,
      privacyComplaintSlaHours: e.VIGIL_COMPLAINT_SLA_HOURS_PRIVACY,
    },
    alerts: { webhookAttempts: e.VIGIL_WEBHOOK_ATTEMPTS },
    offers: {
      campaignsFile: e.VIGIL_CAMPAIGNS_FILE,
      campaignsPollMs: e.VIGIL_CAMPAIGNS_POLL_MS,
      policy: e.VIGIL_OFFER_POLICY,
      clock: e.VIGIL_OFFER_CLOCK,
      deliveryAttempts: e.VIGIL_OFFER_DELIVERY_ATTEMPTS,
    },
    privacy: {
      pseudonymKey: e.VIGIL_PSEUDONYM_KEY
        ? { kind: 'configured', key: e.VIGIL_PSEUDONYM_KEY }
        : { kind: 'file', path: join(e.VIGIL_DATA_DIR, 'pseudonym.key') },
      rawIdentifiers: e.VIGIL_ANALYTICS_RAW_IDENTIFIERS,
    },
    retention: {
      clickhouseDays: {
        events: e.VIGIL_RETENTION_EVENTS_DAYS,
        event_rollups_1m: e.VIGIL_RETENTION_ROLLUPS_DAYS,
        alerts: e.VIGIL_RETENTION_ALERTS_DAYS,
        alert_transitions: e.VIGIL_RETENTION_ALERT_TRANSITIONS_DAYS,
        offer_decisions: e.VIGIL_RETENTION_OFFERS_DAYS,
        offer_deliveries: e.VIGIL_RETENTION_OFFERS_DAYS,
        offer_responses: e.VIGIL_RETENTION_OFFERS_DAYS,
      },
      customerStateDays: e.VIGIL_RETENTION_CUSTOMER_STATE_DAYS,
      profileDays: e.VIGIL_RETENTION_PROFILE_DAYS,
      resolvedAlertsDays: e.VIGIL_RETENTION_RESOLVED_ALERTS_DAYS,
      offerRecordsDays: e.VIGIL_RETENTION_OFFER_RECORDS_DAYS,
    },
    outbound: { allow: e.VIGIL_OUTBOUND_ALLOW },
    operations: {
      publicDocs: e.VIGIL_PUBLIC_DOCS,
      ...(e.VIGIL_METRICS_PORT !== undefined && { metricsListener: { host: e.VIGIL_METRICS_HOST, port: e.VIGIL_METRICS_PORT } }),
    },
    users: {
      local: e.VIGIL_LOCAL_USERS,
      ...(e.VIGIL_OIDC_ISSUER && e.VIGIL_OIDC_CLIENT_ID && e.VIGIL_OIDC_CLIENT_SECRET && e.VIGIL_OIDC_REDIRECT_URI && {
        oidc: {
          issuer: e.VIGIL_OIDC_ISSUER, clientId: e.VIGIL_OIDC_CLIENT_ID, clientSecret: e.VIGIL_OIDC_CLIENT_SECRET,
          redirectUri: e.VIGIL_OIDC_REDIRECT_URI, scopes: e.VIGIL_OIDC_SCOPES, nameClaim: e.VIGIL_OIDC_NAME_CLAIM,
          rolesClaim: e.VIGIL_OIDC_ROLES_CLAIM, roleMap: e.VIGIL_OIDC_ROLE_MAP,
        },
      }),
      sessionSecret: e.VIGIL_SESSION_SECRET,
      sessionTtlMinutes: e.VIGIL_SESSION_TTL_MINUTES,
      cookieSecure: e.VIGIL_COOKIE_SECURE,
    },
    approvals: { required: e.VIGIL_APPROVALS, ttlHours: e.VIGIL_APPROVAL_TTL_HOURS },
    backtests: { resultTtlHours: e.VIGIL_BACKTEST_RESULT_TTL_HOURS, pageEvents: e.VIGIL_BACKTEST_PAGE_EVENTS },
    rulePerformance: { refreshMs: e.VIGIL_RULE_PERFORMANCE_REFRESH_MS, maxAlerts: e.VIGIL_RULE_PERFORMANCE_MAX_ALERTS },
    ...(e.VIGIL_GRAFANA_URL && { grafanaUrl: e.VIGIL_GRAFANA_URL }),
    shutdownGraceMs: e.VIGIL_SHUTDOWN_GRACE_MS,
  };
}

/** One key per role for the demo, each named after what would hold it in a bank. */
function generateApiKeys(): Map<string, ApiIdentity> {
  const holders: [ApiRole, string][] = [
    ['admin', 'demo-admin'], ['ingest', 'demo-bank-systems'], ['risk', 'demo-fraud-officer'], ['risk-admin', 'demo-head-of-fraud'],
    ['marketing', 'demo-crm-team'], ['sre', 'demo-sre'],
  ];
  return new Map(holders.map(([role, name]) => [`${role}_${randomBytes(18).toString('base64url')}`, { name, role }]));
}

