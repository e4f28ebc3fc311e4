import { Readable } from 'node:stream';
import fc from 'fast-check';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEvent } from '../../core/events/index.js';
import { partitionKeys, partitionOf } from '../../core/streams/index.js';
import { ADMIN_KEY, INGEST_KEY, MARKETING_KEY, RISK_KEY, SRE_KEY, eventually, startTestEngine, testConfig } from '../support/testEngine.js';

// Issue 12, item 13: random methods, paths, query strings, headers, content types and bodies, with
// valid and invalid API keys, against every route the app registers (collected as they are added,
// not from a list kept by hand). Redis is up, so no answer may be a 5xx; the process must still
// answer /healthz; and in batches mixing valid and invalid events, every valid one is accepted and
// then processed. Each 5xx this test found is fixed, with a test of its own beside the route's.

const config = testConfig({ VIGIL_MAX_BATCH_EVENTS: '50', VIGIL_BODY_LIMIT_BYTES: '262144' });
const REQUEST_RUNS = Number(process.env.VIGIL_FUZZ_RUNS ?? 1500);
const BATCH_RUNS = Number(process.env.VIGIL_FUZZ_BATCHES ?? 40);

interface Route { method: string; url: string; roles: readonly string[] }
const routes: Route[] = [];
let engine: Awaited<ReturnType<typeof startTestEngine>>;

beforeAll(async () => {
  engine = await startTestEngine(config, {
    onRoute: (route) => {
      for (const method of [route.method].flat()) routes.push({ method, url: route.url, roles: route.config?.roles ?? [] });
    },
  });
});
afterAll(async () => engine?.dispose());

// ---------------------------------------------------------------- generators

const KEYS: Record<string, string> = { ingest: INGEST_KEY, admin: ADMIN_KEY, risk: RISK_KEY, sre: SRE_KEY, marketing: MARKETING_KEY };
/** Mostly a key the route admits, so most requests reach validation and the handler; else any key, or a bad one. */
const authorizationFor = (route: Route) => fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(...(route.roles.length ? route.roles : ['admin'])).map((role) => `Bearer ${KEYS[role]}`) },
  { weight: 3, arbitrary: fc.constantFrom(...Object.values(KEYS)).map((key) => `Bearer ${key}`) },
  { weight: 2, arbitrary: fc.constantFrom(undefined, 'Bearer ', 'Bearer not-a-key-000000000', 'Basic YWRtaW46YWRtaW4=', 'bearer x', `Bearer ${ADMIN_KEY} extra`) },
  { weight: 1, arbitrary: printable(60).map((text) => `Bearer ${text}`) },
);

/** Header values HTTP allows (visible ASCII and spaces); anything else never reaches a server. */
function printable(maxLength: number): fc.Arbitrary<string> {
  return fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength });
}

const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constant('application/json') },
  fc.constantFrom(
    undefined, 'application/json', 'application/json; charset=utf-8', 'application/yaml', 'text/yaml', 'application/x-yaml',
    'application/x-ndjson', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x',
    'application/octet-stream', 'application/json; charset=utf-16', 'application/merge-patch+json', '*/*', 'application/',
  ),
  printable(40),
);

const pathSegment = fc.oneof(
  fc.constantFrom('x', 'cust-1', 'fuzz-c-1', 'alt_0123456789abcdefghjkmnpqrs', 'push', 'sms', 'email', 'rm_task', 'savings-boost',
    '1764150000000-0', '0', '-1', '..', '%2e%2e', '', ' ', 'a'.repeat(300), '__proto__', 'constructor', 'null', '*'),
  fc.string({ maxLength: 40 }).map(encodeURIComponent),
);

const queryString = fc.oneof(
  fc.constant(''),
  fc.dictionary(
    fc.oneof(fc.constantFrom('limit', 'cursor', 'status', 'type', 'severity', 'min_severity', 'customer_id', 'from', 'to', 'overdue',
      'after', 'campaign_id', 'allow_empty', 'since', '__proto__', 'limit[]'), fc.string({ maxLength: 8 })),
    fc.oneof(fc.constantFrom('1', '0', '-5', '1e9', '99999999999999999999', 'true', 'false', 'open', 'fraud', 'high', '2026-01-01T00:00:00Z', '', 'NaN'), fc.string({ maxLength: 30 })),
    { maxKeys: 4 },
  ).map((query) => new URLSearchParams(query).toString()),
);

function nested(depth: number, leaf: unknown, key: string): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = key === '[' ? [value] : { [key]: value };
  return value;
}

const BILLION_LAUGHS = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].map((name, i) => `${name}: &${name} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(',')}]`),
].join('\n');

