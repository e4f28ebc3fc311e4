import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, DEFAULT_PACK_VERSION, RISK_ADMIN_KEY, eventually, startTestEngine, testConfig } from '../support/testEngine.js';

// Issue 12, item 12: an empty rule set (or one with only shadow rules) switched off all detection
// and was published like any other. It is refused unless forced, and a forced one is in the history.

const rule = (id: string, mode: 'active' | 'shadow') => `
  - id: ${id}
    name: Large payment
    description: any card payment of 1,000 or more
    alert_type: fraud
    severity: low
    weight: 0.1
    mode: ${mode}
    suppress_for: 1h
    condition: { field: event.amount, op: gte, value: 1000 }`;
const ruleSet = (version: string, ...rules: string[]) => `version: "${version}"\nrules:${rules.length ? rules.join('') : ' []'}\n`;

const dir = mkdtempSync(join(tmpdir(), 'vigil-rules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('PUT /v1/rules', () => {
  let engine: Awaited<ReturnType<typeof startTestEngine>>;
  beforeAll(async () => {
    engine = await startTestEngine(testConfig({ VIGIL_ROLE: 'api' }));
  });
  afterAll(async () => engine?.dispose());

  const put = (text: string, query = '') => engine.app.inject({
    method: 'PUT', url: `/v1/rules${query}`, headers: { authorization: `Bearer ${RISK_ADMIN_KEY}` }, payload: { format: 'yaml', text },
  });

  it.each([
    ['no rules at all', ruleSet('empty-1'), /rule set empty-1 has no rules: publishing it would switch off all detection/],
    ['only shadow rules', ruleSet('shadow-1', rule('a', 'shadow'), rule('b', 'shadow')), /has only shadow rules \(2\): publishing it would switch off all detection/],
  ])('refuses a rule set with %s, saying it would switch detection off and how to force it', async (_name, text, message) => {
    const res = await put(text);
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(message);
    expect(res.json().message).toMatch(/allow_empty=true/);
    expect(engine.rules.current().version).toBe(DEFAULT_PACK_VERSION);
  });

  it('publishes it when forced with allow_empty=true, and the history says it was forced', async () => {
    const res = await put(ruleSet('empty-2'), '?allow_empty=true');
    expect(res.statusCode).toBe(200);
    expect(engine.rules.current()).toMatchObject({ version: 'empty-2', rules: [] });
    const history = (await engine.app.inject({ url: '/v1/rules/history', headers: { authorization: `Bearer ${ADMIN_KEY}` } })).json().versions;
    expect(history[0]).toMatchObject({ version: 'empty-2', forced: { reason: expect.stringMatching(/switch off all detection/) } });
    expect(history[1]).not.toHaveProperty('forced');
  });

  it('publishes a set with one active rule beside shadow ones without forcing', async () => {
    expect((await put(ruleSet('mixed-1', rule('a', 'shadow'), rule('b', 'active')))).statusCode).toBe(200);
  });

  it('refuses an allow_empty that is not true or false', async () => {
    expect((await put(ruleSet('empty-3'), '?allow_empty=yes')).statusCode).toBe(400);
  });
});

describe('the rules file (VIGIL_RULES_FILE)', () => {
  it('stops start-up when the file has no active rule, naming the setting that would allow it', async () => {
    const file = join(dir, 'empty.yaml');
    writeFileSync(file, ruleSet('file-empty-1'));
    await expect(startTestEngine(testConfig({ VIGIL_ROLE: 'api', VIGIL_RULES_FILE: file }))).rejects.toThrow(/switch off all detection.*VIGIL_RULES_ALLOW_EMPTY/s);
  });

  it('loads it with VIGIL_RULES_ALLOW_EMPTY=true, recorded as forced', async () => {
    const file = join(dir, 'empty-allowed.yaml');
    writeFileSync(file, ruleSet('file-empty-2'));
    const engine = await startTestEngine(testConfig({ VIGIL_ROLE: 'api', VIGIL_RULES_FILE: file, VIGIL_RULES_ALLOW_EMPTY: 'true' }));
    try {
      expect(engine.rules.current()).toMatchObject({ version: 'file-empty-2', rules: [] });
      expect((await engine.rules.history())[0]).toMatchObject({ updatedBy: `file:${file}`, forced: { reason: expect.any(String) } });
    } finally {
      await engine.dispose();
    }
  });

  it('does not load an edit that empties the file, and loads the next valid edit', async () => {
    const file = join(dir, 'edited.yaml');
    writeFileSync(file, ruleSet('file-1', rule('a', 'active')));
    const engine = await startTestEngine(testConfig({ VIGIL_ROLE: 'api', VIGIL_RULES_FILE: file }));
    try {
      writeFileSync(file, ruleSet('file-2'));
      await new Promise((resolve) => setTimeout(resolve, 600));
      writeFileSync(file, ruleSet('file-3', rule('b', 'active')));
      await eventually(async () => engine.rules.current().version, (v) => v === 'file-3');
      expect((await engine.rules.history()).map((h) => h.version)).toEqual(['file-3', 'file-1']);
    } finally {
      await engine.dispose();
    }
  });
});
