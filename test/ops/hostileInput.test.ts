import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify as toYaml } from 'yaml';
import { cardPayment } from '../support/events.js';
import { BASE_CAMPAIGN } from '../offers/fixtures.js';
import { ADMIN_KEY, INGEST_KEY, MARKETING_KEY, RISK_ADMIN_KEY, startTestEngine, testConfig } from '../support/testEngine.js';

// Issue 12, items 8 and 9: input built to hurt (alias bombs, deep nesting, prototype keys, markup)
// gets a 400 saying what is wrong, from every route that reads such input, never a 500.

const config = testConfig({ VIGIL_ROLE: 'api' });
let engine: Awaited<ReturnType<typeof startTestEngine>>;

beforeAll(async () => {
  engine = await startTestEngine(config);
});
afterAll(async () => engine?.dispose());

const as = (key: string, extra: Record<string, string> = {}) => ({ authorization: `Bearer ${key}`, ...extra });
const marketing = as(MARKETING_KEY, { 'x-vigil-actor': 'Ana Lima' });

const BILLION_LAUGHS = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].map((name, i) => `${name}: &${name} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(',')}]`),
].join('\n');

function nestedCondition(levels: number): unknown {
  let condition: unknown = { field: 'event.amount', op: 'gte', value: 100 };
  for (let i = 0; i < levels; i++) condition = { not: condition };
  return condition;
}

function ruleSetWith(condition: unknown): string {
  return JSON.stringify({
    version: `deep-${Math.random()}`,
    rules: [{ id: 'deep', name: 'Deep', description: 'd', alert_type: 'fraud', severity: 'low', weight: 0.1, mode: 'active', suppress_for: '1h', condition }],
  });
}

const putRules = (format: 'yaml' | 'json', text: string) =>
  engine.app.inject({ method: 'PUT', url: '/v1/rules', headers: as(RISK_ADMIN_KEY), payload: { format, text } });

describe('YAML alias bombs', () => {
  it('a rule set: 400 naming the alias limit', async () => {
    const res = await putRules('yaml', `${BILLION_LAUGHS}\nversion: "x"\nrules: []\n`);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'INVALID_RULE_SET', message: expect.stringMatching(/YAML aliases: more than 100 alias expansions/) });
  });

  it('a campaign posted as YAML: 400 naming the alias limit', async () => {
    const res = await engine.app.inject({
      method: 'POST', url: '/v1/campaigns', headers: { ...marketing, 'content-type': 'application/yaml' }, payload: `${BILLION_LAUGHS}\n${toYaml(BASE_CAMPAIGN)}`,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'INVALID_CAMPAIGN', errors: [expect.stringMatching(/YAML aliases: more than 100/)] });
  });
});

describe('conditions nested past the bound', () => {
  it('a rule condition 885 levels deep: 400, not a stack overflow', async () => {
    const res = await putRules('json', ruleSetWith(nestedCondition(885)));
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/conditions nest at most 32 levels of all \/ any \/ not/);
  });

  it('a campaign trigger 2,000 levels deep, as JSON and as YAML: 400', async () => {
    const deep = { ...BASE_CAMPAIGN, id: 'deep-trigger', trigger: { event_types: ['transfer_in'], condition: nestedCondition(2000) } };
    const json = await engine.app.inject({ method: 'POST', url: '/v1/campaigns', headers: marketing, payload: deep });
    expect(json.statusCode).toBe(400);
    expect(json.json().errors.join('\n')).toMatch(/trigger.condition: conditions nest at most 32 levels/);
    const yaml = await engine.app.inject({
      method: 'POST', url: '/v1/campaigns', headers: { ...marketing, 'content-type': 'application/yaml' }, payload: JSON.stringify(deep),
    });
    // As YAML (flow style) the document itself is too deep for the YAML reader: refused as such.
    expect(yaml.statusCode).toBe(400);
    expect(yaml.json().errors.join('\n')).toMatch(/YAML nests too deeply to read/);
  });
});

describe('prototype keys in JSON bodies', () => {
  const poisoned = [
    ['an event', '/v1/events', INGEST_KEY, 'POST', `{"__proto__": {"admin": true}, "event_id": "e-1"}`],
    ['a campaign', '/v1/campaigns', MARKETING_KEY, 'POST', `{"id": "x", "constructor": {"prototype": {"admin": true}}}`],
    ['a profile', '/v1/customers/c-1', MARKETING_KEY, 'PUT', `{"profile": {"__proto__": {"kyc_status": "verified"}}}`],
  ] as const;
  it.each(poisoned)('%s: 400 FORBIDDEN_KEY saying such keys are refused, not "Body is not valid JSON"', async (_name, url, key, method, body) => {
    const res = await engine.app.inject({ method, url, headers: { ...as(key, { 'x-vigil-actor': 'Ana Lima' }), 'content-type': 'application/json' }, payload: body });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: 'FORBIDDEN_KEY', message: expect.stringMatching(/keys named "__proto__", or "constructor" holding "prototype", are refused/) });
  });

  it('malformed JSON still says it is not valid JSON', async () => {
    const res = await engine.app.inject({ method: 'POST', url: '/v1/events', headers: { ...as(INGEST_KEY), 'content-type': 'application/json' }, payload: '{"a": ' });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/not valid JSON/);
  });
});

describe('free text must be plain text everywhere', () => {
  it('a campaign message with a script tag: 400 naming the field', async () => {
    const campaign = { ...BASE_CAMPAIGN, id: 'markup', content: { push: { title: 'Hi', body: 'Save <script>steal()</script>' } } };
    const res = await engine.app.inject({ method: 'POST', url: '/v1/campaigns', headers: marketing, payload: campaign });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors.join('\n')).toMatch(/content.push.body: must be plain text: markup/);
  });

  it('a profile field with a NUL: 400 naming the field', async () => {
    const res = await engine.app.inject({ method: 'PUT', url: '/v1/customers/c-nul', headers: marketing, payload: { relationship_manager: 'rm\u0000-1' } });
    expect(res.statusCode).toBe(400);
    expect(JSON.stringify(res.json())).toMatch(/relationship_manager.*must be plain text: control character U\+0000/);
  });

  it('an alert comment with markup: 400 before the alert is even looked up', async () => {
    const res = await engine.app.inject({
      method: 'POST', url: '/v1/alerts/alt_00000000000000000000000000/transitions', headers: as(ADMIN_KEY, { 'x-vigil-actor': 'officer.jones' }),
      payload: { action: 'comment', comment: 'see <img src=x onerror=alert(1)>' },
    });
    expect(res.statusCode).toBe(400);
    expect(JSON.stringify(res.json())).toMatch(/must be plain text: markup/);
  });

  it('a merchant name with markup in one event: 400 INVALID_EVENT', async () => {
    const res = await engine.app.inject({
      method: 'POST', url: '/v1/events', headers: as(INGEST_KEY), payload: cardPayment({ merchant: { id: 'm-1', mcc: '5411', country: 'GB', name: '<script>x</script>' } }),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().rejected[0].errors[0]).toMatch(/merchant.name: must be plain text/);
  });
});
