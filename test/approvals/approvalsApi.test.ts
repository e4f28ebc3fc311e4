import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RULE_PACK_URL } from '../../rules/index.js';
import { ADMIN_KEY, MARKETING_KEY, RISK_ADMIN_KEY, RISK_KEY, startTestEngine, testConfig } from '../support/testEngine.js';
import { BASE_CAMPAIGN } from '../offers/fixtures.js';

// Four-eyes on: every action needs a second person (the default outside tests).
const config = testConfig({ VIGIL_APPROVALS: 'all', VIGIL_LISTS_POLL_MS: '100' });
let engine: Awaited<ReturnType<typeof startTestEngine>>;

beforeAll(async () => {
  engine = await startTestEngine(config);
});
afterAll(async () => {
  await engine?.dispose();
});

const as = (key: string, extra: Record<string, string> = {}) => ({ authorization: `Bearer ${key}`, ...extra });
const call = (method: 'GET' | 'POST' | 'PUT', url: string, key: string, payload?: object | string, headers: Record<string, string> = {}) =>
  engine.app.inject({ method, url, headers: as(key, headers), ...(payload === undefined ? {} : { payload }) });
const pack = readFileSync(fileURLToPath(DEFAULT_RULE_PACK_URL), 'utf8');
const withVersion = (version: string) => pack.replace(/^version: .*$/m, `version: "${version}"`);