/** A condition, sometimes nested far past any sensible depth. */
const condition = fc.oneof(
  fc.constant({ field: 'event.amount', op: 'gte', value: 1 }),
  fc.jsonValue({ maxDepth: 3 }),
  fc.tuple(fc.integer({ min: 30, max: 1000 }), fc.constantFrom('not', 'all', 'any')).map(([depth, key]) => {
    let node: unknown = { field: 'event.amount', op: 'gte', value: 1 };
    for (let i = 0; i < depth; i++) node = key === 'not' ? { not: node } : { [key]: [node] };
    return node;
  }),
);

const ruleSetText = fc.record({
  id: fc.oneof(fc.constant('fuzz-rule'), fc.string({ maxLength: 10 })), condition,
  mode: fc.constantFrom('active', 'shadow'), name: fc.string({ maxLength: 20 }), reason: fc.option(fc.string({ maxLength: 40 })),
}).chain((rule) => fc.constantFrom<'json' | 'yaml'>('json', 'yaml').map((format) => {
  const set = { version: `fuzz-${Math.random()}`, rules: [{ ...rule, description: 'd', alert_type: 'fraud', severity: 'low', weight: 0.1, suppress_for: '1h', reason: rule.reason ?? undefined }] };
  return { format, text: format === 'json' ? JSON.stringify(set) : `${BILLION_LAUGHS}\nversion: "${set.version}"\nrules: ${JSON.stringify(set.rules)}\n` };
}));

const nearValidEvent = fc.record({
  event_id: fc.oneof(fc.constant('fuzz-e'), fc.string({ maxLength: 20 })),
  customer_id: fc.oneof(fc.constant('fuzz-c-1'), fc.string({ maxLength: 20 })),
  type: fc.constantFrom('card_payment', 'login', 'transfer_out', 'complaint', 'offer_response', 'teleport'),
  occurred_at: fc.oneof(fc.constant(new Date().toISOString()), fc.constantFrom('0000-01-01T00:00:00Z', '2026-02-30T00:00:00Z', 'soon'), fc.string()),
  channel: fc.constantFrom('pos', 'web', 'fax'),
  amount: fc.oneof(fc.constantFrom('12.50', '1e3', '-1', '90071992547409.91', '0.001'), fc.double(), fc.string()),
  currency: fc.constantFrom('EUR', 'XXX', 'BTC', 'jpy', 'KWD'),
  merchant: fc.oneof(fc.constant({ id: 'm-1', mcc: '5411', country: 'GB' }), fc.jsonValue({ maxDepth: 2 })),
  attributes: fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
}, { requiredKeys: [] });

const nearValidCampaign = fc.record({
  id: fc.oneof(fc.constant('fuzz-campaign'), fc.string({ maxLength: 20 })),
  name: fc.string({ maxLength: 30 }), description: fc.string({ maxLength: 30 }),
  state: fc.constantFrom('draft', 'active', 'paused', 'gone'), priority: fc.oneof(fc.integer(), fc.double()),
  expected_value: fc.oneof(fc.integer(), fc.double()),
  trigger: fc.oneof(fc.constant({ event_types: ['login'] }), condition.map((c) => ({ event_types: ['login'], condition: c })), fc.jsonValue({ maxDepth: 3 })),
  content: fc.oneof(fc.constant({ push: { title: 't', body: 'b {event.amount}' } }), fc.jsonValue({ maxDepth: 3 })),
  caps: fc.oneof(fc.constant({ cooldown: '1d' }), fc.jsonValue({ maxDepth: 2 })),
}, { requiredKeys: [] });

const nearValidRules = fc.oneof(
  ruleSetText,
  fc.record({
    format: fc.constantFrom('yaml', 'json', 'toml'),
    text: fc.oneof(fc.string(), fc.constantFrom('version: "f"\nrules: []\n', 'a: &a [1]\nb: *a\n', '{}', 'version: 1\nrules: [{}]', BILLION_LAUGHS)),
  }, { requiredKeys: [] }),
);

const structuredBody = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  nearValidEvent,
  fc.record({ events: fc.array(fc.oneof(nearValidEvent, fc.jsonValue({ maxDepth: 2 })), { maxLength: 60 }) }),
  nearValidCampaign,
  nearValidRules,
  fc.record({ action: fc.constantFrom('acknowledge', 'assign', 'resolve', 'reopen', 'comment', 'x'), comment: fc.string(), assignee: fc.string(), disposition: fc.string() }, { requiredKeys: [] }),
  fc.record({ profiles: fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 }) }),
  fc.record({ ids: fc.array(fc.string({ maxLength: 20 }), { maxLength: 5 }) }),
  fc.record({ state: fc.constantFrom('draft', 'active', 'paused', 'x') }),
  fc.record({ url: fc.constantFrom('http://127.0.0.1:9/x', 'ftp://127.0.0.1/', 'not a url', ''), alert_types: fc.jsonValue(), min_severity: fc.string() }, { requiredKeys: [] }),
  fc.integer({ min: 100, max: 2000 }).chain((depth) => fc.constantFrom('[', 'a', 'not', 'all').map((key) => nested(depth, 1, key))),
);

