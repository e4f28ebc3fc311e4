import { auditActor } from '../core/identity.js';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Pseudonymise } from '../core/privacy/index.js';
import { customerIdSchema, customerParams } from '../customers/index.js';
import type { CustomerPrivacy } from './customerPrivacy.js';
import type { ErasureAudit } from './erasureAudit.js';

export interface PrivacyRouteDeps {
  privacy: CustomerPrivacy;
  audit: ErasureAudit;
  pseudonymise: Pseudonymise;
}

// Erasure and subject access span every capability (marketing's and risk's data alike), so they
// are the administrator's (the bank's data-protection function), not a business role's.
const ADMIN = ['admin'] as const;
const security = [{ bearerAuth: [] }];

const removedCounts = z.record(z.string(), z.union([z.number().int(), z.record(z.string(), z.number().int())]));
const erasureReport = z.object({
  customer_id: z.string(), removed: removedCounts.describe('what was removed, counted per kind; ClickHouse rows per table'), at: z.string(),
});
const erasureRecord = z.object({
  id: z.string(), at: z.string(), actor: z.string(), customer: z.string().describe("keyed hash of the customer id, as ClickHouse holds it"),
  outcome: z.enum(['complete', 'incomplete']), removed: removedCounts,
  failure: z.object({ holder: z.string(), error: z.string() }).optional(),
});
const apiError = z.object({ error: z.string(), message: z.string(), details: z.unknown().optional() });
const entryId = z.string().regex(/^\d+-\d+$/, 'an erasure id such as 1764150000000-0');

/** The identity recorded for an erasure: the verified key's `<role>:<name>`, never a header. */
function actorOf(request: FastifyRequest): string {
  return auditActor(request.identity);
}

export async function privacyRoutes(app: FastifyInstance, deps: PrivacyRouteDeps): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.delete('/v1/customers/:customerId', {
    config: { roles: ADMIN },
    schema: {
      tags: ['privacy'], security, params: customerParams,
      summary: 'Erase everything Vigil holds on a customer (right to erasure) and answer what was removed; audited',
      description: 'Removes the profile and its history, activity, risk state (features, scores, suppression), alerts (Redis, outbox, webhook jobs), offer decisions, cap counters, markers and delivery jobs, and the ClickHouse rows (by pseudonym). Idempotent: an unknown or already erased customer answers 200 with zeros. Events of the customer still in the stream are processed afterwards and start new state (docs/privacy.md). 503 ERASURE_INCOMPLETE when a store failed mid-way: send it again.',
      response: { 200: erasureReport, 400: apiError, 503: apiError },
    },
    handler: async (request) => deps.privacy.erase(request.params.customerId, actorOf(request)),
  });

  api.get('/v1/customers/:customerId/export', {
    config: { roles: ADMIN },
    schema: {
      tags: ['privacy'], security, params: customerParams,
      summary: 'Everything Vigil holds on a customer (subject access), by capability; ClickHouse rows paged',
      description: 'ClickHouse tables answer their newest `row_limit` rows each with `total` and `next_before`; ask again with `before=<next_before>` for older rows (Redis data is repeated on every page).',
      querystring: z.strictObject({
        row_limit: z.coerce.number().int().min(1).max(10_000).default(1000).describe('ClickHouse rows per table, newest first'),
        before: z.iso.datetime({ offset: true }).optional().describe('only ClickHouse rows older than this (the previous page\'s next_before)'),
      }),
      response: {
        200: z.object({ customer_id: z.string(), exported_at: z.string(), data: z.record(z.string(), z.unknown()).describe('per capability: profile, activity, risk, alerts, offers, clickhouse') }),
        400: apiError,
      },
    },
    handler: async (request) =>
      deps.privacy.export(request.params.customerId, {
        rowLimit: request.query.row_limit,
        ...(request.query.before ? { before: new Date(request.query.before) } : {}),
      }),
  });

  api.get('/v1/privacy/erasures', {
    config: { roles: ADMIN },
    schema: {
      tags: ['privacy'], security,
      summary: 'The erasure audit: who erased which customer (as pseudonym) when, and what was removed; newest first',
      querystring: z.strictObject({
        limit: z.coerce.number().int().min(1).max(500).default(50),
        before: entryId.optional().describe('the previous page\'s `next`'),
        customer_id: customerIdSchema.optional().describe('only erasures of this customer (matched by pseudonym)'),
      }),
      response: { 200: z.object({ erasures: z.array(erasureRecord), next: z.string().nullable() }), 400: apiError },
    },
    handler: async (request) => deps.audit.list({
      limit: request.query.limit,
      ...(request.query.before ? { before: request.query.before } : {}),
      ...(request.query.customer_id ? { customer: deps.pseudonymise(request.query.customer_id) } : {}),
    }),
  });
}
