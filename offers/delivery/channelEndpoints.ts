import type { Redis } from 'ioredis';
import { z } from 'zod';
import { BadRequestError, VigilError } from '../../core/errors.js';
import type { OutboundPolicy } from '../../core/net/index.js';
import { newWebhookSecret } from '../../core/webhooks/signature.js';
import { MARKETING_CHANNELS, type MarketingChannel } from '../../customers/profile.js';

// Where each marketing channel's offers are POSTed: the bank's push gateway, SMS provider, e-mail
// service or CRM task queue. One endpoint per channel, so sending an offer never fans out. As
// with alert webhooks, the signing secret is kept in clear (every delivery signs with it) and
// revealed once, when the endpoint is set; setting it again issues a new secret.

export const channelEndpointInputSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/ }).max(2048).describe('https endpoint that receives the channel\'s offers as POSTs (http and non-public addresses only when VIGIL_OUTBOUND_ALLOW names the host)'),
});
export type ChannelEndpointInput = z.infer<typeof channelEndpointInputSchema>;

export const channelEndpointSchema = z.object({
  channel: z.enum(MARKETING_CHANNELS),
  url: z.string(),
  updatedAt: z.string(),
  // Absent on endpoints set before keys had names.
  updatedBy: z.string().optional().describe('<role>:<name> of the API key that set it'),
});
export type ChannelEndpoint = z.infer<typeof channelEndpointSchema>;
export type ChannelEndpointWithSecret = ChannelEndpoint & { secret: string };

export class ChannelEndpointNotFoundError extends VigilError {
  constructor(channel: string) {
    super('CHANNEL_ENDPOINT_NOT_FOUND', `no endpoint is configured for channel ${channel}`, 404);
  }
}

export class ChannelEndpointRegistry {
  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly outbound: Pick<OutboundPolicy, 'vet'>,
  ) {}

  /**
   * Sets (or replaces) the channel's endpoint; the secret in the answer is the only time it is
   * revealed. A URL the outbound policy refuses is a 400 and changes nothing.
   */
  async set(channel: MarketingChannel, input: ChannelEndpointInput, actor: string, nowMs = Date.now()): Promise<{ endpoint: ChannelEndpoint; secret: string }> {
    assertChannel(channel);
    const parsed = channelEndpointInputSchema.safeParse(input);
    if (!parsed.success) throw new BadRequestError(`invalid endpoint for ${channel}: ${z.prettifyError(parsed.error)}`);
    await this.outbound.vet(parsed.data.url);
    const stored: ChannelEndpointWithSecret = { channel, url: parsed.data.url, updatedAt: new Date(nowMs).toISOString(), updatedBy: actor, secret: newWebhookSecret() };
    await this.redis.hset(this.key, channel, JSON.stringify(stored));
    const { secret, ...endpoint } = stored;
    return { endpoint, secret };
  }

  /** With the secret: for the delivery worker only, never for an API answer. */
  async get(channel: MarketingChannel): Promise<ChannelEndpointWithSecret | undefined> {
    const raw = await this.redis.hget(this.key, channel);
    return raw === null ? undefined : (JSON.parse(raw) as ChannelEndpointWithSecret);
  }

  /** Configured endpoints without their secrets, in the order of MARKETING_CHANNELS. */
  async list(): Promise<ChannelEndpoint[]> {
    const all = await this.redis.hgetall(this.key);
    return MARKETING_CHANNELS.flatMap((channel) => {
      const raw = all[channel];
      if (raw === undefined) return [];
      const { secret: _secret, ...endpoint } = JSON.parse(raw) as ChannelEndpointWithSecret;
      return [endpoint];
    });
  }

  /** Offers of the channel queued meanwhile are retried, then dead-lettered if none is set again. */
  async delete(channel: MarketingChannel): Promise<boolean> {
    assertChannel(channel);
    return (await this.redis.hdel(this.key, channel)) === 1;
  }
}

function assertChannel(channel: string): asserts channel is MarketingChannel {
  if (!(MARKETING_CHANNELS as readonly string[]).includes(channel)) {
    throw new BadRequestError(`unknown channel "${channel}"; one of ${MARKETING_CHANNELS.join(', ')}`);
  }
}
