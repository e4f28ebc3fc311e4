import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archivedAlertOutcomes } from '../../aggregates/index.js';
import { ALERT_TABLES, transitionRow, type Alert, type NewAlert } from '../../alerts/index.js';
import { wilsonInterval } from '../../alerts/performance/index.js';
import { MARKETING_KEY, RISK_ADMIN_KEY, RISK_KEY, SRE_KEY, startTestEngine, testConfig } from '../support/testEngine.js';
import { fraudAlert } from './harness.js';

// GET /v1/rules/performance through the real engine: alerts raised in the alert store, worked by
// officers through POST /v1/alerts/{id}/transitions, archived to ClickHouse by the outbox
// consumer, read back per rule.

let engine: Awaited<ReturnType<typeof startTestEngine>>;
beforeAll(async () => {
  engine = await startTestEngine(testConfig());
});
afterAll(async () => engine?.dispose());

const as = (key: string) => ({ authorization: `Bearer ${key}` });
const run = randomBytes(3).toString('hex');
const RULE_A = `perf-a-${run}`;
const RULE_B = `perf-b-${run}`;
const RULE_M = `perf-m-${run}`;

async function step(id: string, body: Record<string, string>): Promise<Alert> {
  const res = await engine.app.inject({ method: 'POST', url: `/v1/alerts/${id}/transitions`, headers: as(RISK_KEY), payload: body });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { alert: Alert }).alert;
}

async function resolve(alert: Alert, disposition: string): Promise<Alert> {
  await step(alert.id, { action: 'assign', assignee: 'officer.jones' });
  return step(alert.id, { action: 'resolve', disposition, comment: 'reviewed' });
}

async function raise(overrides: Partial<NewAlert>): Promise<Alert> {
  const [alert] = await engine.alerts.store.raise([fraudAlert({ customerId: `perf-${run}`, ...overrides })]);
  return alert!;
}

/** Seconds from raising to the alert's last resolve, as its own history says. */
function secondsToDisposition(alert: Alert): number {
  const resolved = alert.history.filter((t) => t.action === 'resolve').at(-1)!;
  return (Date.parse(resolved.at) - Date.parse(alert.createdAt)) / 1000;
}

const performance = (query: string, key = RISK_KEY) => engine.app.inject({ url: `/v1/rules/performance?${query}`, headers: as(key) });

