import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { installJsonBodyParser } from '../core/jsonBody.js';
import { describeIssues } from '../core/events/index.js';
import { BadRequestError, VigilError } from '../core/errors.js';
import { auditActor } from '../core/identity.js';
import { customerProfileSchema, type CustomerProfile } from './profile.js';
import {
  ProfileNotFoundError, StaleProfileVersionError, customerIdSchema, customerParams,
  type ProfileStore, type PutResult, type StoredProfile,
} from './profileStore.js';

export interface CustomerProfileRouteDeps {
  profiles: ProfileStore;
}

const WRITERS = ['marketing', 'admin'] as const;
const READERS = ['marketing', 'admin', 'risk', 'risk-admin'] as const;
const security = [{ bearerAuth: [] }];
/** Rows per import; a full CRM sync is split into requests of this size. */
export const MAX_IMPORT_ROWS = 5000;

const storedProfileView = z.object({
  customer_id: z.string(), version: z.number().int(), updated_at: z.string(), updated_by: z.string(), profile: customerProfileSchema,
});
const putAnswer = z.object({ customer_id: z.string(), version: z.number().int(), status: z.enum(['created', 'updated', 'unchanged']) });
const apiError = z.object({ error: z.string(), message: z.string(), details: z.unknown().optional() });

const importRowReport = z.object({
  line: z.number().int().optional().describe('NDJSON: 1-based line number'),
  index: z.number().int().optional().describe('JSON: 0-based position in profiles'),
  customer_id: z.string().nullable(),
  status: z.enum(['created', 'updated', 'unchanged', 'stale', 'rejected']),
  version: z.number().int().optional(),
  current_version: z.number().int().optional().describe('stale rows: the newer version already stored'),
  errors: z.array(z.string()).optional().describe('rejected rows: what to fix, naming the field'),
});
type ImportRowReport = z.infer<typeof importRowReport>;
const importAnswer = z.object({
  imported: z.number().int().describe('rows created or updated'),
  unchanged: z.number().int(), stale: z.number().int(), rejected: z.number().int(),
  results: z.array(importRowReport).describe('one per row, in order'),
});
const importRefused = importAnswer.extend({
  error: z.literal('NO_PROFILE_IMPORTED'), message: z.string(),
}).describe('every row was rejected: the same report, so each row says what to fix');
const importBodyDoc = z.object({
  profiles: z.array(z.object({ customer_id: customerIdSchema, profile: customerProfileSchema })).min(1).max(MAX_IMPORT_ROWS),
});

// Row shapes as the two import formats carry them; the zod paths name the field in error messages.
const jsonRowSchema = z.strictObject({ customer_id: customerIdSchema, profile: customerProfileSchema });
const ndjsonRowSchema = customerProfileSchema.extend({ customer_id: customerIdSchema });

type ImportRow =
  | { at: { line: number } | { index: number }; customerId: string | null; ok: true; profile: CustomerProfile }
  | { at: { line: number } | { index: number }; customerId: string | null; ok: false; errors: string[] };

export class ImportTooLargeError extends VigilError {
  constructor(rows: number) {
    super('IMPORT_TOO_LARGE', `an import holds at most ${MAX_IMPORT_ROWS} profiles; this one has ${rows}: split it`, 413);
  }
}

/** CRM reference data per customer: one profile at a time, its history, and bulk imports. */
export async function customerProfileRoutes(app: FastifyInstance, deps: CustomerProfileRouteDeps): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  installBodyParsers(app);

  api.put('/v1/customers/:customerId', {
    config: { roles: WRITERS },
    schema: {
      tags: ['customers'], security, params: customerParams, body: customerProfileSchema,
      summary: 'Create or replace a customer profile (CRM data); a profile with a version no newer than the stored one is refused',
      description: 'Recorded as updated by the API key\'s `<role>:<name>`. Without `version` the stored version plus 1 is used. Content equal to the stored profile is `unchanged` (no history entry; a newer `version` is still recorded). 409 STALE_PROFILE_VERSION when `version` is older than the stored one, or equal with other content.',
      response: { 200: putAnswer, 201: putAnswer, 400: apiError, 409: apiError },
    },
    handler: async (request, reply) => {
      const { customerId } = request.params;
      const result = await deps.profiles.put(customerId, request.body, auditActor(request.identity));
      if (result.status === 'stale') throw new StaleProfileVersionError(customerId, result.version, result.currentVersion);
      return reply.status(result.status === 'created' ? 201 : 200).send({ customer_id: customerId, version: result.version, status: result.status });
    },
  });

  api.get('/v1/customers/:customerId', {
    config: { roles: READERS },
    schema: {
      tags: ['customers'], security, params: customerParams, summary: "A customer's current profile",
      response: { 200: storedProfileView, 404: apiError },
    },
    handler: async (request) => {
      const stored = await deps.profiles.get(request.params.customerId);
      if (!stored) throw new ProfileNotFoundError(request.params.customerId);
      return profileView(stored);
    },
  });

  api.get('/v1/customers/:customerId/profile-history', {
    config: { roles: READERS },
    schema: {
      tags: ['customers'], security, params: customerParams, summary: "A customer's previous profile versions, newest first",
      querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(100).default(10) }),
      response: { 200: z.object({ customer_id: z.string(), versions: z.array(storedProfileView) }), 404: apiError },
    },
    handler: async (request) => {
      const { customerId } = request.params;
      const [current, previous] = await Promise.all([deps.profiles.get(customerId), deps.profiles.history(customerId, request.query.limit)]);
      if (!current && previous.length === 0) throw new ProfileNotFoundError(customerId);
      return { customer_id: customerId, versions: previous.map(profileView) };
    },
  });

  api.post('/v1/customers/import', {
    config: { roles: WRITERS },
    // Rows are validated one by one below, so one bad row does not sink the import.
    validatorCompiler: () => (data) => ({ value: data }),
    schema: {
      tags: ['customers'], security, body: importBodyDoc,
      summary: 'Bulk import of profiles: valid rows are stored, invalid ones reported; 200 with a report per row, 400 when every row was rejected',
      description: `application/json {"profiles": [{"customer_id", "profile"}]} or application/x-ndjson, one {"customer_id", ...profile fields} per line. At most ${MAX_IMPORT_ROWS} rows and the server's body limit (413 beyond). Each row follows the PUT rules (created, updated, unchanged, stale); rows that do not validate are "rejected" with errors naming the field, by line (NDJSON) or index (JSON). When every row is rejected the answer is 400 NO_PROFILE_IMPORTED with the same report, as POST /v1/events answers NO_EVENT_ACCEPTED.`,
      consumes: ['application/json', 'application/x-ndjson'],
      response: { 200: importAnswer, 400: z.union([importRefused, apiError]), 413: apiError },
    },
    handler: async (request, reply) => {
      // By the content type, not the parsed body's type: a JSON string ("x") is not NDJSON text.
      const body: unknown = request.body;
      const ndjson = /^application\/x-ndjson\b/i.test(request.headers['content-type'] ?? '');
      const rows = ndjson && typeof body === 'string' ? ndjsonRows(body) : jsonRows(body);
      const valid = rows.filter((row) => row.ok);
      const stored = await deps.profiles.importMany(
        valid.map((row) => ({ customerId: row.customerId as string, profile: row.profile })),
        auditActor(request.identity),
      );
      const report = importReport(rows, new Map(valid.map((row, i) => [row, stored[i]!])));
      // Nothing taken: a client that checks only the status must not take the import for done.
      if (report.rejected === rows.length) {
        const message = `none of the ${rows.length} rows was imported; see results for what to fix in each`;
        return reply.status(400).send({ error: 'NO_PROFILE_IMPORTED' as const, message, ...report });
      }
      return report;
    },
  });
}

