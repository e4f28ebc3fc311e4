import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { VigilError } from '../core/errors.js';
import { auditActor } from '../core/identity.js';
import { partitionKeys, partitionOf } from '../core/streams/index.js';
import { customerParams, decodeStoredProfile, segmentCustomer, type SegmentationConfig } from '../customers/index.js';
import { featuresAt } from '../features/index.js';
import { decodeRiskState } from './riskState.js';
import type { RuleSetRegistry } from './ruleSetRegistry.js';
import { ruleSetDocumentSchema } from './ruleSetDocument.js';
import type { ApprovalService } from '../approvals/index.js';

export interface RiskRouteDeps {
  redis: Redis;
  prefix: string;
  partitions: number;
  rules: RuleSetRegistry;
  segmentation: SegmentationConfig;
  /** Four-eyes; when it requires `rules.publish`, PUT /v1/rules proposes instead of publishing. */
  approvals?: ApprovalService;
}

export class RuleSetRejected extends VigilError {
  constructor(status: 400 | 409, readonly errors: string[]) {
    super(status === 400 ? 'INVALID_RULE_SET' : 'RULE_SET_VERSION_EXISTS', errors.join('; '), status);
  }
}

// Risk admins change what detection does; officers (risk) read the rules but cannot publish them.
// Backtests (backtest/routes.ts) are open to the same readers: trying a set changes nothing.
export const RULE_READERS = ['risk', 'risk-admin', 'admin'] as const;
const READERS = RULE_READERS;
const PUBLISHERS = ['risk-admin', 'admin'] as const;

/** PUT /v1/rules and PUT /v1/rules/challenger: a set without an active rule only when asked for by name. */
export const allowEmptyQuery = z.strictObject({
  allow_empty: z.enum(['true', 'false']).default('false')
    .describe('take even a rule set without an active rule (published, it switches detection off; as a challenger, it has nothing to compare)'),
});

export async function riskRoutes(app: FastifyInstance, deps: RiskRouteDeps): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get('/v1/customers/:customerId/features', {
    config: { roles: READERS },
    schema: {
      tags: ['customers'],
      summary: "A customer's current behaviour features, tier, tags and risk scores",
      security: [{ bearerAuth: [] }],
      params: customerParams,
    },
    handler: async (request, reply) => {
      const { customerId } = request.params;
      const keys = partitionKeys(deps.prefix, partitionOf(customerId, deps.partitions));
      const [stored, profile] = await deps.redis.mget(keys.riskStatePrefix + customerId, keys.profilePrefix + customerId);
      if (!stored) return reply.status(404).send({ error: 'NOT_FOUND', message: `no features recorded for customer ${customerId}` });
      const state = decodeRiskState(stored);
      const asOf = Date.now();
      const features = featuresAt(state.features, asOf);
      const segment = segmentCustomer(features, decodeStoredProfile(profile ?? null)?.profile, deps.segmentation);
      return {
        customerId, asOf: new Date(asOf).toISOString(), tier: segment.tier, tags: segment.tags, segmentReasons: segment.reasons,
        scores: { fraud: state.scores.fraud, churn: state.scores.churn, credit: state.scores.credit, scoredAt: state.scores.atMs ? new Date(state.scores.atMs).toISOString() : null },
        features,
      };
    },
  });

  api.get('/v1/rules', {
    config: { roles: READERS },
    schema: { tags: ['rules'], summary: 'The published rule set (version, source text, who published it)', security: [{ bearerAuth: [] }] },
    handler: async () => deps.rules.published(),
  });

  api.get('/v1/rules/history', {
    config: { roles: READERS },
    schema: { tags: ['rules'], summary: 'Earlier rule set versions, newest first', security: [{ bearerAuth: [] }] },
    handler: async () => ({ versions: await deps.rules.history() }),
  });

  api.get('/v1/rules/history/:version', {
    config: { roles: READERS },
    schema: {
      tags: ['rules'], summary: 'One kept version with its text (for a diff against another)', security: [{ bearerAuth: [] }],
      params: z.object({ version: z.string().min(1).max(64) }),
    },
    handler: async (request, reply) => {
      const found = await deps.rules.version(request.params.version);
      if (!found) return reply.status(404).send({ error: 'NOT_FOUND', message: `rule set version ${request.params.version} is not in the kept history` });
      return found;
    },
  });

  api.put('/v1/rules', {
    config: { roles: PUBLISHERS },
    schema: {
      tags: ['rules'],
      summary: 'Publish a new rule set version; every worker loads it within seconds, no restart',
      security: [{ bearerAuth: [] }],
      description: 'Recorded as published by the API key\'s `<role>:<name>`; an X-Vigil-Actor header is ignored. '
        + 'A rule set without an active rule (empty, or only shadow rules) would switch off all detection: it is '
        + 'refused (400) unless `allow_empty=true` is given, and a forced publish is marked `forced` in the history. '
        + 'When four-eyes applies to `rules.publish` (VIGIL_APPROVALS), a valid set is not published but proposed: '
        + '202 `{status: "pending_approval", approval}`; another risk-admin or admin approves it with POST /v1/approvals/{id}/approve.',
      querystring: allowEmptyQuery,
      body: ruleSetDocumentSchema,
    },
    handler: async (request, reply) => {
      const actor = auditActor(request.identity);
      const allowNoLiveRules = request.query.allow_empty === 'true';
      if (deps.approvals?.required('rules.publish')) {
        // Checked now, so nobody is asked to approve a set that could never be published.
        const checked = await deps.rules.check(request.body.text, request.body.format, { allowNoLiveRules });
        if (!checked.ok) throw new RuleSetRejected(checked.status, checked.errors);
        const approval = await deps.approvals.propose({
          action: 'rules.publish', title: `Publish rule set ${checked.ruleSet.version}`, target: checked.ruleSet.version,
          payload: { format: request.body.format, text: request.body.text, allowNoLiveRules },
          details: { rules: checked.ruleSet.rules.length, ...(checked.noLiveRule ? { forced: checked.noLiveRule } : {}) },
        }, request.identity);
        return reply.status(202).send({ status: 'pending_approval', approval });
      }
      const result = await deps.rules.publish(request.body.text, request.body.format, actor, { allowNoLiveRules });
      if (!result.ok) throw new RuleSetRejected(result.status, result.errors);
      return { version: result.published.version, rules: result.ruleSet.rules.length, updatedBy: actor };
    },
  });
}
