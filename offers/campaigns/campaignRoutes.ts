import type { FastifyInstance } from 'fastify';
import type { FastifyRouteSchemaDef, FastifyValidationResult } from 'fastify/types/schema.js';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { auditActor } from '../../core/identity.js';
import { VigilError } from '../../core/errors.js';
import { proposalSchema, type ApprovalService } from '../../approvals/index.js';
import { parseAuthoredDocument } from '../../rules/index.js';
import { CampaignNotFoundError, InvalidCampaignError } from './campaignErrors.js';
import type { CampaignRegistry, StoredCampaign } from './campaignRegistry.js';
import { CAMPAIGN_STATES, campaignSchema } from './campaignSchema.js';

export interface CampaignRouteDeps {
  campaigns: CampaignRegistry;
  /** Four-eyes; when it requires `campaigns.activate`, activation is proposed, not made. */
  approvals?: ApprovalService;
}

class ActivationNeedsApprovalError extends VigilError {
  constructor(message: string) {
    super('APPROVAL_REQUIRED', message, 409);
  }
}

const MARKETING_ROLES = ['marketing', 'admin'] as const;
const security = [{ bearerAuth: [] }];
const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml'];

// Ids are checked by the registry, so a malformed one gets the registry's INVALID_CAMPAIGN answer.
const campaignParams = z.object({ id: z.string().min(1).max(200) });
const changeHeaders = z.object({
  'if-match': z.string().regex(/^(W\/)?"?\d{1,15}"?$/, 'If-Match must be a campaign revision, e.g. "3"').optional()
    .describe('the revision the change is based on; 409 if the campaign has moved on'),
});

// The campaign goes out as stored: the request schema documents its shape, and re-encoding it
// through campaignSchema would fail on the condition language's one-way transforms.
const storedCampaign = z.object({
  campaign: z.looseObject({ id: z.string(), state: z.enum(CAMPAIGN_STATES) }).describe('the campaign as validated and stored (see the request body schema)'), revision: z.number().int(), createdAt: z.string(), createdBy: z.string(),
  updatedAt: z.string(), updatedBy: z.string(), activatedAt: z.string().optional(),
});
const campaignSummary = z.object({
  id: z.string(), name: z.string(), state: z.enum(CAMPAIGN_STATES), priority: z.number(), revision: z.number().int(),
  updatedAt: z.string(), updatedBy: z.string(),
});
const auditEntry = z.object({
  at: z.string(), actor: z.string(), action: z.enum(['created', 'replaced', 'state_changed', 'imported']), campaignId: z.string(),
  revision: z.number().int(), fromState: z.enum(CAMPAIGN_STATES).optional(), toState: z.enum(CAMPAIGN_STATES).optional(),
  changes: z.array(z.string()).optional(),
});
// 400 is also the app's answer to a malformed header or query (error VALIDATION, with details).
const badRequest = z.object({
  error: z.string().describe('INVALID_CAMPAIGN for a campaign that does not validate'), message: z.string(),
  errors: z.array(z.string()).optional().describe('every problem of the campaign, each with its path'),
  details: z.unknown().optional(),
});

// The body is documented as a campaign but validated by the registry alone, so every problem is
// reported at once in the registry's words (unknown features with a suggestion, placeholders, …).
function registryValidatesBody<S>(route: FastifyRouteSchemaDef<S>): FastifyValidationResult {
  return route.httpPart === 'body' ? (data: unknown) => ({ value: data }) : validatorCompiler(route as unknown as FastifyRouteSchemaDef<z.ZodType>);
}

const BODY_DESCRIPTION = 'The campaign as JSON, or as YAML with Content-Type: application/yaml. `state` defaults to draft. The change is recorded under the API key\'s `<role>:<name>`; an X-Vigil-Actor header is ignored.';

