import type { LabelFile } from '../simulator/scenarios/index.js';
import type { ExportEnd, ExportHeader } from './historyExportSchema.js';

// labels.json for a history exported from Vigil (npm run export-history), in the format the
// evaluation and npm run train read (simulator/scenarios/labels.ts), so training takes it as it
// takes a simulated bank's. Pure.

const DAY_MS = 86_400_000;

export class EmptyExportError extends Error {
  override readonly name = 'EmptyExportError';
}

export interface ExportedStream {
  header: ExportHeader;
  end: ExportEnd;
  /** Distinct customers (pseudonyms) among the exported events. */
  customers: ReadonlySet<string>;
  /** Rows before this are not trained on (the features' warm-up); the export's `from` when not given. */
  measureFrom?: string;
}

export function exportedLabelFile({ header, end, customers, measureFrom }: ExportedStream): LabelFile {
  if (customers.size === 0 || end.events === 0) throw new EmptyExportError(`no events stored in [${header.from}, ${header.to}): nothing to train on`);
  const labels = header.labels.map((label) => ({
    customer_id: label.customer_id, kind: 'fraud' as const, typology: 'confirmed-fraud' as const,
    first_bad_event_id: label.first_bad_event_id, first_bad_at: label.first_bad_at,
  }));
  const labelledHere = labels.filter((label) => customers.has(label.customer_id)).length;
  return {
    stream: {
      source: 'dispositions',
      seed: 0,
      customers: customers.size,
      days: (Date.parse(header.to) - Date.parse(header.from)) / DAY_MS,
      start: header.from,
      end: header.to,
      measure_from: measureFrom ?? header.from,
      fraud_share: labelledHere / customers.size,
      churn_share: 0,
      credit_share: 0,
      events: end.events,
    },
    labels,
    noise: [],
  };
}
