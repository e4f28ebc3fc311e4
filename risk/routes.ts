import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { VigilError } from '../core/errors.js';
import { auditActor } from '../core/identity.js';
import { partitionKeys, partitionOf } from '../core/streams/index.js';
import { decodeStoredProfile, segmentCustomer, type SegmentationConfig } from '../customers/index.js';
import { featuresAt } from '../features/index.js';
import { decodeRiskState } from './riskState.js';
import type { RuleSetRegistry } from './ruleSetRegistry.js';

export interface RiskRouteDeps {
  redis: Redis;
  prefix: string;
  partitions: number;
  rules: RuleSetRegistry;
  segmentation: SegmentationConfig;
}

class RuleSetRejected extends VigilError {
  constructor(status: 400 | 409, readonly errors: string[]) {
    super(status === 400 ? 'INVALID_RULE_SET' : 'RULE_SET_VERSION_EXISTS', errors.join('; '), status);
  }
}

// Risk admins change what detection does; officers (risk) read the rules but cannot publish them.
const READERS = ['risk', 'risk-admin', 'admin'] as const;
const PUBLISHERS = ['risk-admin', 'admin'] as const;

export async function riskRoutes(app: FastifyInstance, deps: RiskRouteDeps): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get('/v1/customers/:customerId/features', {
    config: { roles: READERS },
    schema: {
      tags: ['customers'],
      summary: "A customer's current behaviour features, tier, tags and risk scores",
      security: [{ bearerAuth: [] }],
      params: z.object({ customerId: z.string().min(1).max(128) }),
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
        scores: { fraud: state.scores.fraud, churn: state.scores.churn, scoredAt: state.scores.atMs ? new Date(state.scores.atMs).toISOString() : null },
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

  api.put('/v1/rules', {
    config: { roles: PUBLISHERS },
    schema: {
      tags: ['rules'],
      summary: 'Publish a new rule set version; every worker loads it within seconds, no restart',
      security: [{ bearerAuth: [] }],
      description: 'Recorded as published by the API key\'s `<role>:<name>`; an X-Vigil-Actor header is ignored. '
        + 'A rule set without an active rule (empty, or only shadow rules) would switch off all detection: it is '
        + 'refused (400) unless `allow_empty=true` is given, and a forced publish is marked `forced` in the history.',
      querystring: z.strictObject({
        allow_empty: z.enum(['true', 'false']).default('false').describe('publish even a rule set without an active rule (switches detection off)'),
      }),
      body: z.strictObject({ format: z.enum(['yaml', 'json']), text: z.string().min(1).max(1_000_000) }),
    },
    handler: async (request) => {
      const actor = auditActor(request.identity);
      const result = await deps.rules.publish(request.body.text, request.body.format, actor, { allowNoLiveRules: request.query.allow_empty === 'true' });
      if (!result.ok) throw new RuleSetRejected(result.status, result.errors);
      return { version: result.published.version, rules: result.ruleSet.rules.length, updatedBy: actor };
    },
  });
}
