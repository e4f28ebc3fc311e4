import type { FastifyInstance } from 'fastify';
import type { FastifyRouteSchemaDef, FastifyValidationResult } from 'fastify/types/schema.js';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { auditActor } from '../core/identity.js';
import { entryRows, MAX_IMPORT_ROWS, type ImportRow } from './csvImport.js';
import { EntryNotFoundError, InvalidListInputError } from './errors.js';
import { LIST_ACTIONS } from './listAudit.js';
import type { ListStore } from './listStore.js';
import { proposalSchema, type ApprovalService } from '../approvals/index.js';
import { entryInputSchema, listDefinitionSchema, listUpdateSchema, type StoredList } from './schema.js';

export interface ListRouteDeps {
  lists: ListStore;
  /** Four-eyes; when it requires `lists.import`, a CSV import is proposed, applied once approved. */
  approvals?: ApprovalService;
}

// Officers add and remove single entries from a case; risk admins shape the lists themselves and
// make bulk changes (which will need a second pair of eyes once sign-in exists: docs/architecture.md).
const READERS = ['risk', 'risk-admin', 'admin'] as const;
const ENTRY_WRITERS = ['risk', 'risk-admin', 'admin'] as const;
const LIST_ADMINS = ['risk-admin', 'admin'] as const;
const security = [{ bearerAuth: [] }];

// Names and values are checked by the store, so a malformed one gets its INVALID_LIST_INPUT answer.
const nameParams = z.object({ name: z.string().min(1).max(200) });
const entryParams = z.object({ name: z.string().min(1).max(200), value: z.string().min(1).max(1024) });

const listView = z.object({
  name: z.string(), purpose: z.string(), kind: z.string(), description: z.string(), entries: z.number().int(),
  created_at: z.string(), created_by: z.string(), updated_at: z.string(), updated_by: z.string(),
});
const entryView = z.object({
  value: z.string(), reason: z.string(), expires_at: z.string(), added_at: z.string(), added_by: z.string(), source: z.string(),
});
const auditView = z.object({
  at: z.string(), actor: z.string(), action: z.enum(LIST_ACTIONS), list: z.string(), value: z.string().optional(), reason: z.string().optional(),
  expiresAt: z.string().optional(), importId: z.string().optional(), count: z.number().int().optional(),
  created: z.number().int().optional(), replaced: z.number().int().optional(),
});
const badRequest = z.object({
  error: z.string(), message: z.string(),
  errors: z.array(z.string()).optional().describe('every problem, each naming the field'),
  details: z.unknown().optional(),
});
const importAnswer = z.object({
  list: z.string(), import_id: z.string().nullable().describe('the entries carry it as their source, import:<id>'),
  imported: z.number().int(), created: z.number().int(), replaced: z.number().int(), rejected: z.number().int(),
  results: z.array(z.object({
    line: z.number().int().describe('1-based line of the file'), value: z.string().nullable(),
    status: z.enum(['imported', 'rejected']), errors: z.array(z.string()).optional(),
  })).describe('one per row, in order'),
});

// Bodies are documented by their schema but validated by the store, so every problem is reported
// at once in its words, with the field it concerns.
function storeValidatesBody<S>(route: FastifyRouteSchemaDef<S>): FastifyValidationResult {
  return route.httpPart === 'body' ? (data: unknown) => ({ value: data }) : validatorCompiler(route as unknown as FastifyRouteSchemaDef<z.ZodType>);
}

