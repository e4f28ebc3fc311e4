import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import protobuf from 'protobufjs';
import { afterAll, describe, expect, it } from 'vitest';
import { checkedModel, EXAMPLE_MODEL_URL, loadModelFiles, ModelFileError, scoreEvent, TreeEnsemble } from '../../models/index.js';
import type { RiskEvent } from '../../core/events/index.js';

const EXAMPLE = fileURLToPath(EXAMPLE_MODEL_URL);
const bytes = readFileSync(EXAMPLE);
const model = checkedModel(bytes);
const modelType = protobuf.loadSync(fileURLToPath(new URL('../../models/onnx.proto', import.meta.url))).lookupType('onnx.ModelProto');
const dir = mkdtempSync(join(tmpdir(), 'vigil-models-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Decoded = {
  graph: { node: { opType: string; attribute: { name: string; floats?: number[] }[] }[] };
  metadataProps: { key: string; value: string }[];
};

/** The example model's file with one change made to its decoded message. */
function altered(change: (decoded: Decoded) => void): Uint8Array {
  const decoded = modelType.toObject(modelType.decode(bytes), { longs: Number, arrays: true }) as Decoded;
  change(decoded);
  return modelType.encode(modelType.fromObject(decoded)).finish();
}

describe('a loaded model', () => {
  it('explains each score completely: the bias plus every feature\'s contribution is the margin', () => {
    fc.assert(fc.property(fc.array(fc.double({ min: -10, max: 1e5, noNaN: true }), { minLength: model.features.length, maxLength: model.features.length }), (values) => {
      const x = Float32Array.from(values);
      const ensemble = (model as unknown as { ensemble: TreeEnsemble }).ensemble;
      const { byFeature, bias } = ensemble.contributions(x);
      expect(bias + byFeature.reduce((a, b) => a + b, 0)).toBeCloseTo(model.margin(x), 9);
    }), { numRuns: 300 });
  });

  it('names at most three features, those that raised the score most, largest first', () => {
    for (const row of model.metadata.checkRows) {
      const top = model.topFeatures(Float32Array.from(row.x));
      expect(top.length).toBeLessThanOrEqual(3);
      expect(top.every((c) => c.contribution > 0)).toBe(true);
      expect(top.map((c) => c.contribution)).toEqual([...top.map((c) => c.contribution)].sort((a, b) => b - a));
      const largest = Math.max(...row.contributions);
      if (largest > 0) expect(top[0]!.contribution).toBeCloseTo(largest, 4);
    }
  });

  it('scores only the event types it was trained on', () => {
    const vector = Object.fromEntries(model.features.map((f) => [f, 0]));
    expect(scoreEvent([model], { type: 'transfer_out' } as RiskEvent, vector)?.fraud?.score).toBeGreaterThan(0);
    expect(scoreEvent([model], { type: 'login' } as RiskEvent, vector)).toBeUndefined();
  });
});

describe('loading a model file', () => {
  it('refuses a file whose trees no longer give its trainer\'s scores (one leaf changed)', () => {
    const tampered = altered((d) => {
      const weights = d.graph.node[0]!.attribute.find((a) => a.name === 'target_weights')!.floats!;
      weights[0] = weights[0]! + 0.5;
    });
    expect(() => checkedModel(tampered)).toThrow(ModelFileError);
    expect(() => checkedModel(tampered)).toThrow(/does not reproduce its trainer's scores \(check row \d+: (margin|bias|contribution)/);
  });

  it('refuses a model that reads a feature this engine does not compute', () => {
    const other = altered((d) => {
      const prop = d.metadataProps.find((p) => p.key === 'vigil.features')!;
      prop.value = prop.value.replace('"new_payee"', '"new_payee_v2"');
    });
    expect(() => checkedModel(other)).toThrow(/reads features this engine does not compute: new_payee_v2/);
  });

  it('refuses a file that is not a Vigil tree model, saying what it expected', () => {
    expect(() => checkedModel(Buffer.from('{"not": "onnx"}'))).toThrow(ModelFileError);
    const noSigmoid = altered((d) => {
      d.graph.node = d.graph.node.filter((n) => n.opType !== 'Sigmoid');
    });
    expect(() => checkedModel(noSigmoid)).toThrow(/expected a TreeEnsembleRegressor \(ai\.onnx\.ml\) followed by a Sigmoid; the graph has TreeEnsembleRegressor/);
  });

  it('refuses two files that rules would call by the same name, and names a file it cannot read', async () => {
    const copy = join(dir, 'copy.onnx');
    writeFileSync(copy, bytes);
    await expect(loadModelFiles([EXAMPLE, copy])).rejects.toThrow(/fraud-example\.onnx are both model "fraud"|copy\.onnx and fraud-example\.onnx are both model "fraud"/);
    await expect(loadModelFiles([join(dir, 'missing.onnx')])).rejects.toThrow(/missing\.onnx: cannot be read \(ENOENT\)/);
  });
});