describe('four-eyes over the API', () => {
  it('proposes a rule set instead of publishing it, refuses the proposer\'s own approval, and publishes on a second person\'s', async () => {
    const before = (await call('GET', '/v1/rules', RISK_KEY)).json().version;
    const proposed = await call('PUT', '/v1/rules', RISK_ADMIN_KEY, { format: 'yaml', text: withVersion('2026.11-a') });
    expect(proposed.statusCode).toBe(202);
    const { approval } = proposed.json();
    expect(approval).toMatchObject({ status: 'pending', action: 'rules.publish', target: '2026.11-a', proposedBy: 'risk-admin:head.of.fraud' });
    expect((await call('GET', '/v1/rules', RISK_KEY)).json().version).toBe(before);

    const self = await call('POST', `/v1/approvals/${approval.id}/approve`, RISK_ADMIN_KEY);
    expect(self.statusCode).toBe(403);
    expect(self.json().error).toBe('SELF_APPROVAL');
    expect((await call('POST', `/v1/approvals/${approval.id}/approve`, MARKETING_KEY)).json().error).toBe('NOT_APPROVER');

    const approved = await call('POST', `/v1/approvals/${approval.id}/approve`, ADMIN_KEY);
    expect(approved.statusCode).toBe(200);
    expect(approved.json().approval).toMatchObject({ status: 'applied', decidedBy: 'admin:platform-admin', result: { version: '2026.11-a' } });
    const current = (await call('GET', '/v1/rules', RISK_KEY)).json();
    expect(current).toMatchObject({ version: '2026.11-a', updatedBy: 'risk-admin:head.of.fraud', approval: { id: approval.id, approvedBy: 'admin:platform-admin' } });
    const again = await call('POST', `/v1/approvals/${approval.id}/approve`, ADMIN_KEY);
    expect(again.statusCode).toBe(409);
  });

  it('needs a second person for a forced empty rule set too: the proposal says detection goes off, and only the approval publishes it', async () => {
    // Issue 12, item 12: an empty set switches off all detection; forcing it is a proposal like any other.
    const before = (await call('GET', '/v1/rules', RISK_KEY)).json().version;
    expect((await call('PUT', '/v1/rules', RISK_ADMIN_KEY, { format: 'yaml', text: 'version: "2026.11-empty"\nrules: []\n' })).statusCode).toBe(400);
    const proposed = await call('PUT', '/v1/rules?allow_empty=true', RISK_ADMIN_KEY, { format: 'yaml', text: 'version: "2026.11-empty"\nrules: []\n' });
    expect(proposed.statusCode).toBe(202);
    const { approval } = proposed.json();
    expect(approval).toMatchObject({ status: 'pending', target: '2026.11-empty', details: { rules: 0, forced: expect.stringMatching(/switch off all detection/) } });
    expect((await call('GET', '/v1/rules', RISK_KEY)).json().version).toBe(before);
    expect((await call('POST', `/v1/approvals/${approval.id}/approve`, RISK_ADMIN_KEY)).json().error).toBe('SELF_APPROVAL');
    expect((await call('GET', '/v1/rules', RISK_KEY)).json().version).toBe(before);

    expect((await call('POST', `/v1/approvals/${approval.id}/approve`, ADMIN_KEY)).statusCode).toBe(200);
    const history = (await call('GET', '/v1/rules/history', RISK_KEY)).json().versions;
    expect(history[0]).toMatchObject({ version: '2026.11-empty', forced: { reason: expect.stringMatching(/switch off all detection/) } });
    // Detection back on for the tests that follow.
    const restore = (await call('PUT', '/v1/rules', RISK_ADMIN_KEY, { format: 'yaml', text: withVersion('2026.11-restored') })).json().approval;
    expect((await call('POST', `/v1/approvals/${restore.id}/approve`, ADMIN_KEY)).statusCode).toBe(200);
  });

  it('refuses an invalid rule set at once, before anyone is asked to approve it', async () => {
    const res = await call('PUT', '/v1/rules', RISK_ADMIN_KEY, { format: 'yaml', text: 'version: x\nrules: nope' });
    expect(res.statusCode).toBe(400);
    expect((await call('GET', '/v1/approvals?status=pending', RISK_KEY)).json().approvals.filter((a: { target: string }) => a.target === 'x')).toEqual([]);
  });

  it('applies a change once when two approvals race', async () => {
    const { approval } = (await call('PUT', '/v1/rules', ADMIN_KEY, { format: 'yaml', text: withVersion('2026.11-race') })).json();
    const answers = await Promise.all([1, 2, 3].map(() => call('POST', `/v1/approvals/${approval.id}/approve`, RISK_ADMIN_KEY)));
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 409, 409]);
    const history = (await call('GET', '/v1/rules/history', RISK_KEY)).json().versions.filter((v: { version: string }) => v.version === '2026.11-race');
    expect(history).toHaveLength(1);
  });

  it('activates a campaign only once a second marketer approves, at the revision proposed', async () => {
    const { state: _state, ...draft } = BASE_CAMPAIGN;
    expect((await call('POST', '/v1/campaigns', MARKETING_KEY, { ...draft, state: 'active' })).json().error).toBe('APPROVAL_REQUIRED');
    expect((await call('POST', '/v1/campaigns', MARKETING_KEY, draft)).statusCode).toBe(201);
    const proposed = await call('POST', '/v1/campaigns/savings-boost/state', MARKETING_KEY, { state: 'active' });
    expect(proposed.statusCode).toBe(202);
    expect((await call('GET', '/v1/campaigns/savings-boost', MARKETING_KEY)).json().campaign.state).toBe('draft');
    const approved = await call('POST', `/v1/approvals/${proposed.json().approval.id}/approve`, ADMIN_KEY);
    expect(approved.statusCode).toBe(200);
    const stored = (await call('GET', '/v1/campaigns/savings-boost', MARKETING_KEY)).json();
    expect(stored).toMatchObject({ campaign: { state: 'active' }, updatedBy: 'marketing:anna.marketing' });
    expect((await call('PUT', '/v1/campaigns/savings-boost', MARKETING_KEY, draft)).json().error).toBe('APPROVAL_REQUIRED');
    // Pausing is never held up.
    expect((await call('POST', '/v1/campaigns/savings-boost/state', MARKETING_KEY, { state: 'paused' })).statusCode).toBe(200);
  });

  it('marks an approval failed when the campaign changed after it was proposed', async () => {
    const { state: _state, ...draft } = BASE_CAMPAIGN;
    await call('POST', '/v1/campaigns', MARKETING_KEY, { ...draft, id: 'moved-on' });
    const { approval } = (await call('POST', '/v1/campaigns/moved-on/state', MARKETING_KEY, { state: 'active' })).json();
    await call('PUT', '/v1/campaigns/moved-on', MARKETING_KEY, { ...draft, id: 'moved-on', name: 'Renamed' });
    const res = await call('POST', `/v1/approvals/${approval.id}/approve`, ADMIN_KEY);
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toBe('CHANGE_NOT_APPLIED');
    expect((await call('GET', `/v1/approvals/${approval.id}`, MARKETING_KEY)).json().approval.status).toBe('failed');
    expect((await call('GET', '/v1/campaigns/moved-on', MARKETING_KEY)).json().campaign.state).toBe('draft');
  });

  it('holds a CSV import until approved, and a rejected one never writes, with who and why recorded', async () => {
    const inDays = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const csv = `value,reason,expires_at\ncust-a,ring,${inDays}\ncust-b,ring,${inDays}\n,missing,${inDays}\n`;
    const importCsv = () => call('POST', '/v1/lists/watched-customers/import', RISK_ADMIN_KEY, csv, { 'content-type': 'text/csv' });
    const first = await importCsv();
    expect(first.statusCode).toBe(202);
    expect(first.json()).toMatchObject({ status: 'pending_approval', imported: 0, rejected: 1, approval: { details: { entries: 2, rejectedRows: 1 } } });
    const entry = () => call('GET', '/v1/lists/watched-customers/entries?value=cust-a', RISK_KEY);
    expect((await entry()).statusCode).toBe(404);
    const approved = await call('POST', `/v1/approvals/${first.json().approval.id}/approve`, ADMIN_KEY);
    expect(approved.json().approval.result).toMatchObject({ created: 2, importId: first.json().approval.id });
    expect((await entry()).json().entries[0]).toMatchObject({ value: 'cust-a', added_by: 'risk-admin:head.of.fraud', source: `import:${first.json().approval.id}` });

    const second = await call('POST', '/v1/lists/watched-customers/import', RISK_ADMIN_KEY, `value,reason,expires_at\ncust-z,ring,${inDays}\n`, { 'content-type': 'text/csv' });
    const rejected = await call('POST', `/v1/approvals/${second.json().approval.id}/reject`, ADMIN_KEY, { comment: 'no evidence attached' });
    expect(rejected.json().approval).toMatchObject({ status: 'rejected', decidedBy: 'admin:platform-admin', comment: 'no evidence attached', decidedAt: expect.any(String) });
    expect((await call('GET', '/v1/lists/watched-customers/entries?value=cust-z', RISK_KEY)).statusCode).toBe(404);
  });

  it('lists pending and decided changes with who proposed and who decided, newest first', async () => {
    const res = await call('GET', '/v1/approvals', MARKETING_KEY);
    expect(res.statusCode).toBe(200);
    const { approvals, required } = res.json();
    expect(required).toEqual(['rules.publish', 'campaigns.activate', 'lists.import', 'models.promote', 'models.rollback']);
    expect(approvals.length).toBeGreaterThanOrEqual(5);
    const times = approvals.map((a: { proposedAt: string }) => a.proposedAt);
    expect([...times].sort().reverse()).toEqual(times);
    expect(approvals.find((a: { status: string }) => a.status === 'applied')).toMatchObject({ proposedBy: expect.any(String), decidedBy: expect.any(String), decidedAt: expect.any(String) });
  });
});