/**
 * NDJSON for imports, and an empty-body message that fits this API. Both stay inside this plugin's
 * scope; fastify's own JSON parser does the parsing and applies the body limit.
 */
function installBodyParsers(app: FastifyInstance): void {
  installJsonBodyParser(app, { whenEmpty: () => new BadRequestError('request body is empty; send a customer profile, or {"profiles": [...]} to import') });
  app.addContentTypeParser('application/x-ndjson', { parseAs: 'string' }, (_request, body, done) => done(null, body));
}

function profileView(stored: StoredProfile) {
  return { customer_id: stored.customerId, version: stored.version, updated_at: stored.updatedAt, updated_by: stored.updatedBy, profile: stored.profile };
}

export function ndjsonRows(text: string): ImportRow[] {
  const lines = text.split('\n').map((content, i) => ({ line: i + 1, content: content.trim() })).filter((l) => l.content !== '');
  checkRowCount(lines.length);
  return lines.map(({ line, content }) => {
    let input: unknown;
    try {
      input = JSON.parse(content);
    } catch {
      return { at: { line }, customerId: null, ok: false, errors: ['line is not valid JSON'] };
    }
    return importRow({ line }, input, ndjsonRowSchema, ({ customer_id, ...profile }) => ({ customerId: customer_id, profile }));
  });
}

export function jsonRows(body: unknown): ImportRow[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || !('profiles' in body)) {
    throw new BadRequestError('body must be {"profiles": [{"customer_id": "...", "profile": {...}}]}, or NDJSON with Content-Type application/x-ndjson');
  }
  const { profiles, ...rest } = body as { profiles: unknown };
  if (Object.keys(rest).length > 0) throw new BadRequestError(`unknown field(s) beside profiles: ${Object.keys(rest).join(', ')}`);
  if (!Array.isArray(profiles)) throw new BadRequestError('profiles must be an array');
  checkRowCount(profiles.length);
  return profiles.map((input, index) => importRow({ index }, input, jsonRowSchema, (row) => ({ customerId: row.customer_id, profile: row.profile })));
}

function checkRowCount(rows: number): void {
  if (rows === 0) throw new BadRequestError('the import holds no profiles');
  if (rows > MAX_IMPORT_ROWS) throw new ImportTooLargeError(rows);
}

function importRow<S extends z.ZodType>(
  at: ImportRow['at'], input: unknown, schema: S, split: (row: z.output<S>) => { customerId: string; profile: CustomerProfile },
): ImportRow {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { at, customerId: null, ok: false, errors: ['row must be a JSON object'] };
  }
  const rawId = (input as { customer_id?: unknown }).customer_id;
  const customerId = typeof rawId === 'string' ? rawId.slice(0, 128) : null;
  const parsed = schema.safeParse(input);
  if (!parsed.success) return { at, customerId, ok: false, errors: describeIssues(parsed.error.issues, 'row') };
  return { at, ok: true, ...split(parsed.data) };
}

function importReport(rows: readonly ImportRow[], stored: ReadonlyMap<ImportRow, PutResult>): z.infer<typeof importAnswer> {
  const counts = { imported: 0, unchanged: 0, stale: 0, rejected: 0 };
  const results = rows.map((row): ImportRowReport => {
    const base = { ...row.at, customer_id: row.customerId };
    if (!row.ok) {
      counts.rejected++;
      return { ...base, status: 'rejected', errors: row.errors };
    }
    const result = stored.get(row)!;
    if (result.status === 'stale') {
      counts.stale++;
      return { ...base, status: 'stale', version: result.version, current_version: result.currentVersion };
    }
    if (result.status === 'unchanged') counts.unchanged++;
    else counts.imported++;
    return { ...base, status: result.status, version: result.version };
  });
  return { ...counts, results };
}
