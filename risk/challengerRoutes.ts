import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { AggregateStore } from '../aggregates/index.js';
import { VigilError } from '../core/errors.js';
import { auditActor } from '../core/identity.js';
import { compareChallenger, comparisonQuerySchema, comparisonSchema, MAX_COMPARISON_DAYS, nextDay } from './challengerComparison.js';
import type { ChallengerRegistry } from './challengerRegistry.js';
import { ruleSetDocumentSchema } from './ruleSetDocument.js';
import { RULE_READERS, RuleSetRejected, allowEmptyQuery } from './routes.js';

export interface ChallengerRouteDeps {
  challenger: ChallengerRegistry;
  store: AggregateStore;
  redis: Redis;
  prefix: string;
  partitions: number;
}

class InvalidComparisonRange extends VigilError {
  constructor(message: string) {
    super('INVALID_RANGE', message, 400);
  }
}

// Starting and stopping a challenger is the risk admins' (as publishing is), but it stays a
// one-person action under four-eyes: a challenger raises no alert, changes no score, offer or
// decision and nothing the champion reads, so there is nothing for a second person to guard; it
// costs worker CPU, and every start and stop is in its history under the verified identity.
const STARTERS = ['risk-admin', 'admin'] as const;
const errorBody = z.object({ error: z.string(), message: z.string(), details: z.unknown().optional() });
const DAY_MS = 86_400_000;

export async function challengerRoutes(app: FastifyInstance, deps: ChallengerRouteDeps): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const security = [{ bearerAuth: [] }];

  api.put('/v1/rules/challenger', {
    config: { roles: STARTERS },
    schema: {
      tags: ['rules'],
      summary: 'Start a challenger rule set: evaluated on live events beside the published set, it raises nothing; its would-be alerts are recorded',
      description: 'The body PUT /v1/rules takes, validated as a backtest candidate is (schema, known features and models, lists that exist; '
        + 'every problem listed, 400 INVALID_RULE_SET). A set without an active rule (empty, or only shadow rules) would raise no would-be alert '
        + 'and has nothing to compare: it is refused (400) unless `allow_empty=true` is given, as PUT /v1/rules does. Its version must differ from the published one and from '
        + 'any earlier challenger with another text (409). Replaces a running challenger; starting the running one again changes nothing. '
        + 'One person suffices under four-eyes: it changes no alert, score, offer or decision. Recorded under the key\'s or user\'s `<role>:<name>`.',
      security,
      querystring: allowEmptyQuery,
      body: ruleSetDocumentSchema,
    },
    handler: async (request) => {
      const actor = auditActor(request.identity);
      const allowNoLiveRules = request.query.allow_empty === 'true';
      const result = await deps.challenger.set(request.body.text, request.body.format, actor, { allowNoLiveRules });
      if (!result.ok) throw new RuleSetRejected(result.status, result.errors);
      const { text: _text, ...challenger } = result.challenger;
      return { ...challenger, unchanged: result.unchanged };
    },
  });

  api.get('/v1/rules/challenger', {
    config: { roles: RULE_READERS },
    schema: {
      tags: ['rules'],
      summary: 'The running challenger rule set (version, text, who started it and when) and the history of starts and stops',
      security,
    },
    handler: async (request, reply) => {
      const [running, history] = await Promise.all([deps.challenger.running(), deps.challenger.history()]);
      if (!running) return reply.status(404).send({ error: 'NOT_FOUND', message: 'no challenger rule set is running', history });
      return { ...running, history };
    },
  });

  api.delete('/v1/rules/challenger', {
    config: { roles: STARTERS },
    schema: { tags: ['rules'], summary: 'Stop the challenger; its records stay for comparison', security,
      response: { 200: z.object({ action: z.literal('stopped'), version: z.string(), at: z.string(), by: z.string() }), 404: errorBody } },
    handler: async (request, reply) => {
      const stopped = await deps.challenger.remove(auditActor(request.identity));
      if (!stopped) return reply.status(404).send({ error: 'NOT_FOUND', message: 'no challenger rule set is running' });
      return stopped;
    },
  });

  api.get('/v1/rules/challenger/comparison', {
    config: { roles: RULE_READERS },
    schema: {
      tags: ['rules'],
      summary: 'The challenger against the champion on the same live events: alerts per type, rule and day, overlap, precision',
      description: 'Over UTC days of event time [from, to). Counts are per event and alert type (one alert per type and event, as live). '
        + 'Precision is scored with the verdicts officers gave the champion\'s alerts in the ClickHouse archive; challenger-only alerts '
        + 'were never raised and are counted as unlabelled. Scheduled reviews of quiet customers are the champion\'s alone and not compared.',
      security,
      querystring: comparisonQuerySchema,
      response: { 200: comparisonSchema, 400: errorBody, 404: errorBody },
    },
    handler: async (request, reply) => {
      const running = await deps.challenger.running();
      const version = request.query.version ?? running?.version;
      if (!version) return reply.status(404).send({ error: 'NOT_FOUND', message: 'no challenger rule set is running; name a version' });
      const started = (await deps.challenger.history()).filter((c) => c.action === 'started' && c.version === version);
      const firstStart = started.at(-1);
      const fromDay = request.query.from ?? (firstStart?.action === 'started' ? firstStart.startedAt.slice(0, 10) : undefined);
      if (!fromDay) return reply.status(404).send({ error: 'NOT_FOUND', message: `challenger version ${version} is not in the kept history; give from and to` });
      const toDay = request.query.to ?? nextDay(Date.now());
      const days = (Date.parse(toDay) - Date.parse(fromDay)) / DAY_MS;
      if (days <= 0) throw new InvalidComparisonRange('to must be a later day than from');
      if (days > MAX_COMPARISON_DAYS) throw new InvalidComparisonRange(`a comparison covers at most ${MAX_COMPARISON_DAYS} days`);
      return compareChallenger(deps, { version, fromDay, toDay, running: running?.version === version });
    },
  });
}
