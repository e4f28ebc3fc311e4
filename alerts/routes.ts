import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { auditActor } from '../core/identity.js';
import type { AlertStore } from './alertStore.js';
import { AlertNotFoundError } from './errors.js';
import type { AlertFeed } from './feed.js';
import {
  ALERT_STATUSES, ALERT_TYPES, QUEUE_MIN_SEVERITY, SEVERITIES, alertSchema, alertTransitionSchema, transitionRequestSchema, type AlertFilter,
} from './schema.js';
import { webhookRoutes, type WebhookRouteDeps } from './webhookRoutes.js';
import { customerIdSchema, customerParams } from '../customers/index.js';

/** A customer's current scores by model (fraud, churn), 0–1, from wherever the risk pipeline keeps them; {} if none. */
export type CustomerScoreSource = (customerId: string) => Promise<Record<string, number>>;

export interface AlertRouteDeps extends WebhookRouteDeps {
  store: AlertStore;
  feed: AlertFeed;
  scores: CustomerScoreSource;
}

// Officers work alerts; risk admins (who change the rules) may read them but not close them.
const OFFICER_ROLES = ['risk', 'admin'] as const;
const READER_ROLES = ['risk', 'risk-admin', 'admin'] as const;
const security = [{ bearerAuth: [] }];
const isoTime = z.iso.datetime({ offset: true });

const feedQuery = z.strictObject({
  type: z.enum(ALERT_TYPES).optional(),
  severity: z.enum(SEVERITIES).optional().describe('exactly this severity'),
  min_severity: z.enum(SEVERITIES).optional()
    .describe(`this severity or above; without severity or min_severity the queue's default, ${QUEUE_MIN_SEVERITY} (low alerts are advisory: ask for min_severity=low)`),
});

/** The officer's queue leaves advisory (low) alerts out unless the caller asks for a severity. */
function queueSeverity<Q extends { severity?: (typeof SEVERITIES)[number]; min_severity?: (typeof SEVERITIES)[number] }>(query: Q): Q {
  return query.severity || query.min_severity ? query : { ...query, min_severity: QUEUE_MIN_SEVERITY };
}

const listQuery = feedQuery.extend({
  status: z.enum(ALERT_STATUSES).optional(),
  customer_id: customerIdSchema.optional(),
  from: isoTime.optional().describe('created at or after'),
  to: isoTime.optional().describe('created at or before'),
  overdue: z.enum(['true', 'false']).optional().describe('complaint SLA deadline passed and not resolved'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(40).optional().describe('nextCursor of the previous page'),
});
type ListQuery = z.infer<typeof listQuery>;

/** from after to can match nothing: a 400 says so, where an empty page would look like "no alerts". */
function rangeInOrder<S extends z.ZodType<{ from?: string | undefined; to?: string | undefined }>>(schema: S) {
  return schema.superRefine((query, ctx) => {
    if (query.from && query.to && Date.parse(query.from) > Date.parse(query.to)) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'to must not be earlier than from' });
    }
  });
}

const alertPage = z.object({
  alerts: z.array(alertSchema),
  nextCursor: z.string().nullable().describe('null when there is nothing further back; a page may hold fewer than limit alerts and still have one'),
});

const alertParams = z.object({ id: z.string().min(1).max(64) });

export function toAlertFilter(query: Omit<ListQuery, 'customer_id'>, customerId?: string): AlertFilter {
  return {
    status: query.status, type: query.type, severity: query.severity, minSeverity: query.min_severity, customerId,
    from: query.from, to: query.to, overdue: query.overdue === undefined ? undefined : query.overdue === 'true',
    limit: query.limit, cursor: query.cursor,
  };
}

/** Alerts for risk officers: listing, detail with history, transitions, the live feed; and webhook admin. */
export async function alertRoutes(app: FastifyInstance, deps: AlertRouteDeps): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  // Open event streams would keep app.close() waiting forever; end them before the server drains.
  app.addHook('preClose', async () => deps.feed.endStreams());

  api.get('/v1/alerts', {
    config: { roles: READER_ROLES },
    schema: {
      tags: ['alerts'], summary: 'The alert queue: alerts, newest first, filtered and paged; advisory (low) ones only when asked for', security,
      querystring: rangeInOrder(listQuery), response: { 200: alertPage },
    },
    handler: async (request) => {
      const query = queueSeverity(request.query);
      return deps.store.list(toAlertFilter(query, query.customer_id));
    },
  });

  api.get('/v1/alerts/feed', {
    config: { roles: READER_ROLES },
    schema: {
      tags: ['alerts'], security, querystring: feedQuery,
      summary: 'Live alerts of the queue as server-sent events (alert.created, alert.updated); a comment heartbeat every 15 s',
    },
    handler: async (request, reply) => {
      const q = queueSeverity(request.query);
      await deps.feed.serveFiltered(reply, { type: q.type, severity: q.severity, minSeverity: q.min_severity });
      return reply;
    },
  });

  api.get('/v1/alerts/:id', {
    config: { roles: READER_ROLES },
    schema: { tags: ['alerts'], summary: 'One alert with its full history', security, params: alertParams, response: { 200: alertSchema } },
    handler: async (request) => {
      const alert = await deps.store.get(request.params.id);
      if (!alert) throw new AlertNotFoundError(request.params.id);
      return alert;
    },
  });

  api.post('/v1/alerts/:id/transitions', {
    config: { roles: OFFICER_ROLES },
    schema: {
      tags: ['alerts'], security, params: alertParams, body: transitionRequestSchema,
      summary: 'Acknowledge, assign, resolve (with a disposition), reopen (with a comment) or comment on an alert',
      description: 'Recorded in the alert history with the role and name of the API key (`<role>:<name>` from VIGIL_API_KEYS) and the time; an X-Vigil-Actor header is ignored. 409 when the alert\'s state does not allow the action.',
      response: { 200: z.object({ alert: alertSchema, transition: alertTransitionSchema }) },
    },
    handler: async (request) => deps.store.transition(request.params.id, request.body, auditActor(request.identity)),
  });

  api.get('/v1/customers/:customerId/alerts', {
    config: { roles: READER_ROLES },
    schema: {
      tags: ['customers'], summary: "A customer's alerts of every severity (advisory ones included), newest first, and their current scores", security,
      params: customerParams,
      querystring: rangeInOrder(listQuery.omit({ customer_id: true })),
      response: { 200: alertPage.extend({ customerId: z.string(), scores: z.record(z.string(), z.number()) }) },
    },
    handler: async (request) => {
      const { customerId } = request.params;
      const [page, scores] = await Promise.all([
        deps.store.list(toAlertFilter(request.query, customerId)),
        deps.scores(customerId),
      ]);
      return { customerId, scores, ...page };
    },
  });

  await webhookRoutes(app, deps);
}
