import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ort from 'onnxruntime-node';
import protobuf from 'protobufjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { replayContext, replayHistory } from '../../backtest/index.js';
import { loadConfig } from '../../config/index.js';
import { parseEvent, type VigilEvent } from '../../core/events/index.js';
import { checkedModel, EXAMPLE_MODEL_URL, type ScoringModel } from '../../models/index.js';
import { buildLabelledStream } from '../../simulator/scenarios/index.js';

// The TypeScript evaluator against onnxruntime-node, the reference runtime, on the shipped example
// model: rows built to sit on, just above and just below every threshold the trees use (where a
// float32 rounding or a < against ≤ would show), and rows of a simulated bank as the pipeline
// computes them. Probabilities agree within 1e-5, margins within 1e-4 (onnxruntime sums float32).

const bytes = readFileSync(fileURLToPath(EXAMPLE_MODEL_URL));
let model: ScoringModel;
let session: ort.InferenceSession;

beforeAll(async () => {
  model = checkedModel(bytes);
  session = await ort.InferenceSession.create(bytes);
});

async function reference(rows: readonly Float32Array[]): Promise<{ probability: Float32Array; margin: Float32Array }> {
  const width = model.features.length;
  const data = new Float32Array(rows.length * width);
  rows.forEach((row, i) => data.set(row, i * width));
  const out = await session.run({ features: new ort.Tensor('float32', data, [rows.length, width]) });
  return { probability: out.probability!.data as Float32Array, margin: out.margin!.data as Float32Array };
}

async function expectSameScores(rows: readonly Float32Array[]): Promise<void> {
  const ref = await reference(rows);
  let worstProbability = 0;
  let worstMargin = 0;
  rows.forEach((x, i) => {
    worstProbability = Math.max(worstProbability, Math.abs(model.probability(x) - ref.probability[i]!));
    worstMargin = Math.max(worstMargin, Math.abs(model.margin(x) - ref.margin[i]!));
  });
  expect(worstProbability).toBeLessThan(1e-5);
  expect(worstMargin).toBeLessThan(1e-4);
}

/** Every threshold of every split, by input, read from the file with protobufjs independently of the loader. */
function thresholdsByInput(): Map<number, number[]> {
  const type = protobuf.loadSync(fileURLToPath(new URL('../../models/onnx.proto', import.meta.url))).lookupType('onnx.ModelProto');
  const decoded = type.toObject(type.decode(bytes), { longs: Number, arrays: true }) as {
    graph: { node: { opType: string; attribute: { name: string; floats?: number[]; ints?: number[] }[] }[] };
  };
  const attrs = decoded.graph.node.find((n) => n.opType === 'TreeEnsembleRegressor')!.attribute;
  const get = (name: string) => attrs.find((a) => a.name === name)!;
  const features = get('nodes_featureids').ints!;
  const values = get('nodes_values').floats!;
  const byInput = new Map<number, number[]>();
  features.forEach((f, i) => byInput.set(f, [...(byInput.get(f) ?? []), values[i]!]));
  return byInput;
}

/** A seeded generator (mulberry32): the same rows on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The float32 next to `v` towards +∞ or −∞. */
function nextFloat32(v: number, up: boolean): number {
  const buffer = new Float32Array([v]);
  const bits = new Int32Array(buffer.buffer);
  if (v === 0) return up ? 1.4e-45 : -1.4e-45;
  bits[0]! += (v > 0) === up ? 1 : -1;
  return buffer[0]!;
}

describe('the TypeScript tree evaluator against onnxruntime-node', () => {
  it('scores 2,000 rows on, just above and just below every split threshold as onnxruntime does', async () => {
    const thresholds = thresholdsByInput();
    const next = random(20_260_105);
    const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
    const rows = Array.from({ length: 2000 }, () => Float32Array.from(model.features, (_, f) => {
      const near = thresholds.get(f);
      const r = next();
      if (r < 0.03) return Number.NaN;
      if (!near || r < 0.15) return pick([-1, 0, 1, 2, 1e6]);
      const t = pick(near);
      return pick([t, nextFloat32(t, true), nextFloat32(t, false), t * (0.5 + next())]);
    }));
    await expectSameScores(rows);
  });

  it('scores the outgoing payments of a simulated bank, with their features as the pipeline computed them, as onnxruntime does', async () => {
    const stream = buildLabelledStream({ seed: 11, customers: 120, days: 35, start: new Date('2026-01-05T00:00:00Z'), fraudShare: 0.2, churnShare: 0, creditShare: 0 });
    const events = stream.events.map((input) => {
      const parsed = parseEvent(input);
      if (!parsed.ok) throw new Error(parsed.errors.join('; '));
      return parsed.event;
    });
    const rows: Float32Array[] = [];
    const context = { ...replayContext(loadConfig({}, { allowGeneratedKeys: true }).risk), ruleSet: { version: 'none', rules: [] } };
    replayHistory(events, context, (event: VigilEvent, assessment) => {
      if (model.scores(event)) rows.push(model.inputs(assessment.features));
    });
    expect(rows.length).toBeGreaterThan(1000);
    await expectSameScores(rows);
  });

  it('reproduces the trainer\'s own margins and Saabas contributions for the rows stored in the file', () => {
    expect(model.checkAgainstTrainer()).toBeUndefined();
  });
});
