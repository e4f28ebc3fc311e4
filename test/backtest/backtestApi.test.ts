import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { BacktestStatus } from '../../backtest/index.js';
import { cardPayment } from '../support/events.js';
import {
  INGEST_KEY, MARKETING_KEY, RISK_ADMIN_KEY, RISK_KEY, startTestEngine, storedEventsOf, testConfig, testPseudonymise, uniquePrefix,
} from '../support/testEngine.js';

// Issue 9: backtests of the published rule set, and of a candidate beside it, over the events the
// engine archived in ClickHouse, scored against what officers decided about the live alerts.

const HOUR = 3_600_000;
const as = (key: string) => ({ authorization: `Bearer ${key}` });

const rule = (id: string, condition: string) => `
  - id: ${id}
    name: ${id}
    description: a card payment in a band of amounts
    alert_type: fraud
    severity: high
    weight: 0.5
    mode: active
    suppress_for: 0s
    when: { event_types: [card_payment] }
    condition: ${condition}`;
const LARGE = rule('large-card-payment', '{ field: event.amount, op: gte, value: 1000 }');
const MEDIUM = rule('medium-card-payment', '{ field: event.amount, op: between, value: [500, 999.99] }');
const PUBLISHED = `version: "bt-published-1"\nrules:${LARGE}${MEDIUM}\n`;
const CANDIDATE = `version: "bt-candidate-1"\nrules:${MEDIUM}\n`;

const config = testConfig();
const pseudonymise = testPseudonymise(config);
let engine: Awaited<ReturnType<typeof startTestEngine>>;

// The history: from 20:00 UTC three days ago to 04:00 the next day, so it spans two dates.
const start = Math.floor((Date.now() - 3 * 24 * HOUR) / (24 * HOUR)) * 24 * HOUR - 4 * HOUR;
const dayOf = (hours: number) => new Date(start + hours * HOUR).toISOString().slice(0, 10);
const ids = uniquePrefix('bt');
const customer = (n: number) => `${ids}-c${n}`;
const payment = (n: number, hours: number, amount: string) =>
  cardPayment({ customer_id: customer(n), amount, occurred_at: new Date(start + hours * HOUR).toISOString(), event_id: `${ids}-e${n}-${hours}` });
const inRange = [
  payment(1, 1, '1500.00'), payment(1, 2, '600.00'), payment(1, 3, '20.00'),
  payment(2, 4, '2000.00'),
  payment(3, 5, '700.00'), payment(3, 6, '800.00'),
  payment(4, 7, '10.00'),
];
// An hour before the range: a large payment whose live alert an officer confirmed, which the
// backtest must neither replay nor count as a confirmed alert it missed.
const before = payment(4, -1, '5000.00');
const range = { from: new Date(start).toISOString(), to: new Date(start + 8 * HOUR).toISOString() };

async function liveAlertId(customerId: string, eventId: string): Promise<string> {
  const res = await engine.app.inject({ url: `/v1/alerts?customer_id=${customerId}&min_severity=low`, headers: as(RISK_KEY) });
  const alert = res.json().alerts.find((a: { triggeringEvents: { eventId: string }[] }) => a.triggeringEvents[0]!.eventId === eventId);
  if (!alert) throw new Error(`no live alert yet for ${eventId}`);
  return alert.id;
}

async function resolve(customerId: string, eventId: string, disposition: string): Promise<string> {
  const id = await vi.waitFor(() => liveAlertId(customerId, eventId), { timeout: 15_000, interval: 100 });
  for (const payload of [{ action: 'assign', assignee: 'officer.jones' }, { action: 'resolve', disposition }]) {
    const res = await engine.app.inject({ method: 'POST', url: `/v1/alerts/${id}/transitions`, headers: as(RISK_KEY), payload });
    expect(res.statusCode).toBe(200);
  }
  return id;
}

const post = (body: unknown, key = RISK_KEY, headers: Record<string, string> = {}) =>
  engine.app.inject({ method: 'POST', url: '/v1/rules/backtests', headers: { ...as(key), ...headers }, payload: body as object });
const status = (id: string, key = RISK_KEY) => engine.app.inject({ url: `/v1/rules/backtests/${id}`, headers: as(key) });

async function finished(id: string): Promise<BacktestStatus> {
  await expect.poll(async () => (await status(id)).json().state, { timeout: 30_000, interval: 100 }).toMatch(/^(done|failed)$/);
  return (await status(id)).json();
}