/** Allow, block and watch lists: definitions, entries, CSV import, audit. Changes reach every worker within one poll. */
export async function listRoutes(app: FastifyInstance, deps: ListRouteDeps): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  const { lists } = deps;

  api.get('/v1/lists', {
    config: { roles: READERS },
    schema: { tags: ['lists'], summary: 'Every list with its entry count', security, response: { 200: z.object({ lists: z.array(listView) }) } },
    handler: async () => {
      const all = await lists.lists();
      const sizes = await lists.sizes(all.map((s) => s.definition.name));
      return { lists: all.map((s) => listViewOf(s, sizes.get(s.definition.name) ?? 0)) };
    },
  });

  api.get('/v1/lists/audit', {
    config: { roles: READERS },
    schema: {
      tags: ['lists'], summary: 'Who changed which list or entry, when, newest first', security,
      querystring: z.strictObject({ list: z.string().min(1).max(64).optional(), limit: z.coerce.number().int().min(1).max(1000).default(50) }),
      response: { 200: z.object({ entries: z.array(auditView) }) },
    },
    handler: async (request) => ({ entries: await lists.audit({ list: request.query.list, limit: request.query.limit }) }),
  });

  api.post('/v1/lists', {
    config: { roles: LIST_ADMINS },
    validatorCompiler: storeValidatesBody,
    schema: {
      tags: ['lists'], summary: 'Create a list (409 if the name exists)', security, body: listDefinitionSchema,
      description: 'Recorded as created by the API key\'s `<role>:<name>`.',
      response: { 201: listView, 400: badRequest },
    },
    handler: async (request, reply) => reply.status(201).send(listViewOf(await lists.create(request.body as unknown, auditActor(request.identity)), 0)),
  });

  api.get('/v1/lists/:name', {
    config: { roles: READERS },
    schema: { tags: ['lists'], summary: 'One list with its entry count', security, params: nameParams, response: { 200: listView, 400: badRequest } },
    handler: async (request) => {
      const stored = await lists.get(request.params.name);
      return listViewOf(stored, (await lists.sizes([stored.definition.name])).get(stored.definition.name) ?? 0);
    },
  });

  api.put('/v1/lists/:name', {
    config: { roles: LIST_ADMINS },
    validatorCompiler: storeValidatesBody,
    schema: {
      tags: ['lists'], summary: "Change a list's description; purpose and kind are fixed (409 if the body asks otherwise)", security,
      params: nameParams, body: listUpdateSchema, response: { 200: listView, 400: badRequest },
    },
    handler: async (request) => {
      const stored = await lists.update(request.params.name, request.body as unknown, auditActor(request.identity));
      return listViewOf(stored, (await lists.sizes([stored.definition.name])).get(stored.definition.name) ?? 0);
    },
  });

  api.delete('/v1/lists/:name', {
    config: { roles: LIST_ADMINS },
    schema: {
      tags: ['lists'], summary: 'Delete a list and its entries; 409 while a rule or campaign uses it', security, params: nameParams,
      response: { 200: z.object({ list: z.string(), entries_removed: z.number().int() }), 400: badRequest },
    },
    handler: async (request) => ({ list: request.params.name, entries_removed: await lists.delete(request.params.name, auditActor(request.identity)) }),
  });

  api.get('/v1/lists/:name/entries', {
    config: { roles: READERS },
    schema: {
      tags: ['lists'], security, params: nameParams,
      summary: 'Entries of a list, a page at a time (in no particular order), or the one entry of ?value=',
      querystring: z.strictObject({
        value: z.string().min(1).max(1024).optional().describe('look one value up (normalised as the list\'s kind); 404 when it is not on the list'),
        cursor: z.string().regex(/^\d{1,20}$/, 'cursor is the next_cursor of the previous page').default('0'),
        limit: z.coerce.number().int().min(1).max(1000).default(100),
      }),
      response: { 200: z.object({ list: z.string(), entries: z.array(entryView), next_cursor: z.string().describe('"0" after the last page') }), 400: badRequest },
    },
    handler: async (request) => {
      const { name } = request.params;
      if (request.query.value !== undefined) {
        const entry = await lists.entry(name, request.query.value);
        if (!entry) throw new EntryNotFoundError(name, request.query.value);
        return { list: name, entries: [entryViewOf(entry)], next_cursor: '0' };
      }
      const page = await lists.entries(name, { cursor: request.query.cursor, limit: request.query.limit });
      return { list: name, entries: page.entries.map(entryViewOf), next_cursor: page.nextCursor };
    },
  });

  api.post('/v1/lists/:name/entries', {
    config: { roles: ENTRY_WRITERS },
    validatorCompiler: storeValidatesBody,
    schema: {
      tags: ['lists'], security, params: nameParams, body: entryInputSchema,
      summary: 'Add an entry (201), or replace the reason and expiry of one already on the list (200)',
      description: 'The value is normalised for the list\'s kind. Recorded as added by the API key\'s `<role>:<name>`.',
      response: { 200: entryView, 201: entryView, 400: badRequest },
    },
    handler: async (request, reply) => {
      const { entry, created } = await lists.addEntry(request.params.name, request.body as unknown, auditActor(request.identity));
      return reply.status(created ? 201 : 200).send(entryViewOf(entry));
    },
  });

  api.delete('/v1/lists/:name/entries/:value', {
    config: { roles: ENTRY_WRITERS },
    schema: {
      tags: ['lists'], security, params: entryParams, summary: 'Remove an entry (the value URL-encoded, normalised as the list\'s kind)',
      response: { 200: z.object({ list: z.string(), removed: z.string() }), 400: badRequest },
    },
    handler: async (request) => {
      await lists.removeEntry(request.params.name, request.params.value, auditActor(request.identity));
      return { list: request.params.name, removed: request.params.value };
    },
  });

  api.post('/v1/lists/:name/import', {
    config: { roles: LIST_ADMINS },
    validatorCompiler: storeValidatesBody,
    schema: {
      tags: ['lists'], security, params: nameParams, consumes: ['text/csv'],
      body: z.string().describe('CSV: a header row value,reason,expires_at (any order), then one entry per row'),
      summary: 'Import entries from CSV: valid rows are added (or replace the entry), invalid ones reported; 200 with a report per row',
      description: `When four-eyes applies to \`lists.import\` (VIGIL_APPROVALS) the valid rows are proposed, not written: 202 with the same report (rows that would be imported marked imported, \`imported\` 0) and \`approval\`; another risk-admin or admin approves it. At most ${MAX_IMPORT_ROWS} rows and the server's body limit (413 beyond). A row is rejected, with what to fix, for a bad value for the list's kind, a missing reason, an expiry in the past or beyond VIGIL_LIST_ENTRY_MAX_DAYS, or a value already on an earlier line. A file that is not CSV or has other columns is refused whole (400). Audited as one record per 1,000 rows under one import id.`,
      response: { 200: importAnswer, 202: importAnswer.extend({ status: z.literal('pending_approval'), approval: proposalSchema }), 400: badRequest },
    },
    handler: async (request, reply) => {
      if (typeof request.body !== 'string') throw new InvalidListInputError(['body: send the file as text/csv']);
      const { name } = request.params;
      const list = await lists.get(name);
      const rows = entryRows(request.body, (record) => lists.checkEntry(list.definition.kind, record));
      const valid = rows.filter((row): row is Extract<ImportRow, { ok: true }> => row.ok);
      const results = rows.map((row) => (row.ok
        ? { line: row.line, value: row.value, status: 'imported' as const }
        : { line: row.line, value: row.value, status: 'rejected' as const, errors: row.errors }));
      if (deps.approvals?.required('lists.import') && valid.length > 0) {
        const approval = await deps.approvals.propose({
          action: 'lists.import', title: `Import ${valid.length} entries into list ${name}`, target: name,
          payload: { list: name, entries: valid.map((row) => row.entry) }, details: { entries: valid.length, rejectedRows: rows.length - valid.length },
        }, request.identity);
        return reply.status(202).send({
          status: 'pending_approval', approval, list: name, import_id: null, imported: 0, created: 0, replaced: 0, rejected: rows.length - valid.length, results,
        });
      }
      const written = valid.length > 0 ? await lists.putEntries(name, valid.map((row) => row.entry), auditActor(request.identity)) : undefined;
      return {
        list: name, import_id: written?.importId ?? null,
        imported: valid.length, created: written?.created ?? 0, replaced: written?.replaced ?? 0, rejected: rows.length - valid.length,
        results,
      };
    },
  });
}

function listViewOf(stored: StoredList, entries: number): z.infer<typeof listView> {
  const { definition: d } = stored;
  return {
    name: d.name, purpose: d.purpose, kind: d.kind, description: d.description, entries,
    created_at: stored.createdAt, created_by: stored.createdBy, updated_at: stored.updatedAt, updated_by: stored.updatedBy,
  };
}

function entryViewOf(entry: { value: string; reason: string; expiresAt: string; addedAt: string; addedBy: string; source: string }): z.infer<typeof entryView> {
  return { value: entry.value, reason: entry.reason, expires_at: entry.expiresAt, added_at: entry.addedAt, added_by: entry.addedBy, source: entry.source };
}
