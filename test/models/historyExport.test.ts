import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { replayContext } from '../../backtest/index.js';
import type { EventInput } from '../../core/events/index.js';
import { loadLabelledStream } from '../../evaluation/streamFiles.js';
import { exportTrainingRows } from '../../models/exportRows.js';
import { FRAUD_MODEL_FEATURES } from '../../models/trainingRows.js';
import { cardPayment } from '../support/events.js';
import {
  ADMIN_KEY, INGEST_KEY, MARKETING_KEY, RISK_ADMIN_KEY, RISK_KEY, startTestEngine, storedEventsOf, testConfig, testPseudonymise, uniquePrefix,
} from '../support/testEngine.js';

// Issue 9: from a running Vigil's own history to training rows. Payments raise live fraud alerts,
// officers resolve some confirmed_fraud and one false_positive, the history is exported through the
// API (npm run export-history) and the training export labels the confirmed customers' payments.

const HOUR = 3_600_000;
const MINUTE = 60_000;
const as = (key: string) => ({ authorization: `Bearer ${key}` });

const RULES = `version: "hx-1"
rules:
  - id: large-card-payment
    name: large card payment
    description: a card payment of 1,000 or more
    alert_type: fraud
    severity: high
    weight: 0.5
    mode: active
    suppress_for: 0s
    when: { event_types: [card_payment] }
    condition: { field: event.amount, op: gte, value: 1000 }
`;

const config = testConfig();
const pseudonymise = testPseudonymise(config);
let engine: Awaited<ReturnType<typeof startTestEngine>>;

// Three days ago at 20:00 UTC; each payment at its hour plus its customer's minute, so no two tie.
const start = Math.floor((Date.now() - 3 * 24 * HOUR) / (24 * HOUR)) * 24 * HOUR - 4 * HOUR;
const ids = uniquePrefix('hx');
const customer = (n: number) => `${ids}-c${n}`;
const at = (n: number, hours: number) => start + hours * HOUR + n * MINUTE;
const payment = (n: number, hours: number, amount: string) =>
  cardPayment({ customer_id: customer(n), amount, occurred_at: new Date(at(n, hours)).toISOString(), event_id: `${ids}-e${n}-${hours}` });
const range = { from: new Date(start).toISOString(), to: new Date(start + 8 * HOUR).toISOString() };

// c1: confirmed fraud at 2 h, and again at 4 h (the label starts at the earlier one).
// c2: one alert, cleared as a false positive: genuine.
// c3: confirmed fraud at 6 h, after an ordinary payment.
// c4: never alerted in the range; confirmed fraud at 9 h, after the range: not labelled.
// c5: an alert an hour before the range left open: no verdict, no label.
const firstBatch: EventInput[] = [
  payment(5, -1, '5000.00'),
  payment(1, 1, '20.00'), payment(1, 2, '1500.00'), payment(1, 3, '30.00'),
  payment(2, 1, '50.00'), payment(2, 3, '1200.00'), payment(2, 4, '60.00'),
  payment(3, 2, '10.00'), payment(3, 6, '3000.00'), payment(3, 7, '20.00'),
  payment(4, 1, '15.00'), payment(4, 2, '25.00'),
  payment(5, 3, '10.00'),
];
// Posted once c1's first alert is resolved, so the second is an alert of its own.
const secondBatch: EventInput[] = [payment(1, 4, '2500.00'), payment(1, 5, '40.00'), payment(4, 9, '9000.00')];
const inRange = [...firstBatch, ...secondBatch].filter((e) => Date.parse(e.occurred_at) >= start && Date.parse(e.occurred_at) < start + 8 * HOUR);

async function liveAlertId(customerId: string, eventId: string): Promise<string> {
  const res = await engine.app.inject({ url: `/v1/alerts?customer_id=${customerId}&min_severity=low`, headers: as(RISK_KEY) });
  const alert = res.json().alerts.find((a: { triggeringEvents: { eventId: string }[] }) => a.triggeringEvents[0]!.eventId === eventId);
  if (!alert) throw new Error(`no live alert yet for ${eventId}`);
  return alert.id;
}

async function resolve(n: number, hours: number, disposition: string): Promise<string> {
  const id = await vi.waitFor(() => liveAlertId(customer(n), `${ids}-e${n}-${hours}`), { timeout: 15_000, interval: 100 });
  for (const payload of [{ action: 'assign', assignee: 'officer.jones' }, { action: 'resolve', disposition }]) {
    const res = await engine.app.inject({ method: 'POST', url: `/v1/alerts/${id}/transitions`, headers: as(RISK_KEY), payload });
    expect(res.statusCode).toBe(200);
  }
  return id;
}

