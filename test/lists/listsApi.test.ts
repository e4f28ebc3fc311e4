import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_IMPORT_ROWS } from '../../lists/index.js';
import { ADMIN_KEY, MARKETING_KEY, RISK_ADMIN_KEY, RISK_KEY, startTestEngine, testConfig } from '../support/testEngine.js';

const config = testConfig({ VIGIL_LISTS_POLL_MS: '100' });
let engine: Awaited<ReturnType<typeof startTestEngine>>;

beforeAll(async () => {
  engine = await startTestEngine(config);
});
afterAll(async () => {
  await engine?.dispose();
});

const as = (key: string, extra: Record<string, string> = {}) => ({ authorization: `Bearer ${key}`, ...extra });
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, key: string, payload?: unknown, headers: Record<string, string> = {}) =>
  engine.app.inject({ method, url, headers: as(key, headers), ...(payload === undefined ? {} : typeof payload === 'string' ? { payload } : { payload: payload as object }) });
const csv = (text: string, key = RISK_ADMIN_KEY, list = 'mule-accounts') =>
  engine.app.inject({ method: 'POST', url: `/v1/lists/${list}/import`, headers: as(key, { 'content-type': 'text/csv' }), payload: text });

describe('lists through the API', () => {
  it('ships the lists the default rule pack names, created by the default pack', async () => {
    const res = await call('GET', '/v1/lists', RISK_KEY);
    expect(res.statusCode).toBe(200);
    const names = res.json().lists.map((l: { name: string }) => l.name);
    expect(names).toEqual(expect.arrayContaining(['blocked-devices', 'blocked-payees', 'trusted-payees', 'watched-customers']));
    expect(res.json().lists[0]).toMatchObject({ created_by: 'system:default-pack', entries: 0 });
  });

  it('lets a risk admin create a list, recorded under the verified key, and refuses risk officers and duplicates', async () => {
    const body = { name: 'mule-accounts', purpose: 'block', kind: 'payee_account', description: 'Accounts reported as mules by other banks' };
    expect((await call('POST', '/v1/lists', RISK_KEY, body)).statusCode).toBe(403);
    expect((await call('POST', '/v1/lists', MARKETING_KEY, body)).statusCode).toBe(403);
    const created = await call('POST', '/v1/lists', RISK_ADMIN_KEY, body, { 'x-vigil-actor': 'admin:someone-else' });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ name: 'mule-accounts', purpose: 'block', kind: 'payee_account', created_by: 'risk-admin:head.of.fraud', entries: 0 });
    const again = await call('POST', '/v1/lists', ADMIN_KEY, body);
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toBe('LIST_EXISTS');
  });

  it('lets an officer add, replace and remove an entry, normalised for the kind, each audited under their key', async () => {
    const entry = { value: 'gb33 bukb 2020 1555 5555 55', reason: 'reported by the receiving bank', expires_at: inDays(30) };
    const added = await call('POST', '/v1/lists/mule-accounts/entries', RISK_KEY, entry, { 'x-vigil-actor': 'admin:ceo' });
    expect(added.statusCode).toBe(201);
    expect(added.json()).toMatchObject({ value: 'GB33BUKB20201555555555', added_by: 'risk:officer.jones', source: 'api' });
    const replaced = await call('POST', '/v1/lists/mule-accounts/entries', RISK_KEY, { ...entry, reason: 'confirmed mule' });
    expect(replaced.statusCode).toBe(200);
    const found = await call('GET', '/v1/lists/mule-accounts/entries?value=GB33%20BUKB20201555555555', RISK_KEY);
    expect(found.json().entries).toEqual([expect.objectContaining({ value: 'GB33BUKB20201555555555', reason: 'confirmed mule' })]);
    expect((await call('GET', '/v1/lists/mule-accounts', RISK_KEY)).json().entries).toBe(1);

    expect((await call('DELETE', `/v1/lists/mule-accounts/entries/${encodeURIComponent('gb33bukb20201555555555')}`, RISK_KEY)).statusCode).toBe(200);
    expect((await call('DELETE', '/v1/lists/mule-accounts/entries/GB33BUKB20201555555555', RISK_KEY)).json().error).toBe('ENTRY_NOT_FOUND');
    expect((await call('GET', '/v1/lists/mule-accounts/entries?value=GB33BUKB20201555555555', RISK_KEY)).statusCode).toBe(404);

    const audit = (await call('GET', '/v1/lists/audit?list=mule-accounts', RISK_KEY)).json().entries;
    expect(audit.map((a: { action: string; actor: string }) => `${a.action} ${a.actor}`)).toEqual([
      'entry_removed risk:officer.jones', 'entry_added risk:officer.jones', 'entry_added risk:officer.jones', 'list_created risk-admin:head.of.fraud',
    ]);
    expect(audit[1]).toMatchObject({ value: 'GB33BUKB20201555555555', reason: 'confirmed mule', created: 0, replaced: 1 });
  });

  it('changes a description but never the purpose or kind', async () => {
    const ok = await call('PUT', '/v1/lists/mule-accounts', RISK_ADMIN_KEY, { description: 'Mule accounts (inter-bank reports)', kind: 'payee_account' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ description: 'Mule accounts (inter-bank reports)', updated_by: 'risk-admin:head.of.fraud' });
    const kind = await call('PUT', '/v1/lists/mule-accounts', RISK_ADMIN_KEY, { description: 'x', kind: 'ip' });
    expect(kind.statusCode).toBe(409);
    expect(kind.json().message).toMatch(/has kind payee_account; it cannot become ip/);
    expect((await call('PUT', '/v1/lists/mule-accounts', RISK_KEY, { description: 'x' })).statusCode).toBe(403);
  });

  it('imports a CSV file row by row and reports every row', async () => {
    const file = [
      'Value,expires_at,reason',
      `GB11AAAA11111111111111,${inDays(10)},scam report 1`,
      `"gb22 aaaa 2222 2222 2222 22",${inDays(10)},"scam report, with a comma"`,
      `GB33,2020-01-01T00:00:00Z,too old`,
      `GB44 bad!,${inDays(10)},bad characters`,
      `GB11AAAA11111111111111,${inDays(20)},same value again`,
      `GB55AAAA55555555555555,${inDays(10)},`,
      '',
    ].join('\r\n');
    const res = await csv(`\uFEFF${file}`);
    expect(res.statusCode).toBe(200);
    const report = res.json();
    expect(report).toMatchObject({ list: 'mule-accounts', imported: 2, created: 2, replaced: 0, rejected: 4 });
    expect(report.results.map((r: { line: number; status: string }) => `${r.line} ${r.status}`)).toEqual([
      '2 imported', '3 imported', '4 rejected', '5 rejected', '6 rejected', '7 rejected',
    ]);
    expect(report.results[2].errors.join()).toMatch(/expires_at: .* is not in the future/);
    expect(report.results[3].errors.join()).toMatch(/payee account is 1-64 letters/);
    expect(report.results[4].errors.join()).toMatch(/already on line 2/);
    expect(report.results[5].errors.join()).toMatch(/reason/);
    const stored = (await call('GET', '/v1/lists/mule-accounts/entries?value=GB22AAAA22222222222222', RISK_KEY)).json().entries[0];
    expect(stored).toMatchObject({ reason: 'scam report, with a comma', added_by: 'risk-admin:head.of.fraud', source: `import:${report.import_id}` });
    const [audit] = (await call('GET', '/v1/lists/audit?list=mule-accounts&limit=1', RISK_KEY)).json().entries;
    expect(audit).toMatchObject({ action: 'entries_imported', actor: 'risk-admin:head.of.fraud', importId: report.import_id, count: 2 });
    expect((await csv(file, RISK_KEY)).statusCode).toBe(403);
  });

  it('documents every list and snooze route in the OpenAPI schema', async () => {
    const res = await call('GET', '/openapi.json', RISK_KEY);
    expect(res.statusCode).toBe(200);
    const paths = Object.keys(res.json().paths);
    expect(paths).toEqual(expect.arrayContaining([
      '/v1/lists', '/v1/lists/audit', '/v1/lists/{name}', '/v1/lists/{name}/entries', '/v1/lists/{name}/entries/{value}',
      '/v1/lists/{name}/import', '/v1/customers/{customerId}/snoozes', '/v1/customers/{customerId}/snoozes/{ruleId}',
    ]));
  });

  it('pages through entries', async () => {
    const seen = new Set<string>();
    let cursor = '0';
    do {
      const page = (await call('GET', `/v1/lists/mule-accounts/entries?limit=1&cursor=${cursor}`, RISK_KEY)).json();
      for (const e of page.entries) seen.add(e.value);
      cursor = page.next_cursor;
    } while (cursor !== '0');
    expect([...seen].sort()).toEqual(['GB11AAAA11111111111111', 'GB22AAAA22222222222222']);
  });
});

