import type { FastifyInstance } from 'fastify';
import type { FastifyRouteSchemaDef, FastifyValidationResult } from 'fastify/types/schema.js';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { proposalSchema, type ApprovalService } from '../approvals/index.js';
import { auditActor } from '../core/identity.js';
import { InvalidModelError, ModelConflictError, ModelNotFoundError } from './errors.js';
import { MODEL_CHANGE_ACTIONS } from './lifecycle.js';
import { MODEL_NAME, type ModelRegistry } from './registry.js';

export interface ModelRouteDeps {
  models: ModelRegistry;
  /** Four-eyes; when it requires `models.promote` / `models.rollback`, those are proposed, applied once approved. */
  approvals?: ApprovalService;
  maxBytes: number;
}

// As for rules: officers (risk) read what scores their alerts, risk admins change it.
const READERS = ['risk', 'risk-admin', 'admin'] as const;
const CHANGERS = ['risk-admin', 'admin'] as const;
const security = [{ bearerAuth: [] }];

const nameParams = z.object({ name: z.string().regex(MODEL_NAME, 'a model name: lowercase letters, digits and underscores (rules read it as model.<name>)') });
const versionId = z.string().regex(/^[a-f0-9]{64}$/, 'a version id: the SHA-256 of the model file, 64 hex digits');

const versionFacts = z.object({
  version: z.string().describe('the SHA-256 of the ONNX file, hex'),
  declaredVersion: z.string().describe('vigil.version in the file (the trainer\'s label)'),
  size: z.number().int().describe('bytes'),
  features: z.array(z.string()),
  eventTypes: z.array(z.string()),
});
const historyEntry = versionFacts.extend({
  model: z.string(), action: z.enum(MODEL_CHANGE_ACTIONS), by: z.string().describe('<role>:<name> of the verified identity (the proposer under four-eyes)'),
  at: z.string(), replaced: z.string().optional().describe('the version this change took out of its slot'),
  approval: z.object({ id: z.string(), approvedBy: z.string(), approvedAt: z.string() }).optional(),
});
const modelView = z.object({ name: z.string(), live: versionFacts.optional(), shadow: versionFacts.optional() });
const pending = z.object({ status: z.literal('pending_approval'), approval: proposalSchema });
const problem = z.object({ error: z.string(), message: z.string(), details: z.unknown().optional() });

// The file is the body as it is (application/octet-stream): the handler checks it is bytes, so a
// wrong content type or an empty body gets the registry's own 400 rather than a schema error.
function bytesBody<S>(route: FastifyRouteSchemaDef<S>): FastifyValidationResult {
  return route.httpPart === 'body' ? (data: unknown) => ({ value: data }) : validatorCompiler(route as unknown as FastifyRouteSchemaDef<z.ZodType>);
}

