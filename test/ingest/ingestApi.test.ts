import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partitionKeys } from '../../core/streams/index.js';
import { cardPayment, login } from '../support/events.js';
import { ADMIN_KEY, INGEST_KEY, RISK_KEY, SRE_KEY, eventually, startTestEngine, testConfig } from '../support/testEngine.js';

// API role only: events stay on the streams, so what ingest appended can be read back as is.
const config = testConfig({ VIGIL_ROLE: 'api', VIGIL_MAX_LAG_EVENTS: '100', VIGIL_BODY_LIMIT_BYTES: '65536', VIGIL_MAX_BATCH_EVENTS: '50' });
let engine: Awaited<ReturnType<typeof startTestEngine>>;

beforeAll(async () => {
  engine = await startTestEngine(config);
});
afterAll(async () => engine?.dispose());

const post = (body: unknown, headers: Record<string, string> = {}) =>
  engine.app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: { authorization: `Bearer ${INGEST_KEY}`, 'content-type': 'application/json', ...headers },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });

async function streamLengths(): Promise<number> {
  const lengths = await Promise.all(
    Array.from({ length: config.partitions }, (_, p) => engine.redis.xlen(partitionKeys(config.redis.prefix, p).stream)),
  );
  return lengths.reduce((a, b) => a + b, 0);
}

describe('POST /v1/events', () => {
  it('accepts one event and appends it to its customer partition', async () => {
    const before = await streamLengths();
    const res = await post(cardPayment({ customer_id: 'cust-single' }));
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    expect(await streamLengths()).toBe(before + 1);
  });

  it('accepts the valid events of a batch and reports the invalid ones by index with reasons', async () => {
    const res = await post({ events: [cardPayment(), { type: 'card_payment', event_id: 'x' }, login(), { type: 'teleport' }] });
    expect(res.statusCode).toBe(202);
    const body = res.json();
    expect(body.accepted).toBe(2);
    expect(body.rejected.map((r: { index: number }) => r.index)).toEqual([1, 3]);
    expect(body.rejected[0].errors.join(' ')).toMatch(/customer_id/);
    expect(body.rejected[1].errors[0]).toMatch(/unknown event type "teleport"/);
  });

  it('counts an event_id seen before as a duplicate and does not append it again', async () => {
    const event = cardPayment();
    await post(event);
    const before = await streamLengths();
    const again = await post({ events: [event, event] });
    expect(again.json()).toEqual({ accepted: 0, duplicates: 2, rejected: [] });
    expect(await streamLengths()).toBe(before);
  });

  it('keeps one event_id once even when it appears twice in the same batch', async () => {
    const event = cardPayment();
    const res = await post({ events: [event, event] });
    expect(res.json()).toEqual({ accepted: 1, duplicates: 1, rejected: [] });
  });

  it('sends every event of one customer to the same partition stream, in order', async () => {
    const events = Array.from({ length: 10 }, (_, i) => login({ customer_id: 'cust-ordered', event_id: `ordered-${Date.now()}-${i}` }));
    await post({ events });
    const found: string[] = [];
    for (let p = 0; p < config.partitions; p++) {
      const entries = await engine.redis.xrange(partitionKeys(config.redis.prefix, p).stream, '-', '+');
      const ids = entries.map(([, fields]) => JSON.parse(fields[1]!)).filter((e) => e.customer_id === 'cust-ordered').map((e) => e.event_id);
      if (ids.length) found.push(`${p}:${ids.join(',')}`);
    }
    expect(found).toHaveLength(1);
    expect(found[0]!.split(':')[1]).toBe(events.map((e) => e.event_id).join(','));
  });

  it('stores amounts as normalised decimal text so no float ever carries money', async () => {
    const event = cardPayment({ customer_id: 'cust-money', amount: 0.1 });
    await post(event);
    let stored: Record<string, unknown> | undefined;
    for (let p = 0; p < config.partitions && !stored; p++) {
      const entries = await engine.redis.xrange(partitionKeys(config.redis.prefix, p).stream, '-', '+');
      stored = entries.map(([, f]) => JSON.parse(f[1]!)).find((e) => e.event_id === event.event_id);
    }
    expect(stored?.amount).toBe('0.10');
    expect(stored).not.toHaveProperty('amount_minor');
  });
});

