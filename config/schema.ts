import { createHash } from 'node:crypto';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { parseOutboundAllowList } from '../core/net/targetPolicy.js';
import { offerPolicySchema } from '../offers/decide/policy.js';
import { OFFER_CLOCKS } from '../offers/decide/offerClock.js';

import { API_ROLES, type ApiRole } from './roles.js';
import { approvalActionsSetting, localUsersSetting, oidcRoleMapSetting } from '../identity/settings.js';

export { API_ROLES, type ApiRole };

/**
 * Who a request acts for: the holder of an API key (a person or a system, as the operator named it
 * in VIGIL_API_KEYS) or a signed-in user. `role` is the role the request acts in: a key's one role,
 * or the first of a user's roles that the route allows.
 */
export interface ApiIdentity {
  readonly name: string;
  readonly role: ApiRole;
  /** `key` for API keys (machines), `user` for people signed in to the console; absent means key. */
  readonly kind?: 'key' | 'user';
  /** Every role a signed-in user holds (a key holds only `role`). */
  readonly roles?: readonly ApiRole[];
}

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
/** Retention in whole days: at least one, at most a century. */
const days = int(1, 36_500);
/** An on/off setting: true or false (1 and 0, and an empty value for off, as shells and compose files write them). */
const flag = z.enum(['true', 'false', '1', '0', ''], { message: 'must be true or false' }).transform((v) => v === 'true' || v === '1');

const KEY_NAME = /^[A-Za-z0-9][A-Za-z0-9 ._@-]{0,63}$/;

/**
 * The name of a key given in the older `key:role` form: the role and the start of the key's
 * SHA-256, stable across restarts, so audit records still tell two such keys apart.
 */
export function derivedKeyName(key: string, role: ApiRole): string {
  return `${role}-${createHash('sha256').update(key).digest('hex').slice(0, 6)}`;
}

const apiKeys = z
  .string()
  .optional()
  .transform((text, ctx) => {
    if (text === undefined || text.trim() === '') return undefined;
    const keys = new Map<string, ApiIdentity>();
    for (const entry of text.split(',').map((p) => p.trim()).filter(Boolean)) {
      const parts = entry.split(':').map((p) => p.trim());
      const [name, key, role] = parts.length === 3 ? parts : [undefined, parts[0], parts[1]];
      const shown = `"${entry.slice(0, 6)}…"`;
      if (parts.length < 2 || parts.length > 3 || !key || key.length < 16 || !role || !(API_ROLES as readonly string[]).includes(role)) {
        ctx.addIssue({ code: 'custom', message: `${shown} must be name:key:role (or key:role) with a key of 16+ characters and role one of ${API_ROLES.join(', ')}` });
        return z.NEVER;
      }
      if (name !== undefined && !KEY_NAME.test(name)) {
        ctx.addIssue({ code: 'custom', message: `${shown}: the name must be 1-64 letters, digits, spaces or . _ @ - (it is recorded as the actor of every change made with the key)` });
        return z.NEVER;
      }
      if (keys.has(key)) {
        ctx.addIssue({ code: 'custom', message: `${shown}: the same key is listed twice; each key belongs to one name and role` });
        return z.NEVER;
      }
      keys.set(key, { name: name ?? derivedKeyName(key, role as ApiRole), role: role as ApiRole });
    }
    return keys;
  });

