import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoModelSettings } from '../../bin/demoModel.js';
import { createLogger } from '../../core/observability/index.js';
import { checkedModel } from '../../models/index.js';
import { startEngine, type Engine } from '../../server/engine.js';
import { cardPayment } from '../support/events.js';
import { EXAMPLE_MODEL_PATH, exampleAsName, exampleAsVersion, exampleModelBytes, exampleReadingUnknownFeature } from '../support/models.js';
import { ADMIN_KEY, INGEST_KEY, RISK_ADMIN_KEY, RISK_KEY, TEST_API_KEYS, eventually, startTestEngine, testConfig } from '../support/testEngine.js';

// Model versions through the API, as a bank runs them: an API process (which holds the registry's
// routes and four-eyes) and a worker process beside it that was started without any model file.
// The worker scores with whatever the registry makes live, and follows promotions and rollbacks
// without a restart; the alert's explanation names the version that scored the event.

const SECOND_LEAD_KEY = 'test-second-risk-lead-key-0123456789';
const keys = `${TEST_API_KEYS},second.lead:${SECOND_LEAD_KEY}:risk-admin`;
const MAX_BYTES = 100_000;

const exampleId = checkedModel(exampleModelBytes).versionId;
const candidate = exampleAsVersion('candidate-2');
const candidateId = checkedModel(candidate).versionId;

const ruleSet = (version: string, field = 'model.fraud') => `
version: "${version}"
rules:
  - { id: model-fraud, name: Fraud model, description: the model scores the payment, alert_type: fraud, severity: high, weight: 0.6, mode: active, suppress_for: 0s, condition: { field: ${field}, op: gte, value: 0 } }
`;

let api: Awaited<ReturnType<typeof startTestEngine>>;
let worker: Engine;

beforeAll(async () => {
  const config = testConfig({
    VIGIL_ROLE: 'api', VIGIL_API_KEYS: keys, VIGIL_MODEL_FILES: EXAMPLE_MODEL_PATH, VIGIL_APPROVALS: 'models.promote,models.rollback',
    VIGIL_MODELS_POLL_MS: '100', VIGIL_RULES_POLL_MS: '100', VIGIL_MODEL_MAX_BYTES: String(MAX_BYTES),
  });
  api = await startTestEngine(config);
  // No VIGIL_MODEL_FILES here: whatever it scores with comes from the registry.
  worker = await startEngine(testConfig({
    VIGIL_ROLE: 'worker', VIGIL_REDIS_PREFIX: config.redis.prefix, VIGIL_API_KEYS: keys, VIGIL_MODELS_POLL_MS: '100', VIGIL_RULES_POLL_MS: '100',
  }), { logger: createLogger('silent') });
});
afterAll(async () => {
  await worker?.close();
  await api?.dispose();
});

const as = (key: string, extra: Record<string, string> = {}) => ({ authorization: `Bearer ${key}`, ...extra });
const upload = (name: string, bytes: Uint8Array, key = RISK_ADMIN_KEY, extra: Record<string, string> = {}) => api.app.inject({
  method: 'PUT', url: `/v1/models/${name}/versions`, headers: as(key, { 'content-type': 'application/octet-stream', ...extra }), payload: Buffer.from(bytes),
});
const post = (url: string, key: string, payload?: object) => api.app.inject({ method: 'POST', url, headers: as(key), ...(payload ? { payload } : {}) });
const get = (url: string, key = RISK_KEY) => api.app.inject({ url, headers: as(key) });

/** Posts one card payment for a customer of its own and returns the text of the model reason of the alert it raises. */
async function modelReasonFor(customer: string): Promise<string> {
  const event = cardPayment({ customer_id: customer, occurred_at: new Date(Date.now() - 60_000).toISOString() });
  expect((await api.app.inject({ method: 'POST', url: '/v1/events', headers: as(INGEST_KEY), payload: event })).json().accepted).toBe(1);
  const alerts = await eventually(() => get(`/v1/alerts?customer_id=${customer}&min_severity=low`), (r) => r.json().alerts?.length >= 1, 15_000);
  const [alert] = alerts.json().alerts;
  expect(alert.ruleIds).toEqual(['model-fraud']);
  return alert.reasons[0].text as string;
}