describe('bad requests get a clear 4xx, never a 500', () => {
  const cases: [string, () => ReturnType<typeof post>, number, RegExp][] = [
    ['no API key', () => post(cardPayment(), { authorization: '' }), 401, /API key/],
    ['an unknown API key', () => post(cardPayment(), { authorization: 'Bearer not-a-key-at-all-000' }), 401, /API key/],
    ['a role that may not ingest', () => post(cardPayment(), { authorization: `Bearer ${RISK_KEY}` }), 403, /role "risk"/],
    ['malformed JSON', () => post('{"events": [', {}), 400, /JSON/],
    ['an empty body', () => post('', {}), 400, /empty/],
    ['a JSON array body', () => post([cardPayment()]), 400, /one event object/],
    ['an empty batch', () => post({ events: [] }), 400, /non-empty/],
    ['fields beside events', () => post({ events: [cardPayment()], source: 'x' }), 400, /source/],
    ['a batch over the limit', () => post({ events: Array.from({ length: 51 }, () => login()) }), 400, /at most 50/],
    ['a body over the size limit', () => post({ events: [login({ attributes: { note: 'x'.repeat(70_000) } })] }), 413, /limit/],
    ['a non-JSON content type', () => post('event_id=1', { 'content-type': 'text/plain' }), 415, /application\/json/],
    ['form data', () => post('a=1', { 'content-type': 'application/x-www-form-urlencoded' }), 415, /application\/json/],
  ];
  it.each(cases)('%s', async (_name, send, status, message) => {
    const res = await send();
    expect(res.statusCode).toBe(status);
    expect(res.json().message).toMatch(message);
  });

  it('rejects an event dated more than five minutes ahead, accepting the rest of the batch', async () => {
    const ahead = new Date(Date.now() + 10 * 60_000).toISOString();
    const res = await post({ events: [login({ occurred_at: ahead }), login()] });
    expect(res.json()).toMatchObject({ accepted: 1, rejected: [{ index: 0, errors: [expect.stringMatching(/in the future/)] }] });
  });

  it('admins may ingest too', async () => {
    expect((await post(login(), { authorization: `Bearer ${ADMIN_KEY}` })).statusCode).toBe(202);
  });
});

describe('operations endpoints', () => {
  it('reports alive and ready with both dependencies reachable', async () => {
    expect((await engine.app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await engine.app.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json().checks).toEqual({ redis: 'ok', clickhouse: 'ok' });
  });

  it('publishes the event schema in OpenAPI and serves the docs page to key holders', async () => {
    const withKey = { authorization: `Bearer ${INGEST_KEY}` };
    const spec = (await engine.app.inject({ url: '/openapi.json', headers: withKey })).json();
    const body = JSON.stringify(spec.paths['/v1/events'].post.requestBody);
    for (const type of ['card_payment', 'salary_credit', 'offer_response']) expect(body).toContain(type);
    expect((await engine.app.inject({ url: '/docs/', headers: withKey })).statusCode).toBe(200);
  });

  it('exposes ingest counters in Prometheus format', async () => {
    const text = (await engine.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${SRE_KEY}` } })).body;
    expect(text).toMatch(/vigil_events_ingested_total\{result="accepted"\} [1-9]/);
    expect(text).toContain('http_request_duration_seconds_bucket');
  });
});

describe('backpressure', () => {
  it('answers 503 with Retry-After once the unprocessed backlog passes the bound', async () => {
    // No worker runs in this engine, so everything appended is backlog.
    for (let i = 0; i < 3; i++) await post({ events: Array.from({ length: 50 }, () => login()) });
    await eventually(async () => engine.backlog.totalBacklog, (n) => n > 100);
    const res = await post(login());
    expect(res.statusCode).toBe(503);
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(res.json().error).toBe('BACKPRESSURE');
  });
});
