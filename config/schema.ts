import { z } from 'zod';
import { offerPolicySchema } from '../offers/decide/policy.js';

export const API_ROLES = ['ingest', 'risk', 'marketing', 'sre', 'admin'] as const;
export type ApiRole = (typeof API_ROLES)[number];

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const apiKeys = z
  .string()
  .optional()
  .transform((text, ctx) => {
    if (text === undefined || text.trim() === '') return undefined;
    const keys = new Map<string, ApiRole>();
    for (const pair of text.split(',').map((p) => p.trim()).filter(Boolean)) {
      const [key, role] = pair.split(':');
      if (!key || key.length < 16 || !role || !(API_ROLES as readonly string[]).includes(role)) {
        ctx.addIssue({ code: 'custom', message: `"${pair.slice(0, 6)}…" must be key:role with a key of 16+ characters and role one of ${API_ROLES.join(', ')}` });
        return z.NEVER;
      }
      keys.set(key, role as ApiRole);
    }
    return keys;
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

/**
 * Every setting Vigil reads, from the environment names SREs set. Built once at start-up and
 * passed down; nothing below the entry points reads process.env.
 */
export const envSchema = z.object({
  PORT: int(0, 65535).default(8080),
  HOST: z.string().default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379'),
  VIGIL_REDIS_PREFIX: z.string().regex(/^[a-z0-9_-]{1,32}$/i).default('vigil'),
  CLICKHOUSE_URL: z.url({ protocol: /^https?$/ }).optional(),
  CLICKHOUSE_USER: z.string().default('default'),
  CLICKHOUSE_PASSWORD: z.string().default(''),
  CLICKHOUSE_DATABASE: z.string().regex(/^[a-z_][a-z0-9_]*$/i).default('vigil'),
  VIGIL_DATA_DIR: z.string().min(1).default('./data'),
  VIGIL_PARTITIONS: int(1, 1024).default(8),
  VIGIL_API_KEYS: apiKeys,
  VIGIL_ROLE: z.enum(['all', 'api', 'worker']).default('all'),
  VIGIL_MAX_BATCH_EVENTS: int(1, 100_000).default(1000),
  VIGIL_BODY_LIMIT_BYTES: int(1024, 64 * 1024 * 1024).default(4 * 1024 * 1024),
  VIGIL_DEDUP_WINDOW_SECONDS: int(60, 30 * 86_400).default(86_400),
  // 400 days: the events table's TTL. Older events would be written and dropped at the next merge.
  VIGIL_MAX_EVENT_AGE_DAYS: int(1, 3650).default(400),
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
  VIGIL_RULES_FILE: z.string().min(1).optional(),
  VIGIL_RULES_POLL_MS: int(100, 600_000).default(2000),
  // A rules file without an active rule switches detection off; only this explicit setting allows it.
  VIGIL_RULES_ALLOW_EMPTY: z.enum(['true', 'false'], { error: 'must be true or false' }).default('false').transform((v) => v === 'true'),
  VIGIL_ALLOWED_LATENESS_MS: int(0, 30 * 86_400_000).default(6 * 3_600_000),
  VIGIL_COMPLAINT_SLA_HOURS: int(1, 24 * 90).default(48),
  VIGIL_WEBHOOK_ATTEMPTS: int(1, 50).default(8),
  VIGIL_SHUTDOWN_GRACE_MS: int(100, 600_000).default(10_000),
  VIGIL_CAMPAIGNS_FILE: z.string().min(1).optional(),
  VIGIL_CAMPAIGNS_POLL_MS: int(50, 600_000).default(2000),
  VIGIL_OFFER_POLICY: offerPolicyJson,
  VIGIL_OFFER_DELIVERY_ATTEMPTS: int(1, 50).default(8),
});

export type VigilEnv = z.output<typeof envSchema>;
