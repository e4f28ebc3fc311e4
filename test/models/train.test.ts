import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { replayContext } from '../../backtest/index.js';
import { loadConfig } from '../../config/index.js';
import { checkedModel } from '../../models/index.js';
import { exportTrainingRows } from '../../models/exportRows.js';
import { FRAUD_MODEL_EVENT_TYPES, FRAUD_MODEL_FEATURES, LABELLING } from '../../models/trainingRows.js';
import { buildLabelledStream } from '../../simulator/scenarios/index.js';

// npm run train end to end on a small simulated bank: the rows exported from the replay, the
// trainer run twice (Debian's python3-xgboost, python3-onnx, python3-sklearn; .ci/run installs
// them), byte-identical files, and a model that loads, checks itself and scores as onnxruntime does.

const PYTHON = '/usr/bin/python3';
const TRAINER = fileURLToPath(new URL('../../models/train.py', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'vigil-train-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run train', () => {
  it('exports labelled rows and trains the same model, byte for byte, twice', { timeout: 120_000 }, async () => {
    const stream = buildLabelledStream({ seed: 3, customers: 150, days: 40, start: new Date('2026-01-05T00:00:00Z'), fraudShare: 0.3, churnShare: 0, creditShare: 0 });
    const csvPath = join(dir, 'rows.csv');
    const exported = exportTrainingRows({
      events: stream.events, labels: stream.labels, measureFromMs: Date.parse(stream.meta.measure_from), features: FRAUD_MODEL_FEATURES,
      context: replayContext(loadConfig({}, { allowGeneratedKeys: true }).risk), csvPath,
    });
    expect(exported.positives).toBeGreaterThan(20);
    expect(exported.validation).toBeGreaterThan(0);
    const lines = readFileSync(csvPath, 'utf8').trim().split('\n');
    expect(lines[0]).toBe(['label', 'split', ...FRAUD_MODEL_FEATURES].join(','));
    expect(lines).toHaveLength(exported.rows + 1);

    const specPath = join(dir, 'spec.json');
    writeFileSync(specPath, JSON.stringify({
      name: 'fraud', version: 'test-1', features: FRAUD_MODEL_FEATURES, event_types: FRAUD_MODEL_EVENT_TYPES, labelling: LABELLING, source: { kind: 'simulator', seed: 3 },
    }));
    for (const out of ['first', 'second']) {
      const run = spawnSync(PYTHON, [TRAINER, '--rows', csvPath, '--spec', specPath, '--out', join(dir, out)], { encoding: 'utf8' });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
    }
    const first = readFileSync(join(dir, 'first.onnx'));
    expect(readFileSync(join(dir, 'second.onnx')).equals(first)).toBe(true);
    expect(readFileSync(join(dir, 'second.json'), 'utf8')).toBe(readFileSync(join(dir, 'first.json'), 'utf8'));

    const meta = JSON.parse(readFileSync(join(dir, 'first.json'), 'utf8'));
    expect(meta).toMatchObject({ name: 'fraud', version: 'test-1', features: FRAUD_MODEL_FEATURES, rows: { train: exported.rows - exported.validation } });
    expect(meta.metrics.validation.auc).toBeGreaterThan(0.5);

    const model = checkedModel(first);
    const session = await ort.InferenceSession.create(first);
    const rows = model.metadata.checkRows.map((r) => Float32Array.from(r.x));
    const data = new Float32Array(rows.length * model.features.length);
    rows.forEach((r, i) => data.set(r, i * model.features.length));
    const out = await session.run({ features: new ort.Tensor('float32', data, [rows.length, model.features.length]) });
    rows.forEach((x, i) => expect(model.probability(x)).toBeCloseTo((out.probability!.data as Float32Array)[i]!, 5));
  });
});
