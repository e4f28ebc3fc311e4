import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayContext, replayHistory } from '../../backtest/index.js';
import { loadConfig } from '../../config/index.js';
import { parseEvent } from '../../core/events/index.js';
import { loadModelFile, EXAMPLE_MODEL_URL, type ScoringModel } from '../../models/index.js';
import { validateCampaignSet } from '../../offers/campaigns/load.js';
import { KNOWN_FEATURES, parseRuleSet } from '../../rules/index.js';
import { buildLabelledStream } from '../../simulator/scenarios/index.js';
import { cardPayment } from '../support/events.js';
import { INGEST_KEY, RISK_ADMIN_KEY, RISK_KEY, eventually, startTestEngine, testConfig } from '../support/testEngine.js';

// `model.fraud` as rules see it: published only where the model is loaded, scored on the events
// the model was trained on, and an alert from a rule on it names the features that raised the score.

const EXAMPLE_MODEL = fileURLToPath(EXAMPLE_MODEL_URL);

const modelRuleSet = (version: string, threshold: number) => `
version: "${version}"
rules:
  - id: model-fraud
    name: Fraud model score
    description: The fraud model, trained on the bank's own confirmed cases, scores the payment high.
    alert_type: fraud
    severity: high
    weight: 0.6
    mode: active
    suppress_for: 1h
    condition: { field: model.fraud, op: gte, value: ${threshold} }
`;

let model: ScoringModel;
beforeAll(async () => {
  model = await loadModelFile(EXAMPLE_MODEL);
});