beforeAll(async () => {
  engine = await startTestEngine(config);
  const published = await engine.app.inject({ method: 'PUT', url: '/v1/rules', headers: as(RISK_ADMIN_KEY), payload: { format: 'yaml', text: PUBLISHED } });
  expect(published.statusCode).toBe(200);
  // Workers load a new set within VIGIL_RULES_POLL_MS; the events must meet the published one.
  await vi.waitFor(() => expect(engine.rules.current().version).toBe('bt-published-1'), { timeout: 10_000 });
  const posted = await engine.app.inject({ method: 'POST', url: '/v1/events', headers: as(INGEST_KEY), payload: { events: [before, ...inRange] } });
  expect(posted.json().accepted).toBe(8);

  const all = [1, 2, 3, 4].map(customer);
  await vi.waitFor(async () => expect(await storedEventsOf(engine.store, all, config)).toBe(8), { timeout: 20_000, interval: 100 });
  const resolved = [
    await resolve(customer(1), `${ids}-e1-1`, 'confirmed_fraud'),
    await resolve(customer(2), `${ids}-e2-4`, 'false_positive'),
    await resolve(customer(3), `${ids}-e3-5`, 'confirmed_fraud'),
    await resolve(customer(4), `${ids}-e4--1`, 'confirmed_fraud'),
  ];
  // The verdicts reach ClickHouse through the alert outbox's archive consumer.
  await vi.waitFor(async () => {
    const [row] = await engine.store.query<{ n: number }>(
      `SELECT count() AS n FROM ${engine.store.database}.alert_transitions WHERE alert_id IN {ids:Array(String)} AND action = 'resolve'`, { ids: resolved },
    );
    expect(Number(row?.n)).toBe(4);
  }, { timeout: 20_000, interval: 100 });
}, 90_000);
afterAll(async () => engine?.dispose());

