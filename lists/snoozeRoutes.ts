import type { FastifyInstance } from 'fastify';
import type { FastifyRouteSchemaDef, FastifyValidationResult } from 'fastify/types/schema.js';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { customerParams } from '../customers/index.js';
import { auditActor } from '../core/identity.js';
import { snoozeInputSchema } from './snooze.js';
import type { SnoozeStore } from './snoozeStore.js';

// Officers snooze from the case they are working; risk admins may too.
const ROLES = ['risk', 'risk-admin', 'admin'] as const;
const security = [{ bearerAuth: [] }];

const snoozeView = z.object({ rule_id: z.string(), reason: z.string(), until: z.string(), snoozed_at: z.string(), snoozed_by: z.string() });
const historyView = z.object({
  at: z.string(), actor: z.string(), action: z.enum(['snoozed', 'unsnoozed']), rule_id: z.string(), reason: z.string().optional(), until: z.string().optional(),
});
const badRequest = z.object({ error: z.string(), message: z.string(), errors: z.array(z.string()).optional(), details: z.unknown().optional() });

function storeValidatesBody<S>(route: FastifyRouteSchemaDef<S>): FastifyValidationResult {
  return route.httpPart === 'body' ? (data: unknown) => ({ value: data }) : validatorCompiler(route as unknown as FastifyRouteSchemaDef<z.ZodType>);
}

/** Snoozing one rule for one customer, with a reason and an end; audited in the customer's snooze history. */
export async function snoozeRoutes(app: FastifyInstance, deps: { snoozes: SnoozeStore }): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.post('/v1/customers/:customerId/snoozes', {
    config: { roles: ROLES },
    validatorCompiler: storeValidatesBody,
    schema: {
      tags: ['customers'], security, params: customerParams, body: snoozeInputSchema,
      summary: 'Snooze a rule for this customer until a time: it still evaluates (counted, shown as snoozed) but raises no alert and adds no score',
      description: 'A rule id the published set does not have is refused (400 UNKNOWN_RULE). Snoozing a rule again replaces its reason and end (200). Recorded under the API key\'s `<role>:<name>`.',
      response: { 200: snoozeView, 201: snoozeView, 400: badRequest },
    },
    handler: async (request, reply) => {
      const { snooze, created } = await deps.snoozes.snooze(request.params.customerId, request.body as unknown, auditActor(request.identity));
      return reply.status(created ? 201 : 200).send(snoozeViewOf(snooze));
    },
  });

  api.get('/v1/customers/:customerId/snoozes', {
    config: { roles: ROLES },
    schema: {
      tags: ['customers'], security, params: customerParams, summary: "The customer's snoozes in force and the history of snooze changes, newest first",
      response: { 200: z.object({ customer_id: z.string(), snoozes: z.array(snoozeView), history: z.array(historyView) }) },
    },
    handler: async (request) => {
      const { active, history } = await deps.snoozes.get(request.params.customerId);
      return {
        customer_id: request.params.customerId,
        snoozes: active.map(snoozeViewOf),
        history: history.map((h) => ({ at: h.at, actor: h.actor, action: h.action, rule_id: h.ruleId, ...(h.reason ? { reason: h.reason } : {}), ...(h.until ? { until: h.until } : {}) })),
      };
    },
  });

  api.delete('/v1/customers/:customerId/snoozes/:ruleId', {
    config: { roles: ROLES },
    schema: {
      tags: ['customers'], security, params: customerParams.extend({ ruleId: z.string().min(1).max(64) }),
      summary: 'End a snooze now: the rule alerts for this customer again',
      response: { 200: z.object({ customer_id: z.string(), rule_id: z.string(), unsnoozed: z.literal(true) }) },
    },
    handler: async (request) => {
      await deps.snoozes.unsnooze(request.params.customerId, request.params.ruleId, auditActor(request.identity));
      return { customer_id: request.params.customerId, rule_id: request.params.ruleId, unsnoozed: true as const };
    },
  });
}

function snoozeViewOf(s: { ruleId: string; reason: string; until: string; snoozedAt: string; snoozedBy: string }): z.infer<typeof snoozeView> {
  return { rule_id: s.ruleId, reason: s.reason, until: s.until, snoozed_at: s.snoozedAt, snoozed_by: s.snoozedBy };
}
