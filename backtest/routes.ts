import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { RULE_READERS } from '../risk/routes.js';
import { backtestRequestSchema, backtestStatusSchema } from './schema.js';
import type { BacktestService } from './service.js';

const errorBody = z.object({ error: z.string(), message: z.string(), details: z.unknown().optional() });

// Who reads the rules may backtest them: officers and risk admins (and admins). A backtest
// changes nothing live; who asked is recorded from the verified identity.
export async function backtestRoutes(app: FastifyInstance, deps: { backtests: BacktestService }): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const security = [{ bearerAuth: [] }];

  api.post('/v1/rules/backtests', {
    config: { roles: RULE_READERS },
    schema: {
      tags: ['rules'],
      summary: 'Backtest the published rule set, and a candidate beside it, over the stored events of [from, to)',
      description: 'Queued as a job (202); follow it with GET /v1/rules/backtests/{id}. The published set is taken as it stands now; '
        + 'a candidate (`rule_set`, the body PUT /v1/rules takes) is validated as for publication, except that its version may be any '
        + 'and it needs no active rule. Features start empty at `from`, in event time; profiles as they stood, lists and snoozes '
        + 'not at all (backtest/README.md). The result compares the published set with the live alerts alert for alert (`live`). Recorded as asked by the key\'s or user\'s `<role>:<name>`.',
      security,
      body: backtestRequestSchema,
      response: { 202: z.object({ id: z.string() }), 400: errorBody },
    },
    handler: async (request, reply) => {
      const status = await deps.backtests.request(request.body, request.identity);
      return reply.status(202).send({ id: status.id });
    },
  });

  api.get('/v1/rules/backtests/:id', {
    config: { roles: RULE_READERS },
    schema: {
      tags: ['rules'],
      summary: "A backtest's state, progress and, once done, its result",
      security,
      params: z.object({ id: z.string().min(1).max(64) }),
      response: { 200: backtestStatusSchema, 404: errorBody },
    },
    handler: async (request) => deps.backtests.status(request.params.id),
  });
}
