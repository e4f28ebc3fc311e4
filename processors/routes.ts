import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NotFoundError } from '../core/errors.js';
import { auditActor } from '../core/identity.js';
import { partitionOf } from '../core/streams/index.js';
import type { CustomerActivityStore } from './customerActivity.js';
import type { DeadLetterQueue } from './deadLetters.js';
import { customerParams } from '../customers/index.js';

export interface ProcessorRouteDeps {
  deadLetters: DeadLetterQueue;
  activity: CustomerActivityStore;
  partitions: number;
}

const streamId = z.string().regex(/^\d+-\d+$/, 'a stream id such as 1732610000000-0');

export async function processorRoutes(app: FastifyInstance, deps: ProcessorRouteDeps): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get('/v1/dead-letters', {
    config: { roles: ['sre', 'admin'] },
    schema: {
      tags: ['operations'],
      summary: 'Events that could not be processed, oldest first, with their error',
      security: [{ bearerAuth: [] }],
      querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(1000).default(100), after: streamId.optional() }),
    },
    handler: async (request) => {
      const page = await deps.deadLetters.list(request.query);
      const last = page.deadLetters.at(-1);
      return { ...page, next: page.deadLetters.length === request.query.limit && last ? last.id : null };
    },
  });

  api.post('/v1/dead-letters/replay', {
    config: { roles: ['sre', 'admin'] },
    schema: {
      tags: ['operations'],
      summary: 'Put dead letters back on their stream to be processed again',
      security: [{ bearerAuth: [] }],
      body: z.strictObject({ ids: z.array(streamId).min(1).max(1000) }),
    },
    handler: async (request) => {
      const outcome = await deps.deadLetters.replay(request.body.ids);
      request.log.info({ actor: auditActor(request.identity), replayed: outcome.replayed, skipped: outcome.skipped.length }, 'dead letters replayed');
      return outcome;
    },
  });

  api.get('/v1/customers/:customerId/activity', {
    config: { roles: ['risk', 'risk-admin', 'marketing', 'admin'] },
    schema: {
      tags: ['customers'],
      summary: "A customer's running activity: events by type, money in and out (minor units), first and last activity",
      security: [{ bearerAuth: [] }],
      params: customerParams,
    },
    handler: async (request) => {
      const { customerId } = request.params;
      const activity = await deps.activity.get(partitionOf(customerId, deps.partitions), customerId);
      if (!activity) throw new NotFoundError(`no activity recorded for customer ${customerId}`);
      return { customerId, ...activity };
    },
  });
}