describe('rules on model.fraud', () => {
  it('are refused at load when no model of that name has a live version, saying which have', () => {
    const none = parseRuleSet(modelRuleSet('m-1', 0.9), 'yaml', KNOWN_FEATURES);
    expect(none).toMatchObject({ ok: false });
    expect(!none.ok && none.errors[0]).toMatch(/rules\.0 \(model-fraud\)\.condition\.field: "model\.fraud" names model "fraud", which has no live version: no model has one \(publish a version through \/v1\/models/);
    const other = parseRuleSet(modelRuleSet('m-1', 0.9), 'yaml', KNOWN_FEATURES, ['mule']);
    expect(!other.ok && other.errors[0]).toMatch(/the models with a live version are mule/);
    expect(parseRuleSet(modelRuleSet('m-1', 0.9), 'yaml', KNOWN_FEATURES, ['fraud'])).toMatchObject({ ok: true });
  });

  it('are refused in campaign triggers: model scores are for rules', () => {
    const errors = validateCampaignSet({
      version: 'c', campaigns: [{ trigger: { condition: { field: 'model.fraud', op: 'lt', value: 0.1 } }, id: 'c1', content: {}, eligibility: { required_tags: [], excluded_tags: [], products_required: [], products_excluded: [] } }],
    } as never);
    expect(errors.join('\n')).toMatch(/"model\.fraud": model scores are for rules, not campaigns/);
  });

  it('alert on the high-scoring payments of a simulated bank, mostly on fraud customers, each naming the features that raised the score', () => {
    const stream = buildLabelledStream({ seed: 5, customers: 200, days: 50, start: new Date('2026-01-05T00:00:00Z'), fraudShare: 0.2, churnShare: 0, creditShare: 0 });
    const parsed = parseRuleSet(modelRuleSet('m-2', 0.9), 'yaml', KNOWN_FEATURES, [model.name]);
    if (!parsed.ok) throw new Error(parsed.errors.join('; '));
    const context = { ...replayContext(loadConfig({}, { allowGeneratedKeys: true }).risk), ruleSet: parsed.ruleSet, models: [model] };
    let scored = 0;
    let unscoredWithModel = 0;
    const outcome = replayHistory(stream.events.map((e) => {
      const p = parseEvent(e);
      if (!p.ok) throw new Error(p.errors.join('; '));
      return p.event;
    }), context, (event, assessment) => {
      if (model.scores(event)) scored += 'fraud' in assessment.modelScores ? 1 : 0;
      else if ('fraud' in assessment.modelScores) unscoredWithModel++;
    });
    expect(scored).toBeGreaterThan(1000);
    expect(unscoredWithModel).toBe(0);

    const alerts = outcome.alerts.filter((a) => a.ruleIds.includes('model-fraud'));
    expect(alerts.length).toBeGreaterThan(5);
    const fraudCustomers = new Set(stream.labels.filter((l) => l.kind === 'fraud').map((l) => l.customer_id));
    const onFraud = alerts.filter((a) => fraudCustomers.has(a.customerId)).length;
    expect(onFraud / alerts.length).toBeGreaterThan(0.5);

    for (const alert of alerts) {
      expect(alert.modelVersions).toEqual({ 'model-fraud': [`fraud@${model.versionId}`] });
      const [score, ...features] = alert.reasons;
      expect(score).toMatchObject({ ruleId: 'model-fraud', field: 'model.fraud', threshold: 0.9 });
      expect(score!.text).toBe(`model fraud score ${(score!.actual as number).toFixed(2)} (threshold ≥ 0.90) by model version ${model.versionId}`);
      expect(features.length).toBeGreaterThanOrEqual(1);
      expect(features.length).toBeLessThanOrEqual(3);
      for (const reason of features) {
        expect(model.features).toContain(reason.field!.replace('features.', ''));
        expect(reason.text).toMatch(/^model\.fraud: .+ \(\+\d+\.\d\d log-odds\)$/);
      }
    }
  });
});

describe('model.fraud in the engine', () => {
  const as = (key: string) => ({ authorization: `Bearer ${key}` });

  it('refuses to publish a rule on model.fraud when the registry has no live version of it', async () => {
    const engine = await startTestEngine(testConfig({ VIGIL_ROLE: 'api' }));
    try {
      const res = await engine.app.inject({
        method: 'PUT', url: '/v1/rules', headers: as(RISK_ADMIN_KEY), payload: { format: 'yaml', text: modelRuleSet('m-3', 0.9) },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().message).toMatch(/"model\.fraud" names model "fraud", which has no live version: no model has one/);
    } finally {
      await engine.dispose();
    }
  });

  describe('with the example model loaded', () => {
    let engine: Awaited<ReturnType<typeof startTestEngine>>;
    beforeAll(async () => {
      engine = await startTestEngine(testConfig({ VIGIL_MODEL_FILES: EXAMPLE_MODEL }));
    });
    afterAll(async () => engine?.dispose());

    it('scores payments in the worker and raises an alert whose reasons name the model score and its top features', async () => {
      const published = await engine.app.inject({
        method: 'PUT', url: '/v1/rules', headers: as(RISK_ADMIN_KEY), payload: { format: 'yaml', text: modelRuleSet('m-4', 0) },
      });
      expect(published.statusCode).toBe(200);
      await eventually(async () => engine.rules.current().version, (v) => v === 'm-4');
      const start = Date.now() - 10 * 60_000;
      const events = Array.from({ length: 6 }, (_, i) => cardPayment({
        customer_id: 'model-1', channel: 'ecommerce', amount: '2.00', occurred_at: new Date(start + i * 60_000).toISOString(),
        merchant: { id: `m-model-${i}`, mcc: '5999', country: 'GB' },
      }));
      expect((await engine.app.inject({ method: 'POST', url: '/v1/events', headers: as(INGEST_KEY), payload: { events } })).json().accepted).toBe(6);

      const list = () => engine.app.inject({ url: '/v1/alerts?customer_id=model-1&min_severity=low', headers: as(RISK_KEY) });
      const [alert] = (await eventually(list, (r) => r.json().alerts?.length >= 1)).json().alerts;
      expect(alert.ruleIds).toEqual(['model-fraud']);
      expect(alert.modelVersions).toEqual({ 'model-fraud': [`fraud@${model.versionId}`] });
      expect(alert.reasons[0]).toMatchObject({ field: 'model.fraud', text: expect.stringMatching(new RegExp(`^model fraud score \\d\\.\\d\\d \\(threshold ≥ 0\\.00\\) by model version ${model.versionId}$`)) });
      const named = alert.reasons.slice(1).map((r: { field: string }) => r.field);
      expect(named.length).toBeGreaterThanOrEqual(1);
      for (const field of named) expect(model.features.map((f) => `features.${f}`)).toContain(field);
    });
  });
});