/** host:port,host:port… of a Redis Cluster's nodes (some of them suffice to find the rest). */
const clusterNodes = z
  .string()
  .optional()
  .transform((text, ctx) => {
    if (text === undefined || text.trim() === '') return undefined;
    const nodes: { host: string; port: number }[] = [];
    for (const entry of text.split(',').map((e) => e.trim()).filter(Boolean)) {
      const match = /^(\[[0-9a-f:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/i.exec(entry);
      const port = Number(match?.[2]);
      if (!match || port < 1 || port > 65535) {
        ctx.addIssue({ code: 'custom', message: `"${entry}" must be host:port, e.g. 10.0.0.5:6379` });
        return z.NEVER;
      }
      nodes.push({ host: match[1]!.replace(/^\[|\]$/g, ''), port });
    }
    return nodes;
  });

/** The bank's contact policy as inline JSON (caps, channel order, quiet hours); the defaults when unset. */
const offerPolicyJson = z
  .string()
  .optional()
  .transform((text, ctx) => {
    let document: unknown = undefined;
    if (text !== undefined && text.trim() !== '') {
      try {
        document = JSON.parse(text);
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be JSON, e.g. {"frequency_caps":{"overall":[{"window":"7d","limit":3}]}}' });
        return z.NEVER;
      }
    }
    const parsed = offerPolicySchema.safeParse(document);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: `${issue.path.join('.') || '(root)'}: ${issue.message}` });
      return z.NEVER;
    }
    return parsed.data;
  });


const outboundAllow = z.string().optional().transform((text, ctx) => {
  const parsed = parseOutboundAllowList(text);
  if (!parsed.ok) {
    for (const error of parsed.errors) ctx.addIssue({ code: 'custom', message: error });
    return z.NEVER;
  }
  return parsed.allow;
});

/** Proxies whose X-Forwarded-For is believed: addresses, CIDR ranges, or proxy-addr's loopback / linklocal / uniquelocal. */
const trustProxy = z.string().optional().transform((text, ctx) => {
  const entries = (text ?? '').split(',').map((e) => e.trim()).filter(Boolean);
  for (const entry of entries) {
    const known = ['loopback', 'linklocal', 'uniquelocal'].includes(entry) || ipaddr.isValid(entry) || ipaddr.isValidCIDR(entry);
    if (!known) {
      ctx.addIssue({ code: 'custom', message: `"${entry}" is not an address, a CIDR range, loopback, linklocal or uniquelocal` });
      return z.NEVER;
    }
  }
  return entries;
});

/**
 * Every setting Vigil reads, from the environment names SREs set. Built once at start-up and
 * passed down; nothing below the entry points reads process.env.
 */
