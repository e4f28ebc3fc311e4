import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { auditActor } from '../../core/identity.js';
import { MARKETING_CHANNELS } from '../../customers/profile.js';
import { ChannelEndpointNotFoundError, channelEndpointInputSchema, channelEndpointSchema, type ChannelEndpointRegistry } from './channelEndpoints.js';
import type { OfferDelivery } from './offerDelivery.js';

export interface OfferDeliveryRouteDeps {
  endpoints: ChannelEndpointRegistry;
  delivery: Pick<OfferDelivery, 'deadLetters' | 'retryDeadLetter'>;
}

// Setting an endpoint decides where customer data goes, so only admins do it; marketing sees
// where offers go and handles deliveries that gave up.
const ADMIN = ['admin'] as const;
const MARKETING = ['marketing', 'admin'] as const;
const security = [{ bearerAuth: [] }];
const channelParams = z.object({ channel: z.enum(MARKETING_CHANNELS) });

const deadLetterSchema = z.object({
  offerId: z.string(),
  campaignId: z.string(),
  channel: z.enum(MARKETING_CHANNELS),
  attempts: z.number().int(),
  error: z.string(),
  failedAt: z.string().nullable(),
});

/** Channel endpoints and offer dead letters. */
export async function offerDeliveryRoutes(app: FastifyInstance, deps: OfferDeliveryRouteDeps): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.put('/v1/offers/channels/:channel', {
    config: { roles: ADMIN },
    schema: {
      tags: ['offers'], security, params: channelParams, body: channelEndpointInputSchema,
      summary: 'Set where offers of a channel are POSTed; a new signing secret is issued and shown in this answer only',
      response: { 200: channelEndpointSchema.extend({ secret: z.string().describe('HMAC key for X-Vigil-Signature; shown once') }) },
    },
    handler: async (request) => {
      const { endpoint, secret } = await deps.endpoints.set(request.params.channel, request.body, auditActor(request.identity));
      return { ...endpoint, secret };
    },
  });

  api.get('/v1/offers/channels', {
    config: { roles: MARKETING },
    schema: { tags: ['offers'], security, summary: 'Configured channel endpoints (without secrets)', response: { 200: z.object({ channels: z.array(channelEndpointSchema) }) } },
    handler: async () => ({ channels: await deps.endpoints.list() }),
  });

  api.delete('/v1/offers/channels/:channel', {
    config: { roles: ADMIN },
    schema: { tags: ['offers'], security, params: channelParams, summary: 'Remove a channel endpoint; its queued offers retry, then dead-letter' },
    handler: async (request, reply) => {
      if (!(await deps.endpoints.delete(request.params.channel))) throw new ChannelEndpointNotFoundError(request.params.channel);
      request.log.info({ actor: auditActor(request.identity), channel: request.params.channel }, 'channel endpoint removed');
      return reply.status(204).send();
    },
  });

  api.get('/v1/offers/dead-letters', {
    config: { roles: MARKETING },
    schema: {
      tags: ['offers'], security, summary: 'Offer deliveries that exhausted their attempts, most recent first',
      querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(1000).default(100) }),
      response: { 200: z.object({ deadLetters: z.array(deadLetterSchema) }) },
    },
    handler: async (request) => ({ deadLetters: await deps.delivery.deadLetters(request.query.limit) }),
  });

  api.post('/v1/offers/dead-letters/:offerId/retry', {
    config: { roles: MARKETING },
    schema: {
      tags: ['offers'], security, params: z.object({ offerId: z.string().min(1).max(256) }),
      summary: 'Queue a dead-lettered offer again with fresh attempts; it is still never sent twice',
      response: { 202: z.object({ offerId: z.string(), status: z.literal('queued') }) },
    },
    handler: async (request, reply) => {
      await deps.delivery.retryDeadLetter(request.params.offerId);
      request.log.info({ actor: auditActor(request.identity), offerId: request.params.offerId }, 'offer dead letter queued again');
      return reply.status(202).send({ offerId: request.params.offerId, status: 'queued' as const });
    },
  });
}

