import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { plainText } from '../core/plainText.js';
import { APPROVAL_ACTIONS, APPROVAL_STATUSES, APPROVER_ROLES } from './policy.js';
import type { ApprovalService } from './service.js';

const READERS = ['risk', 'risk-admin', 'marketing', 'admin'] as const;
// Each action narrows this further (approvals/policy.ts): marketing approves campaigns, risk admins rules, lists and models.
const DECIDERS = [...new Set(Object.values(APPROVER_ROLES).flat())];
const security = [{ bearerAuth: [] }];

export const proposalSchema = z.object({
  id: z.string(), action: z.enum(APPROVAL_ACTIONS), status: z.enum(APPROVAL_STATUSES), title: z.string(), target: z.string(),
  proposedBy: z.string(), proposedByName: z.string(), proposedAt: z.string(), expiresAt: z.string(),
  decidedBy: z.string().optional(), decidedByName: z.string().optional(), decidedAt: z.string().optional(), comment: z.string().optional(),
  appliedAt: z.string().optional(), result: z.record(z.string(), z.unknown()).optional(), error: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});
const idParams = z.object({ id: z.string().regex(/^apr_[a-f0-9]{20}$/, 'an approval id such as apr_0123456789abcdef0123') });

/** Four-eyes: the changes waiting for a second person, and their decisions. */
export async function approvalRoutes(app: FastifyInstance, deps: { approvals: ApprovalService }): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get('/v1/approvals', {
    config: { roles: READERS },
    schema: {
      tags: ['approvals'], security, summary: 'Proposed changes, newest first: pending ones and who approved or rejected the others, when',
      querystring: z.strictObject({ status: z.enum(APPROVAL_STATUSES).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }),
      response: { 200: z.object({ approvals: z.array(proposalSchema), required: z.array(z.enum(APPROVAL_ACTIONS)).describe('the actions this server proposes rather than makes') }) },
    },
    handler: async (request) => ({ approvals: await deps.approvals.list(request.query), required: [...deps.approvals.requiredActions] }),
  });

  api.get('/v1/approvals/:id', {
    config: { roles: READERS },
    schema: {
      tags: ['approvals'], security, params: idParams, summary: 'One proposed change with what it would do (the rule set text, the campaign revision, the entries)',
      response: { 200: z.object({ approval: proposalSchema, payload: z.unknown() }) },
    },
    handler: async (request) => {
      const { proposal, payload } = await deps.approvals.get(request.params.id);
      return { approval: proposal, payload };
    },
  });

  api.post('/v1/approvals/:id/approve', {
    config: { roles: DECIDERS },
    schema: {
      tags: ['approvals'], security, params: idParams,
      summary: 'Approve a pending change and apply it, once; 403 for the proposer or a role that does not approve this action, 409 once decided or expired',
      description: 'Recorded with the approver\'s `<role>:<name>` and time beside the proposer\'s. When the change can no longer be applied as proposed (the rule version was published meanwhile, the campaign changed) it is marked failed: 409 CHANGE_NOT_APPLIED.',
      response: { 200: z.object({ approval: proposalSchema }) },
    },
    handler: async (request) => ({ approval: await deps.approvals.approve(request.params.id, request.identity) }),
  });

  api.post('/v1/approvals/:id/reject', {
    config: { roles: DECIDERS },
    schema: {
      tags: ['approvals'], security, params: idParams, summary: 'Reject a pending change, saying why',
      body: z.strictObject({ comment: plainText({ min: 1, max: 1000, multiline: true }) }),
      response: { 200: z.object({ approval: proposalSchema }) },
    },
    handler: async (request) => ({ approval: await deps.approvals.reject(request.params.id, request.identity, request.body.comment) }),
  });
}
