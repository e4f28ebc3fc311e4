import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { AggregateStore } from '../aggregates/index.js';
import { instantMs } from '../backtest/schema.js';
import { auditActor } from '../core/identity.js';
import { dispositionLabels, exportEventLines } from './historyExport.js';
import { historyExportRequestSchema, type ExportHeader } from './historyExportSchema.js';

// The history export for training: a risk admin takes the behaviour of every customer of a range
// (pseudonymised) with officers' verdicts as labels. It is served by the API because the embedded
// ClickHouse answers only the process that owns it. Each export is recorded, under the verified
// identity, in a Redis stream the same roles can read.

export const EXPORTERS = ['risk-admin', 'admin'] as const;
const AUDIT_KEEP = 10_000;
const security = [{ bearerAuth: [] }];
const problem = z.object({ error: z.string(), message: z.string(), details: z.unknown().optional() });

const exportRecordSchema = z.object({
  id: z.string(), at: z.string(), exported_by: z.string().describe('<role>:<name> of the verified identity'),
  from: z.string(), to: z.string(), labels: z.number().int().describe('customers labelled fraud in the export'),
});
type ExportRecord = z.infer<typeof exportRecordSchema>;

export class TrainingExportAudit {
  constructor(private readonly redis: Redis, readonly stream: string) {}

  async record(entry: Omit<ExportRecord, 'id'>): Promise<void> {
    await this.redis.xadd(this.stream, 'MAXLEN', '~', AUDIT_KEEP, '*',
      'at', entry.at, 'exported_by', entry.exported_by, 'from', entry.from, 'to', entry.to, 'labels', String(entry.labels));
  }

  /** Newest first. */
  async recent(limit: number): Promise<ExportRecord[]> {
    const entries = await this.redis.xrevrange(this.stream, '+', '-', 'COUNT', limit);
    return entries.map(([id, fields]) => {
      const f: Record<string, string> = {};
      for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!;
      return { id, at: f.at ?? '', exported_by: f.exported_by ?? '', from: f.from ?? '', to: f.to ?? '', labels: Number(f.labels ?? 0) };
    });
  }
}

export interface HistoryExportDeps {
  store: AggregateStore;
  redis: Redis;
  prefix: string;
  /** Events read from ClickHouse per page (VIGIL_BACKTEST_PAGE_EVENTS): what the export holds in memory. */
  pageEvents: number;
}

export async function historyExportRoutes(app: FastifyInstance, deps: HistoryExportDeps): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const audit = new TrainingExportAudit(deps.redis, `${deps.prefix}:models:training-exports`);

  api.post('/v1/models/training-exports', {
    config: { roles: EXPORTERS },
    schema: {
      tags: ['models'], security,
      summary: 'Export the stored events of [from, to) with fraud labels from officers\' dispositions, for npm run train',
      description: 'Answers application/x-ndjson, written page by page: first `{"export": {from, to, exported_by, exported_at, labels, '
        + 'false_positive_customers}}`, then one `{"event": {…}}` per stored event in event time (customers as pseudonyms, payee '
        + 'accounts as their hash, IPs dropped; postable as ingest takes events), then `{"end": {events, unreadable}}`; a stream '
        + 'without the end line was cut short. A label is a customer with a fraud alert resolved confirmed_fraud, `first_bad_at` '
        + 'the earliest such alert\'s triggering event, kept when it falls in [from − 7 days, to). Customers cleared as '
        + 'false_positive and customers never alerted are genuine. Recorded under the key\'s or user\'s `<role>:<name>` '
        + '(GET /v1/models/training-exports). npm run export-history writes it as events.jsonl + labels.json.',
      body: historyExportRequestSchema,
      response: { 400: problem, 403: problem },
    },
    handler: async (request, reply) => {
      const exportedBy = auditActor(request.identity);
      const range = { fromMs: instantMs(request.body.from), toMs: instantMs(request.body.to) };
      const labels = await dispositionLabels(deps.store, range);
      const header: ExportHeader = {
        from: new Date(range.fromMs).toISOString(), to: new Date(range.toMs).toISOString(), exported_by: exportedBy,
        exported_at: new Date().toISOString(), labels: labels.labels, false_positive_customers: labels.falsePositiveCustomers,
      };
      await audit.record({ at: header.exported_at, exported_by: exportedBy, from: header.from, to: header.to, labels: labels.labels.length });
      request.log.info({ actor: exportedBy, from: header.from, to: header.to, labels: labels.labels.length }, 'history exported for training');
      async function* lines(): AsyncGenerator<string> {
        yield `${JSON.stringify({ export: header })}\n`;
        yield* exportEventLines(deps.store, range, deps.pageEvents);
      }
      // A stream, not a body the response schemas describe: fastify sends it as it is read.
      const streamed: FastifyReply = reply;
      return streamed.type('application/x-ndjson').send(Readable.from(lines()));
    },
  });

  api.get('/v1/models/training-exports', {
    config: { roles: EXPORTERS },
    schema: {
      tags: ['models'], security, summary: 'Who exported which range for training, newest first (the last 100)',
      response: { 200: z.object({ exports: z.array(exportRecordSchema) }), 403: problem },
    },
    handler: async () => ({ exports: await audit.recent(100) }),
  });
}