describe('hostile input gets a clear 4xx', () => {
  const entry = (over: Record<string, unknown>) => ({ value: 'dev-1', reason: 'seen in fraud', expires_at: inDays(5), ...over });

  it.each([
    ['an unknown kind', { name: 'x-list', purpose: 'block', kind: 'phone', description: 'd' }, /kind/],
    ['an unknown purpose', { name: 'x-list', purpose: 'deny', kind: 'device', description: 'd' }, /purpose/],
    ['a name that is not a slug', { name: 'Blocked Devices', purpose: 'block', kind: 'device', description: 'd' }, /slug/],
    ['__proto__ as a name', { name: '__proto__', purpose: 'block', kind: 'device', description: 'd' }, /slug/],
    ['the reserved name audit', { name: 'audit', purpose: 'block', kind: 'device', description: 'd' }, /reserved/],
    ['control characters in the description', { name: 'x-list', purpose: 'block', kind: 'device', description: 'a\u001b[31mred' }, /control characters/],
    ['an unknown field', { name: 'x-list', purpose: 'block', kind: 'device', description: 'd', owner: 'me' }, /owner/],
  ])('creating a list with %s: 400 naming the field', async (_, body, message) => {
    const res = await call('POST', '/v1/lists', RISK_ADMIN_KEY, body);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe('INVALID_LIST_INPUT');
    expect(res.json().errors.join('; ')).toMatch(message);
  });

  it.each([
    ['a huge value', entry({ value: 'd'.repeat(300) }), /value/],
    ['a value with spaces inside', entry({ value: 'dev 1' }), /device id is 1-128/],
    ['an expiry in the past', entry({ expires_at: '2020-01-01T00:00:00Z' }), /not in the future/],
    ['an expiry beyond the maximum', entry({ expires_at: inDays(401) }), /more than 400 days/],
    ['an expiry that is not a date', entry({ expires_at: 'tomorrow' }), /expires_at/],
    ['no expiry', { value: 'dev-1', reason: 'x' }, /expires_at/],
    ['a line break in the reason', entry({ reason: 'first\nsecond' }), /control characters/],
    ['a direction override in the reason', entry({ reason: 'abc\u202Edef' }), /direction overrides/],
    ['a reason of 501 characters', entry({ reason: 'r'.repeat(501) }), /reason/],
  ])('adding an entry with %s: 400 naming the field', async (_, body, message) => {
    const res = await call('POST', '/v1/lists/blocked-devices/entries', RISK_KEY, body);
    expect(res.statusCode).toBe(400);
    expect(res.json().errors.join('; ')).toMatch(message);
  });

  it('a JSON body with a __proto__ key is refused; __proto__ as a device id is just a value', async () => {
    const poisoned = await engine.app.inject({
      method: 'POST', url: '/v1/lists/blocked-devices/entries', headers: as(RISK_KEY, { 'content-type': 'application/json' }),
      payload: `{"value":"dev-2","reason":"x","expires_at":"${inDays(5)}","__proto__":{"polluted":true}}`,
    });
    expect(poisoned.statusCode).toBe(400);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const odd = await call('POST', '/v1/lists/blocked-devices/entries', RISK_KEY, entry({ value: '__proto__' }));
    expect(odd.statusCode).toBe(201);
    expect((await call('GET', '/v1/lists/blocked-devices/entries?value=__proto__', RISK_KEY)).json().entries[0].value).toBe('__proto__');
    expect((await call('GET', '/v1/lists/blocked-devices/entries?value=constructor', RISK_KEY)).statusCode).toBe(404);
    expect((await call('GET', '/v1/lists/__proto__', RISK_KEY)).statusCode).toBe(400);
  });

  it('a list that does not exist is 404, on every route', async () => {
    expect((await call('GET', '/v1/lists/no-such-list', RISK_KEY)).json().error).toBe('LIST_NOT_FOUND');
    expect((await call('POST', '/v1/lists/no-such-list/entries', RISK_KEY, entry({}))).statusCode).toBe(404);
    expect((await csv(`value,reason,expires_at\ndev-1,x,${inDays(1)}\n`, RISK_ADMIN_KEY, 'no-such-list')).statusCode).toBe(404);
    expect((await call('DELETE', '/v1/lists/no-such-list', RISK_ADMIN_KEY)).statusCode).toBe(404);
  });

  it.each([
    ['an unclosed quote', 'value,reason,expires_at\n"dev-1,x,2030-01-01T00:00:00Z\n', /CSV: Quote Not Closed/],
    ['a ragged row', 'value,reason,expires_at\ndev-1,x,2030-01-01T00:00:00Z,extra\n', /CSV: Invalid Record Length/],
    ['an unknown column', 'value,reason,expires_at,owner\ndev-1,x,2030-01-01T00:00:00Z,me\n', /unknown column\(s\) "owner"/],
    ['a missing column', 'value,reason\ndev-1,x\n', /missing column\(s\) expires_at/],
    ['a header and no rows', 'value,reason,expires_at\n', /no rows/],
    ['a row far longer than an entry', `value,reason,expires_at\n${'x'.repeat(5000)},y,z\n`, /CSV: /],
  ])('a CSV file with %s is refused whole with 400', async (_, file, message) => {
    const res = await csv(file, RISK_ADMIN_KEY, 'blocked-devices');
    expect(res.statusCode).toBe(400);
    expect(res.json().errors.join('; ')).toMatch(message);
  });

  it(`a CSV file of more than ${MAX_IMPORT_ROWS} rows is refused with 413, and a JSON body on the import with 400`, async () => {
    const rows = Array.from({ length: MAX_IMPORT_ROWS + 1 }, (_, i) => `dev-${i},r,${inDays(1)}`);
    const res = await csv(['value,reason,expires_at', ...rows].join('\n'), RISK_ADMIN_KEY, 'blocked-devices');
    expect(res.statusCode).toBe(413);
    expect(res.json().message).toMatch(/split the file/);
    expect((await call('POST', '/v1/lists/blocked-devices/import', RISK_ADMIN_KEY, { value: 'x' })).statusCode).toBe(400);
  });
});

