import { z } from 'zod';
import { historyInstant, instantMs } from '../backtest/schema.js';

// The shapes of a history export (POST /v1/models/training-exports): the request, and the lines of
// the NDJSON answer. One definition for the route, its OpenAPI text and the CLI that reads it.

export const historyExportRequestSchema = z.strictObject({
  from: historyInstant.describe('first event time exported (inclusive)'),
  to: historyInstant.describe('end of the history (exclusive)'),
}).superRefine((body, ctx) => {
  if (instantMs(body.from) >= instantMs(body.to)) ctx.addIssue({ code: 'custom', path: ['to'], message: 'to must be later than from' });
});
export type HistoryExportRequest = z.infer<typeof historyExportRequestSchema>;

/** A customer an officer confirmed as fraud: the earliest confirmed alert's triggering event. */
export const dispositionLabelSchema = z.strictObject({
  customer_id: z.string().describe('the customer pseudonym, as ClickHouse holds it'),
  first_bad_event_id: z.string(),
  first_bad_at: z.string().describe('when that event happened (ISO, UTC)'),
});
export type DispositionLabel = z.infer<typeof dispositionLabelSchema>;

/** The first line: what was exported, by whom, and the labels. */
export const exportHeaderLineSchema = z.strictObject({
  export: z.strictObject({
    from: z.string(),
    to: z.string(),
    exported_by: z.string().describe('<role>:<name> of the verified identity that asked'),
    exported_at: z.string(),
    labels: z.array(dispositionLabelSchema),
    false_positive_customers: z.number().int().describe('customers whose fraud alerts were all resolved false_positive: genuine, as every unlabelled customer is'),
  }),
});
export type ExportHeader = z.infer<typeof exportHeaderLineSchema>['export'];

/** One line per stored event of the range, in event time: pseudonymised and postable (ingest would accept it). */
export const exportEventLineSchema = z.strictObject({ event: z.record(z.string(), z.unknown()) });

/** The last line; a stream without it was cut short. */
export const exportEndLineSchema = z.strictObject({
  end: z.strictObject({
    events: z.number().int(),
    unreadable: z.number().int().describe('stored rows whose payload is not an event; skipped'),
  }),
});
export type ExportEnd = z.infer<typeof exportEndLineSchema>['end'];

export const exportLineSchema = z.union([exportHeaderLineSchema, exportEventLineSchema, exportEndLineSchema]);
export type ExportLine = z.infer<typeof exportLineSchema>;