export const envSchema = z.object({
  PORT: int(0, 65535).default(8080),
  HOST: z.string().default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379'),
  REDIS_CLUSTER_NODES: clusterNodes,
  VIGIL_REDIS_PREFIX: z.string().regex(/^[a-z0-9_-]{1,32}$/i).default('vigil'),
  CLICKHOUSE_URL: z.url({ protocol: /^https?$/ }).optional(),
  CLICKHOUSE_USER: z.string().default('default'),
  CLICKHOUSE_PASSWORD: z.string().default(''),
  CLICKHOUSE_DATABASE: z.string().regex(/^[a-z_][a-z0-9_]*$/i).default('vigil'),
  VIGIL_DATA_DIR: z.string().min(1).default('./data'),
  // The embedded ClickHouse (chdb) shares the process with Node: its memory ceiling, its caches and
  // the idle threads it keeps are bounded here rather than by the engine's server defaults (90 % of
  // the machine's RAM, 5 GiB caches, 1,000 idle threads). docs/perf/README.md#memory has the figures.
  VIGIL_CLICKHOUSE_MAX_MEMORY_MB: int(64, 1_048_576).default(1024),
  VIGIL_CLICKHOUSE_MARK_CACHE_MB: int(0, 65_536).default(64),
  VIGIL_CLICKHOUSE_INDEX_CACHE_MB: int(0, 65_536).default(64),
  VIGIL_CLICKHOUSE_IDLE_THREADS: int(0, 10_000).default(8),
  VIGIL_PARTITIONS: int(1, 1024).default(8),
  VIGIL_API_KEYS: apiKeys,
  VIGIL_ROLE: z.enum(['all', 'api', 'worker']).default('all'),
  VIGIL_MAX_BATCH_EVENTS: int(1, 100_000).default(1000),
  VIGIL_BODY_LIMIT_BYTES: int(1024, 64 * 1024 * 1024).default(4 * 1024 * 1024),
  VIGIL_DEDUP_WINDOW_SECONDS: int(60, 30 * 86_400).default(86_400),
  // 400 days: the events table's TTL. Older events would be written and dropped at the next merge.
  VIGIL_MAX_EVENT_AGE_DAYS: int(1, 3650).default(400),
  VIGIL_DECISION_DEADLINE_MS: int(1, 10_000).default(50),
  VIGIL_DECISION_ON_FAILURE: z.enum(['approve', 'review', 'challenge', 'decline']).default('approve'),
  VIGIL_MAX_LAG_EVENTS: int(100, 100_000_000).default(200_000),
  VIGIL_LAG_POLL_MS: int(50, 60_000).default(500),
  VIGIL_READ_COUNT: int(1, 10_000).default(500),
  VIGIL_READ_BLOCK_MS: int(1, 60_000).default(1000),
  VIGIL_CLAIM_IDLE_MS: int(10, 3_600_000).default(30_000),
  VIGIL_MAX_ATTEMPTS: int(1, 100).default(5),
  VIGIL_LEASE_MS: int(100, 600_000).default(10_000),
  VIGIL_FLUSH_ROWS: int(1, 1_000_000).default(5000),
  VIGIL_FLUSH_INTERVAL_MS: int(10, 60_000).default(1000),
  VIGIL_MAX_BUFFERED_EVENTS: int(100, 10_000_000).default(100_000),
  VIGIL_TRIM_INTERVAL_MS: int(100, 3_600_000).default(5000),
  VIGIL_SWEEP_INTERVAL_MS: int(10, 3_600_000).default(60_000),
  VIGIL_SWEEP_CLOCK: z.enum(['wall', 'events']).default('wall'),
  VIGIL_RULES_FILE: z.string().min(1).optional(),
  VIGIL_RULES_POLL_MS: int(100, 600_000).default(2000),
  // A rules file without an active rule switches detection off; only this explicit setting allows it.
  VIGIL_RULES_ALLOW_EMPTY: z.enum(['true', 'false'], { error: 'must be true or false' }).default('false').transform((v) => v === 'true'),
  // Model files (ONNX, from npm run train) whose scores rules read as model.<name>; none by default.
  VIGIL_MODEL_FILES: z.string().default('').transform((text) => text.split(',').map((p) => p.trim()).filter(Boolean))
    .refine((paths) => paths.every((p) => p.endsWith('.onnx')), 'a comma-separated list of .onnx files'),
  // Candidate versions of those models, scored beside them on live traffic and counted, never seen by rules.
  VIGIL_SHADOW_MODEL_FILES: z.string().default('').transform((text) => text.split(',').map((p) => p.trim()).filter(Boolean))
    .refine((paths) => paths.every((p) => p.endsWith('.onnx')), 'a comma-separated list of .onnx files'),
  // How often every process checks the model registry's change counter (models/registry.ts).
  VIGIL_MODELS_POLL_MS: int(100, 600_000).default(2000),
  // The largest model file the registry stores (its bytes live in Redis); the example model is 79 KB.
  VIGIL_MODEL_MAX_BYTES: int(1024, 64 * 1024 * 1024).default(5 * 1024 * 1024),
  VIGIL_LISTS_POLL_MS: int(50, 600_000).default(1000),
  VIGIL_LIST_ENTRY_MAX_DAYS: int(1, 3650).default(400),
  VIGIL_SNOOZE_MAX_DAYS: int(1, 3650).default(90),
  VIGIL_ALLOWED_LATENESS_MS: int(0, 30 * 86_400_000).default(6 * 3_600_000),
  VIGIL_COMPLAINT_SLA_HOURS: int(1, 24 * 90).default(48),
  VIGIL_COMPLAINT_SLA_HOURS_PRIVACY: int(1, 24 * 90).default(24),
  VIGIL_WEBHOOK_ATTEMPTS: int(1, 50).default(8),
  VIGIL_SHUTDOWN_GRACE_MS: int(100, 600_000).default(10_000),
  VIGIL_CAMPAIGNS_FILE: z.string().min(1).optional(),
  VIGIL_CAMPAIGNS_POLL_MS: int(50, 600_000).default(2000),
  VIGIL_OFFER_POLICY: offerPolicyJson,
  VIGIL_OFFER_CLOCK: z.enum(OFFER_CLOCKS).default('wall'),
  VIGIL_OFFER_DELIVERY_ATTEMPTS: int(1, 50).default(8),
  VIGIL_PSEUDONYM_KEY: z.string().min(32, 'must be at least 32 characters (e.g. openssl rand -hex 32)').optional(),
  VIGIL_ANALYTICS_RAW_IDENTIFIERS: flag.default(false),
  VIGIL_RETENTION_EVENTS_DAYS: days.default(400),
  VIGIL_RETENTION_ROLLUPS_DAYS: days.default(800),
  VIGIL_RETENTION_ALERTS_DAYS: days.default(7 * 365),
  VIGIL_RETENTION_ALERT_TRANSITIONS_DAYS: days.default(7 * 365),
  VIGIL_RETENTION_OFFERS_DAYS: days.default(2 * 365),
  VIGIL_RETENTION_CUSTOMER_STATE_DAYS: days.default(400),
  VIGIL_RETENTION_PROFILE_DAYS: days.optional(),
  VIGIL_RETENTION_RESOLVED_ALERTS_DAYS: days.default(180),
  VIGIL_RETENTION_OFFER_RECORDS_DAYS: days.default(400),
  VIGIL_HEADERS_TIMEOUT_MS: int(100, 600_000).default(10_000),
  VIGIL_REQUEST_TIMEOUT_MS: int(100, 3_600_000).default(30_000),
  // Above the 15 s heartbeat of the live feeds, which is what keeps an idle feed open.
  VIGIL_IDLE_TIMEOUT_MS: int(20_000, 3_600_000).default(65_000),
  VIGIL_MAX_CONNECTIONS_PER_IP: int(0, 1_000_000).default(128),
  VIGIL_RATE_LIMIT_MAX: int(0, 1_000_000_000).default(60_000),
  VIGIL_RATE_LIMIT_WINDOW_MS: int(1000, 3_600_000).default(60_000),
  VIGIL_TRUST_PROXY: trustProxy,
  VIGIL_OUTBOUND_ALLOW: outboundAllow,
  VIGIL_METRICS_PORT: int(0, 65535).optional(),
  VIGIL_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  VIGIL_PUBLIC_DOCS: flag.default(false),
  // People signing in to the console (identity/): local users (the demo) and/or OpenID Connect.
  VIGIL_LOCAL_USERS: localUsersSetting,
  VIGIL_OIDC_ISSUER: z.url({ protocol: /^https?$/ }).optional(),
  VIGIL_OIDC_CLIENT_ID: z.string().min(1).optional(),
  VIGIL_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  VIGIL_OIDC_REDIRECT_URI: z.url({ protocol: /^https?$/ }).optional(),
  VIGIL_OIDC_SCOPES: z.string().regex(/^[\w:. -]+$/).default('openid profile email'),
  VIGIL_OIDC_NAME_CLAIM: z.string().min(1).default('preferred_username'),
  VIGIL_OIDC_ROLES_CLAIM: z.string().min(1).default('groups'),
  VIGIL_OIDC_ROLE_MAP: oidcRoleMapSetting,
  VIGIL_SESSION_SECRET: z.string().min(32, 'must be at least 32 characters (e.g. openssl rand -hex 32)').optional(),
  VIGIL_SESSION_TTL_MINUTES: int(5, 7 * 24 * 60).default(480),
  VIGIL_COOKIE_SECURE: flag.default(true),
  // Four-eyes: which changes need a second person's approval, and how long a proposal waits.
  VIGIL_APPROVALS: approvalActionsSetting,
  VIGIL_APPROVAL_TTL_HOURS: int(1, 24 * 30).default(72),
  VIGIL_GRAFANA_URL: z.url({ protocol: /^https?$/ }).optional(),
  // Backtests (backtest/): how long a request and its result stay readable after its last change,
  // and how many stored events one page reads (memory holds one page; each page is one query).
  VIGIL_BACKTEST_RESULT_TTL_HOURS: int(1, 24 * 90).default(24 * 7),
  VIGIL_BACKTEST_PAGE_EVENTS: int(100, 100_000).default(5000),
  // Rule performance (alerts/performance/): how often the process owning ClickHouse recomputes the
  // per-rule gauges (last 7 days against the 28 before), and the most alerts one computation or
  // GET /v1/rules/performance reads (memory: a few hundred bytes per alert).
  VIGIL_RULE_PERFORMANCE_REFRESH_MS: int(1000, 86_400_000).default(300_000),
  VIGIL_RULE_PERFORMANCE_MAX_ALERTS: int(1000, 5_000_000).default(500_000),
}).superRefine((env, ctx) => {
  // Node refuses a header deadline later than the whole request's.
  if (env.VIGIL_HEADERS_TIMEOUT_MS > env.VIGIL_REQUEST_TIMEOUT_MS) {
    ctx.addIssue({ code: 'custom', path: ['VIGIL_HEADERS_TIMEOUT_MS'], message: `must not exceed VIGIL_REQUEST_TIMEOUT_MS (${env.VIGIL_REQUEST_TIMEOUT_MS})` });
  }
  if (env.VIGIL_METRICS_PORT !== undefined && env.VIGIL_METRICS_PORT !== 0 && env.VIGIL_METRICS_PORT === env.PORT) {
    ctx.addIssue({ code: 'custom', path: ['VIGIL_METRICS_PORT'], message: 'must differ from PORT' });
  }
  const oidc = ['VIGIL_OIDC_ISSUER', 'VIGIL_OIDC_CLIENT_ID', 'VIGIL_OIDC_CLIENT_SECRET', 'VIGIL_OIDC_REDIRECT_URI'] as const;
  const given = oidc.filter((name) => env[name] !== undefined);
  if (given.length > 0 && given.length < oidc.length) {
    for (const name of oidc.filter((n) => env[n] === undefined)) ctx.addIssue({ code: 'custom', path: [name], message: `required with ${given.join(', ')} (single sign-on needs all four)` });
  }
  if (given.length === oidc.length && env.VIGIL_OIDC_ROLE_MAP.size === 0) {
    ctx.addIssue({ code: 'custom', path: ['VIGIL_OIDC_ROLE_MAP'], message: 'required with VIGIL_OIDC_ISSUER: which claim values give which role, e.g. fraud-officers=risk,crm=marketing' });
  }
  if (env.VIGIL_OIDC_ISSUER && new URL(env.VIGIL_OIDC_ISSUER).protocol === 'http:' && !isLoopbackHost(new URL(env.VIGIL_OIDC_ISSUER).hostname)) {
    ctx.addIssue({ code: 'custom', path: ['VIGIL_OIDC_ISSUER'], message: 'must be https (plain http only for a provider on loopback, in tests)' });
  }
  const usersConfigured = env.VIGIL_LOCAL_USERS.length > 0 || given.length === oidc.length;
  if (usersConfigured && !env.VIGIL_SESSION_SECRET) {
    ctx.addIssue({ code: 'custom', path: ['VIGIL_SESSION_SECRET'], message: 'required when users sign in (VIGIL_LOCAL_USERS or VIGIL_OIDC_*): 32+ characters, the same in every API process' });
  }
});

export type VigilEnv = z.output<typeof envSchema>;

function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127\./.test(host);
}