describe('the model registry over the API', () => {
  it('takes VIGIL_MODEL_FILES in as the live version on first start, and a worker started without files scores with it', async () => {
    const models = await get('/v1/models');
    expect(models.statusCode).toBe(200);
    expect(models.json().models).toEqual([{ name: 'fraud', live: expect.objectContaining({ version: exampleId, declaredVersion: 'example-1', size: exampleModelBytes.length }) }]);
    const history = (await get('/v1/models/fraud/history')).json().history;
    expect(history).toEqual([expect.objectContaining({ action: 'published', version: exampleId, by: `file:${EXAMPLE_MODEL_PATH}` })]);
    expect(worker.models.live().map((m) => m.versionId)).toEqual([exampleId]);
  });

  it.each([
    ['a body that is not ONNX', () => Buffer.from('{"not": "onnx"}'), 400, 'INVALID_MODEL', /not a model this engine can score with: not an ONNX model|expected a TreeEnsembleRegressor|metadata/],
    ['a model reading a feature the engine does not compute', exampleReadingUnknownFeature, 400, 'INVALID_MODEL', /reads features this engine does not compute: new_payee_v2/],
    ['a file declaring another name', () => exampleAsName('mule'), 400, 'INVALID_MODEL', /the file is model "mule" \(vigil\.name\), not "fraud"/],
    ['a file above the size cap', () => Buffer.alloc(MAX_BYTES + 1, 1), 413, 'FST_ERR_CTP_BODY_TOO_LARGE', new RegExp(`a model file is at most ${MAX_BYTES} bytes \\(VIGIL_MODEL_MAX_BYTES\\)`)],
    ['an empty body', () => Buffer.alloc(0), 400, 'INVALID_MODEL', /send the \.onnx file as the body, with Content-Type: application\/octet-stream/],
  ])('refuses %s with a 4xx saying why, and stores nothing', async (_case, bytes, status, code, message) => {
    const res = await upload('fraud', bytes());
    expect(res.statusCode).toBe(status);
    expect(res.json()).toMatchObject({ error: code, message: expect.stringMatching(message) });
    expect((await get('/v1/models/fraud/history')).json().history).toHaveLength(1);
  });

  it('refuses a JSON body, a bad model name, and an officer\'s upload', async () => {
    const json = await api.app.inject({ method: 'PUT', url: '/v1/models/fraud/versions', headers: as(RISK_ADMIN_KEY), payload: { onnx: 'AAAA' } });
    expect(json.statusCode).toBe(400);
    expect(json.json().message).toMatch(/application\/octet-stream/);
    const form = await upload('fraud', Buffer.from('a=b'), RISK_ADMIN_KEY, { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.statusCode).toBe(415);
    expect(form.json().message).toBe('this content type is not accepted here; send the .onnx file as application/octet-stream');
    expect((await upload('Fraud-Model', candidate)).statusCode).toBe(400);
    expect((await upload('fraud', candidate, RISK_KEY)).statusCode).toBe(403);
    expect((await get('/v1/models/nothing_here/history')).statusCode).toBe(404);
  });

  it('refuses a rule set on a model without a live version, even while the model has a shadow version', async () => {
    const shadowOnly = await upload('mule', exampleAsName('mule'));
    expect(shadowOnly.statusCode).toBe(201);
    const res = await api.app.inject({ method: 'PUT', url: '/v1/rules', headers: as(RISK_ADMIN_KEY), payload: { format: 'yaml', text: ruleSet('mule-1', 'model.mule') } });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/"model\.mule" names model "mule", which has no live version: the models with a live version are fraud/);
  });

  it('alerts from the rule on model.fraud name the live version that scored the event', async () => {
    const published = await api.app.inject({ method: 'PUT', url: '/v1/rules', headers: as(RISK_ADMIN_KEY), payload: { format: 'yaml', text: ruleSet('models-1') } });
    expect(published.statusCode).toBe(200);
    await eventually(async () => worker.rules.current().version, (v) => v === 'models-1');
    expect(await modelReasonFor('mr-before')).toMatch(new RegExp(`^model fraud score \\d\\.\\d\\d \\(threshold ≥ 0\\.00\\) by model version ${exampleId}$`));
  });

  it('stores an upload as the shadow version, under the verified identity, scored beside the live one and never alerting', async () => {
    const res = await upload('fraud', candidate, RISK_ADMIN_KEY, { 'x-vigil-actor': 'mallory' });
    expect(res.statusCode).toBe(201);
    expect(res.json().entry).toMatchObject({ action: 'shadowed', version: candidateId, declaredVersion: 'candidate-2', by: 'risk-admin:head.of.fraud' });
    expect((await get('/v1/models')).json().models[0]).toMatchObject({ name: 'fraud', live: { version: exampleId }, shadow: { version: candidateId } });
    await eventually(async () => worker.models.shadows().map((m) => m.versionId), (ids) => ids.includes(candidateId));
    expect(await modelReasonFor('mr-shadow')).toMatch(new RegExp(`by model version ${exampleId}$`));
    const scored = async () => (await worker.metrics.registry.getSingleMetric('vigil_model_score')!.get()).values
      .filter((v) => (v as { metricName?: string }).metricName === 'vigil_model_score_count' && v.labels.role === 'shadow' && v.labels.version === candidateId)
      .reduce((sum, v) => sum + v.value, 0);
    expect(await scored()).toBeGreaterThanOrEqual(1);
  });

  it('promotes the shadow only on a second risk admin\'s approval, never the proposer\'s, and the worker scores live events with it without a restart', async () => {
    const proposed = await post('/v1/models/fraud/promote', RISK_ADMIN_KEY);
    expect(proposed.statusCode).toBe(202);
    const { approval } = proposed.json();
    expect(approval).toMatchObject({ status: 'pending', action: 'models.promote', target: `fraud@${candidateId}`, proposedBy: 'risk-admin:head.of.fraud' });
    expect((await get('/v1/models')).json().models[0].live.version).toBe(exampleId);

    const self = await post(`/v1/approvals/${approval.id}/approve`, RISK_ADMIN_KEY);
    expect(self.statusCode).toBe(403);
    expect(self.json().error).toBe('SELF_APPROVAL');
    expect((await post(`/v1/approvals/${approval.id}/approve`, RISK_KEY)).statusCode).toBe(403);
    expect((await get('/v1/models')).json().models[0].live.version).toBe(exampleId);

    const approved = await post(`/v1/approvals/${approval.id}/approve`, SECOND_LEAD_KEY);
    expect(approved.statusCode).toBe(200);
    expect(approved.json().approval).toMatchObject({ status: 'applied', decidedBy: 'risk-admin:second.lead', result: { name: 'fraud', version: candidateId } });
    const [latest] = (await get('/v1/models/fraud/history')).json().history;
    expect(latest).toMatchObject({
      action: 'promoted', version: candidateId, replaced: exampleId, by: 'risk-admin:head.of.fraud',
      approval: { id: approval.id, approvedBy: 'risk-admin:second.lead' },
    });
    expect((await get('/v1/models')).json().models[0]).toEqual({ name: 'fraud', live: expect.objectContaining({ version: candidateId }) });

    // The worker learns of it by polling the registry (it has no other channel), then scores with it.
    await expect.poll(() => worker.models.live().map((m) => m.versionId), { timeout: 5_000 }).toEqual([candidateId]);
    expect(await modelReasonFor('mr-after')).toMatch(new RegExp(`by model version ${candidateId}$`));
  });

  it('rolls back only to a version in the history, also through four-eyes, and the worker follows', async () => {
    expect((await post('/v1/models/fraud/rollback', RISK_ADMIN_KEY, { version: 'f'.repeat(64) })).statusCode).toBe(404);
    expect((await post('/v1/models/fraud/rollback', RISK_ADMIN_KEY, { version: candidateId })).statusCode).toBe(409);
    expect((await post('/v1/models/fraud/rollback', RISK_ADMIN_KEY, { version: 'not-a-version' })).statusCode).toBe(400);
    expect((await post('/v1/models/fraud/rollback', RISK_ADMIN_KEY, {})).statusCode).toBe(400);

    const proposed = await post('/v1/models/fraud/rollback', RISK_ADMIN_KEY, { version: exampleId });
    expect(proposed.statusCode).toBe(202);
    const { approval } = proposed.json();
    expect(approval).toMatchObject({ action: 'models.rollback', target: `fraud@${exampleId}` });
    expect((await post(`/v1/approvals/${approval.id}/approve`, RISK_ADMIN_KEY)).json().error).toBe('SELF_APPROVAL');
    expect((await post(`/v1/approvals/${approval.id}/approve`, ADMIN_KEY)).statusCode).toBe(200);
    const [latest] = (await get('/v1/models/fraud/history')).json().history;
    expect(latest).toMatchObject({ action: 'rolled_back', version: exampleId, replaced: candidateId, by: 'risk-admin:head.of.fraud', approval: { approvedBy: 'admin:platform-admin' } });
    await expect.poll(() => worker.models.live().map((m) => m.versionId), { timeout: 5_000 }).toEqual([exampleId]);
    expect(await modelReasonFor('mr-rolled-back')).toMatch(new RegExp(`by model version ${exampleId}$`));
  });

  it('keeps a live version the published rule set reads, and retires a shadow version', async () => {
    const kept = await post('/v1/models/fraud/retire', RISK_ADMIN_KEY, { slot: 'live' });
    expect(kept.statusCode).toBe(409);
    expect(kept.json().message).toMatch(/the published rule set reads model\.fraud \(rules model-fraud\)/);
    expect((await post('/v1/models/fraud/retire', RISK_ADMIN_KEY, { slot: 'shadow' })).statusCode).toBe(409);
    const retired = await post('/v1/models/mule/retire', RISK_ADMIN_KEY, { slot: 'shadow' });
    expect(retired.statusCode).toBe(200);
    expect(retired.json().entry).toMatchObject({ action: 'retired', model: 'mule', by: 'risk-admin:head.of.fraud' });
    expect((await get('/v1/models')).json().models.map((m: { name: string }) => m.name)).toEqual(['fraud']);
    expect((await get('/v1/models/mule/history')).json().history.map((e: { action: string }) => e.action)).toEqual(['retired', 'shadowed']);
  });

  it('documents the routes in the OpenAPI document, the upload as application/octet-stream', async () => {
    const paths = (await get('/openapi.json')).json().paths;
    expect(Object.keys(paths)).toEqual(expect.arrayContaining(['/v1/models', '/v1/models/{name}/history', '/v1/models/{name}/versions', '/v1/models/{name}/promote', '/v1/models/{name}/rollback', '/v1/models/{name}/retire']));
    expect(Object.keys(paths['/v1/models/{name}/versions'].put.requestBody.content)).toEqual(['application/octet-stream']);
  });
});

describe('the demo\'s model settings', () => {
  it('still start with the example model live and the fraud-model rule published on it', async () => {
    const engine = await startTestEngine(testConfig({ VIGIL_ROLE: 'api', ...demoModelSettings() }));
    try {
      expect(engine.rules.current().rules.map((r) => r.id)).toContain('fraud-model');
      expect(engine.models.live().map((m) => [m.name, m.versionId])).toEqual([['fraud', exampleId]]);
    } finally {
      await engine.dispose();
    }
  });
});
