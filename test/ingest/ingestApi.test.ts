import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { globalKeys, partitionKeys, partitionOf } from '../../core/streams/index.js';
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
    expect(res.json()).toMatchObject({ accepted: 1, rejected: [{ index: 0, code: 'INVALID_EVENT', errors: [expect.stringMatching(/in the future/)] }] });
  });

  it.each(['0000-01-01T00:00:00Z', '0001-01-01T00:00:00Z', '1899-12-31T23:59:59Z'])(
    'refuses an event dated %s, naming the bound and its setting',
    async (occurredAt) => {
      const res = await post(login({ occurred_at: occurredAt }));
      expect(res.statusCode).toBe(400);
      expect(res.json().rejected[0].errors[0]).toMatch(/occurred_at: older than 400 days \(earliest accepted .*, VIGIL_MAX_EVENT_AGE_DAYS\)/);
    },
  );

  it('accepts an event within the maximum age and refuses one just past it', async () => {
    const day = 86_400_000;
    const res = await post({ events: [login({ occurred_at: new Date(Date.now() - 399 * day).toISOString() }), login({ occurred_at: new Date(Date.now() - 401 * day).toISOString() })] });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ accepted: 1, rejected: [{ index: 1, errors: [expect.stringMatching(/older than 400 days/)] }] });
  });

  it('answers one invalid event with 400 and the same rejected detail a batch gets, so a status check cannot mistake it for accepted', async () => {
    const res = await post(cardPayment({ currency: 'XXX' }));
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      error: 'INVALID_EVENT', message: expect.stringMatching(/^the event was not accepted: currency: "XXX"/),
      accepted: 0, duplicates: 0, rejected: [{ index: 0, code: 'INVALID_EVENT', errors: [expect.stringMatching(/currency/)] }],
    });
  });

  it('answers a batch of which no event was accepted with 400 NO_EVENT_ACCEPTED and every rejection', async () => {
    const res = await post({ events: [cardPayment({ currency: 'BTC' }), login({ customer_id: 'a b' })] });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      error: 'NO_EVENT_ACCEPTED', message: 'none of the 2 events was accepted; see rejected for what to fix in each',
      accepted: 0, duplicates: 0, rejected: [{ index: 0, code: 'INVALID_EVENT' }, { index: 1, code: 'INVALID_EVENT' }],
    });
  });

  it('still answers 202 to a batch whose events were all duplicates: a retry that already landed', async () => {
    const events = [login(), login()];
    expect((await post({ events })).statusCode).toBe(202);
    const again = await post({ events });
    expect(again.statusCode).toBe(202);
    expect(again.json()).toEqual({ accepted: 0, duplicates: 2, rejected: [] });
  });

  it('admins may ingest too', async () => {
    expect((await post(login(), { authorization: `Bearer ${ADMIN_KEY}` })).statusCode).toBe(202);
  });
});

describe('an event_id names one event of one customer across the deployment', () => {
  const otherPartitionThan = (customer: string) => {
    for (let i = 0; ; i++) if (partitionOf(`other-${i}`, config.partitions) !== partitionOf(customer, config.partitions)) return `other-${i}`;
  };
  const samePartitionAs = (customer: string) => {
    for (let i = 0; ; i++) if (`same-${i}` !== customer && partitionOf(`same-${i}`, config.partitions) === partitionOf(customer, config.partitions)) return `same-${i}`;
  };

  it('refuses the id for another customer with 409 EVENT_ID_CONFLICT, even in another partition', async () => {
    const first = cardPayment({ customer_id: 'owner-1' });
    expect((await post(first)).statusCode).toBe(202);
    const reused = await post({ ...first, customer_id: otherPartitionThan('owner-1') });
    expect(reused.statusCode).toBe(409);
    expect(reused.json()).toMatchObject({
      error: 'EVENT_ID_CONFLICT', message: expect.stringMatching(/already names an event of another customer.*VIGIL_DEDUP_WINDOW_SECONDS.*prefixed/),
      accepted: 0, duplicates: 0, rejected: [{ index: 0, code: 'EVENT_ID_CONFLICT' }],
    });
  });

  it('lets the owner retry the same id as a duplicate', async () => {
    const event = login({ customer_id: 'owner-2' });
    await post(event);
    expect((await post(event)).json()).toEqual({ accepted: 0, duplicates: 1, rejected: [] });
  });

  it('reports a conflict inside a batch by index and accepts the rest', async () => {
    const event = login({ customer_id: 'owner-3' });
    const res = await post({ events: [event, { ...event, customer_id: otherPartitionThan('owner-3') }, login()] });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ accepted: 2, duplicates: 0, rejected: [{ index: 1, code: 'EVENT_ID_CONFLICT' }] });
  });

  it('refuses a reuse by another customer of the same partition, whose seen marker outlived the claim', async () => {
    const event = login({ customer_id: 'owner-4' });
    await post(event);
    // The claim expiring a moment before the partition's seen marker: the marker alone must refuse it.
    await engine.redis.del(globalKeys(config.redis.prefix).eventIdClaimPrefix + event.event_id);
    const res = await post({ ...event, customer_id: samePartitionAs('owner-4') });
    expect(res.statusCode).toBe(409);
  });

  it('counts conflicts apart in vigil_events_ingested_total', async () => {
    const text = (await engine.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${SRE_KEY}` } })).body;
    expect(text).toMatch(/vigil_events_ingested_total\{result="id_conflict"\} [1-9]/);
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
