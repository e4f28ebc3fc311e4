import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Queue } from 'bullmq';
import type { BacklogMonitor } from '../../core/streams/index.js';
import type { DeadLetterQueue } from '../../processors/deadLetters.js';
import type { RuleSetRegistry } from '../../risk/ruleSetRegistry.js';
import type { CampaignRegistry } from '../../offers/campaigns/campaignRegistry.js';
import type { ApprovalService } from '../../approvals/index.js';

export interface OpsHealthDeps {
  backlog: BacklogMonitor;
  deadLetters: DeadLetterQueue;
  queues: Record<string, Pick<Queue, 'getJobCounts'>>;
  rules: RuleSetRegistry;
  campaigns: CampaignRegistry;
  approvals: ApprovalService;
  grafanaUrl?: string;
}

const OPERATORS = ['sre', 'admin'] as const;

/** One answer for the SRE page: lag per partition, dead letters, queue depths, versions in force. */
export async function opsHealthRoutes(app: FastifyInstance, deps: OpsHealthDeps): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/v1/ops/health', {
    config: { roles: OPERATORS },
    schema: { tags: ['operations'], security: [{ bearerAuth: [] }], summary: 'Lag per partition, dead letters, queue depths, rule set and campaign versions, pending approvals' },
    handler: async () => {
      const [deadLetters, published, campaigns, pending, ...queueCounts] = await Promise.all([
        deps.deadLetters.list({ limit: 1 }),
        deps.rules.published(),
        deps.campaigns.list(),
        deps.approvals.list({ status: 'pending', limit: 500 }),
        ...Object.values(deps.queues).map((q) => q.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed')),
      ]);
      return {
        at: new Date().toISOString(),
        partitions: deps.backlog.partitions.map((p) => ({ partition: p.partition, lag: p.lag, pending: p.pending })),
        totalBacklog: deps.backlog.totalBacklog,
        deadLetters: deadLetters.total,
        queues: Object.fromEntries(Object.keys(deps.queues).map((name, i) => [name, queueCounts[i]])),
        ruleSet: published ? { version: published.version, updatedAt: published.updatedAt, updatedBy: published.updatedBy } : null,
        campaigns: campaigns.map((c) => ({ id: c.campaign.id, name: c.campaign.name, state: c.campaign.state, revision: c.revision, updatedAt: c.updatedAt })),
        campaignsRevision: deps.campaigns.revision(),
        pendingApprovals: pending.length,
        grafana: deps.grafanaUrl ? { overview: `${deps.grafanaUrl.replace(/\/$/, '')}/d/vigil-overview` } : null,
      };
    },
  });
}