describe('GET /v1/rules/performance', () => {
  const from = new Date(Date.now() - 3_600_000).toISOString();
  const to = new Date(Date.now() + 3_600_000).toISOString();
  const range = `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;

  it('counts each rule\'s alerts by how officers resolved them, per model version, once the archive has them', async () => {
    const both = await resolve(await raise({ ruleIds: [RULE_A, RULE_B] }), 'confirmed_fraud');
    const genuine = await resolve(await raise({ ruleIds: [RULE_A] }), 'false_positive');
    // Judged genuine, reopened on new evidence, then confirmed: counts once, as confirmed.
    let changedMind = await resolve(await raise({ ruleIds: [RULE_A] }), 'false_positive');
    await step(changedMind.id, { action: 'reopen', comment: 'chargeback came in' });
    changedMind = await resolve(changedMind, 'confirmed_fraud');
    await raise({ ruleIds: [RULE_A] }); // left open
    const model = await resolve(await raise({ ruleIds: [RULE_M], modelVersions: { [RULE_M]: ['fraud@example-1'] } }), 'confirmed_fraud');
    const credit = await resolve(await raise({ type: 'credit', ruleIds: [RULE_B] }), 'customer_contacted');

    const ruleA = () => performance(`${range}&rule_id=${RULE_A}`).then((r) => r.json().rules?.[0]?.total);
    const times = [both, genuine, changedMind].map(secondsToDisposition).sort((a, b) => a - b);
    await expect.poll(ruleA, { timeout: 15_000, interval: 100 }).toEqual({
      raised: 4, resolved: 3, open: 1, true_positives: 2, false_positives: 1, resolved_without_verdict: 0,
      share_true_positive: 0.5, share_false_positive: 0.25, share_open: 0.25,
      precision: wilsonInterval(2, 3),
      time_to_disposition_seconds: { median: times[1], p90: times[2] },
    });

    // Rule A's figures being complete says nothing of the alerts raised after it (B's credit
    // alert): the archive is asynchronous, so every rule's raises and resolutions are waited for.
    type Row = { rule_id: string; model_version: string | null; total: { raised: number; resolved: number } };
    const ours = async () => {
      const res = await performance(`${range}&bucket=week`);
      expect(res.statusCode).toBe(200);
      return res.json() as { from: string; to: string; bucket: string; rules: Row[] };
    };
    const raisedPerRule = (body: { rules: Row[] }) => body.rules.filter((r) => r.rule_id.endsWith(run)).map((r) => [r.rule_id, r.model_version, r.total.raised, r.total.resolved]);
    await expect.poll(async () => raisedPerRule(await ours()), { timeout: 15_000, interval: 100 }).toEqual([
      [RULE_A, null, 4, 3], [RULE_B, null, 2, 2], [RULE_M, 'fraud@example-1', 1, 1],
    ]);
    const body = await ours();
    expect(body).toMatchObject({ from, to, bucket: 'week' });
    const mine = body.rules.filter((r) => r.rule_id.endsWith(run)) as any[];
    const b = mine[1];
    expect(b.total).toMatchObject({ true_positives: 1, false_positives: 0, resolved_without_verdict: 1, open: 0, precision: { value: 1 } });
    expect(b.total.time_to_disposition_seconds).toEqual({
      median: Math.min(secondsToDisposition(both), secondsToDisposition(credit)), p90: Math.max(secondsToDisposition(both), secondsToDisposition(credit)),
    });
    expect(mine[2].total).toMatchObject({ true_positives: 1, precision: { value: 1 }, time_to_disposition_seconds: { median: secondsToDisposition(model) } });
    for (const rule of mine) {
      expect(rule.periods.reduce((sum: number, p: { raised: number }) => sum + p.raised, 0)).toBe(rule.total.raised);
      for (const period of rule.periods) expect(new Date(period.start).getUTCDay(), period.start).toBe(1); // weeks start on Monday
    }

    // A transition stored twice (archived again after the dedup window) is still counted once.
    const rows = await engine.store.query<{ n: number }>(`SELECT count() AS n FROM ${engine.store.database}.${ALERT_TABLES.alertTransitions} WHERE alert_id = {id:String}`, { id: genuine.id });
    const resolveSeq = genuine.history.length - 1;
    await engine.store.insertRows(ALERT_TABLES.alertTransitions, [transitionRow(genuine.id, resolveSeq, genuine.history[resolveSeq]!)]);
    await expect.poll(async () => (await engine.store.query<{ n: number }>(
      `SELECT count() AS n FROM ${engine.store.database}.${ALERT_TABLES.alertTransitions} WHERE alert_id = {id:String}`, { id: genuine.id },
    ))[0]!.n).toBe(rows[0]!.n + 1);
    expect((await ruleA()).false_positives).toBe(1);

    // The bound on what one request reads is reported, never silently cut.
    const bounded = await archivedAlertOutcomes(engine.store, { fromMs: Date.parse(from), toMs: Date.parse(to), ruleId: RULE_A }, 3);
    expect(bounded).toMatchObject({ truncated: true, alerts: expect.any(Array), transitions: [] });
    expect(bounded.alerts).toHaveLength(3);
  });

  it('answers risk admins and admins too, and refuses roles that do not read rules', async () => {
    expect((await performance(range, RISK_ADMIN_KEY)).statusCode).toBe(200);
    expect((await performance(range, MARKETING_KEY)).statusCode).toBe(403);
    expect((await performance(range, SRE_KEY)).statusCode).toBe(403);
    expect((await engine.app.inject({ url: `/v1/rules/performance?${range}` })).statusCode).toBe(401);
  });

  it.each([
    ['no range', ''],
    ['no to', `from=${encodeURIComponent(from)}`],
    ['to before from', `from=${encodeURIComponent(to)}&to=${encodeURIComponent(from)}`],
    ['an empty range', `from=${encodeURIComponent(from)}&to=${encodeURIComponent(from)}`],
    ['more than 400 days', `from=2024-01-01T00:00:00Z&to=2025-03-01T00:00:00Z`],
    ['a date that is not a time', `from=yesterday&to=${encodeURIComponent(to)}`],
    ['a bucket that does not exist', `${range}&bucket=month`],
    ['an empty rule id', `${range}&rule_id=`],
    ['an unknown parameter', `${range}&rule=x`],
  ])('answers 400 for %s, never 500', async (_case, query) => {
    const res = await performance(query);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().message).toEqual(expect.any(String));
  });

  it.each([
    ['before ClickHouse\'s calendar', '0001-01-01T00:00:00Z', '0001-01-02T00:00:00Z'],
    ['after it', '9999-01-01T00:00:00Z', '9999-01-02T00:00:00Z'],
  ])('answers a range %s with no rules, not an error', async (_case, start, end) => {
    const res = await performance(`from=${start}&to=${end}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().rules).toEqual([]);
  });

  it('says which bound a range breaks', async () => {
    expect((await performance(`from=${encodeURIComponent(to)}&to=${encodeURIComponent(from)}`)).json().message).toMatch(/to must be later than from/);
    expect((await performance('from=2024-01-01T00:00:00Z&to=2025-03-01T00:00:00Z')).json().message).toMatch(/at most 400 days/);
  });
});
