import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { auditActor } from '../core/identity.js';
import type { WebhookDelivery } from './delivery.js';
import { WebhookNotFoundError } from './errors.js';
import { webhookCreateSchema, webhookSubscriberSchema, type WebhookRegistry } from './webhooks.js';

export interface WebhookRouteDeps {
  webhooks: WebhookRegistry;
  delivery: WebhookDelivery;
}

const ADMIN = ['admin'] as const;
const security = [{ bearerAuth: [] }];

/** Webhook subscribers and their dead letters; admin only, since a subscriber receives customer data. */
export async function webhookRoutes(app: FastifyInstance, deps: WebhookRouteDeps): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.post('/v1/webhooks', {
    config: { roles: ADMIN },
    schema: {
      tags: ['webhooks'], security, body: webhookCreateSchema,
      summary: 'Subscribe an endpoint to alerts; the signing secret is in this answer only',
      response: { 201: webhookSubscriberSchema.extend({ secret: z.string().describe('HMAC key for X-Vigil-Signature; shown once') }) },
    },
    handler: async (request, reply) => {
      const { subscriber, secret } = await deps.webhooks.create(request.body, auditActor(request.identity));
      return reply.status(201).send({ ...subscriber, secret });
    },
  });

  api.get('/v1/webhooks', {
    config: { roles: ADMIN },
    schema: { tags: ['webhooks'], security, summary: 'Webhook subscribers (without secrets)', response: { 200: z.object({ webhooks: z.array(webhookSubscriberSchema) }) } },
    handler: async () => ({ webhooks: await deps.webhooks.list() }),
  });

  api.get('/v1/webhooks/dead-letters', {
    config: { roles: ADMIN },
    schema: {
      tags: ['webhooks'], security, summary: 'Deliveries that exhausted their attempts, most recent first',
      querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(1000).default(100) }),
    },
    handler: async (request) => ({ deadLetters: await deps.delivery.deadLetters(request.query.limit) }),
  });

  api.delete('/v1/webhooks/:id', {
    config: { roles: ADMIN },
    schema: { tags: ['webhooks'], security, summary: 'Unsubscribe; queued deliveries to it are dropped', params: z.object({ id: z.string().min(1).max(64) }) },
    handler: async (request, reply) => {
      if (!(await deps.webhooks.delete(request.params.id))) throw new WebhookNotFoundError(request.params.id);
      request.log.info({ actor: auditActor(request.identity), webhookId: request.params.id }, 'webhook unsubscribed');
      return reply.status(204).send();
    },
  });
}