/** Campaign management for marketing: definitions, states, audit trail. Changes reach every worker within one poll. */
export async function campaignRoutes(app: FastifyInstance, deps: CampaignRouteDeps): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const fourEyes = () => deps.approvals?.required('campaigns.activate') === true;
  // Only in this plugin's scope: campaigns are authored in YAML, other endpoints stay JSON-only.
  // Read like campaign files and rule packs (alias bound, errors in words), in one place.
  app.addContentTypeParser(YAML_TYPES, { parseAs: 'string' }, (_request, body, done) => {
    const document = parseAuthoredDocument(body as string, 'yaml');
    if (document.ok) done(null, document.value);
    else done(new InvalidCampaignError(document.errors), undefined);
  });
  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof InvalidCampaignError) {
      return reply.status(400).send({ error: error.code, message: error.message, errors: [...error.errors] });
    }
    throw error; // the app's error handler answers everything else
  });

  api.get('/v1/campaigns', {
    config: { roles: MARKETING_ROLES },
    schema: { tags: ['campaigns'], summary: 'Every campaign with its state and last change, by id', security, response: { 200: z.object({ campaigns: z.array(campaignSummary) }) } },
    handler: async () => ({ campaigns: (await deps.campaigns.list()).map(summaryOf) }),
  });

  api.get('/v1/campaigns/audit', {
    config: { roles: MARKETING_ROLES },
    schema: {
      tags: ['campaigns'], summary: 'Who changed which campaign, when and what, newest first', security,
      querystring: z.strictObject({
        campaign_id: z.string().min(1).max(200).optional(),
        limit: z.coerce.number().int().min(1).max(1000).default(50),
      }),
      response: { 200: z.object({ entries: z.array(auditEntry) }) },
    },
    handler: async (request) => ({ entries: await deps.campaigns.audit({ campaignId: request.query.campaign_id, limit: request.query.limit }) }),
  });

  api.get('/v1/campaigns/:id', {
    config: { roles: MARKETING_ROLES },
    schema: {
      tags: ['campaigns'], summary: 'One campaign; its revision is also the ETag', security, params: campaignParams,
      response: { 200: storedCampaign, 400: badRequest },
    },
    handler: async (request, reply) => {
      const stored = await deps.campaigns.get(request.params.id);
      if (!stored) throw new CampaignNotFoundError(request.params.id);
      void reply.header('etag', `"${stored.revision}"`);
      return stored;
    },
  });

  api.post('/v1/campaigns', {
    config: { roles: MARKETING_ROLES },
    validatorCompiler: registryValidatesBody,
    schema: {
      tags: ['campaigns'], summary: 'Create a campaign (409 if the id exists)', description: BODY_DESCRIPTION, security,
      body: campaignSchema,
      response: { 201: storedCampaign, 400: badRequest },
    },
    handler: async (request, reply) => {
      if (fourEyes() && stateIn(request.body) === 'active') {
        throw new ActivationNeedsApprovalError('activating a campaign needs a second person\'s approval: create it as a draft, then POST /v1/campaigns/{id}/state {"state":"active"} to propose it');
      }
      const stored = await deps.campaigns.create(request.body as unknown, auditActor(request.identity));
      return reply.status(201).header('etag', `"${stored.revision}"`).send(stored);
    },
  });

  api.put('/v1/campaigns/:id', {
    config: { roles: MARKETING_ROLES },
    validatorCompiler: registryValidatesBody,
    schema: {
      tags: ['campaigns'], security, params: campaignParams, headers: changeHeaders, body: campaignSchema,
      summary: 'Replace a campaign\'s definition (state kept unless given)', description: BODY_DESCRIPTION,
      response: { 200: storedCampaign, 400: badRequest },
    },
    handler: async (request, reply) => {
      if (fourEyes()) {
        const current = await deps.campaigns.get(request.params.id);
        // An approved, live campaign must not be changed under the approver's eyes.
        if (current?.campaign.state === 'active' || stateIn(request.body) === 'active') {
          throw new ActivationNeedsApprovalError('a live campaign is changed only with a second person\'s approval: pause it, edit it, then propose its activation');
        }
      }
      const stored = await deps.campaigns.replace(request.params.id, request.body as unknown, auditActor(request.identity), revisionOf(request.headers['if-match']));
      return reply.header('etag', `"${stored.revision}"`).send(stored);
    },
  });

  api.post('/v1/campaigns/:id/state', {
    config: { roles: MARKETING_ROLES },
    schema: {
      tags: ['campaigns'], security, params: campaignParams, headers: changeHeaders,
      summary: 'Activate, pause or resume a campaign; a campaign that has been active cannot return to draft',
      description: 'When four-eyes applies to `campaigns.activate` (VIGIL_APPROVALS), activating (from draft or paused) is proposed: 202 `{status: "pending_approval", approval}`, applied at the revision proposed once another marketing user or admin approves. Pausing is never delayed.',
      body: z.strictObject({ state: z.enum(CAMPAIGN_STATES) }),
      response: { 200: storedCampaign, 202: z.object({ status: z.literal('pending_approval'), approval: proposalSchema }), 400: badRequest },
    },
    handler: async (request, reply) => {
      if (fourEyes() && request.body.state === 'active') {
        const current = await deps.campaigns.get(request.params.id);
        if (!current) throw new CampaignNotFoundError(request.params.id);
        if (current.campaign.state !== 'active') {
          const revision = revisionOf(request.headers['if-match']) ?? current.revision;
          if (revision !== current.revision) throw new ActivationNeedsApprovalError(`campaign ${current.campaign.id} is at revision ${current.revision}, not ${revision}; reload it`);
          const approval = await deps.approvals!.propose({
            action: 'campaigns.activate', title: `Activate campaign ${current.campaign.name}`, target: current.campaign.id,
            payload: { campaignId: current.campaign.id, revision }, details: { revision, fromState: current.campaign.state },
          }, request.identity);
          return reply.status(202).send({ status: 'pending_approval', approval });
        }
      }
      const stored = await deps.campaigns.setState(request.params.id, request.body.state, auditActor(request.identity), revisionOf(request.headers['if-match']));
      return reply.header('etag', `"${stored.revision}"`).send(stored);
    },
  });
}

function summaryOf(stored: StoredCampaign): z.infer<typeof campaignSummary> {
  const { campaign } = stored;
  return {
    id: campaign.id, name: campaign.name, state: campaign.state, priority: campaign.priority,
    revision: stored.revision, updatedAt: stored.updatedAt, updatedBy: stored.updatedBy,
  };
}

/** `3`, `"3"` or `W/"3"` → 3; the header schema has already refused anything else. */
function revisionOf(ifMatch: string | undefined): number | undefined {
  return ifMatch === undefined ? undefined : Number(ifMatch.replace(/\D/g, ''));
}

function stateIn(body: unknown): unknown {
  return typeof body === 'object' && body !== null ? (body as { state?: unknown }).state : undefined;
}
