import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, DEFAULT_PACK_VERSION, RISK_ADMIN_KEY, RISK_KEY, MARKETING_KEY, startTestEngine, testConfig } from '../support/testEngine.js';

// Issue 9, item 4: the challenger rule set is started, read and stopped through the API, by risk
// admins, recorded under the verified identity, and validated like a backtest candidate.

const rule = (id: string, value: number, extra = '') => `
  - id: ${id}
    name: Large payment
    description: a card payment of ${value} or more
    alert_type: fraud
    severity: medium
    weight: 0.3
    mode: active
    suppress_for: 0s
    when: { event_types: [card_payment] }
    condition: { field: event.amount, op: gte, value: ${value} }${extra}`;
const ruleSet = (version: string, ...rules: string[]) => `version: "${version}"\nrules:${rules.join('')}\n`;

const as = (key: string, extra: Record<string, string> = {}) => ({ authorization: `Bearer ${key}`, ...extra });

describe('the challenger rule set API', () => {
  // Four-eyes on for rule publication: starting a challenger still takes one person.
  let engine: Awaited<ReturnType<typeof startTestEngine>>;
  beforeAll(async () => {
    engine = await startTestEngine(testConfig({ VIGIL_ROLE: 'api', VIGIL_APPROVALS: 'rules.publish' }));
  });
  afterAll(async () => engine?.dispose());

  const put = (key: string, text: string, headers: Record<string, string> = {}) =>
    engine.app.inject({ method: 'PUT', url: '/v1/rules/challenger', headers: as(key, headers), payload: { format: 'yaml', text } });
  const get = (key = RISK_KEY) => engine.app.inject({ url: '/v1/rules/challenger', headers: as(key) });

  it('answers 404 while no challenger runs', async () => {
    const res = await get();
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: 'NOT_FOUND', history: [] });
    expect((await engine.app.inject({ method: 'DELETE', url: '/v1/rules/challenger', headers: as(RISK_ADMIN_KEY) })).statusCode).toBe(404);
  });

  it('refuses officers and marketing (403) and starts nothing', async () => {
    expect((await put(RISK_KEY, ruleSet('c-officer', rule('large', 1000)))).statusCode).toBe(403);
    expect((await put(MARKETING_KEY, ruleSet('c-marketing', rule('large', 1000)))).statusCode).toBe(403);
    expect((await get(MARKETING_KEY)).statusCode).toBe(403);
    expect((await get()).statusCode).toBe(404);
    expect(engine.challenger.current()).toBeUndefined();
  });

  it.each([
    ['an unknown feature', ruleSet('c-bad-1', rule('large', 1000).replace('event.amount', 'features.amount_out_24hh')), /unknown feature "amount_out_24hh"/],
    ['a list that does not exist', ruleSet('c-bad-2', rule('large', 1000, '\n    reason: x').replace(
      'condition: { field: event.amount, op: gte, value: 1000 }',
      'condition: { field: event.device.id, op: in_list, value: blocked-device }',
    )), /unknown list "blocked-device"/],
    ['a model that is not loaded', ruleSet('c-bad-3', rule('large', 1000).replace('event.amount, op: gte, value: 1000', 'model.nonexistent, op: gte, value: 0.5')), /model/],
    ['a misspelt key', ruleSet('c-bad-4', rule('large', 1000).replace('suppress_for', 'supress_for')), /supress_for/],
  ])('refuses a set naming %s (400 INVALID_RULE_SET, every problem said)', async (_name, text, message) => {
    const res = await put(RISK_ADMIN_KEY, text);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'INVALID_RULE_SET' });
    expect(res.json().message).toMatch(message);
    expect((await get()).statusCode).toBe(404);
  });

  it('refuses a body that is not a rule set document (400), and the published version as a challenger (409)', async () => {
    const notDocument = await engine.app.inject({ method: 'PUT', url: '/v1/rules/challenger', headers: as(RISK_ADMIN_KEY), payload: { format: 'toml', text: 'x' } });
    expect(notDocument.statusCode).toBe(400);
    const champion = await put(RISK_ADMIN_KEY, ruleSet(DEFAULT_PACK_VERSION, rule('large', 1000)));
    expect(champion.statusCode).toBe(409);
    expect(champion.json().message).toMatch(/published rule set's/);
  });

  it('starts a challenger at once under four-eyes, recorded under the verified identity (not X-Vigil-Actor), and loads it', async () => {
    const text = ruleSet('c-1', rule('large', 5000), rule('huge', 20_000));
    const res = await put(RISK_ADMIN_KEY, text, { 'x-vigil-actor': 'admin:someone-else' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ version: 'c-1', startedBy: 'risk-admin:head.of.fraud', championVersion: DEFAULT_PACK_VERSION, unchanged: false });
    expect(engine.challenger.current()?.rules.map((r) => r.id)).toEqual(['large', 'huge']);
    // The champion is untouched, and nothing waits for approval.
    expect(engine.rules.current().version).toBe(DEFAULT_PACK_VERSION);
    const approvals = (await engine.app.inject({ url: '/v1/approvals', headers: as(RISK_KEY) })).json();
    expect(approvals).toMatchObject({ approvals: [], required: ['rules.publish'] });

    const read = await get();
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({ version: 'c-1', format: 'yaml', text, startedBy: 'risk-admin:head.of.fraud' });
    expect(Date.parse(read.json().startedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(read.json().history).toEqual([expect.objectContaining({ action: 'started', version: 'c-1', startedBy: 'risk-admin:head.of.fraud' })]);
    expect(read.json().history[0]).not.toHaveProperty('text');

    // The same set again changes nothing; its version with another text is refused.
    expect((await put(ADMIN_KEY, text)).json()).toMatchObject({ unchanged: true, startedBy: 'risk-admin:head.of.fraud' });
    const reused = await put(ADMIN_KEY, ruleSet('c-1', rule('large', 6000)));
    expect(reused.statusCode).toBe(409);
    expect(reused.json().message).toMatch(/started before with another text/);
  });

  it('replaces the running challenger, and stops it (audited), the records of each start kept in the history', async () => {
    expect((await put(ADMIN_KEY, ruleSet('c-2', rule('large', 3000)))).statusCode).toBe(200);
    expect(engine.challenger.current()?.version).toBe('c-2');
    expect((await engine.app.inject({ method: 'DELETE', url: '/v1/rules/challenger', headers: as(RISK_KEY) })).statusCode).toBe(403);

    const stopped = await engine.app.inject({ method: 'DELETE', url: '/v1/rules/challenger', headers: as(RISK_ADMIN_KEY, { 'x-vigil-actor': 'admin:nobody' }) });
    expect(stopped.statusCode).toBe(200);
    expect(stopped.json()).toMatchObject({ action: 'stopped', version: 'c-2', by: 'risk-admin:head.of.fraud' });
    expect(engine.challenger.current()).toBeUndefined();
    const after = await get();
    expect(after.statusCode).toBe(404);
    expect(after.json().history.map((h: { action: string; version: string }) => `${h.action} ${h.version}`)).toEqual(['stopped c-2', 'started c-2', 'started c-1']);
    expect(after.json().history[1]).toMatchObject({ startedBy: 'admin:platform-admin' });
  });

  it('answers the comparison only for a version it knows or a given range, and refuses a bad range (400)', async () => {
    const comparison = (query: string) => engine.app.inject({ url: `/v1/rules/challenger/comparison${query}`, headers: as(RISK_KEY) });
    expect((await comparison('')).statusCode).toBe(404);
    expect((await comparison('?version=never-started')).statusCode).toBe(404);
    expect((await comparison('?version=c-1&from=2026-13-01')).statusCode).toBe(400);
    expect((await comparison('?version=c-1&from=2026-02-30')).statusCode).toBe(400);
    expect((await comparison('?version=c-1&from=2026-03-02&to=2026-03-01')).json()).toMatchObject({ error: 'INVALID_RANGE' });
    expect((await comparison('?version=c-1&from=2020-01-01&to=2026-03-01')).statusCode).toBe(400);
    expect((await comparison('?version=c-1&from=2026-03-01T00:00:00Z')).statusCode).toBe(400);
    expect((await engine.app.inject({ url: '/v1/rules/challenger/comparison?version=c-1', headers: as(MARKETING_KEY) })).statusCode).toBe(403);
    const known = await comparison('?version=c-1');
    expect(known.statusCode).toBe(200);
    expect(known.json()).toMatchObject({ challenger_version: 'c-1', running: false, events_assessed: 0, alerts: { champion: 0, challenger: 0 } });
  });

  it('is in the OpenAPI document with its schemas', async () => {
    const doc = (await engine.app.inject({ url: '/openapi.json', headers: as(RISK_KEY) })).json();
    expect(doc.paths['/v1/rules/challenger'].put.requestBody.content['application/json'].schema.properties).toHaveProperty('text');
    expect(Object.keys(doc.paths['/v1/rules/challenger']).sort()).toEqual(['delete', 'get', 'put']);
    const comparison = doc.paths['/v1/rules/challenger/comparison'].get;
    expect(comparison.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['from', 'to', 'version']);
    expect(comparison.responses['200'].content['application/json'].schema.properties).toHaveProperty('precision');
  });

  // Last: the forced start and its stop go into the history the tests above read.
  it('refuses a set without an active rule (400, as PUT /v1/rules does) unless allow_empty=true', async () => {
    for (const text of [ruleSet('c-empty').replace('rules:', 'rules: []'), ruleSet('c-shadow', rule('large', 1000).replace('mode: active', 'mode: shadow'))]) {
      const res = await put(RISK_ADMIN_KEY, text);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json()).toMatchObject({ error: 'INVALID_RULE_SET', message: expect.stringMatching(/no would-be alert.*allow_empty=true/) });
    }
    expect((await get()).statusCode).toBe(404);
    const forced = await engine.app.inject({
      method: 'PUT', url: '/v1/rules/challenger?allow_empty=true', headers: as(RISK_ADMIN_KEY), payload: { format: 'yaml', text: ruleSet('c-empty').replace('rules:', 'rules: []') },
    });
    expect(forced.statusCode, forced.body).toBe(200);
    expect((await engine.app.inject({ method: 'DELETE', url: '/v1/rules/challenger', headers: as(RISK_ADMIN_KEY) })).statusCode).toBe(200);
  });
});