async function postEvents(events: EventInput[]): Promise<void> {
  const posted = await engine.app.inject({ method: 'POST', url: '/v1/events', headers: as(INGEST_KEY), payload: { events } });
  expect(posted.json().accepted).toBe(events.length);
}

const exportRequest = (body: unknown, key = RISK_ADMIN_KEY) =>
  engine.app.inject({ method: 'POST', url: '/v1/models/training-exports', headers: as(key), payload: body as object });

beforeAll(async () => {
  engine = await startTestEngine(config);
  const published = await engine.app.inject({ method: 'PUT', url: '/v1/rules', headers: as(RISK_ADMIN_KEY), payload: { format: 'yaml', text: RULES } });
  expect(published.statusCode).toBe(200);
  await vi.waitFor(() => expect(engine.rules.current().version).toBe('hx-1'), { timeout: 10_000 });

  await postEvents(firstBatch);
  const resolved = [await resolve(1, 2, 'confirmed_fraud')];
  await postEvents(secondBatch);
  resolved.push(
    await resolve(1, 4, 'confirmed_fraud'),
    await resolve(2, 3, 'false_positive'),
    await resolve(3, 6, 'confirmed_fraud'),
    await resolve(4, 9, 'confirmed_fraud'),
  );
  await vi.waitFor(async () => expect(await storedEventsOf(engine.store, [1, 2, 3, 4, 5].map(customer), config)).toBe(16), { timeout: 20_000, interval: 100 });
  // The verdicts reach ClickHouse through the alert outbox's archive consumer.
  await vi.waitFor(async () => {
    const [row] = await engine.store.query<{ n: number }>(
      `SELECT count() AS n FROM ${engine.store.database}.alert_transitions WHERE alert_id IN {ids:Array(String)} AND action = 'resolve'`, { ids: resolved },
    );
    expect(Number(row?.n)).toBe(5);
  }, { timeout: 20_000, interval: 100 });
}, 120_000);
afterAll(async () => engine?.dispose());