const bodyText = fc.oneof(
  { weight: 6, arbitrary: structuredBody.map((value) => JSON.stringify(value) ?? 'null') },
  { weight: 2, arbitrary: fc.string({ maxLength: 200 }) },
  { weight: 1, arbitrary: fc.constantFrom(
    '', '{', '{"__proto__": {"x": 1}}', '{"constructor": {"prototype": {"x": 1}}}', 'null', '[]', '"x"', '1e999',
    BILLION_LAUGHS,
    '{"a":1}\n{"b":2}\nnot json', '\u0000\u0001', '\ufeff{}',
  ) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 100 }).map((bytes) => Buffer.from(bytes).toString('latin1')) },
);

const request = fc.constant(undefined).chain(() => fc.constantFrom(...routes)).chain((route) => fc.record({
  route: fc.constant(route),
  authorization: authorizationFor(route),
  // Mostly the route's own method, so most requests get past routing to auth and validation.
  otherMethod: fc.oneof({ weight: 9, arbitrary: fc.constant(null) }, fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD')),
  params: fc.array(pathSegment, { minLength: 4, maxLength: 4 }),
  query: queryString,
  contentType,
  body: fc.option(bodyText, { freq: 6 }),
  actor: fc.option(printable(140), { freq: 2 }),
  ifMatch: fc.option(fc.oneof(fc.constantFrom('"1"', 'W/"2"', '*', '"x"'), printable(20)), { freq: 4 }),
  accept: fc.option(fc.constantFrom('text/event-stream', 'application/json', 'text/html', '*/*'), { freq: 3 }),
}));
type FuzzRequest = typeof request extends fc.Arbitrary<infer T> ? T : never;

function injectOptions(r: FuzzRequest): InjectOptions {
  let i = 0;
  const path = r.route.url.replace(/:[A-Za-z]+|\*/g, () => r.params[i++ % r.params.length]!);
  const headers: Record<string, string> = {};
  if (r.authorization !== undefined) headers.authorization = r.authorization;
  if (r.contentType !== undefined) headers['content-type'] = r.contentType;
  if (r.actor !== null) headers['x-vigil-actor'] = r.actor;
  if (r.ifMatch !== null) headers['if-match'] = r.ifMatch;
  if (r.accept !== null) headers.accept = r.accept;
  return {
    method: (r.otherMethod ?? r.route.method) as InjectOptions['method'],
    url: r.query ? `${path}?${r.query}` : path,
    headers,
    ...(r.body !== null ? { payload: r.body } : {}),
    payloadAsStream: true,
  };
}

/** Sends one request; an event stream (the live feeds) is cut after its headers, as a client going away. */
async function send(options: InjectOptions): Promise<{ status: number; headers: LightMyRequestResponse['headers']; body: string }> {
  const res = await engine.app.inject(options);
  const stream = res.stream() as Readable;
  if (String(res.headers['content-type'] ?? '').startsWith('text/event-stream')) {
    stream.destroy();
    return { status: res.statusCode, headers: res.headers, body: '' };
  }
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return { status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') };
}

// ---------------------------------------------------------------- valid and invalid events

let sequence = 0;
const CURRENCIES: Record<string, number> = { EUR: 2, GBP: 2, JPY: 0, KWD: 3, CLF: 4, CHF: 2 };
const plainName = fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }).filter((s) => !/[\u0000-\u001f\u007f-\u009f]|<[A-Za-z/!?]/.test(s));