describe('lists and the rules and campaigns that name them', () => {
  const ruleSet = (list: string, field = 'event.device.id') => ({
    format: 'json', text: JSON.stringify({ version: `lists-${Math.random()}`, rules: [{
      id: 'device-blocked', name: 'Blocked device', description: 'A device on the block list', alert_type: 'fraud', severity: 'critical',
      weight: 0.9, mode: 'active', suppress_for: '0s', condition: { field, op: 'in_list', value: list },
    }] }),
  });

  it('refuses a rule set naming a list that does not exist, with a suggestion, or one of another kind', async () => {
    const unknown = await call('PUT', '/v1/rules', RISK_ADMIN_KEY, ruleSet('blocked-device'));
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().message).toMatch(/unknown list "blocked-device" \(did you mean "blocked-devices"\?\)/);
    const wrongKind = await call('PUT', '/v1/rules', RISK_ADMIN_KEY, ruleSet('blocked-ips'));
    expect(wrongKind.json().message).toMatch(/list "blocked-ips" holds ips, but event.device.id is a device/);
  });

  it('refuses a campaign whose trigger names a list that does not exist', async () => {
    const res = await call('POST', '/v1/campaigns', MARKETING_KEY, {
      id: 'vip-devices', name: 'x', description: 'x', priority: 1, expected_value: 1,
      trigger: { event_types: ['login'], condition: { field: 'event.device.id', op: 'in_list', value: 'trusted-devicez' } },
      content: { push: { title: 't', body: 'b' } }, caps: { cooldown: '1d' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors.join()).toMatch(/trigger.condition.value: unknown list "trusted-devicez" \(did you mean "trusted-devices"\?\)/);
  });

  it('does not delete a list a rule uses; deletes an unused one with its entries', async () => {
    const inUse = await call('DELETE', '/v1/lists/blocked-devices', RISK_ADMIN_KEY);
    expect(inUse.statusCode).toBe(409);
    expect(inUse.json().message).toMatch(/used by rule blocked-entity/);
    expect((await call('DELETE', '/v1/lists/mule-accounts', RISK_KEY)).statusCode).toBe(403);
    const deleted = await call('DELETE', '/v1/lists/mule-accounts', RISK_ADMIN_KEY);
    expect(deleted.json()).toEqual({ list: 'mule-accounts', entries_removed: 2 });
    const [audit] = (await call('GET', '/v1/lists/audit?list=mule-accounts&limit=1', RISK_KEY)).json().entries;
    expect(audit).toMatchObject({ action: 'list_deleted', actor: 'risk-admin:head.of.fraud', count: 2 });
  });
});