/** The model registry's API: versions uploaded as shadow, promoted, rolled back, retired; every change in the model's history. */
export async function modelRoutes(app: FastifyInstance, deps: ModelRouteDeps): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  const { models } = deps;

  api.get('/v1/models', {
    config: { roles: READERS },
    schema: {
      tags: ['models'], security, summary: 'Every model in the registry with its live and shadow version',
      response: { 200: z.object({ models: z.array(modelView) }) },
    },
    handler: async () => ({ models: await models.list() }),
  });

  api.get('/v1/models/:name/history', {
    config: { roles: READERS },
    schema: {
      tags: ['models'], security, params: nameParams, summary: 'Every change of one model, newest first: who, when, which version, what it did',
      response: { 200: z.object({ name: z.string(), history: z.array(historyEntry) }), 404: problem },
    },
    handler: async (request) => {
      const history = await models.history(request.params.name);
      if (history.length === 0) throw new ModelNotFoundError(`model ${request.params.name} has never been published`);
      return { name: request.params.name, history };
    },
  });

  api.put('/v1/models/:name/versions', {
    config: { roles: CHANGERS, bodyTooLarge: `a model file is at most ${deps.maxBytes} bytes (VIGIL_MODEL_MAX_BYTES)`, accepts: 'the .onnx file as application/octet-stream' },
    bodyLimit: deps.maxBytes,
    validatorCompiler: bytesBody,
    schema: {
      tags: ['models'], security, params: nameParams, consumes: ['application/octet-stream'],
      body: z.string().meta({ format: 'binary' }).describe('the .onnx file npm run train wrote, as application/octet-stream'),
      summary: 'Upload a model version; it becomes the model\'s shadow version (scored and counted beside the live one, never alerting)',
      description: 'The file must be a tree ensemble this engine evaluates (TreeEnsembleRegressor + Sigmoid, as models/train.py writes it) that '
        + 'reproduces its trainer\'s check rows, reads only features the engine computes, and declares this name (vigil.name): otherwise 400 with the reason. '
        + `At most ${deps.maxBytes} bytes (413). The version id is the file's SHA-256. No four-eyes: a shadow version changes no alert; promoting it does. `
        + 'Recorded under the caller\'s verified `<role>:<name>`.',
      response: { 201: z.object({ entry: historyEntry }), 400: problem, 409: problem, 413: problem },
    },
    handler: async (request, reply) => {
      if (!Buffer.isBuffer(request.body) || request.body.length === 0) {
        throw new InvalidModelError('send the .onnx file as the body, with Content-Type: application/octet-stream');
      }
      const entry = await models.addShadow(request.params.name, request.body, auditActor(request.identity));
      return reply.status(201).send({ entry });
    },
  });

  api.post('/v1/models/:name/promote', {
    config: { roles: CHANGERS },
    schema: {
      tags: ['models'], security, params: nameParams,
      body: z.strictObject({ version: versionId.optional().describe('the shadow version you mean to promote; refused (409) if the shadow is another by then') }).nullish(),
      summary: 'Make the shadow version live; every process scores with it within VIGIL_MODELS_POLL_MS, no restart',
      description: 'When four-eyes applies to `models.promote` (VIGIL_APPROVALS) it is proposed: 202 with the approval; another risk-admin or admin approves it '
        + 'with POST /v1/approvals/{id}/approve, and the version then promoted must still be the shadow version proposed.',
      response: { 200: z.object({ entry: historyEntry }), 202: pending, 404: problem, 409: problem },
    },
    handler: async (request, reply) => {
      const { name } = request.params;
      const shadow = (await models.slots(name))?.shadow;
      if (!shadow) throw new ModelConflictError(`model ${name} has no shadow version to promote; upload one with PUT /v1/models/${name}/versions`);
      const expected = request.body?.version ?? shadow.version;
      if (expected !== shadow.version) throw new ModelConflictError(`the shadow version of model ${name} is ${shadow.version}, not ${expected}`);
      if (deps.approvals?.required('models.promote')) {
        const approval = await deps.approvals.propose({
          action: 'models.promote', title: `Promote model ${name} version ${shadow.declaredVersion} (${expected.slice(0, 12)}) to live`, target: `${name}@${expected}`,
          payload: { name, version: expected }, details: { declaredVersion: shadow.declaredVersion, size: shadow.size },
        }, request.identity);
        return reply.status(202).send({ status: 'pending_approval', approval });
      }
      return { entry: await models.promote(name, auditActor(request.identity), { expected }) };
    },
  });

  api.post('/v1/models/:name/rollback', {
    config: { roles: CHANGERS },
    schema: {
      tags: ['models'], security, params: nameParams,
      body: z.strictObject({ version: versionId.describe('a version from the model\'s history to make live again') }),
      summary: 'Make an earlier version from the model\'s history live again',
      description: 'The version must be in the kept history (404 otherwise) with its file kept. Under four-eyes (`models.rollback`) it is proposed: 202 with the approval.',
      response: { 200: z.object({ entry: historyEntry }), 202: pending, 404: problem, 409: problem },
    },
    handler: async (request, reply) => {
      const { name } = request.params;
      const { version } = request.body;
      const to = await models.earlierVersion(name, version);
      if ((await models.slots(name))?.live?.version === version) throw new ModelConflictError(`version ${version} is already the live version of model ${name}`);
      if (deps.approvals?.required('models.rollback')) {
        const approval = await deps.approvals.propose({
          action: 'models.rollback', title: `Roll model ${name} back to version ${to.declaredVersion} (${version.slice(0, 12)})`, target: `${name}@${version}`,
          payload: { name, version }, details: { declaredVersion: to.declaredVersion, size: to.size },
        }, request.identity);
        return reply.status(202).send({ status: 'pending_approval', approval });
      }
      return { entry: await models.rollback(name, version, auditActor(request.identity)) };
    },
  });

  api.post('/v1/models/:name/retire', {
    config: { roles: CHANGERS },
    schema: {
      tags: ['models'], security, params: nameParams,
      body: z.strictObject({ slot: z.enum(['live', 'shadow']).describe('the version to take out') }),
      summary: 'Take the shadow or the live version out of scoring',
      description: 'A live version the published rule set reads (model.<name>) is not retired (409): publish a set without those rules first. '
        + 'No four-eyes: retiring changes no alert (no rule reads a retired model). The file stays in the history for a rollback.',
      response: { 200: z.object({ entry: historyEntry }), 409: problem },
    },
    handler: async (request) => ({ entry: await models.retire(request.params.name, request.body.slot, auditActor(request.identity)) }),
  });
}