describe('npm run export-history → npm run train rows', () => {
  const CLI = fileURLToPath(new URL('../../bin/exportHistory.ts', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'vigil-history-export-'));
  let url: string;
  beforeAll(async () => {
    url = await engine.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function exportHistory(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const { VIGIL_API_KEY: _key, VIGIL_URL: _url, ...inherited } = process.env;
    try {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', CLI, ...args], { env: inherited, timeout: 60_000 });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  }

  it('exports the range with confirmed customers labelled from their earliest confirmed alert, and the training rows follow the labels', { timeout: 60_000 }, async () => {
    const out = join(dir, 'history');
    const run = await exportHistory(['--url', url, '--api-key', RISK_ADMIN_KEY, '--from', range.from, '--to', range.to, '--out', out]);
    expect(run.stderr).toMatch(/exported 14 events of 5 customers, 2 labelled fraud from dispositions, 1 cleared as false positives, as risk-admin:head\.of\.fraud/);
    expect(run.code).toBe(0);
    expect(existsSync(join(out, 'events.jsonl.partial'))).toBe(false);

    const stream = await loadLabelledStream(out);
    // Customers as ClickHouse knows them, by pseudonym only.
    expect(stream.labels).toEqual([
      { customer_id: pseudonymise(customer(1)), kind: 'fraud', typology: 'confirmed-fraud', first_bad_event_id: `${ids}-e1-2`, first_bad_at: new Date(at(1, 2)).toISOString() },
      { customer_id: pseudonymise(customer(3)), kind: 'fraud', typology: 'confirmed-fraud', first_bad_event_id: `${ids}-e3-6`, first_bad_at: new Date(at(3, 6)).toISOString() },
    ]);
    expect(stream.meta).toMatchObject({ source: 'dispositions', customers: 5, events: 14, start: range.from, end: range.to, measure_from: range.from, fraud_share: 0.4 });
    expect(stream.events).toHaveLength(inRange.length);
    expect(new Set(stream.events.map((e) => e.customer_id))).toEqual(new Set([1, 2, 3, 4, 5].map((n) => pseudonymise(customer(n)))));
    expect(stream.events.map((e) => e.event_id)).toEqual([...inRange].sort((a, b) => Date.parse(a.occurred_at) - Date.parse(b.occurred_at)).map((e) => e.event_id));

    const csvPath = join(dir, 'rows.csv');
    const rows = exportTrainingRows({
      events: stream.events, labels: stream.labels, measureFromMs: Date.parse(stream.meta.measure_from),
      features: FRAUD_MODEL_FEATURES, context: replayContext(config.risk), csvPath,
    });
    expect(rows).toMatchObject({ events: 14, rows: 14, positives: 6 });
    // One row per payment in event time: 1 from the first confirmed alert's event to 7 days after, 0 before it and for everyone else.
    const expected = [...inRange].sort((a, b) => Date.parse(a.occurred_at) - Date.parse(b.occurred_at)).map((e) => {
      const n = Number(/-c(\d+)$/.exec(e.customer_id)![1]);
      const firstBad = n === 1 ? at(1, 2) : n === 3 ? at(3, 6) : undefined;
      return `${(e as { amount: string }).amount}:${firstBad !== undefined && Date.parse(e.occurred_at) >= firstBad ? 1 : 0}`;
    });
    const amountColumn = 2 + FRAUD_MODEL_FEATURES.indexOf('amount_current');
    const written = readFileSync(csvPath, 'utf8').trim().split('\n').slice(1).map((line) => {
      const cells = line.split(',');
      return `${Number(cells[amountColumn]).toFixed(2)}:${cells[0]}`;
    });
    expect(written).toEqual(expected);
  });

  it('records who exported which range, from the verified identity', async () => {
    // Its own export, so the record read back is this test's whatever ran before it.
    expect((await exportRequest({ from: range.from, to: range.to })).statusCode).toBe(200);
    const res = await engine.app.inject({ url: '/v1/models/training-exports', headers: as(ADMIN_KEY) });
    expect(res.statusCode).toBe(200);
    expect(res.json().exports[0]).toMatchObject({ exported_by: 'risk-admin:head.of.fraud', from: range.from, to: range.to, labels: 2 });
    expect((await engine.app.inject({ url: '/v1/models/training-exports', headers: as(RISK_KEY) })).statusCode).toBe(403);
  });

  it.each([
    [['--from', '2026-03-01', '--to', '2026-04-01', '--out', 'x'], 'an API key is required'],
    [['--api-key', 'k', '--from', '2026-04-01', '--to', '2026-03-01', '--out', 'x'], 'to must be later than from'],
    [['--api-key', 'k', '--from', '2026-03-01', '--to', '2026-04-01'], '--out is required'],
    [['--api-key', 'k', '--from', '2026-03-01', '--to', '2026-04-01', '--out', 'x', '--measure-from', '2026-05-01'], '--measure-from must fall in'],
  ])('refuses %j with a clear message and exit code 2', async (args, message) => {
    const run = await exportHistory(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });

  it("exits 1 with Vigil's reason when the key may not export", async () => {
    const run = await exportHistory(['--url', url, '--api-key', RISK_KEY, '--from', range.from, '--to', range.to, '--out', join(dir, 'refused')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Vigil answered 403: .*risk-admin, admin/);
    expect(existsSync(join(dir, 'refused', 'events.jsonl'))).toBe(false);
  });
});

describe('POST /v1/models/training-exports', () => {
  it('answers NDJSON: the header with the labels, one line per event, then the end line', async () => {
    const res = await exportRequest({ from: range.from, to: range.to }, ADMIN_KEY);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const lines = res.body.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines[0].export).toMatchObject({ exported_by: 'admin:platform-admin', false_positive_customers: 1 });
    expect(lines.slice(1, -1).every((line) => 'event' in line)).toBe(true);
    expect(lines).toHaveLength(14 + 2);
    expect(lines.at(-1)).toEqual({ end: { events: 14, unreadable: 0 } });
    // Stored form: pseudonyms, and no amount_minor (ingest would refuse a posted event with it).
    expect(lines[1].event.customer_id).toMatch(/^[0-9a-f]{32}$/);
    expect(lines[1].event).not.toHaveProperty('amount_minor');
  });

  it.each([
    ['no range', {}, /from/],
    ['a range that ends before it starts', { from: range.to, to: range.from }, /to must be later than from/],
    ['a date that is not ISO', { from: '03/01/2026', to: range.to }, /from/],
    ['an unknown field', { ...range, customers: ['x'] }, /customers/],
    ['a date ClickHouse cannot hold', { from: '1960-01-01', to: range.to }, /from must be a real date from 1970 to 2299/],
  ])('refuses a body with %s: 400 saying what is wrong', async (_name, body, message) => {
    const res = await exportRequest(body);
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(message);
  });

  it.each([['risk', RISK_KEY], ['marketing', MARKETING_KEY]])('is refused to the %s role: 403', async (_role, key) => {
    const res = await exportRequest(range, key);
    expect(res.statusCode).toBe(403);
    expect(res.json().message).toMatch(/risk-admin, admin/);
  });

  it('is in the OpenAPI document with its request schema', async () => {
    const doc = (await engine.app.inject({ url: '/openapi.json', headers: as(RISK_KEY) })).json();
    expect(doc.paths['/v1/models/training-exports'].post.requestBody.content['application/json'].schema.properties).toHaveProperty('from');
  });
});
