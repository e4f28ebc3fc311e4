import { buildLabelledStream, type LabelledStream } from '../simulator/scenarios/index.js';
import { loadLabelledStream, saveLabelledStream } from './streamFiles.js';

// Where a labelled history comes from, for every tool that needs one (the evaluation, training):
// a stream saved earlier (events.jsonl + labels.json, as a bank's export would be put), or a
// simulated bank built from a seed; either way, what it was is described for the record.

export interface SimulatedBank {
  seed: number;
  customers: number;
  days: number;
  /** First day, YYYY-MM-DD. */
  start: string;
  fraudShare: number;
  churnShare: number;
  creditShare: number;
}

export type HistorySource = { fromDir: string } | { simulate: SimulatedBank; saveTo?: string };

export interface LabelledHistory {
  stream: LabelledStream;
  /** What the history was, written beside what is built from it (a model's .json). */
  source: Record<string, unknown>;
}

export async function obtainLabelledHistory(source: HistorySource, say: (line: string) => void): Promise<LabelledHistory> {
  if ('fromDir' in source) {
    say(`loading the labelled stream from ${source.fromDir} …`);
    const stream = await loadLabelledStream(source.fromDir);
    return { stream, source: { kind: 'export', events: stream.events.length, labels: stream.labels.length, start: stream.meta.start, end: stream.meta.end } };
  }
  const bank = source.simulate;
  say(`building a labelled stream: ${bank.customers} customers, ${bank.days} days, seed ${bank.seed}, fraud share ${bank.fraudShare} …`);
  const started = performance.now();
  const stream = buildLabelledStream({
    seed: bank.seed, customers: bank.customers, days: bank.days, start: new Date(`${bank.start}T00:00:00Z`),
    fraudShare: bank.fraudShare, churnShare: bank.churnShare, creditShare: bank.creditShare,
  });
  say(`built ${stream.events.length.toLocaleString('en-GB')} events and ${stream.labels.length} labels in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  if (source.saveTo) {
    await saveLabelledStream(source.saveTo, stream);
    say(`wrote ${source.saveTo}/events.jsonl and ${source.saveTo}/labels.json`);
  }
  return {
    stream,
    source: {
      kind: 'simulator', seed: bank.seed, customers: bank.customers, days: bank.days, start: bank.start,
      fraud_share: bank.fraudShare, churn_share: bank.churnShare, credit_share: bank.creditShare, events: stream.events.length,
    },
  };
}