describe('POST /v1/rules/backtests', () => {
  it('replays the published set and a candidate without one rule over the range, and says which alerts only the published set raises', async () => {
    const asked = await post({ ...range, rule_set: { format: 'yaml', text: CANDIDATE } });
    expect(asked.statusCode).toBe(202);
    const done = await finished(asked.json().id);
    expect(done.error).toBeUndefined();
    expect(done).toMatchObject({ state: 'done', requested_by: 'risk:officer.jones', published_version: 'bt-published-1', candidate_version: 'bt-candidate-1', from: range.from, to: range.to });
    const result = done.result!;

    expect(result.events_read).toBe(7);
    expect(result.events_unreadable).toBe(0);
    expect(done.progress).toMatchObject({ events_total: 7, events_read: 7 });
    expect(result.events_per_second).toBeGreaterThan(0);

    expect(result.published).toMatchObject({
      version: 'bt-published-1', alerts: 5, customers_alerted: 3, by_type: { fraud: 5 },
      by_rule: { 'large-card-payment': 2, 'medium-card-payment': 3 },
    });
    // 1,500 and 600 at 21:00 and 22:00; 2,000, 700 and 800 after midnight.
    expect(result.published.by_day).toEqual({ [dayOf(1)]: 2, [dayOf(4)]: 3 });
    expect(result.candidate).toMatchObject({ version: 'bt-candidate-1', alerts: 3, customers_alerted: 2, by_rule: { 'medium-card-payment': 3 } });

    expect(result.comparison).toMatchObject({ only_published: 2, only_candidate: 0, both: 3, only_published_by_rule: { 'large-card-payment': 2 }, only_candidate_by_rule: {} });
    const onlyPublished = result.comparison!.samples.only_published;
    expect(onlyPublished.map((a) => a.event_id)).toEqual([`${ids}-e1-1`, `${ids}-e2-4`]);
    // ClickHouse, hence the backtest, knows customers by pseudonym only.
    expect(onlyPublished.map((a) => a.customer)).toEqual([pseudonymise(customer(1)), pseudonymise(customer(2))]);
    expect(result.comparison!.samples.only_candidate).toEqual([]);

    // The published set against the live alerts: the same five; the confirmed alert of the hour
    // before the range is not about it.
    expect(result.live).toMatchObject({ source: 'clickhouse:alerts', live: 5, replayed: 5, identical: 5, rules_differ: 0, only_live: 0, only_replayed: 0, differences: [] });
  });

  it('names the published alerts the live pipeline did not raise: a rule published after the events', async () => {
    const stricter = `version: "bt-published-2"\nrules:${LARGE}${rule('any-card-payment', '{ field: event.amount, op: gte, value: 1 }')}\n`;
    const published = await engine.app.inject({ method: 'PUT', url: '/v1/rules', headers: as(RISK_ADMIN_KEY), payload: { format: 'yaml', text: stricter } });
    expect(published.statusCode).toBe(200);
    try {
      const done = await finished((await post(range)).json().id);
      const live = done.result!.live;
      // Live: large on 1,500 and 2,000, medium on 600, 700, 800. Replayed: large and any-card on
      // the large ones, any-card alone on the other five payments.
      expect(live).toMatchObject({ live: 5, replayed: 7, identical: 0, rules_differ: 5, only_live: 0, only_replayed: 2 });
      expect(live.differences.filter((d) => d.kind === 'only_replayed').map((d) => d.event_id).sort()).toEqual([`${ids}-e1-3`, `${ids}-e4-7`]);
      expect(live.differences.find((d) => d.event_id === `${ids}-e1-1`)).toMatchObject({
        kind: 'rules_differ', customer: pseudonymise(customer(1)), live_rule_ids: ['large-card-payment'], replayed_rule_ids: ['large-card-payment', 'any-card-payment'],
      });
    } finally {
      const restored = await engine.app.inject({ method: 'PUT', url: '/v1/rules', headers: as(RISK_ADMIN_KEY), payload: { format: 'yaml', text: PUBLISHED.replace('bt-published-1', 'bt-published-3') } });
      expect(restored.statusCode).toBe(200);
    }
  });

  it("scores each rule against officers' verdicts on the live alerts of the range", async () => {
    const done = await finished((await post({ ...range, rule_set: { format: 'yaml', text: CANDIDATE } })).json().id);
    const result = done.result!;
    // Three verdicts in the range (one confirmed fraud per rule, one false positive); the confirmed
    // alert of the hour before is outside it.
    expect(result.labels).toEqual({ source: 'clickhouse:alerts+alert_transitions', labelled_in_range: 3, confirmed_in_range: { fraud: 2 } });
    expect(result.published.scores['large-card-payment']).toEqual({ alerts: 2, labelled: 2, true_positives: 1, false_positives: 1, precision: 0.5, recall: 0.5 });
    expect(result.published.scores['medium-card-payment']).toEqual({ alerts: 3, labelled: 1, true_positives: 1, false_positives: 0, precision: 1, recall: 0.5 });
    expect(Object.keys(result.candidate!.scores)).toEqual(['medium-card-payment']);
  });

  it('backtests the published set alone when no candidate is given, recording who asked from the key, not a header', async () => {
    const asked = await post({ from: range.from.slice(0, 10), to: range.to }, RISK_ADMIN_KEY, { 'x-vigil-actor': 'admin:someone-else' });
    expect(asked.statusCode).toBe(202);
    const done = await finished(asked.json().id);
    expect(done.requested_by).toBe('risk-admin:head.of.fraud');
    expect(done.from).toBe(`${range.from.slice(0, 10)}T00:00:00.000Z`);
    // From midnight: the large payment at 19:00 is in the range this time.
    expect(done.result!.published).toMatchObject({ alerts: 6, by_rule: { 'large-card-payment': 3, 'medium-card-payment': 3 } });
    expect(done.result!.candidate).toBeUndefined();
    expect(done.result!.comparison).toBeUndefined();
    expect(done).not.toHaveProperty('candidate_version');
  });

  it.each([
    ['no range', {}, /from/],
    ['a range that ends before it starts', { from: range.to, to: range.from }, /to must be later than from/],
    ['a date that is not ISO', { from: '03/01/2026', to: range.to }, /from must be an ISO date .* or an RFC 3339 date-time/],
    ['a range of ten thousand years', { from: '0001-01-01', to: '9999-12-31' }, /from must be a real date from 1970 to 2299/],
    ['a range longer than 400 days', { from: '2024-01-01', to: '2025-03-01' }, /at most 400 days/],
    ['an unknown field', { ...range, rules: 'x' }, /rules/],
    ['a candidate in an unknown format', { ...range, rule_set: { format: 'toml', text: 'x' } }, /format/],
  ])('refuses a body with %s: 400 saying what is wrong', async (_name, body, message) => {
    const res = await post(body);
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(message);
  });

  it('refuses a candidate that would not pass publication checks, with every problem named', async () => {
    const unknownFeature = CANDIDATE.replace('event.amount', 'features.no_such_feature');
    const res = await post({ ...range, rule_set: { format: 'yaml', text: unknownFeature } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'INVALID_RULE_SET', message: expect.stringMatching(/no_such_feature/) });
    const unknownList = CANDIDATE.replace('{ field: event.amount, op: between, value: [500, 999.99] }', '{ field: event.merchant.id, op: in_list, value: no-such-list }');
    const listed = await post({ ...range, rule_set: { format: 'yaml', text: unknownList } });
    expect(listed.statusCode).toBe(400);
    expect(listed.json().message).toMatch(/unknown list "no-such-list"/);
    expect((await post({ ...range, rule_set: { format: 'yaml', text: 'version: [' } })).statusCode).toBe(400);
  });

  it('is refused to roles that do not read the rules', async () => {
    const res = await post(range, MARKETING_KEY);
    expect(res.statusCode).toBe(403);
    expect(res.json().message).toMatch(/risk, risk-admin, admin/);
  });
});