const validEvent = fc.record({
  customer: fc.integer({ min: 1, max: 12 }),
  kind: fc.constantFrom('card_payment', 'transfer_out', 'cash_withdrawal', 'login'),
  currency: fc.constantFrom(...Object.keys(CURRENCIES)),
  units: fc.integer({ min: 1, max: 10_000_000 }),
  ageMs: fc.integer({ min: 0, max: 30 * 86_400_000 }),
  name: plainName,
  note: fc.option(plainName),
}).map(({ customer, kind, currency, units, ageMs, name, note }) => {
  const digits = CURRENCIES[currency]!;
  const text = String(units).padStart(digits + 1, '0');
  const amount = digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`;
  const base = {
    event_id: 'fuzz:placeholder', customer_id: `fuzz-c-${customer}`, type: kind,
    occurred_at: new Date(Date.now() - ageMs).toISOString(), channel: kind === 'login' ? 'web' : 'pos',
    ...(note === null ? {} : { attributes: { note } }),
  };
  if (kind === 'login') return base;
  if (kind === 'card_payment') return { ...base, amount, currency, merchant: { id: `m-${customer}`, mcc: '5411', country: 'GB', name } };
  if (kind === 'transfer_out') return { ...base, amount, currency, counterparty: { name, account: 'GB00TEST', bank: 'OTHER' } };
  return { ...base, channel: 'atm', amount, currency };
}).filter((event) => parseEvent(event).ok);

const invalidEvent = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  nearValidEvent,
  validEvent.chain((event) => fc.constantFrom<Record<string, unknown>>(
    { currency: 'XXX' }, { occurred_at: '0001-01-01T00:00:00Z' }, { customer_id: 'a b' }, { type: 'teleport' },
    { merchant: { id: 'm', mcc: '5411', country: 'GB', name: '<script>x</script>' } }, { attributes: { k: 'nul\u0000' } }, { amount: '1.23456' },
  ).map((change) => ({ ...event, ...change, type: 'card_payment', amount: '1.00', currency: 'EUR', ...change }))),
).filter((input) => !parseEvent(input).ok);

// ---------------------------------------------------------------- properties

describe('HTTP API under random input', () => {
  it('answers every request on every route without a 5xx, and stays alive', async () => {
    expect(routes.length).toBeGreaterThan(40);
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let tried = 0;
    const reached = new Set<string>();
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const options = injectOptions(r);
        const res = await send(options);
        tried += 1;
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        reached.add(`${r.route.method} ${r.route.url}`);
        if (res.status >= 500) failures.push(`${res.status} ${options.method} ${options.url} ${JSON.stringify(options.headers)} ${String(options.payload).slice(0, 300)} -> ${res.body.slice(0, 300)}`);
      }),
      { numRuns: REQUEST_RUNS },
    );
    const health = await engine.app.inject('/healthz');
    // The one line the lead reports: requests tried and 5xx seen.
    const byStatus = [...statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${status}:${n}`).join(' ');
    console.log(`http fuzz: ${tried} requests over ${reached.size} of ${routes.length} routes, ${failures.length} 5xx (statuses ${byStatus})`);
    expect(failures).toEqual([]);
    expect(health.statusCode).toBe(200);
    expect(reached.size).toBe(new Set(routes.map((r) => `${r.method} ${r.url}`)).size);
  }, 60_000 + REQUEST_RUNS * 20);

  it('accepts every valid event of a batch mixed with invalid ones, and processes every one of them', async () => {
    const accepted: { event_id: string; customer_id: string }[] = [];
    await fc.assert(
      fc.asyncProperty(fc.array(validEvent, { minLength: 1, maxLength: 15 }), fc.array(invalidEvent, { maxLength: 15 }), fc.infiniteStream(fc.boolean()), async (valid, invalid, coin) => {
        // Interleave the two lists in a random order, remembering where the invalid ones went.
        // Fresh ids on every execution (shrinking replays the same values): each valid event is new.
        const fresh = valid.map((event) => ({ ...event, event_id: `fuzz:${process.pid}:${++sequence}` }));
        const batch: unknown[] = [];
        const invalidAt: number[] = [];
        const [v, x] = [[...fresh], [...invalid]];
        const flips = coin[Symbol.iterator]();
        while (v.length || x.length) {
          const takeInvalid = x.length > 0 && (v.length === 0 || flips.next().value === true);
          if (takeInvalid) invalidAt.push(batch.length);
          batch.push(takeInvalid ? x.shift() : v.shift());
        }
        const res = await send({ method: 'POST', url: '/v1/events', headers: { authorization: `Bearer ${INGEST_KEY}`, 'content-type': 'application/json' }, payload: JSON.stringify({ events: batch }), payloadAsStream: true });
        expect(res.status).toBe(202);
        const answer = JSON.parse(res.body) as { accepted: number; duplicates: number; rejected: { index: number }[] };
        expect(answer).toMatchObject({ accepted: valid.length, duplicates: 0 });
        expect(answer.rejected.map((r) => r.index)).toEqual(invalidAt);
        accepted.push(...fresh);
      }),
      { numRuns: BATCH_RUNS },
    );
    const appliedMarkers = () => Promise.all(accepted.map(({ event_id, customer_id }) =>
      engine.redis.exists(partitionKeys(config.redis.prefix, partitionOf(customer_id, config.partitions)).appliedPrefix + event_id)));
    await eventually(appliedMarkers, (found) => found.every((n) => n === 1), 30_000);
    console.log(`http fuzz: ${BATCH_RUNS} mixed batches, ${accepted.length} valid events accepted and processed, none lost`);
  });
});
