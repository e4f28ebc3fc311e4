import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayContext, replayHistory } from '../../backtest/index.js';
import { loadConfig } from '../../config/index.js';
import { parseEvent } from '../../core/events/index.js';
import { checkedModel, EXAMPLE_MODEL_URL, modelVersionId, shadowModelProblem } from '../../models/index.js';
import { KNOWN_FEATURES, parseRuleSet } from '../../rules/index.js';
import { buildLabelledStream } from '../../simulator/scenarios/index.js';
import { cardPayment } from '../support/events.js';
import { INGEST_KEY, RISK_ADMIN_KEY, RISK_KEY, eventually, startTestEngine, testConfig } from '../support/testEngine.js';

// A candidate version of a live model in shadow: scored on the same events, the rules on its name
// evaluated again with its score, counted, and never seen by the rules that alert.

const EXAMPLE = fileURLToPath(EXAMPLE_MODEL_URL);
const bytes = readFileSync(EXAMPLE);
const dir = mkdtempSync(join(tmpdir(), 'vigil-shadow-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The example model's file under another version: the same trees, so it must fire exactly the same rules. */
function asVersion(version: string): Uint8Array {
  const type = protobuf.loadSync(fileURLToPath(new URL('../../models/onnx.proto', import.meta.url))).lookupType('onnx.ModelProto');
  const decoded = type.toObject(type.decode(bytes), { longs: Number, arrays: true }) as { metadataProps: { key: string; value: string }[] };
  decoded.metadataProps.find((p) => p.key === 'vigil.version')!.value = version;
  return type.encode(type.fromObject(decoded)).finish();
}

const rules = (threshold: number) => `
version: "shadow-${threshold}"
rules:
  - { id: model-fraud, name: Fraud model, description: the model scores the payment high, alert_type: fraud, severity: high, weight: 0.6, mode: active, suppress_for: 0s, condition: { field: model.fraud, op: gte, value: ${threshold} } }
  - { id: big-payment, name: Big payment, description: a large payment, alert_type: fraud, severity: low, weight: 0.1, mode: active, suppress_for: 0s, condition: { field: event.amount, op: gte, value: 5000 } }
`;

describe('a shadow version of a model', () => {
  const live = checkedModel(bytes);
  const candidate = checkedModel(asVersion('example-1-candidate'));

  it('must be a candidate for a live model of the same name, with a version of its own, one at a time', () => {
    expect(shadowModelProblem([live], [candidate])).toBeUndefined();
    expect(shadowModelProblem([], [candidate])).toMatch(/shadow model fraud example-1-candidate has no live model of that name/);
    expect(shadowModelProblem([live], [live])).toMatch(/has the live version example-1: give the candidate a version of its own/);
    expect(shadowModelProblem([live], [candidate, candidate])).toMatch(/two shadow versions of model fraud/);
  });

  it('is scored on the same events and would fire exactly the rules on model.fraud that the same trees fire live, and nothing else', () => {
    const stream = buildLabelledStream({ seed: 9, customers: 120, days: 40, start: new Date('2026-01-05T00:00:00Z'), fraudShare: 0.2, churnShare: 0, creditShare: 0 });
    const parsed = parseRuleSet(rules(0.9), 'yaml', KNOWN_FEATURES, ['fraud']);
    if (!parsed.ok) throw new Error(parsed.errors.join('; '));
    const context = { ...replayContext(loadConfig({}, { allowGeneratedKeys: true }).risk), ruleSet: parsed.ruleSet, models: [live], shadowModels: [candidate] };
    let scored = 0;
    let fired = 0;
    replayHistory(stream.events.map((e) => {
      const p = parseEvent(e);
      if (!p.ok) throw new Error(p.errors.join('; '));
      return p.event;
    }), context, (_event, assessment) => {
      const liveFired = assessment.matches.filter((m) => m.ruleId === 'model-fraud').map((m) => m.ruleId);
      const [shadow] = assessment.shadowModels;
      if (assessment.modelScores.fraud === undefined) {
        expect(shadow).toBeUndefined();
        return;
      }
      scored++;
      fired += liveFired.length;
      expect(shadow).toMatchObject({ model: 'fraud', version: candidate.versionId, score: assessment.modelScores.fraud });
      expect(shadow!.wouldFire).toEqual(liveFired);
    });
    expect(scored).toBeGreaterThan(1000);
    expect(fired).toBeGreaterThan(0);
  });
});

describe('a shadow version in the engine', () => {
  const candidatePath = join(dir, 'fraud-candidate.onnx');
  let engine: Awaited<ReturnType<typeof startTestEngine>>;
  beforeAll(async () => {
    writeFileSync(candidatePath, asVersion('candidate-2'));
    engine = await startTestEngine(testConfig({ VIGIL_MODEL_FILES: EXAMPLE, VIGIL_SHADOW_MODEL_FILES: candidatePath }));
  });
  afterAll(async () => engine?.dispose());

  it('is counted beside the live version (its scores, the rules it would have fired) while the alerts are the live version\'s alone', async () => {
    const as = { authorization: `Bearer ${RISK_ADMIN_KEY}` };
    expect((await engine.app.inject({ method: 'PUT', url: '/v1/rules', headers: as, payload: { format: 'yaml', text: rules(0) } })).statusCode).toBe(200);
    await eventually(async () => engine.rules.current().version, (v) => v === 'shadow-0');
    const start = Date.now() - 10 * 60_000;
    const events = Array.from({ length: 4 }, (_, i) => cardPayment({
      customer_id: 'shadow-1', amount: '20.00', occurred_at: new Date(start + i * 60_000).toISOString(), merchant: { id: `m-shadow-${i}`, mcc: '5411', country: 'GB' },
    }));
    expect((await engine.app.inject({ method: 'POST', url: '/v1/events', headers: { authorization: `Bearer ${INGEST_KEY}` }, payload: { events } })).json().accepted).toBe(4);

    const value = async (name: string, labels: Record<string, string>, series = name) => {
      const metric = await engine.metrics.registry.getSingleMetric(name)!.get();
      return metric.values
        .filter((v) => ((v as { metricName?: string }).metricName ?? name) === series && Object.entries(labels).every(([k, l]) => v.labels[k] === l))
        .reduce((sum, v) => sum + v.value, 0);
    };
    // Metrics name versions by their id, the file's SHA-256, as the model registry does.
    const liveId = modelVersionId(bytes);
    const candidateId = modelVersionId(asVersion('candidate-2'));
    await eventually(() => value('vigil_model_shadow_rule_matches_total', { rule: 'model-fraud', model: 'fraud', version: candidateId }), (n) => n === 4);
    expect(await value('vigil_rule_matches_total', { rule: 'model-fraud', mode: 'active' })).toBe(4);
    expect(await value('vigil_model_score', { model: 'fraud', version: liveId, role: 'live' }, 'vigil_model_score_count')).toBe(4);
    expect(await value('vigil_model_score', { model: 'fraud', version: candidateId, role: 'shadow' }, 'vigil_model_score_count')).toBe(4);
    // The shadow version's matches raise nothing: each event's one alert is the live rule's.
    const list = () => engine.app.inject({ url: '/v1/alerts?customer_id=shadow-1&min_severity=low', headers: { authorization: `Bearer ${RISK_KEY}` } });
    const alerts = await eventually(list, (r) => r.json().alerts?.length >= 4);
    expect(alerts.json().alerts.map((a: { ruleIds: string[] }) => a.ruleIds)).toEqual(Array(4).fill(['model-fraud']));
  });

  it('without a live model of its name stops the start with the reason', async () => {
    await expect(startTestEngine(testConfig({ VIGIL_SHADOW_MODEL_FILES: candidatePath }))).rejects.toThrow(/shadow model fraud candidate-2 has no live model of that name/);
  });
});
