import { closeSync, openSync, writeSync } from 'node:fs';
import { replayHistory, type ReplayContext } from '../backtest/index.js';
import { parseEvent, type EventInput } from '../core/events/index.js';
import type { Label } from '../simulator/scenarios/index.js';
import { csvHeader, csvLine, featureValues, fraudLabeller, validationSplit, type TrainingRow } from './trainingRows.js';

export interface ExportedRows {
  rows: number;
  positives: number;
  validation: number;
  events: number;
}

export class TrainingExportError extends Error {
  override readonly name = 'TrainingExportError';
}

/**
 * Replays a labelled history through the pure risk pipeline (backtest/) with no rules, so the
 * features are exactly those the workers compute at each event, and writes one CSV row per
 * labelled event, written as they come (a year of a large bank's rows need not sit in memory).
 */
export function exportTrainingRows(input: {
  events: readonly EventInput[]; labels: readonly Label[]; measureFromMs: number;
  features: readonly string[]; context: ReplayContext; csvPath: string;
}): ExportedRows {
  const label = fraudLabeller(input.labels, input.measureFromMs);
  const counts = { rows: 0, positives: 0, validation: 0 };
  // The replay is synchronous, so the rows go out with synchronous writes, a chunk at a time.
  const fd = openSync(input.csvPath, 'w');
  try {
    let pending = [csvHeader(input.features)];
    const flush = () => {
      writeSync(fd, `${pending.join('\n')}\n`);
      pending = [];
    };
    const context = { ...input.context, ruleSet: { version: 'training-export', rules: [] } };
    const outcome = replayHistory(parsed(input.events), context, (event, assessment) => {
      const y = label(event);
      if (y === undefined) return;
      const row: TrainingRow = { label: y, split: validationSplit(event.customer_id), values: featureValues(assessment.features, input.features) };
      counts.rows++;
      counts.positives += y;
      counts.validation += row.split;
      pending.push(csvLine(row));
      if (pending.length >= 10_000) flush();
    });
    if (pending.length > 0) flush();
    return { ...counts, events: outcome.events };
  } finally {
    closeSync(fd);
  }
}

function* parsed(events: readonly EventInput[]) {
  for (const input of events) {
    const result = parseEvent(input);
    if (!result.ok) throw new TrainingExportError(`event ${input.event_id} would be refused at ingest: ${result.errors.join('; ')}`);
    yield result.event;
  }
}
