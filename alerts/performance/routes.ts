import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { archivedAlertOutcomes, type AggregateStore } from '../../aggregates/index.js';
import { VigilError } from '../../core/errors.js';
import { rulePerformance } from './rulePerformance.js';
import { rulePerformanceQuerySchema, rulePerformanceResponseSchema } from './schema.js';

export interface RulePerformanceRouteDeps {
  /** ClickHouse, where the alert archive is. */
  store: AggregateStore;
  /** The most alerts one request reads; a range holding more is refused (narrow it, or name a rule). */
  maxAlerts: number;
}

/** The range holds more alerts than one request reads. */
export class PerformanceRangeTooLargeError extends VigilError {
  constructor(maxAlerts: number) {
    super('RANGE_TOO_LARGE', `more than ${maxAlerts} alerts were raised in this range; narrow it or name a rule_id`, 400);
  }
}

// Officers and risk admins judge rules by how their alerts turned out; the same readers as the rules.
const READERS = ['risk', 'risk-admin', 'admin'] as const;
const errorBody = z.object({ error: z.string(), message: z.string(), details: z.unknown().optional() });

export async function rulePerformanceRoutes(app: FastifyInstance, deps: RulePerformanceRouteDeps): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get('/v1/rules/performance', {
    config: { roles: READERS },
    schema: {
      tags: ['rules'],
      summary: 'How each rule\'s alerts turned out: raised, resolved, true and false positives, open, precision and time to disposition, per day or week',
      description: 'From the ClickHouse alert archive, which trails the alert store by seconds. Alerts count in the period they were raised in, '
        + 'for every rule they carry, per model version the rule fired on; each is judged by its state now (its last resolve, unless reopened). '
        + 'Dispositions map to verdicts by alert type (alerts/README.md, "Rule performance").',
      security: [{ bearerAuth: [] }],
      querystring: rulePerformanceQuerySchema,
      response: { 200: rulePerformanceResponseSchema, 400: errorBody },
    },
    handler: async (request) => {
      const { from, to, bucket, rule_id: ruleId } = request.query;
      const range = { fromMs: Date.parse(from), toMs: Date.parse(to), ...(ruleId === undefined ? {} : { ruleId }) };
      const archived = await archivedAlertOutcomes(deps.store, range, deps.maxAlerts);
      if (archived.truncated) throw new PerformanceRangeTooLargeError(deps.maxAlerts);
      return {
        from: new Date(range.fromMs).toISOString(), to: new Date(range.toMs).toISOString(), bucket,
        rules: rulePerformance(archived.alerts, archived.transitions, { ...range, bucket }),
      };
    },
  });
}
