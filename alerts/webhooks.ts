import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { OutboundPolicy } from '../core/net/index.js';
import { ALERT_TYPES, SEVERITIES, severityRank, type AlertType, type Severity, type StoredAlert } from './schema.js';

// The signature scheme lives in core/webhooks, shared with offer delivery; re-exported here so
// receivers and tests importing it from alerts keep working.
export { signWebhook, verifyWebhookSignature, type VerifyWebhookSignature } from '../core/webhooks/signature.js';

// Webhook subscribers (bank systems that want alerts pushed) and the signature scheme they check.
// Secrets are kept in Redis in clear because every delivery must sign with them; they are shown to
// the admin once, at registration, and never listed again.

export const webhookCreateSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/ }).max(2048).describe('https endpoint that receives POSTs (http and non-public addresses only when VIGIL_OUTBOUND_ALLOW names the host)'),
  alert_types: z.array(z.enum(ALERT_TYPES)).min(1).optional().describe('only these alert types; all when absent'),
  min_severity: z.enum(SEVERITIES).optional().describe('only alerts at least this severe'),
});
export type WebhookCreate = z.infer<typeof webhookCreateSchema>;

export const webhookSubscriberSchema = z.object({
  id: z.string(),
  url: z.string(),
  alertTypes: z.array(z.enum(ALERT_TYPES)).optional(),
  minSeverity: z.enum(SEVERITIES).optional(),
  createdAt: z.string(),
  // Absent on subscribers made before keys had names.
  createdBy: z.string().optional().describe('<role>:<name> of the API key that subscribed it'),
});
export type WebhookSubscriber = z.infer<typeof webhookSubscriberSchema>;
export type WebhookSubscriberWithSecret = WebhookSubscriber & { secret: string };

export class WebhookRegistry {
  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly outbound: Pick<OutboundPolicy, 'vet'>,
  ) {}

  /**
   * Registers a subscriber; the secret in the answer is the only time it is revealed. A URL the
   * outbound policy refuses (loopback, private, link-local, plain http) is a 400, stored nowhere.
   */
  async create(input: WebhookCreate, actor: string, nowMs = Date.now()): Promise<{ subscriber: WebhookSubscriber; secret: string }> {
    await this.outbound.vet(input.url);
    const subscriber: WebhookSubscriberWithSecret = {
      id: `whk_${randomBytes(12).toString('hex')}`,
      url: input.url,
      ...(input.alert_types && { alertTypes: input.alert_types }),
      ...(input.min_severity && { minSeverity: input.min_severity }),
      createdAt: new Date(nowMs).toISOString(),
      createdBy: actor,
      secret: `whsec_${randomBytes(32).toString('base64url')}`,
    };
    await this.redis.hset(this.key, subscriber.id, JSON.stringify(subscriber));
    const { secret, ...visible } = subscriber;
    return { subscriber: visible, secret };
  }

  async list(): Promise<WebhookSubscriber[]> {
    return (await this.all()).map(({ secret: _secret, ...visible }) => visible).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async get(id: string): Promise<WebhookSubscriberWithSecret | undefined> {
    const raw = await this.redis.hget(this.key, id);
    return raw === null ? undefined : (JSON.parse(raw) as WebhookSubscriberWithSecret);
  }

  async delete(id: string): Promise<boolean> {
    return (await this.redis.hdel(this.key, id)) === 1;
  }

  /** Every subscriber with its secret; filter with subscriberWants. */
  async all(): Promise<WebhookSubscriberWithSecret[]> {
    return Object.values(await this.redis.hgetall(this.key)).map((raw) => JSON.parse(raw) as WebhookSubscriberWithSecret);
  }
}

export function subscriberWants(s: WebhookSubscriber, type: AlertType, severity: Severity): boolean {
  if (s.alertTypes && !s.alertTypes.includes(type)) return false;
  return !s.minSeverity || severityRank(severity) >= severityRank(s.minSeverity);
}
