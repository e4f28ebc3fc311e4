import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../core/observability/index.js';
import { login } from '../support/events.js';
import { ADMIN_KEY, INGEST_KEY, MARKETING_KEY, RISK_KEY, eventually, startTestEngine, testConfig } from '../support/testEngine.js';

// What the process writes to its log while bank systems and officers call the API with customer
// ids in paths and bodies: the README promises customer identifiers are redacted, and the issue
// counted 103,514 info lines (one per request, URL and client address included) in one run.

const CUSTOMER = 'cust-PRIVATE-7731';
const lines: string[] = [];
const sink = new Writable({ write(chunk: Buffer, _encoding, done) { lines.push(...chunk.toString('utf8').split('\n').filter(Boolean)); done(); } });

async function engineLoggingAt(level: string) {
  const engine = await startTestEngine(testConfig(), { logger: createLogger(level, { destination: sink }) });
  const base = await engine.app.listen({ host: '127.0.0.1', port: 0 });
  return { engine, base };
}

/** Requests that carry the customer id in the path, the query and the body, answered 2xx, 4xx and 404. */
async function callWithCustomerIds(base: string): Promise<void> {
  const call = (path: string, key: string, init: RequestInit = {}) =>
    fetch(`${base}${path}`, { ...init, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...init.headers } });
  const answers = [
    await call('/v1/events', INGEST_KEY, { method: 'POST', body: JSON.stringify(login({ customer_id: CUSTOMER })) }),
    await call('/v1/events', INGEST_KEY, { method: 'POST', body: JSON.stringify({ ...login({ customer_id: CUSTOMER }), type: 'teleport' }) }),
    await call(`/v1/customers/${CUSTOMER}`, MARKETING_KEY, { method: 'PUT', body: JSON.stringify({ language: 'en' }) }),
    await call(`/v1/customers/${CUSTOMER}/features`, RISK_KEY),
    await call(`/v1/alerts?customer_id=${CUSTOMER}`, RISK_KEY),
    await call(`/v1/customers/${CUSTOMER}/activity`, ADMIN_KEY),
    await call(`/v1/no-such-route/${CUSTOMER}`, ADMIN_KEY),
    await call(`/v1/customers/${CUSTOMER}/features`, 'not-a-key-at-all-0000'),
  ];
  expect(answers.map((a) => a.status)).toEqual([202, 400, expect.any(Number), expect.any(Number), 200, expect.any(Number), 404, 401]);
}

describe('request logs', () => {
  let run: Awaited<ReturnType<typeof engineLoggingAt>>;
  beforeAll(async () => {
    run = await engineLoggingAt('debug');
  });
  afterAll(async () => run?.engine.dispose());

  it('never carry a customer id or the client address, from paths, queries or bodies, even at debug', async () => {
    lines.length = 0;
    await callWithCustomerIds(run.base);
    // The accepted event is processed too: its logs count.
    await eventually(async () => (await run.engine.metrics.registry.getSingleMetric('vigil_events_processed_total')!.get()).values.reduce((n, v) => n + v.value, 0), (n) => n >= 1);
    const written = lines.join('\n');
    expect(written).not.toContain(CUSTOMER);
    expect(written).not.toMatch(/remoteAddress|remotePort|"ip"/);
    expect(written).not.toMatch(/"(127\.0\.0\.1|::ffff:127\.0\.0\.1|::1)"/);
  });

  it('name the route pattern at debug, one line per request, and write nothing per request at info', async () => {
    lines.length = 0;
    await callWithCustomerIds(run.base);
    const requests = lines.map((l) => JSON.parse(l) as { level: number; msg: string; route?: string; status?: number }).filter((l) => l.msg === 'request');
    expect(requests).toHaveLength(8);
    expect(requests.every((l) => l.level === 20)).toBe(true);
    expect(requests.map((l) => l.route)).toEqual(expect.arrayContaining(['/v1/customers/:customerId', '/v1/customers/:customerId/features', '/v1/events', '(no route)']));

    lines.length = 0;
    run.engine.log.level = 'info';
    await callWithCustomerIds(run.base);
    run.engine.log.level = 'debug';
    expect(lines.filter((l) => /"reqId"/.test(l))).toEqual([]);
  });

  it('redact customer ids, addresses and accounts wherever they sit in a logged object', () => {
    lines.length = 0;
    const log = createLogger('info', { destination: sink });
    log.info({ customerId: CUSTOMER, alert: { customer_id: CUSTOMER, device: { ip: '203.0.113.9' } }, ip: '203.0.113.9', offer: { counterparty: { account: 'GB29NWBK60161331926819' } } }, 'something happened');
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(new RegExp(`${CUSTOMER}|203\\.0\\.113\\.9|GB29NWBK`));
    expect(JSON.parse(lines[0]!)).toMatchObject({ customerId: '[redacted]', ip: '[redacted]', alert: { customer_id: '[redacted]' } });
  });
});
