import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AggregateStore } from '../../aggregates/index.js';
import { NotFoundError } from '../../core/errors.js';
import { auditActor } from '../../core/identity.js';
import type { CampaignRegistry } from '../campaigns/campaignRegistry.js';
import { outcomeOf } from './decisionRecord.js';
import type { DeadTriggers } from './deadTriggers.js';
import type { DecisionStore } from './decisionStore.js';
import type { OfferFeed } from './offerFeed.js';
import { campaignStats } from '../reporting/stats.js';
import { customerParams } from '../../customers/index.js';

export interface OfferRouteDeps {
  campaigns: CampaignRegistry;
  decisions: DecisionStore;
  feed: OfferFeed;
  store: AggregateStore;
  deadTriggers: DeadTriggers;
}

const MARKETING = ['marketing', 'admin'] as const;
// Officers see a customer's offers on the case page: what was offered, and what was held back.
const DECISION_READERS = ['marketing', 'risk', 'risk-admin', 'admin'] as const;
const security = [{ bearerAuth: [] }];
const DAY_MS = 86_400_000;

/** Decision records, the live offer feed and campaign statistics. */
export async function offerRoutes(app: FastifyInstance, deps: OfferRouteDeps): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  // Open feed streams would otherwise hold the server's close until their clients leave.
  app.addHook('preClose', async () => deps.feed.endStreams());

  api.get('/v1/customers/:customerId/offers', {
    config: { roles: DECISION_READERS },
    schema: {
      tags: ['offers'], security,
      summary: "The customer's offer decisions, newest first: what was offered and why, and why not the other campaigns that fired",
      params: customerParams,
      querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(100).default(20) }),
    },
    handler: async (request) => {
      const decisions = await deps.decisions.list(request.params.customerId, request.query.limit);
      return { customer_id: request.params.customerId, decisions };
    },
  });

  api.get('/v1/offers/feed', {
    config: { roles: MARKETING },
    schema: {
      tags: ['offers'], security,
      summary: 'Live feed of offer decisions as server-sent events (event: offer.offered | offer.holdout | offer.suppressed)',
      querystring: z.strictObject({
        campaign_id: z.string().min(1).max(64).optional().describe('only decisions in which this campaign fired'),
        outcome: z.enum(['offered', 'holdout', 'suppressed']).optional(),
      }),
    },
    handler: async (request, reply) => {
      const { campaign_id: campaignId, outcome } = request.query;
      await deps.feed.serve(reply, (record) =>
        (outcome === undefined || outcomeOf(record) === outcome)
        && (campaignId === undefined || record.offer?.campaignId === campaignId || record.suppressed.some((s) => s.campaignId === campaignId)));
    },
  });

  api.get('/v1/offers/dead-triggers', {
    config: { roles: MARKETING },
    schema: {
      tags: ['offers'], security,
      summary: 'Triggers set aside after failing every attempt to decide them (a defect, not an outage), newest first',
      querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(50) }),
    },
    handler: async (request) => ({ deadTriggers: await deps.deadTriggers.list(request.query.limit) }),
  });

  api.post('/v1/offers/dead-triggers/:id/retry', {
    config: { roles: MARKETING },
    schema: {
      tags: ['offers'], security,
      summary: "Puts a dead trigger back into its partition's offer outbox, once the defect is fixed; it is decided after the partition's next batch of events",
      params: z.object({ id: z.string().regex(/^\d+-\d+$/, 'a dead-trigger id such as 1764150000000-0') }),
    },
    handler: async (request, reply) => {
      await deps.deadTriggers.retry(request.params.id);
      request.log.info({ actor: auditActor(request.identity), deadTriggerId: request.params.id }, 'dead trigger queued again');
      return reply.status(202).send({ id: request.params.id, status: 'queued' });
    },
  });

  api.get('/v1/campaigns/:id/stats', {
    config: { roles: MARKETING },
    schema: {
      tags: ['campaigns'], security,
      summary: 'Funnel (triggered, offered, holdout, suppressed by reason, delivered, responses), conversion, and uplift against the control group with its 95 % confidence interval',
      params: z.object({ id: z.string().min(1).max(64) }),
      querystring: z.strictObject({
        from: z.iso.datetime({ offset: true }).optional().describe('default: 30 days before `to`'),
        to: z.iso.datetime({ offset: true }).optional().describe('default: now'),
      }).refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), 'from must be before to'),
    },
    handler: async (request) => {
      const stored = await deps.campaigns.get(request.params.id);
      if (!stored) throw new NotFoundError(`no campaign ${request.params.id}`);
      const toMs = request.query.to ? Date.parse(request.query.to) : Date.now() + 1;
      const fromMs = request.query.from ? Date.parse(request.query.from) : toMs - 30 * DAY_MS;
      return campaignStats(deps.store, stored.campaign, fromMs, toMs);
    },
  });
}