describe('GET /v1/rules/backtests/{id}', () => {
  it('answers 404 for a backtest it does not know', async () => {
    const res = await status('bt_unknown');
    expect(res.statusCode).toBe(404);
    expect(res.json().message).toMatch(/no backtest bt_unknown/);
  });

  it('is refused to roles that do not read the rules', async () => {
    const id = (await post(range)).json().id;
    expect((await status(id, MARKETING_KEY)).statusCode).toBe(403);
    expect((await status(id, RISK_ADMIN_KEY)).statusCode).toBe(200);
  });

  it('is in the OpenAPI document with its schemas', async () => {
    const doc = (await engine.app.inject({ url: '/openapi.json', headers: as(RISK_KEY) })).json();
    expect(doc.paths['/v1/rules/backtests'].post.requestBody.content['application/json'].schema.properties).toHaveProperty('rule_set');
    expect(doc.paths['/v1/rules/backtests/{id}'].get.responses['200'].content['application/json'].schema.properties).toHaveProperty('progress');
    expect(doc.paths['/v1/rules/backtests/{id}'].get.responses['200'].content['application/json'].schema.properties.result.properties.live.properties)
      .toHaveProperty('replayed_digest');
  });
});

describe('npm run backtest (bin/backtest.ts)', () => {
  const CLI = fileURLToPath(new URL('../../bin/backtest.ts', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'vigil-backtest-cli-'));
  let url: string;
  beforeAll(async () => {
    url = await engine.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function backtest(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
    const { VIGIL_API_KEY: _key, VIGIL_URL: _url, ...inherited } = process.env;
    try {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', CLI, ...args], { env: { ...inherited, ...env }, timeout: 60_000 });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  }

  it('posts the backtest, waits for it and prints events per second and the comparison, exit 0', async () => {
    const rules = join(dir, 'candidate.yaml');
    writeFileSync(rules, CANDIDATE);
    const run = await backtest(['--url', url, '--from', range.from, '--to', range.to, '--rules', rules, '--poll', '0.2'], { VIGIL_API_KEY: RISK_KEY });
    expect(run.stderr).toMatch(/backtest bt_\S+ queued/);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/7 events and 0 reviews replayed in [\d.]+ s: [\d,]+ events\/s/);
    // rule, published, candidate, only published, only candidate, precision, recall (published), then the candidate's.
    expect(run.stdout).toMatch(/^large-card-payment\s+2\s+–\s+2\s+0\s+50%\s+50%\s+–\s+–$/m);
    expect(run.stdout).toMatch(/^medium-card-payment\s+3\s+3\s+0\s+0\s+100%\s+50%\s+100%\s+50%$/m);
    expect(run.stdout).toMatch(/^alerts\s+5\s+3\s+2\s+0$/m);
  });

  it('exits 1 with Vigil\'s reason when it refuses the candidate', async () => {
    const rules = join(dir, 'bad.yaml');
    writeFileSync(rules, CANDIDATE.replace('event.amount', 'features.no_such_feature'));
    const run = await backtest(['--url', url, '--api-key', RISK_KEY, '--from', range.from, '--to', range.to, '--rules', rules]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Vigil answered 400: .*no_such_feature/);
  });

  it.each([
    [['--from', '2026-03-01', '--to', '2026-04-01'], 'an API key is required'],
    [['--api-key', 'k', '--to', '2026-04-01'], '--from is required'],
    [['--api-key', 'k', '--from', '2026-04-01', '--to', '2026-03-01'], 'to must be later than from'],
    [['--api-key', 'k', '--from', '2026-03-01', '--to', '2026-04-01', '--rules', '/nonexistent/rules.yaml'], 'no such file'],
    [['--bogus'], "Unknown option '--bogus'"],
  ])('refuses %j with a clear message and exit code 2', async (args, message) => {
    const run = await backtest(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });
});
