// npm run bench -- --only model: what scoring the example fraud model costs per event, in the
// process, as the worker pays it. The outgoing payments of a simulated bank, with their features
// as the pipeline computed them, are scored one at a time by the TypeScript evaluator (what
// risk/assess.ts runs) and, for comparison, by onnxruntime-node one row per call (what scoring
// through the reference runtime inside the per-event loop would cost) and in batches of 500.
import { fileURLToPath } from 'node:url';
import ort from 'onnxruntime-node';
import { replayContext, replayHistory } from '../backtest/index.js';
import { loadConfig } from '../config/index.js';
import { parseEvent, type RiskEvent, type VigilEvent } from '../core/events/index.js';
import type { FeatureVector } from '../features/index.js';
import { EXAMPLE_MODEL_URL, loadModelFile, scoreEvent } from '../models/index.js';
import { buildLabelledStream } from '../simulator/scenarios/index.js';

const TARGET_P99_US = 50;

const quantile = (sorted: readonly number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
const us = (ns: number) => (ns / 1000).toFixed(2);

function summary(label: string, samplesNs: number[], unit = 'events'): { p50: number; p99: number } {
  samplesNs.sort((a, b) => a - b);
  const p50 = quantile(samplesNs, 0.5);
  const p99 = quantile(samplesNs, 0.99);
  console.log(`  ${label}: p50 ${us(p50)} µs, p99 ${us(p99)} µs, max ${us(samplesNs.at(-1) ?? Number.NaN)} µs (${samplesNs.length.toLocaleString('en-GB')} ${unit})`);
  return { p50, p99 };
}

export async function benchModelScoring(): Promise<void> {
  const path = fileURLToPath(EXAMPLE_MODEL_URL);
  const model = await loadModelFile(path);
  const stream = buildLabelledStream({ seed: 42, customers: 400, days: 45, start: new Date('2026-01-05T00:00:00Z'), fraudShare: 0.1, churnShare: 0, creditShare: 0 });
  const events = stream.events.map((input) => {
    const parsed = parseEvent(input);
    if (!parsed.ok) throw new Error(parsed.errors.join('; '));
    return parsed.event;
  });
  const context = replayContext(loadConfig({}, { allowGeneratedKeys: true }).risk);
  const rows: { event: RiskEvent; vector: FeatureVector }[] = [];
  replayHistory(events, { ...context, ruleSet: { version: 'bench', rules: [] } }, (event: VigilEvent, assessment) => {
    if (model.scores(event)) rows.push({ event, vector: assessment.features });
  });
  const models = [model];
  console.log(`model scoring (${model.name} ${model.version}: ${model.features.length} features; ${rows.length.toLocaleString('en-GB')} outgoing payments of a simulated bank), per event, in process:`);

  // Warm the JIT as a running worker is, then time every call.
  let sink = 0;
  for (let round = 0; round < 3; round++) for (const { event, vector } of rows) sink += scoreEvent(models, event, vector)!.fraud!.score;
  const scoring = rows.map(({ event, vector }) => {
    const started = process.hrtime.bigint();
    sink += scoreEvent(models, event, vector)!.fraud!.score;
    return Number(process.hrtime.bigint() - started);
  });
  const ts = summary('TypeScript evaluator (what the worker runs: inputs from the features, trees, sigmoid)', scoring);
  const explaining = rows.slice(0, 20_000).map(({ event, vector }) => {
    const started = process.hrtime.bigint();
    sink += scoreEvent(models, event, vector)!.fraud!.topFeatures().length;
    return Number(process.hrtime.bigint() - started);
  });
  summary('the same with the top-3 explanation (only when a rule on the model fires)', explaining);

  const session = await ort.InferenceSession.create(path);
  const width = model.features.length;
  const single = rows.slice(0, 20_000).map(({ vector }) => model.inputs(vector));
  for (const x of single.slice(0, 2000)) await session.run({ features: new ort.Tensor('float32', x, [1, width]) });
  const reference = [];
  for (const x of single) {
    const started = process.hrtime.bigint();
    const out = await session.run({ features: new ort.Tensor('float32', x, [1, width]) });
    sink += (out.probability!.data as Float32Array)[0]!;
    reference.push(Number(process.hrtime.bigint() - started));
  }
  const ortSingle = summary('onnxruntime-node, one row per run (async)', reference);
  const batch = 500;
  const batches: number[] = [];
  for (let first = 0; first + batch <= single.length; first += batch) {
    const data = new Float32Array(batch * width);
    for (let i = 0; i < batch; i++) data.set(single[first + i]!, i * width);
    const started = process.hrtime.bigint();
    await session.run({ features: new ort.Tensor('float32', data, [batch, width]) });
    batches.push(Number(process.hrtime.bigint() - started) / batch);
  }
  summary(`onnxruntime-node, batches of ${batch} (per event; the assessment would have to be split in two passes around it)`, batches, 'batches');

  // The whole assessment with the default pack, with and without the model: what scoring adds to a worker's event.
  const timed = (withModel: boolean) => {
    const started = performance.now();
    replayHistory(events, withModel ? { ...context, models } : context);
    return ((performance.now() - started) * 1000) / events.length;
  };
  // Alternated and the best of five each: the machine is shared, and a slow run says nothing of the code.
  let without = Number.POSITIVE_INFINITY;
  let withModel = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 5; round++) {
    without = Math.min(without, timed(false));
    withModel = Math.min(withModel, timed(true));
  }
  console.log(`  whole assessment with the default pack, mean per event of the stream (${events.length.toLocaleString('en-GB')} events, every type): `
    + `${without.toFixed(2)} µs without the model, ${withModel.toFixed(2)} µs with it`);
  console.log(`  target p99 ≤ ${TARGET_P99_US} µs: TypeScript evaluator p99 ${us(ts.p99)} µs (${(ts.p99 / 1000 / TARGET_P99_US).toFixed(2)} of the budget), `
    + `onnxruntime-node one row per run p99 ${us(ortSingle.p99)} µs (${(ortSingle.p99 / 1000 / TARGET_P99_US).toFixed(2)})${sink === 0 ? '' : ''}`);
}
