import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { eventSchema, parseEvent } from '../core/events/index.js';
import { BadRequestError } from '../core/errors.js';
import { occurredAtProblem } from '../ingest/eventTime.js';
import { apiErrorSchema } from '../ingest/schemas.js';
import type { InlineDecider } from './inlineDecider.js';
import { INLINE_DECISIONS } from './policy.js';

const decisionAnswerSchema = z.object({
  event_id: z.string(),
  decision: z.enum(INLINE_DECISIONS),
  score: z.number().nullable().describe("the customer's fraud score with this payment counted (0–1); null for a fallback"),
  reasons: z.array(z.object({ rule_id: z.string(), decision: z.enum(['review', 'challenge', 'decline']), text: z.string() })).describe('the rules that decided, strongest first'),
  rule_set_version: z.string(),
  decided_at: z.string(),
  fallback: z.enum(['deadline', 'unavailable']).optional().describe('the configured fallback decision was given (VIGIL_DECISION_ON_FAILURE), and why'),
  replayed: z.boolean().optional().describe('the answer recorded for an earlier request with this event_id'),
});

export interface DecisionRouteDeps {
  decider: InlineDecider;
  maxEventAgeDays: number;
}

export async function decisionRoutes(app: FastifyInstance, deps: DecisionRouteDeps): Promise<void> {
  app.withTypeProvider<ZodTypeProvider>().post('/v1/decisions', {
    // A payment waits on this answer: with Redis down it gets the fallback decision, not a 503.
    config: { roles: ['ingest', 'admin'], answersWithoutRedis: true },
    validatorCompiler: () => (data) => ({ value: data }),
    // The answer is built here from typed values; checking it with zod before JSON.stringify cost
    // more than the stringify (as on ingest). The schema documents it.
    serializerCompiler: () => (data) => JSON.stringify(data),
    schema: {
      tags: ['decisions'],
      summary: 'Decide in-line whether a payment or transfer may go ahead: approve, review, challenge or decline',
      description: 'The body is one event, as for POST /v1/events. Vigil assesses it against the customer\'s current features, '
        + 'lists and snoozes as if it had happened, and answers with the strongest decision of the rules that fired (each rule '
        + 'names the decision it may make; approve when none did). The event then enters the stream once, with the decision '
        + 'recorded: a retry with the same event_id gets the same answer, and the event is not counted twice, whichever of '
        + '/v1/decisions and /v1/events saw it first. Past VIGIL_DECISION_DEADLINE_MS, or with Redis unreachable, the answer is '
        + 'VIGIL_DECISION_ON_FAILURE, marked as a fallback; a later retry gets the rules\' decision if Vigil reached one.',
      security: [{ bearerAuth: [] }],
      body: eventSchema,
      response: { 200: decisionAnswerSchema, 400: apiErrorSchema, 401: apiErrorSchema, 403: apiErrorSchema, 409: apiErrorSchema, 415: apiErrorSchema },
    },
    handler: async (request, reply) => {
      const body = request.body as unknown;
      if (typeof body === 'object' && body !== null && 'events' in body) throw new BadRequestError('a decision is asked for one event at a time; post batches to /v1/events');
      const parsed = parseEvent(body);
      if (!parsed.ok) return reply.status(400).send({ error: 'INVALID_EVENT', message: parsed.errors.join('; '), details: parsed.errors });
      const timeProblem = occurredAtProblem(parsed.event.occurred_at, Date.now(), { maxAgeDays: deps.maxEventAgeDays });
      if (timeProblem) return reply.status(400).send({ error: 'INVALID_EVENT', message: timeProblem, details: [timeProblem] });
      const answer = await deps.decider.decide(parsed.event);
      if (answer === 'id_conflict') {
        return reply.status(409).send({ error: 'EVENT_ID_CONFLICT', message: `event_id "${parsed.event.event_id}" already names an event of another customer; give this event its own id` });
      }
      return answer;
    },
  });
}
