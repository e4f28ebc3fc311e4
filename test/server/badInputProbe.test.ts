import type { Readable } from 'node:stream';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partitionKeys, partitionOf } from '../../core/streams/index.js';
import { cardPayment, login } from '../support/events.js';
import { BASE_CAMPAIGN } from '../offers/fixtures.js';
import {
  ADMIN_KEY, INGEST_KEY, MARKETING_KEY, RISK_ADMIN_KEY, RISK_KEY, SRE_KEY, eventually, startTestEngine, testConfig,
} from '../support/testEngine.js';

// Bad-input probe: for every route of the HTTP API, with a key of a role the route admits (so the
// request passes auth), malformed input must get a 4xx with a JSON body whose message says what is
// wrong: never a 5xx, a hang, a 2xx, or a bare status. Each probe is its own test; a failure names
// the route, the input, the status and the body. After all probes the engine must still answer
// /readyz and /healthz and process a valid event, and no probe may have changed state. The last
// block pins the exact answers to the findings this probe first turned up.

// Shipped limits (4 MiB body, 1,000 events a batch), so the probes see what production does.
const config = testConfig();
let engine: Awaited<ReturnType<typeof startTestEngine>>;

const PROBE_TIMEOUT_MS = 15_000;
const MB = 1024 * 1024;
const HUGE = 'x'.repeat(MB);
const RULE_ID = 'card-testing';
const LIST = 'probe-devices';
const CAMPAIGN = 'probe-campaign';
const CUSTOMER = 'probe-cust-1';
const APPROVAL = 'apr_0123456789abcdef0123';
let modelName = 'fraud';

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
const BAD_DATES = ['2026-13-45T00:00:00Z', 'not-a-date', '99999-01-01T00:00:00Z', '+099999-01-01T00:00:00Z', '2026-02-30T10:00:00Z', '', '2026-01-01T25:61:00Z'];
const BAD_DAYS = ['2026-13-45', 'not-a-date', '99999-01-01', '2026-02-30'];
const BAD_AMOUNTS_STRING = ['NaN', '1e400', '-0', '12.345.6', 'Infinity', '-12.50', '', ' 12.50', '0x10', '1,000.00', '12.5e', HUGE.slice(0, 5000),
  `1${'0'.repeat(400)}`, '90071992547409921.00', '0.00', '0.001', '1e3', '١٢.٥٠'];
// Raw JSON number literals (JSON.parse makes 1e400 Infinity and -0 a negative zero).
const BAD_AMOUNTS_LITERAL = ['1e400', '-0', '-1', '0', '1e-400', '12.345', 'true', 'null', '{}', '[]'];
// Not '%2E%2E': the test client's URL parser (WHATWG) resolves it as a "..", so the request goes to
// another route (/v1/customers/%2E%2E/alerts is GET /v1/alerts), which is probed in its own right.
const BAD_IDS = ['%00', '..%2F..%2Fetc%2Fpasswd', 'a%20b', '%FF%FE', `${'a'.repeat(5000)}`, '%F0%9F%92%A9', '%3Cscript%3E', '*'];
const BAD_LIMITS = ['-1', 'abc', '0', '1e400', '99999999999999999999', '1.5', 'NaN', ''];
const BILLION_LAUGHS = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].map((name, i) => `${name}: &${name} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(',')}]`),
].join('\n');

// ---------------------------------------------------------------- probe machinery

interface Answer { status: number; body: string; contentType: string; timedOut?: boolean; crashed?: string; url?: string }
type Problem = string | undefined;
interface Probe {
  id: string;
  method: InjectOptions['method'];
  url: string | (() => string);
  key?: string;
  contentType?: string | null;
  body?: string | Buffer;
  headers?: Record<string, string>;
  /** Returns what is wrong with the answer, or undefined; by default a clear 4xx is wanted. */
  check?: (answer: Answer) => Problem;
}

const GENERIC = new Set(['bad request', 'error', 'invalid', 'invalid input', 'internal error', 'not found', 'unsupported media type']);

function json(answer: Answer): Record<string, unknown> | undefined {
  try { const v = JSON.parse(answer.body) as unknown; return typeof v === 'object' && v !== null ? v as Record<string, unknown> : undefined; } catch { return undefined; }
}

/** A clear client error: 4xx, a JSON body, a message that says something. */
function clear4xx(answer: Answer): Problem {
  if (answer.timedOut) return `TIMEOUT: no answer within ${PROBE_TIMEOUT_MS} ms`;
  if (answer.crashed) return `CRASH: inject threw ${answer.crashed}`;
  if (answer.status >= 500) return `5XX: ${answer.status}`;
  const body = json(answer);
  if (answer.status < 400) {
    const rejected = Array.isArray(body?.rejected) ? body.rejected.length : typeof body?.rejected === 'number' ? body.rejected : 0;
    if ((body?.imported === 0 || body?.accepted === 0) && rejected > 0) return `2XX-ALL-REJECTED: ${answer.status}, nothing taken and every row rejected (reported per row, but not a 4xx)`;
    return `2XX-FOR-INVALID: ${answer.status}`;
  }
  if (!body) return `UNCLEAR: ${answer.status} without a JSON body`;
  const message = typeof body.message === 'string' ? body.message.trim() : '';
  if (message.length < 8 || GENERIC.has(message.toLowerCase())) return `UNCLEAR: ${answer.status} with message ${JSON.stringify(body.message)}`;
  // Zod's bare "Invalid input" (a failed union) does not say what was expected.
  if (/Invalid input(?!:)/.test(message)) return `UNCLEAR: ${answer.status} "Invalid input" without what is expected: ${message.slice(0, 120)}`;
  // A rule set's errors named as an event's mislead the author.
  if (/\(event\)/.test(message) && answer.url?.includes('/rules')) return `UNCLEAR: ${answer.status} a rule set error labelled "(event)": ${message.slice(0, 120)}`;
  return undefined;
}

/** A clear 4xx, or a 2xx whose body reports the bad part as rejected (partial acceptance, by design). */
function clear4xxOrReported(answer: Answer): Problem {
  if (answer.status >= 200 && answer.status < 300) {
    const body = json(answer);
    const rejected = body?.rejected ?? body?.errors ?? body?.invalid;
    const count = Array.isArray(rejected) ? rejected.length : typeof rejected === 'number' ? rejected : 0;
    if (count > 0 && /"(errors?|reason|message)"/.test(answer.body)) return undefined;
    return `2XX-FOR-INVALID: ${answer.status} without the bad part reported as rejected`;
  }
  return clear4xx(answer);
}

async function send(p: Omit<Probe, 'id'>): Promise<Answer> {
  const url = typeof p.url === 'function' ? p.url() : p.url;
  const headers: Record<string, string> = { ...p.headers };
  if (p.key) headers.authorization = `Bearer ${p.key}`;
  const contentType = p.contentType === undefined ? (p.body === undefined ? undefined : 'application/json') : p.contentType;
  if (contentType !== null && contentType !== undefined) headers['content-type'] = contentType;
  const options: InjectOptions = { method: p.method, url, headers, payloadAsStream: true, ...(p.body === undefined ? {} : { payload: p.body }) };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Answer>((resolve) => { timer = setTimeout(() => resolve({ status: 0, body: '', contentType: '', timedOut: true }), PROBE_TIMEOUT_MS); });
  const request = (async (): Promise<Answer> => {
    try {
      const res = await engine.app.inject(options);
      const stream = res.stream() as Readable;
      const type = String(res.headers['content-type'] ?? '');
      if (type.startsWith('text/event-stream')) { stream.destroy(); return { status: res.statusCode, body: '(event stream)', contentType: type }; }
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
      return { status: res.statusCode, body: Buffer.concat(chunks).toString('utf8'), contentType: type };
    } catch (err) {
      return { status: 0, body: '', contentType: '', crashed: String(err).slice(0, 300) };
    }
  })();
  try { return { ...(await Promise.race([request, timeout])), url }; } finally { clearTimeout(timer); }
}

function describeInput(p: Probe): string {
  const body = p.body === undefined ? '' : Buffer.isBuffer(p.body) ? `<${p.body.length} bytes>` : p.body.length > 200 ? `${p.body.slice(0, 160)}…<${p.body.length} chars>` : p.body;
  const ct = p.contentType === undefined ? '' : `[content-type: ${p.contentType}] `;
  const hd = p.headers ? `[headers: ${JSON.stringify(p.headers)}] ` : '';
  return `${ct}${hd}${body}`;
}

const probes: Probe[] = [];
const add = (p: Probe) => probes.push(p);
const trunc = (s: string, n = 100) => (s.length > n ? `${s.slice(0, n)}…(${s.length})` : s);

// ---------------------------------------------------------------- generic body probes, every JSON body route

interface BodyRoute { method: InjectOptions['method']; url: string | (() => string); key: string; valid: () => Record<string, unknown> }
const future = inDays(5);
const bodyRoutes: BodyRoute[] = [
  { method: 'POST', url: '/v1/events', key: INGEST_KEY, valid: () => cardPayment({ customer_id: CUSTOMER }) as Record<string, unknown> },
  { method: 'POST', url: '/v1/decisions', key: INGEST_KEY, valid: () => cardPayment({ customer_id: CUSTOMER }) as Record<string, unknown> },
  { method: 'POST', url: '/v1/dead-letters/replay', key: SRE_KEY, valid: () => ({ ids: ['1-0'] }) },
  { method: 'PUT', url: '/v1/rules', key: RISK_ADMIN_KEY, valid: () => ({ format: 'yaml', text: 'version: "x"\nrules: []\n' }) },
  { method: 'PUT', url: '/v1/rules/challenger', key: RISK_ADMIN_KEY, valid: () => ({ format: 'yaml', text: 'version: "x"\nrules: []\n' }) },
  { method: 'POST', url: '/v1/rules/backtests', key: RISK_KEY, valid: () => ({ from: '2026-01-01', to: '2026-01-02' }) },
  { method: 'POST', url: () => `/v1/models/${modelName}/promote`, key: RISK_ADMIN_KEY, valid: () => ({ version: 'a'.repeat(64) }) },
  { method: 'POST', url: () => `/v1/models/${modelName}/rollback`, key: RISK_ADMIN_KEY, valid: () => ({ version: 'a'.repeat(64) }) },
  { method: 'POST', url: () => `/v1/models/${modelName}/retire`, key: RISK_ADMIN_KEY, valid: () => ({ slot: 'shadow' }) },
  { method: 'POST', url: '/v1/models/training-exports', key: RISK_ADMIN_KEY, valid: () => ({ from: '2026-01-01', to: '2026-01-02' }) },
  { method: 'POST', url: `/v1/approvals/${APPROVAL}/reject`, key: RISK_ADMIN_KEY, valid: () => ({ comment: 'no' }) },
  { method: 'POST', url: '/auth/login', key: '', valid: () => ({ name: 'someone', password: 'secret' }) },
  { method: 'PUT', url: `/v1/customers/${CUSTOMER}`, key: MARKETING_KEY, valid: () => ({ age: 40, preferred_channel: 'push' }) },
  { method: 'POST', url: '/v1/customers/import', key: MARKETING_KEY, valid: () => ({ profiles: [{ customer_id: CUSTOMER, profile: { age: 40 } }] }) },
  { method: 'POST', url: '/v1/alerts/alt_0123456789abcdefghjkmnpqrs/transitions', key: RISK_KEY, valid: () => ({ action: 'acknowledge' }) },
  { method: 'POST', url: '/v1/webhooks', key: ADMIN_KEY, valid: () => ({ url: 'https://hooks.bank.example/x' }) },
  { method: 'POST', url: '/v1/campaigns', key: MARKETING_KEY, valid: () => ({ ...BASE_CAMPAIGN, id: 'probe-new' }) as Record<string, unknown> },
  { method: 'PUT', url: `/v1/campaigns/${CAMPAIGN}`, key: MARKETING_KEY, valid: () => ({ ...BASE_CAMPAIGN, id: CAMPAIGN }) as Record<string, unknown> },
  { method: 'POST', url: `/v1/campaigns/${CAMPAIGN}/state`, key: MARKETING_KEY, valid: () => ({ state: 'paused' }) },
  { method: 'PUT', url: '/v1/offers/channels/push', key: ADMIN_KEY, valid: () => ({ url: 'https://push.bank.example/x' }) },
  { method: 'POST', url: '/v1/lists', key: RISK_ADMIN_KEY, valid: () => ({ name: 'probe-new', purpose: 'block', kind: 'device', description: 'd' }) },
  { method: 'PUT', url: `/v1/lists/${LIST}`, key: RISK_ADMIN_KEY, valid: () => ({ description: 'd' }) },
  { method: 'POST', url: `/v1/lists/${LIST}/entries`, key: RISK_KEY, valid: () => ({ value: 'dev-9', reason: 'r', expires_at: future }) },
  { method: 'POST', url: `/v1/customers/${CUSTOMER}/snoozes`, key: RISK_KEY, valid: () => ({ rule_id: RULE_ID, reason: 'r', until: future }) },
];

/** Fields of the valid bodies that may be left out (the rest are required by the route's schema). */
/**
 * Bodies a route takes by design although they look empty. PUT /v1/customers/:id: every profile
 * field is optional (customers/README.md), so {} stores an empty profile.
 */
const EMPTY_BODY_TAKEN = new Set([`/v1/customers/${CUSTOMER}`]);

function optionalFields(r: BodyRoute): string[] {
  if (typeof r.url === 'function' && r.url().endsWith('/promote')) return ['version'];
  if (r.url === `/v1/customers/${CUSTOMER}`) return ['age', 'preferred_channel'];
  if (r.url === '/v1/campaigns') return ['state', 'priority', 'expected_value', 'product', 'caps', 'description'];
  if (r.url === `/v1/campaigns/${CAMPAIGN}`) return ['id', 'state', 'priority', 'expected_value', 'product', 'caps', 'description'];
  return [];
}

function nestedText(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

for (const r of bodyRoutes) {
  const name = typeof r.url === 'function' ? '/v1/models/:name/…' : r.url;
  const base = { method: r.method, url: r.url, key: r.key };
  add({ ...base, id: `${r.method} ${name} invalid JSON`, body: '{"a": 1,' });
  add({ ...base, id: `${r.method} ${name} invalid JSON (single quotes)`, body: "{'a': 1}" });
  add({ ...base, id: `${r.method} ${name} wrong content type text/plain`, contentType: 'text/plain', body: JSON.stringify(r.valid()) });
  add({ ...base, id: `${r.method} ${name} wrong content type form`, contentType: 'application/x-www-form-urlencoded', body: 'a=1&b=2' });
  add({ ...base, id: `${r.method} ${name} no content type`, contentType: null, body: JSON.stringify(r.valid()) });
  add({ ...base, id: `${r.method} ${name} empty body`, body: '' });
  add({ ...base, id: `${r.method} ${name} no body at all`, contentType: null });
  add({ ...base, id: `${r.method} ${name} body {}`, body: '{}', ...(typeof r.url === 'string' && EMPTY_BODY_TAKEN.has(r.url) ? { check: (a: Answer) => (a.status === 200 || a.status === 201 ? undefined : clear4xx(a)) } : {}) });
  add({ ...base, id: `${r.method} ${name} body null`, body: 'null' });
  add({ ...base, id: `${r.method} ${name} body "x"`, body: '"x"' });
  add({ ...base, id: `${r.method} ${name} body 42`, body: '42' });
  add({ ...base, id: `${r.method} ${name} array instead of object`, body: JSON.stringify([r.valid()]) });
  add({ ...base, id: `${r.method} ${name} empty array`, body: '[]' });
  add({ ...base, id: `${r.method} ${name} deeply nested object (depth 5,000)`, body: nestedText(5000) });
  add({ ...base, id: `${r.method} ${name} deeply nested object (depth 100,000)`, body: nestedText(100_000) });
  add({ ...base, id: `${r.method} ${name} deeply nested array (depth 100,000)`, body: `${'['.repeat(100_000)}${']'.repeat(100_000)}` });
  add({ ...base, id: `${r.method} ${name} valid body + unknown field`, body: JSON.stringify({ ...r.valid(), probe_unknown_field: 1 }) });
  add({ ...base, id: `${r.method} ${name} valid body + 1 MB unknown field`, body: JSON.stringify({ ...r.valid(), probe_unknown_field: HUGE }) });
  add({ ...base, id: `${r.method} ${name} body over the 4 MiB limit`, body: JSON.stringify({ ...r.valid(), pad: 'x'.repeat(5 * MB) }) });
  add({ ...base, id: `${r.method} ${name} __proto__ key`, body: `{"__proto__":{"polluted":true},${JSON.stringify(r.valid()).slice(1)}` });
  add({ ...base, id: `${r.method} ${name} UTF-16LE body (with BOM) labelled charset=utf-16`, contentType: 'application/json; charset=utf-16', body: Buffer.from(`\ufeff${JSON.stringify(r.valid())}`, 'utf16le') });
  add({ ...base, id: `${r.method} ${name} duplicate keys with a bad last value`, body: `${JSON.stringify(r.valid()).slice(0, -1)},${JSON.stringify(Object.keys(r.valid())[0])}:{"x":[1]}}` });
  // Every field of the valid body in turn: wrong types, 1 MB strings, missing.
  for (const field of Object.keys(r.valid())) {
    const without = { ...r.valid() };
    delete without[field];
    add({ ...base, id: `${r.method} ${name} missing ${field}`, body: JSON.stringify(without), check: (a) => (optionalFields(r).includes(field) && a.status < 300 ? undefined : clear4xx(a)) });
    for (const [label, value] of [['object', { x: 1 }], ['array', [1, 2]], ['1 MB string', HUGE], ['NUL-byte string', 'a\u0000b']] as const) {
      add({ ...base, id: `${r.method} ${name} ${field} as ${label}`, body: JSON.stringify({ ...r.valid(), [field]: value }) });
    }
  }
}

// ---------------------------------------------------------------- events and decisions

const evId = (() => { let n = 0; return () => `probe-${process.pid}-${Date.now()}-${++n}`; })();
const event = (overrides: Record<string, unknown> = {}) => cardPayment({ customer_id: CUSTOMER, event_id: evId(), ...overrides }) as Record<string, unknown>;
const withRawAmount = (literal: string) => JSON.stringify(event({ amount: '__AMOUNT__' })).replace('"__AMOUNT__"', literal);

for (const url of ['/v1/events', '/v1/decisions']) {
  const base = { method: 'POST' as const, url, key: INGEST_KEY };
  for (const amount of BAD_AMOUNTS_STRING) add({ ...base, id: `POST ${url} amount "${trunc(amount, 20)}"`, body: JSON.stringify(event({ amount })) });
  for (const literal of BAD_AMOUNTS_LITERAL) add({ ...base, id: `POST ${url} amount literal ${literal}`, body: withRawAmount(literal) });
  for (const date of BAD_DATES) add({ ...base, id: `POST ${url} occurred_at "${date}"`, body: JSON.stringify(event({ occurred_at: date })) });
  add({ ...base, id: `POST ${url} occurred_at 1970-01-01`, body: JSON.stringify(event({ occurred_at: '1970-01-01T00:00:00Z' })) });
  add({ ...base, id: `POST ${url} occurred_at year 9999`, body: JSON.stringify(event({ occurred_at: '9999-12-31T23:59:59Z' })) });
  add({ ...base, id: `POST ${url} occurred_at as number`, body: JSON.stringify(event({ occurred_at: Date.now() })) });
  add({ ...base, id: `POST ${url} unknown type`, body: JSON.stringify(event({ type: 'teleport' })) });
  add({ ...base, id: `POST ${url} unknown channel`, body: JSON.stringify(event({ channel: 'fax' })) });
  add({ ...base, id: `POST ${url} unknown currency XXX`, body: JSON.stringify(event({ currency: 'XXX' })) });
  add({ ...base, id: `POST ${url} lower-case currency`, body: JSON.stringify(event({ currency: 'eur' })) });
  add({ ...base, id: `POST ${url} too many decimals for JPY`, body: JSON.stringify(event({ currency: 'JPY', amount: '12.50' })) });
  add({ ...base, id: `POST ${url} customer_id with spaces`, body: JSON.stringify(event({ customer_id: 'a b' })) });
  add({ ...base, id: `POST ${url} customer_id as number`, body: JSON.stringify(event({ customer_id: 12345 })), check: (a) => (a.status === 202 || a.status === 200 ? undefined : clear4xx(a)) });
  add({ ...base, id: `POST ${url} event_id 200 chars`, body: JSON.stringify(event({ event_id: 'e'.repeat(200) })) });
  add({ ...base, id: `POST ${url} event_id with ../`, body: JSON.stringify(event({ event_id: '../../x' })) });
  add({ ...base, id: `POST ${url} merchant as array`, body: JSON.stringify(event({ merchant: [{ id: 'm-1', mcc: '5411', country: 'DE' }] })) });
  add({ ...base, id: `POST ${url} merchant as string`, body: JSON.stringify(event({ merchant: 'm-1' })) });
  add({ ...base, id: `POST ${url} merchant mcc "ABCD"`, body: JSON.stringify(event({ merchant: { id: 'm-1', mcc: 'ABCD', country: 'DE' } })) });
  add({ ...base, id: `POST ${url} merchant country "ZZZ"`, body: JSON.stringify(event({ merchant: { id: 'm-1', mcc: '5411', country: 'ZZZ' } })) });
  add({ ...base, id: `POST ${url} merchant name 1 MB`, body: JSON.stringify(event({ merchant: { id: 'm-1', mcc: '5411', country: 'DE', name: HUGE } })) });
  add({ ...base, id: `POST ${url} attributes 1 MB value`, body: JSON.stringify(event({ attributes: { note: HUGE } })) });
  add({ ...base, id: `POST ${url} attributes nested 1,000 deep`, body: JSON.stringify(event({ attributes: '__N__' })).replace('"__N__"', nestedText(1000)) });
  add({ ...base, id: `POST ${url} attributes as array`, body: JSON.stringify(event({ attributes: [1, 2] })) });
  add({ ...base, id: `POST ${url} login with device ip 999.1.1.1`, body: JSON.stringify(login({ customer_id: CUSTOMER, event_id: evId(), device: { id: 'd', ip: '999.1.1.1' } })) });
}

// Bodies that are hard work rather than malformed.
{
  const base = { method: 'POST' as const, url: '/v1/events', key: INGEST_KEY };
  const manyKeys = Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`k${i}`, i]));
  add({ ...base, id: 'POST /v1/events attributes with 50,000 keys', body: JSON.stringify(event({ attributes: manyKeys })) });
  add({ ...base, id: 'POST /v1/events occurred_at in 2099', body: JSON.stringify(event({ occurred_at: '2099-01-01T00:00:00Z' })) });
  add({ ...base, id: 'POST /v1/events Content-Encoding gzip, body not gzip', headers: { 'content-encoding': 'gzip' }, body: JSON.stringify(event()) });
  add({ ...base, id: 'POST /v1/events Content-Encoding bogus', headers: { 'content-encoding': 'bogus' }, body: JSON.stringify(event()) });
  add({ ...base, id: 'POST /v1/events content-type application/json-seq', contentType: 'application/json-seq', body: JSON.stringify(event()) });
  add({ ...base, id: 'POST /v1/events NDJSON of two events', contentType: 'application/x-ndjson', body: `${JSON.stringify(event())}\n${JSON.stringify(event())}\n` });
}
for (const url of ['/v1/alerts?limit=abc', '/v1/alerts?min_severity=bogus', `/v1/customers/${CUSTOMER}/events?before=not-a-date`, '/v1/customers/a%20b']) {
  add({ method: 'HEAD', url, key: RISK_KEY, id: `HEAD ${url}`, check: (a) => (a.status >= 400 && a.status < 500 ? undefined : clear4xx(a)) });
}

// Batches (events only).
{
  const base = { method: 'POST' as const, url: '/v1/events', key: INGEST_KEY };
  add({ ...base, id: 'POST /v1/events a single invalid event (no wrapper)', body: JSON.stringify({ type: 'card_payment', event_id: 'x' }) });
  add({ ...base, id: 'POST /v1/events {events:[one invalid event]}', body: JSON.stringify({ events: [event({ amount: 'NaN' })] }) });
  add({ ...base, id: 'POST /v1/events {events:[three invalid events]}', body: JSON.stringify({ events: [event({ amount: 'NaN' }), { type: 'teleport' }, 42] }) });
  add({ ...base, id: 'POST /v1/events {events:[]}', body: '{"events":[]}' });
  add({ ...base, id: 'POST /v1/events {events:{}} (object for array)', body: JSON.stringify({ events: event() }) });
  add({ ...base, id: 'POST /v1/events {events:"x"}', body: '{"events":"x"}' });
  add({ ...base, id: 'POST /v1/events {events:[…], extra:1}', body: JSON.stringify({ events: [event()], extra: 1 }) });
  add({ ...base, id: 'POST /v1/events 1,001 events (over VIGIL_MAX_BATCH_EVENTS)', body: JSON.stringify({ events: Array.from({ length: 1001 }, () => event()) }) });
  add({ ...base, id: 'POST /v1/events {events:[[event]]} (array in array)', body: JSON.stringify({ events: [[event()]] }) });
}

// ---------------------------------------------------------------- rule sets

const rule = (condition: unknown) => ({
  id: 'probe-rule', name: 'Probe', description: 'a probe rule', alert_type: 'fraud', severity: 'low', weight: 0.1,
  mode: 'shadow', suppress_for: '1h', when: { event_types: ['card_payment'] }, condition,
});
const goodCondition = { field: 'event.amount', op: 'gte', value: 1 };
function deepCondition(depth: number, key: 'not' | 'all'): unknown {
  let node: unknown = goodCondition;
  for (let i = 0; i < depth; i++) node = key === 'not' ? { not: node } : { all: [node] };
  return node;
}
const ruleTexts: [string, 'yaml' | 'json' | string, string][] = [
  ['invalid YAML', 'yaml', 'version: "x"\nrules: [ {id: a\n  - : :'],
  ['YAML tab indentation', 'yaml', 'version: "x"\nrules:\n\t- id: a'],
  ['YAML billion laughs', 'yaml', `${BILLION_LAUGHS}\nversion: "x"\nrules: []\n`],
  ['YAML billion laughs used as rules', 'yaml', `${BILLION_LAUGHS}\nversion: "x"\nrules: *i\n`],
  ['YAML recursive anchor', 'yaml', 'a: &a [*a]\nversion: "x"\nrules: *a\n'],
  ['YAML merge-key recursion', 'yaml', 'a: &a { <<: *a }\nversion: "x"\nrules: []\n'],
  ['YAML custom tag !!js/function', 'yaml', 'version: !!js/function "function(){}"\nrules: []\n'],
  ['YAML just under 1 MB (comments, within maxLength)', 'yaml', `version: "x"\nrules: []\n#${'c'.repeat(999_970)}\n`],
  ['YAML over maxLength', 'yaml', `version: "x"\nrules: []\n#${'c'.repeat(1_000_001)}\n`],
  ['YAML document is a scalar', 'yaml', 'just a string'],
  ['YAML document is a list', 'yaml', '- a\n- b\n'],
  ['YAML rules as object', 'yaml', 'version: "x"\nrules: {a: 1}\n'],
  ['YAML rules of wrong types', 'yaml', 'version: 12\nrules: [1, "two", null]\n'],
  ['YAML multiple documents', 'yaml', 'version: "x"\nrules: []\n---\nversion: "y"\nrules: []\n'],
  ['YAML rule with unknown field op', 'yaml', `version: "x"\nrules: [${JSON.stringify(rule({ field: 'features.no_such_feature', op: 'gte', value: 1 }))}]\n`],
  ['YAML rule with unknown op', 'yaml', `version: "x"\nrules: [${JSON.stringify(rule({ field: 'event.amount', op: 'sorta', value: 1 }))}]\n`],
  ['YAML rule with severity bogus', 'yaml', `version: "x"\nrules: [${JSON.stringify({ ...rule(goodCondition), severity: 'bogus' })}]\n`],
  ['YAML rule with weight NaN', 'yaml', `version: "x"\nrules: [${JSON.stringify({ ...rule(goodCondition), weight: 'NaN' })}]\n`.replace('"NaN"', '.nan')],
  ['YAML rule with weight 1e400', 'yaml', `version: "x"\nrules: [${JSON.stringify({ ...rule(goodCondition), weight: 1 }).replace('"weight":1', '"weight":1e400')}]\n`],
  ['YAML rule with suppress_for bogus', 'yaml', `version: "x"\nrules: [${JSON.stringify({ ...rule(goodCondition), suppress_for: 'forever' })}]\n`],
  ['YAML rule with duplicate ids', 'yaml', `version: "x"\nrules: [${JSON.stringify(rule(goodCondition))}, ${JSON.stringify(rule(goodCondition))}]\n`],
  ['JSON rule nested "not" 2,000 deep', 'json', JSON.stringify({ version: 'x', rules: [rule(deepCondition(2000, 'not'))] })],
  ['JSON rule nested "all" 2,000 deep', 'json', JSON.stringify({ version: 'x', rules: [rule(deepCondition(2000, 'all'))] })],
  ['JSON rule nested "all" 20,000 deep', 'json', JSON.stringify({ version: 'x', rules: [rule('__C__')] }).replace('"__C__"', `${'{"all":['.repeat(20_000)}${JSON.stringify(goodCondition)}${']}'.repeat(20_000)}`)],
  ['YAML flow nested 50,000 deep', 'yaml', `version: "x"\nrules: ${'['.repeat(50_000)}${']'.repeat(50_000)}\n`],
  ['JSON format with YAML text', 'json', 'version: "x"\nrules: []\n'],
  ['JSON format invalid JSON', 'json', '{"version": "x", "rules": ['],
  ['format toml', 'toml', 'version = "x"'],
  ['empty text', 'yaml', ''],
  ['whitespace-only text', 'yaml', '   \n  '],
  ['empty rules without allow_empty', 'yaml', 'version: "probe-empty"\nrules: []\n'],
];
for (const url of ['/v1/rules', '/v1/rules/challenger']) {
  for (const [label, format, text] of ruleTexts) {
    // Valid but huge: any answer but a 5xx or a hang will do (the challenger takes an empty set).
    const check = label.startsWith('YAML just under') ? (a: Answer) => (a.status >= 200 && a.status < 300 ? undefined : clear4xx(a))
      // An unknown tag is read as a plain string, with the yaml library's warning (documented, kept): the
      // set is judged on the rest, here refused as it has no active rule.
      : label.includes('custom tag') ? (a: Answer) => (/no rules/.test(a.body) ? clear4xx(a) : `expected the set refused for having no rules, got ${a.status} ${a.body.slice(0, 200)}`)
      : undefined;
    add({ method: 'PUT', url, key: RISK_ADMIN_KEY, id: `PUT ${url} ${label}`, body: JSON.stringify({ format, text }), ...(check ? { check } : {}) });
  }
  add({ method: 'PUT', url, key: RISK_ADMIN_KEY, id: `PUT ${url} text as object`, body: JSON.stringify({ format: 'json', text: { version: 'x', rules: [] } }) });
}
{
  // Big but well-formed rule sets, on the challenger only (publishing them would change detection):
  // any answer but a 5xx or a hang will do.
  const lenient = (a: Answer) => (a.status >= 200 && a.status < 300 ? undefined : clear4xx(a));
  const many = { version: 'probe-many', rules: Array.from({ length: 3500 }, (_, i) => ({ ...rule(goodCondition), id: `probe-rule-${i}` })) };
  add({ method: 'PUT', url: '/v1/rules/challenger', key: RISK_ADMIN_KEY, id: 'PUT /v1/rules/challenger 3,500 rules (≈1 MB)', body: JSON.stringify({ format: 'json', text: JSON.stringify(many).slice(0, 999_999) }), check: lenient });
  const bigIn = { version: 'probe-in', rules: [rule({ field: 'event.merchant.id', op: 'in', value: Array.from({ length: 60_000 }, (_, i) => `m${i}`) })] };
  add({ method: 'PUT', url: '/v1/rules/challenger', key: RISK_ADMIN_KEY, id: 'PUT /v1/rules/challenger "in" with 60,000 values', body: JSON.stringify({ format: 'json', text: JSON.stringify(bigIn) }), check: lenient });
  const unknownList = { version: 'probe-list', rules: [rule({ field: 'event.device.id', op: 'in_list', value: 'no-such-list' })] };
  add({ method: 'PUT', url: '/v1/rules/challenger', key: RISK_ADMIN_KEY, id: 'PUT /v1/rules/challenger in_list of an unknown list', body: JSON.stringify({ format: 'json', text: JSON.stringify(unknownList) }) });
}
for (const q of ['allow_empty=bogus', 'allow_empty=1', 'allow_empty[]=true']) {
  add({ method: 'PUT', url: `/v1/rules?${q}`, key: RISK_ADMIN_KEY, id: `PUT /v1/rules?${q}`, body: JSON.stringify({ format: 'yaml', text: 'version: "probe-q"\nrules: []\n' }) });
}
for (const [label, format, text] of ruleTexts.filter(([l]) => /billion|recursive|invalid YAML|2,000|20,000|50,000|severity bogus/.test(l))) {
  add({ method: 'POST', url: '/v1/rules/backtests', key: RISK_KEY, id: `POST /v1/rules/backtests rule_set ${label}`, body: JSON.stringify({ from: '2026-01-01', to: '2026-01-02', rule_set: { format, text } }) });
}

// ---------------------------------------------------------------- dates on other bodies

for (const d of [...BAD_DAYS, ...BAD_DATES]) {
  add({ method: 'POST', url: '/v1/rules/backtests', key: RISK_KEY, id: `POST /v1/rules/backtests from "${d}"`, body: JSON.stringify({ from: d, to: '2026-01-02' }) });
  add({ method: 'POST', url: '/v1/models/training-exports', key: RISK_ADMIN_KEY, id: `POST /v1/models/training-exports to "${d}"`, body: JSON.stringify({ from: '2026-01-01', to: d }) });
  add({ method: 'POST', url: `/v1/lists/${LIST}/entries`, key: RISK_KEY, id: `POST /v1/lists/:name/entries expires_at "${d}"`, body: JSON.stringify({ value: 'dev-9', reason: 'r', expires_at: d }) });
  add({ method: 'POST', url: `/v1/customers/${CUSTOMER}/snoozes`, key: RISK_KEY, id: `POST /v1/customers/:id/snoozes until "${d}"`, body: JSON.stringify({ rule_id: RULE_ID, reason: 'r', until: d }) });
  add({ method: 'PUT', url: `/v1/customers/${CUSTOMER}`, key: MARKETING_KEY, id: `PUT /v1/customers/:id birthday "${d}"`, body: JSON.stringify({ birthday: d }) });
  add({ method: 'PUT', url: `/v1/customers/${CUSTOMER}`, key: MARKETING_KEY, id: `PUT /v1/customers/:id products_opened.opened_on "${d}"`, body: JSON.stringify({ products_opened: [{ product: 'savings', opened_on: d }] }) });
}
add({ method: 'POST', url: '/v1/rules/backtests', key: RISK_KEY, id: 'POST /v1/rules/backtests from after to', body: JSON.stringify({ from: '2026-02-01', to: '2026-01-01' }) });
add({ method: 'POST', url: '/v1/rules/backtests', key: RISK_KEY, id: 'POST /v1/rules/backtests 10,000-year range', body: JSON.stringify({ from: '0001-01-01', to: '9999-12-31' }) });
add({ method: 'POST', url: '/v1/models/training-exports', key: RISK_ADMIN_KEY, id: 'POST /v1/models/training-exports from after to', body: JSON.stringify({ from: '2026-02-01', to: '2026-01-01' }) });
add({ method: 'POST', url: `/v1/lists/${LIST}/entries`, key: RISK_KEY, id: 'POST /v1/lists/:name/entries expires_at in the past', body: JSON.stringify({ value: 'dev-9', reason: 'r', expires_at: '2020-01-01T00:00:00Z' }) });
add({ method: 'POST', url: `/v1/lists/${LIST}/entries`, key: RISK_KEY, id: 'POST /v1/lists/:name/entries expires_at year 9999', body: JSON.stringify({ value: 'dev-9', reason: 'r', expires_at: '9999-12-31T00:00:00Z' }) });
add({ method: 'POST', url: `/v1/customers/${CUSTOMER}/snoozes`, key: RISK_KEY, id: 'POST /v1/customers/:id/snoozes until in the past', body: JSON.stringify({ rule_id: RULE_ID, reason: 'r', until: '2020-01-01T00:00:00Z' }) });
add({ method: 'POST', url: `/v1/customers/${CUSTOMER}/snoozes`, key: RISK_KEY, id: 'POST /v1/customers/:id/snoozes unknown rule_id', body: JSON.stringify({ rule_id: 'no-such-rule', reason: 'r', until: future }) });

// ---------------------------------------------------------------- enums, numbers and shapes on other bodies

const bodies: [string, InjectOptions['method'], string | (() => string), string, unknown][] = [
  ['alert transition action bogus', 'POST', '/v1/alerts/alt_0123456789abcdefghjkmnpqrs/transitions', RISK_KEY, { action: 'bogus' }],
  ['alert transition disposition bogus', 'POST', '/v1/alerts/alt_0123456789abcdefghjkmnpqrs/transitions', RISK_KEY, { action: 'resolve', disposition: 'bogus' }],
  ['webhook url not a url', 'POST', '/v1/webhooks', ADMIN_KEY, { url: 'not a url' }],
  ['webhook url javascript:', 'POST', '/v1/webhooks', ADMIN_KEY, { url: 'javascript:alert(1)' }],
  ['webhook url ftp', 'POST', '/v1/webhooks', ADMIN_KEY, { url: 'ftp://hooks.bank.example/x' }],
  ['webhook url file', 'POST', '/v1/webhooks', ADMIN_KEY, { url: 'file:///etc/passwd' }],
  ['webhook alert_types []', 'POST', '/v1/webhooks', ADMIN_KEY, { url: 'https://hooks.bank.example/x', alert_types: [] }],
  ['webhook alert_types string', 'POST', '/v1/webhooks', ADMIN_KEY, { url: 'https://hooks.bank.example/x', alert_types: 'fraud' }],
  ['webhook alert_types bogus', 'POST', '/v1/webhooks', ADMIN_KEY, { url: 'https://hooks.bank.example/x', alert_types: ['bogus'] }],
  ['webhook min_severity bogus', 'POST', '/v1/webhooks', ADMIN_KEY, { url: 'https://hooks.bank.example/x', min_severity: 'bogus' }],
  ['channel url not a url', 'PUT', '/v1/offers/channels/push', ADMIN_KEY, { url: 'not a url' }],
  ['channel unknown (fax)', 'PUT', '/v1/offers/channels/fax', ADMIN_KEY, { url: 'https://push.bank.example/x' }],
  ['campaign id upper case', 'POST', '/v1/campaigns', MARKETING_KEY, { ...BASE_CAMPAIGN, id: 'Probe_Bad' }],
  ['campaign state bogus', 'POST', '/v1/campaigns', MARKETING_KEY, { ...BASE_CAMPAIGN, id: 'probe-x1', state: 'bogus' }],
  ['campaign priority "NaN"', 'POST', '/v1/campaigns', MARKETING_KEY, { ...BASE_CAMPAIGN, id: 'probe-x2', priority: 'NaN' }],
  ['campaign priority -1', 'POST', '/v1/campaigns', MARKETING_KEY, { ...BASE_CAMPAIGN, id: 'probe-x3', priority: -1 }],
  ['campaign priority 1.5', 'POST', '/v1/campaigns', MARKETING_KEY, { ...BASE_CAMPAIGN, id: 'probe-x4', priority: 1.5 }],
  ['campaign expected_value "1e400"', 'POST', '/v1/campaigns', MARKETING_KEY, { ...BASE_CAMPAIGN, id: 'probe-x5', expected_value: '1e400' }],
  ['campaign expected_value -0.01', 'POST', '/v1/campaigns', MARKETING_KEY, { ...BASE_CAMPAIGN, id: 'probe-x6', expected_value: -0.01 }],
  ['campaign trigger event_types bogus', 'POST', '/v1/campaigns', MARKETING_KEY, { ...BASE_CAMPAIGN, id: 'probe-x7', trigger: { event_types: ['teleport'] } }],
  ['campaign trigger as array', 'POST', '/v1/campaigns', MARKETING_KEY, { ...BASE_CAMPAIGN, id: 'probe-x8', trigger: [{ event_types: ['login'] }] }],
  ['campaign content empty', 'POST', '/v1/campaigns', MARKETING_KEY, { ...BASE_CAMPAIGN, id: 'probe-x9', content: {} }],
  ['campaign content channel bogus', 'POST', '/v1/campaigns', MARKETING_KEY, { ...BASE_CAMPAIGN, id: 'probe-x10', content: { fax: { title: 't', body: 'b' } } }],
  ['campaign caps cooldown bogus', 'POST', '/v1/campaigns', MARKETING_KEY, { ...BASE_CAMPAIGN, id: 'probe-x11', caps: { cooldown: 'forever' } }],
  ['campaign trigger condition 2,000 deep', 'POST', '/v1/campaigns', MARKETING_KEY, { ...BASE_CAMPAIGN, id: 'probe-x12', trigger: { event_types: ['login'], condition: deepCondition(2000, 'all') } }],
  ['campaign body placeholder unknown', 'POST', '/v1/campaigns', MARKETING_KEY, { ...BASE_CAMPAIGN, id: 'probe-x13', content: { push: { title: 't', body: 'hi {event.no_such_field}' } } }],
  ['campaign PUT id mismatch', 'PUT', `/v1/campaigns/${CAMPAIGN}`, MARKETING_KEY, { ...BASE_CAMPAIGN, id: 'another-id' }],
  ['campaign state bogus (state route)', 'POST', `/v1/campaigns/${CAMPAIGN}/state`, MARKETING_KEY, { state: 'bogus' }],
  ['list name upper case', 'POST', '/v1/lists', RISK_ADMIN_KEY, { name: 'Bad_Name', purpose: 'block', kind: 'device', description: 'd' }],
  ['list purpose bogus', 'POST', '/v1/lists', RISK_ADMIN_KEY, { name: 'probe-y1', purpose: 'bogus', kind: 'device', description: 'd' }],
  ['list kind bogus', 'POST', '/v1/lists', RISK_ADMIN_KEY, { name: 'probe-y2', purpose: 'block', kind: 'bogus', description: 'd' }],
  ['list PUT changes kind', 'PUT', `/v1/lists/${LIST}`, RISK_ADMIN_KEY, { description: 'd', kind: 'ip' }],
  ['list entry value 257 chars', 'POST', `/v1/lists/${LIST}/entries`, RISK_KEY, { value: 'v'.repeat(257), reason: 'r', expires_at: future }],
  ['list entry on unknown list', 'POST', '/v1/lists/no-such-list/entries', RISK_KEY, { value: 'dev-9', reason: 'r', expires_at: future }],
  ['replay ids []', 'POST', '/v1/dead-letters/replay', SRE_KEY, { ids: [] }],
  ['replay ids garbage', 'POST', '/v1/dead-letters/replay', SRE_KEY, { ids: ['garbage'] }],
  ['replay ids string', 'POST', '/v1/dead-letters/replay', SRE_KEY, { ids: '1-0' }],
  ['replay 1,001 ids', 'POST', '/v1/dead-letters/replay', SRE_KEY, { ids: Array.from({ length: 1001 }, (_, i) => `${i}-0`) }],
  ['model promote version bad', 'POST', () => `/v1/models/${modelName}/promote`, RISK_ADMIN_KEY, { version: 'not-hex' }],
  ['model rollback version bad', 'POST', () => `/v1/models/${modelName}/rollback`, RISK_ADMIN_KEY, { version: 'zz' }],
  ['model retire slot bogus', 'POST', () => `/v1/models/${modelName}/retire`, RISK_ADMIN_KEY, { slot: 'bogus' }],
  ['approval reject comment empty', 'POST', `/v1/approvals/${APPROVAL}/reject`, RISK_ADMIN_KEY, { comment: '' }],
  ['profile age "NaN"', 'PUT', `/v1/customers/${CUSTOMER}`, MARKETING_KEY, { age: 'NaN' }],
  ['profile age -1', 'PUT', `/v1/customers/${CUSTOMER}`, MARKETING_KEY, { age: -1 }],
  ['profile age 131', 'PUT', `/v1/customers/${CUSTOMER}`, MARKETING_KEY, { age: 131 }],
  ['profile aum "1e400"', 'PUT', `/v1/customers/${CUSTOMER}`, MARKETING_KEY, { assets_under_management: '1e400' }],
  ['profile aum "12.345.6"', 'PUT', `/v1/customers/${CUSTOMER}`, MARKETING_KEY, { assets_under_management: '12.345.6' }],
  ['profile aum -5', 'PUT', `/v1/customers/${CUSTOMER}`, MARKETING_KEY, { assets_under_management: -5 }],
  ['profile preferred_channel bogus', 'PUT', `/v1/customers/${CUSTOMER}`, MARKETING_KEY, { preferred_channel: 'fax' }],
  ['profile time_zone bogus', 'PUT', `/v1/customers/${CUSTOMER}`, MARKETING_KEY, { time_zone: 'Mars/Olympus_Mons' }],
  ['profile language bogus', 'PUT', `/v1/customers/${CUSTOMER}`, MARKETING_KEY, { language: 'English!' }],
  ['profile quiet_hours 25:00', 'PUT', `/v1/customers/${CUSTOMER}`, MARKETING_KEY, { quiet_hours: { start: '25:00', end: '08:00' } }],
  ['profile marketing_consent as array', 'PUT', `/v1/customers/${CUSTOMER}`, MARKETING_KEY, { marketing_consent: ['push'] }],
  ['profile products_held as string', 'PUT', `/v1/customers/${CUSTOMER}`, MARKETING_KEY, { products_held: 'savings' }],
  ['profile version -1', 'PUT', `/v1/customers/${CUSTOMER}`, MARKETING_KEY, { version: -1 }],
  ['profile version 1e400 literal', 'PUT', `/v1/customers/${CUSTOMER}`, MARKETING_KEY, '__RAW__{"version":1e400}'],
  ['import profiles []', 'POST', '/v1/customers/import', MARKETING_KEY, { profiles: [] }],
  ['import profiles as object', 'POST', '/v1/customers/import', MARKETING_KEY, { profiles: { customer_id: CUSTOMER, profile: {} } }],
  ['import customer_id bad chars', 'POST', '/v1/customers/import', MARKETING_KEY, { profiles: [{ customer_id: 'a b/..', profile: { age: 3 } }] }],
  ['import one bad profile among valid', 'POST', '/v1/customers/import', MARKETING_KEY, { profiles: [{ customer_id: 'probe-imp-1', profile: { age: 30 } }, { customer_id: 'probe-imp-2', profile: { age: 'NaN' } }] }],
  ['import duplicate customer ids', 'POST', '/v1/customers/import', MARKETING_KEY, { profiles: [{ customer_id: 'probe-imp-3', profile: { age: 30 } }, { customer_id: 'probe-imp-3', profile: { age: 60 } }] }],
  ['import 5,001 profiles', 'POST', '/v1/customers/import', MARKETING_KEY, { profiles: Array.from({ length: 5001 }, (_, i) => ({ customer_id: `probe-many-${i}`, profile: { age: 30 } })) }],
  ['login name 1 MB', 'POST', '/auth/login', '', { name: HUGE, password: 'x' }],
  ['login password as number', 'POST', '/auth/login', '', { name: 'x', password: { a: 1 } }],
];
for (const [label, method, url, key, body] of bodies) {
  const text = typeof body === 'string' && body.startsWith('__RAW__') ? body.slice(7) : JSON.stringify(body);
  add({ method, url, key, id: `${method} ${typeof url === 'function' ? '/v1/models/:name' : url} ${label}`, body: text });
}
// The import of one bad profile among valid ones: partial acceptance is acceptable if it is reported.
for (const p of probes) if (/import one bad profile/.test(p.id)) p.check = clear4xxOrReported;
// A customer twice in one import: rows are taken in order under the PUT rules (customers/README.md),
// so both are stored and the last wins; documented, not an error.
for (const p of probes) {
  if (/import duplicate customer ids/.test(p.id)) p.check = (a) => (a.status === 200 && json(a)?.imported === 2 ? undefined : `expected 200 with both rows imported (last wins), got ${a.status} ${a.body.slice(0, 200)}`);
}

// If-Match garbage on the campaign routes.
for (const ifMatch of ['garbage', '"1"x', 'W/"abc"', '"999999999999999999"']) {
  add({ method: 'PUT', url: `/v1/campaigns/${CAMPAIGN}`, key: MARKETING_KEY, id: `PUT /v1/campaigns/:id If-Match ${ifMatch}`, headers: { 'if-match': ifMatch }, body: JSON.stringify({ ...BASE_CAMPAIGN, id: CAMPAIGN }) });
  add({ method: 'POST', url: `/v1/campaigns/${CAMPAIGN}/state`, key: MARKETING_KEY, id: `POST /v1/campaigns/:id/state If-Match ${ifMatch}`, headers: { 'if-match': ifMatch }, body: JSON.stringify({ state: 'paused' }) });
}

// NDJSON profile import.
{
  const base = { method: 'POST' as const, url: '/v1/customers/import', key: MARKETING_KEY, contentType: 'application/x-ndjson' };
  add({ ...base, id: 'POST /v1/customers/import NDJSON broken line', body: `{"customer_id":"probe-nd-1","profile":{"age":30}}\n{broken\n`, check: clear4xxOrReported });
  add({ ...base, id: 'POST /v1/customers/import NDJSON empty', body: '' });
  add({ ...base, id: 'POST /v1/customers/import NDJSON only blank lines', body: '\n\n\n' });
  add({ ...base, id: 'POST /v1/customers/import NDJSON array line', body: '[1,2]\n' });
  add({ ...base, id: 'POST /v1/customers/import NDJSON 1 MB line', body: `{"customer_id":"probe-nd-2","profile":{"relationship_manager":"${HUGE}"}}\n` });
  add({ ...base, id: 'POST /v1/customers/import NDJSON deep line', body: `${nestedText(100_000)}\n` });
}

// ---------------------------------------------------------------- CSV list imports

{
  const base = { method: 'POST' as const, url: `/v1/lists/${LIST}/import`, key: RISK_ADMIN_KEY, contentType: 'text/csv' };
  const header = 'value,reason,expires_at';
  const csv: [string, string, ((a: Answer) => Problem)?][] = [
    ['unbalanced quote', `${header}\n"dev-q1,reason,${future}\ndev-q2,reason,${future}\n`],
    ['quote inside unquoted field', `${header}\nde"v-q3,reason,${future}\n`, clear4xxOrReported],
    ['row with too few columns', `${header}\ndev-q4\n`, clear4xxOrReported],
    ['row with too many columns', `${header}\ndev-q5,reason,${future},extra\n`, clear4xxOrReported],
    ['one bad date among valid rows', `${header}\ndev-q6,reason,${future}\ndev-q7,reason,2026-13-45T00:00:00Z\n`, clear4xxOrReported],
    ['date not-a-date', `${header}\ndev-q8,reason,not-a-date\n`, clear4xxOrReported],
    ['date year 99999', `${header}\ndev-q9,reason,99999-01-01T00:00:00Z\n`, clear4xxOrReported],
    ['missing reason', `${header}\ndev-q10,,${future}\n`, clear4xxOrReported],
    ['value 1 MB', `${header}\n${HUGE},reason,${future}\n`, clear4xxOrReported],
    ['NUL byte in value', `${header}\ndev\u0000q11,reason,${future}\n`, clear4xxOrReported],
    ['duplicate value on two lines', `${header}\ndev-q12,reason,${future}\ndev-q12,reason,${future}\n`, clear4xxOrReported],
    ['empty file', ''],
    ['header only', `${header}\n`, (a) => (a.status >= 200 && a.status < 300 ? undefined : clear4xx(a))],
    ['unknown columns', 'foo,bar\n1,2\n'],
    ['no header (data first)', `dev-q13,reason,${future}\n`],
    ['binary garbage', '\u0000\u0001\u0002\u00ff\ufffd'.repeat(100)],
    ['JSON body as CSV', JSON.stringify({ value: 'x' })],
    ['semicolon separated', `value;reason;expires_at\ndev-q14;reason;${future}\n`],
    ['UTF-16 LE BOM', `\ufffe${header}\n`],
  ];
  for (const [label, text, check] of csv) add({ ...base, id: `POST /v1/lists/:name/import CSV ${label}`, body: text, ...(check ? { check } : {}) });
  // A UTF-8 BOM (as Excel writes) on an otherwise valid file: imported, or a clear 4xx.
  add({
    ...base, id: 'POST /v1/lists/:name/import CSV UTF-8 BOM on a valid file', body: `\ufeff${header}\ndev-bom,reason,${future}\n`,
    check: (a) => (a.status >= 200 && a.status < 300 ? (/"imported":\s*1\b/.test(a.body) ? undefined : `2XX-FOR-INVALID: ${a.status} but the row was not imported (BOM broke the header?)`) : clear4xx(a)),
  });
  add({ ...base, id: 'POST /v1/lists/:name/import CRLF line endings (valid)', body: `${header}\r\ndev-crlf,reason,${future}\r\n`, check: (a) => (a.status >= 200 && a.status < 300 ? undefined : `UNCLEAR: valid CRLF file refused with ${a.status} ${a.body.slice(0, 100)}`) });
  add({ ...base, id: 'POST /v1/lists/:name/import CSV over the body limit', body: `${header}\n${`dev-big,reason,${future}\n`.repeat(140_000)}` });
  add({ ...base, id: 'POST /v1/lists/:name/import CSV JSON content type', contentType: 'application/json', body: '{"value":"x"}' });
  add({ ...base, id: 'POST /v1/lists/:name/import CSV on unknown list', url: '/v1/lists/no-such-list/import', body: `${header}\ndev-x,reason,${future}\n` });
}

// Model upload: garbage that is not an ONNX file.
for (const [label, body, ct] of [
  ['garbage bytes', Buffer.from('this is not an onnx model at all'), 'application/octet-stream'],
  ['empty body', Buffer.alloc(0), 'application/octet-stream'],
  ['JSON content type', Buffer.from('{"a":1}'), 'application/json'],
  ['random 64 KiB', Buffer.from(Array.from({ length: 65536 }, (_, i) => (i * 7919) % 256)), 'application/octet-stream'],
] as const) {
  add({ method: 'PUT', url: () => `/v1/models/${modelName}/versions`, key: RISK_ADMIN_KEY, id: `PUT /v1/models/:name/versions ${label}`, body, contentType: ct });
}
add({ method: 'PUT', url: '/v1/models/Bad..Name/versions', key: RISK_ADMIN_KEY, id: 'PUT /v1/models/:name/versions bad model name', body: Buffer.from('x'), contentType: 'application/octet-stream' });

// ---------------------------------------------------------------- query strings

const queryRoutes: [string, string, string[]][] = [
  ['/v1/alerts', RISK_KEY, ['limit', 'cursor', 'type', 'severity', 'min_severity', 'status', 'customer_id', 'from', 'to']],
  ['/v1/alerts/feed', RISK_KEY, ['type', 'severity', 'min_severity']],
  ['/v1/alerts/daily-by-rule', RISK_KEY, ['days']],
  [`/v1/customers/${CUSTOMER}/alerts`, RISK_KEY, ['limit', 'cursor', 'type', 'min_severity', 'status', 'from', 'to']],
  [`/v1/customers/${CUSTOMER}/events`, RISK_KEY, ['limit', 'before']],
  [`/v1/customers/${CUSTOMER}/export`, ADMIN_KEY, ['row_limit', 'before']],
  [`/v1/customers/${CUSTOMER}/offers`, MARKETING_KEY, ['limit']],
  [`/v1/customers/${CUSTOMER}/profile-history`, MARKETING_KEY, ['limit']],
  ['/v1/dead-letters', SRE_KEY, ['limit', 'after']],
  ['/v1/approvals', RISK_KEY, ['limit', 'status']],
  ['/v1/campaigns/audit', MARKETING_KEY, ['limit', 'campaign_id']],
  [`/v1/campaigns/${CAMPAIGN}/stats`, MARKETING_KEY, ['from', 'to']],
  ['/v1/offers/dead-letters', MARKETING_KEY, ['limit']],
  ['/v1/offers/dead-triggers', MARKETING_KEY, ['limit']],
  ['/v1/offers/feed', MARKETING_KEY, ['campaign_id', 'outcome']],
  ['/v1/lists/audit', RISK_KEY, ['limit', 'list']],
  [`/v1/lists/${LIST}/entries`, RISK_KEY, ['limit', 'cursor', 'value']],
  ['/v1/privacy/erasures', ADMIN_KEY, ['limit', 'before', 'customer_id']],
  ['/v1/rules/performance', RISK_KEY, ['from', 'to']],
  ['/v1/rules/challenger/comparison', RISK_KEY, ['from', 'to', 'version']],
  ['/v1/webhooks/dead-letters', ADMIN_KEY, ['limit']],
];
const garbageFor: Record<string, string[]> = {
  limit: BAD_LIMITS, row_limit: BAD_LIMITS, days: ['0', '-1', 'abc', '401', '1e400'],
  cursor: ['garbage', '-1', '99999999999999999999999', '%00', 'a'.repeat(2000)],
  after: ['garbage', '1-', '-1-0'], before: ['garbage', '2026-13-45T00:00:00Z', '99999-01-01T00:00:00Z', 'not-a-date'],
  type: ['bogus'], severity: ['bogus'], min_severity: ['bogus', 'HIGH'], status: ['bogus'], outcome: ['bogus'],
  from: ['not-a-date', '2026-13-45T00:00:00Z', '2026-13-45', '99999-01-01T00:00:00Z'], to: ['not-a-date', '2026-02-30T00:00:00Z'],
  customer_id: ['a'.repeat(200), '%00', ''], campaign_id: ['a'.repeat(300), ''], list: ['a'.repeat(100), ''], value: ['a'.repeat(2000), ''], version: ['a'.repeat(100), ''],
};
for (const [url, key, params] of queryRoutes) {
  for (const param of params) {
    for (const value of garbageFor[param] ?? []) {
      const q = `${param}=${value.startsWith('%') ? value : encodeURIComponent(value)}`;
      add({ method: 'GET', url: `${url}?${q}`, key, id: `GET ${url.replace(CUSTOMER, ':id').replace(CAMPAIGN, ':id').replace(LIST, ':name')}?${trunc(q, 60)}` });
    }
  }
  add({ method: 'GET', url: `${url}?${params[0]}[]=1&${params[0]}[]=2`, key, id: `GET ${url.replace(CUSTOMER, ':id').replace(CAMPAIGN, ':id').replace(LIST, ':name')}?${params[0]}[]=… (array)` });
  add({ method: 'GET', url: `${url}?${params[0]}=1&${params[0]}=2`, key, id: `GET ${url.replace(CUSTOMER, ':id').replace(CAMPAIGN, ':id').replace(LIST, ':name')}?${params[0]}=1&${params[0]}=2 (repeated)`, check: (a) => (a.status < 300 ? undefined : clear4xx(a)) });
}
add({ method: 'GET', url: '/v1/alerts?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', key: RISK_KEY, id: 'GET /v1/alerts from after to' });
add({ method: 'GET', url: '/v1/rules/performance?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', key: RISK_KEY, id: 'GET /v1/rules/performance from after to' });
add({ method: 'GET', url: `/v1/campaigns/${CAMPAIGN}/stats?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z`, key: MARKETING_KEY, id: 'GET /v1/campaigns/:id/stats from after to' });
add({ method: 'GET', url: '/v1/rules/challenger/comparison?from=2026-02-01&to=2026-01-01', key: RISK_KEY, id: 'GET /v1/rules/challenger/comparison from after to' });
add({ method: 'GET', url: '/v1/alerts?min_severity=high&severity=low', key: RISK_KEY, id: 'GET /v1/alerts severity and min_severity both', check: (a) => (a.status < 300 ? undefined : clear4xx(a)) });
add({ method: 'GET', url: `/v1/alerts?${'x=1&'.repeat(5000)}`, key: RISK_KEY, id: 'GET /v1/alerts 5,000 unknown query parameters', check: (a) => (a.status < 300 ? undefined : clear4xx(a)) });
add({ method: 'GET', url: '/v1/alerts?limit=%ZZ', key: RISK_KEY, id: 'GET /v1/alerts?limit=%ZZ (bad percent-encoding)' });

// ---------------------------------------------------------------- path ids with odd characters

const pathRoutes: [InjectOptions['method'], string, string, string?][] = [
  ['GET', '/v1/alerts/:x', RISK_KEY],
  ['POST', '/v1/alerts/:x/transitions', RISK_KEY, JSON.stringify({ action: 'acknowledge' })],
  ['GET', '/v1/approvals/:x', RISK_KEY],
  ['POST', '/v1/approvals/:x/approve', RISK_ADMIN_KEY],
  ['POST', '/v1/approvals/:x/reject', RISK_ADMIN_KEY, JSON.stringify({ comment: 'no' })],
  ['GET', '/v1/campaigns/:x', MARKETING_KEY],
  ['PUT', '/v1/campaigns/:x', MARKETING_KEY, JSON.stringify(BASE_CAMPAIGN)],
  ['POST', '/v1/campaigns/:x/state', MARKETING_KEY, JSON.stringify({ state: 'paused' })],
  ['GET', '/v1/campaigns/:x/stats', MARKETING_KEY],
  ['GET', '/v1/customers/:x', RISK_KEY],
  ['PUT', '/v1/customers/:x', MARKETING_KEY, JSON.stringify({ age: 40 })],
  ['DELETE', '/v1/customers/:x', ADMIN_KEY],
  ['GET', '/v1/customers/:x/activity', RISK_KEY],
  ['GET', '/v1/customers/:x/alerts', RISK_KEY],
  ['GET', '/v1/customers/:x/events', RISK_KEY],
  ['GET', '/v1/customers/:x/export', ADMIN_KEY],
  ['GET', '/v1/customers/:x/features', RISK_KEY],
  ['GET', '/v1/customers/:x/offers', MARKETING_KEY],
  ['GET', '/v1/customers/:x/profile-history', MARKETING_KEY],
  ['GET', '/v1/customers/:x/snoozes', RISK_KEY],
  ['POST', '/v1/customers/:x/snoozes', RISK_KEY, JSON.stringify({ rule_id: RULE_ID, reason: 'r', until: future })],
  ['DELETE', `/v1/customers/${CUSTOMER}/snoozes/:x`, RISK_KEY],
  ['DELETE', '/v1/customers/:x/snoozes/card-testing', RISK_KEY],
  ['GET', '/v1/lists/:x', RISK_KEY],
  ['PUT', '/v1/lists/:x', RISK_ADMIN_KEY, JSON.stringify({ description: 'd' })],
  ['DELETE', '/v1/lists/:x', RISK_ADMIN_KEY],
  ['GET', '/v1/lists/:x/entries', RISK_KEY],
  ['POST', '/v1/lists/:x/entries', RISK_KEY, JSON.stringify({ value: 'dev-9', reason: 'r', expires_at: future })],
  ['DELETE', `/v1/lists/${LIST}/entries/:x`, RISK_KEY],
  ['POST', '/v1/lists/:x/import', RISK_ADMIN_KEY, `value,reason,expires_at\ndev-p,reason,${future}\n`],
  ['GET', '/v1/models/:x/history', RISK_KEY],
  ['POST', '/v1/models/:x/promote', RISK_ADMIN_KEY],
  ['POST', '/v1/models/:x/retire', RISK_ADMIN_KEY, JSON.stringify({ slot: 'shadow' })],
  ['POST', '/v1/models/:x/rollback', RISK_ADMIN_KEY, JSON.stringify({ version: 'a'.repeat(64) })],
  ['PUT', '/v1/offers/channels/:x', ADMIN_KEY, JSON.stringify({ url: 'https://push.bank.example/x' })],
  ['DELETE', '/v1/offers/channels/:x', ADMIN_KEY],
  ['POST', '/v1/offers/dead-letters/:x/retry', MARKETING_KEY],
  ['POST', '/v1/offers/dead-triggers/:x/retry', MARKETING_KEY],
  ['GET', '/v1/rules/backtests/:x', RISK_KEY],
  ['GET', '/v1/rules/history/:x', RISK_KEY],
  ['DELETE', '/v1/webhooks/:x', ADMIN_KEY],
];
for (const [method, pattern, key, body] of pathRoutes) {
  for (const id of BAD_IDS) {
    add({
      method, url: pattern.replace(':x', id), key, id: `${method} ${pattern} with id ${trunc(id, 30)}`,
      ...(body === undefined ? {} : { body, contentType: pattern.endsWith('/import') ? 'text/csv' : 'application/json' }),
    });
  }
}

// ---------------------------------------------------------------- run

const MIXED_VALID: Record<string, unknown>[] = [];
let rulesBefore = '';
let listBefore = '';

beforeAll(async () => {
  engine = await startTestEngine(config);
  const as = (key: string) => ({ authorization: `Bearer ${key}`, 'content-type': 'application/json' });
  const list = await engine.app.inject({ method: 'POST', url: '/v1/lists', headers: as(RISK_ADMIN_KEY), payload: JSON.stringify({ name: LIST, purpose: 'block', kind: 'device', description: 'probe list' }) });
  expect(list.statusCode, list.body).toBeLessThan(300);
  const entry = await engine.app.inject({ method: 'POST', url: `/v1/lists/${LIST}/entries`, headers: as(RISK_KEY), payload: JSON.stringify({ value: 'dev-keep', reason: 'kept', expires_at: future }) });
  expect(entry.statusCode, entry.body).toBeLessThan(300);
  const camp = await engine.app.inject({ method: 'POST', url: '/v1/campaigns', headers: as(MARKETING_KEY), payload: JSON.stringify({ ...BASE_CAMPAIGN, id: CAMPAIGN }) });
  expect(camp.statusCode, camp.body).toBeLessThan(300);
  const models = await engine.app.inject({ url: '/v1/models', headers: as(RISK_KEY) });
  const names = JSON.stringify(models.json()).match(/"name":"([a-z0-9_]{1,64})"/);
  if (names) modelName = names[1]!;
  rulesBefore = (await engine.app.inject({ url: '/v1/rules', headers: as(RISK_KEY) })).body;
  listBefore = (await engine.app.inject({ url: `/v1/lists/${LIST}/entries`, headers: as(RISK_KEY) })).body;
}, 60_000);

afterAll(async () => {
  await engine?.dispose();
});

describe('bad input on every route gets a clear 4xx', () => {
  for (const p of probes) {
    it(p.id, async () => {
      const answer = await send(p);
      const problem = (p.check ?? clear4xx)(answer);
      const url = typeof p.url === 'function' ? p.url() : p.url;
      expect(problem, `${p.method} ${trunc(url, 120)} ${trunc(describeInput(p), 200)} -> ${answer.status} ${trunc(answer.body, 300)}`).toBeUndefined();
    }, PROBE_TIMEOUT_MS + 5_000);
  }
});

describe('batches', () => {
  const post = (events: unknown[]) => send({ method: 'POST', url: '/v1/events', key: INGEST_KEY, body: JSON.stringify({ events }) });

  it('one invalid event among valid ones: the valid ones accepted (202, as documented) and the invalid one rejected by index with a reason', async () => {
    const valid = [event({ customer_id: 'probe-mix-1' }), event({ customer_id: 'probe-mix-2' }), event({ customer_id: 'probe-mix-3' })];
    const answer = await post([valid[0], valid[1], { ...event(), amount: '12.345.6' }, valid[2]]);
    const body = json(answer) as { accepted?: number; rejected?: { index: number; errors: string[] }[] } | undefined;
    expect(answer.status, answer.body).toBe(202);
    expect(body?.accepted).toBe(3);
    expect(body?.rejected?.map((r) => r.index)).toEqual([2]);
    expect(body?.rejected?.[0]?.errors.join(' ')).toMatch(/amount/);
    MIXED_VALID.push(...valid);
  });

  it('the same event twice in one batch is kept once', async () => {
    const e = event({ customer_id: 'probe-dup-1' });
    const answer = await post([e, e]);
    expect(answer.status).toBe(202);
    expect(json(answer)).toMatchObject({ accepted: 1, duplicates: 1 });
  });

  it('one event_id twice in one batch with different content is not silently dropped as a duplicate', async () => {
    const e = event({ customer_id: 'probe-dup-2' });
    const answer = await post([e, { ...e, amount: '9999.00' }]);
    expect(answer.status, answer.body).toBe(202);
    expect(json(answer)).toMatchObject({ accepted: 1, duplicates: 0, rejected: [{ index: 1, code: 'EVENT_ID_CONFLICT', errors: [expect.stringMatching(/index 0 of this batch/)] }] });
  });

  it('one event_id twice in one batch for two customers is refused (EVENT_ID_CONFLICT), not accepted twice or silently dropped', async () => {
    const e = event({ customer_id: 'probe-dup-3' });
    const answer = await post([e, { ...e, customer_id: 'probe-dup-4' }]);
    const problem = answer.status === 202 && /"rejected":\[\]/.test(answer.body)
      ? `2XX-FOR-INVALID: same event_id for two customers in one batch accepted without a rejection` : answer.status >= 500 ? `5XX: ${answer.status}` : undefined;
    expect(problem, answer.body).toBeUndefined();
  });
});

describe('the answers to what this probe first found', () => {
  const message = (a: Answer) => String(json(a)?.message ?? '');

  it('customer routes refuse an id events would refuse, alerts, events and offers too (400, the shared id rules)', async () => {
    for (const [path, key] of [['alerts', RISK_KEY], ['events', RISK_KEY], ['offers', MARKETING_KEY], ['activity', RISK_KEY], ['features', RISK_KEY]] as const) {
      const a = await send({ method: 'GET', url: `/v1/customers/%3Cscript%3E/${path}`, key });
      expect(a.status, `${path}: ${a.body}`).toBe(400);
      expect(message(a)).toMatch(/only letters, digits and \. _ : @ - are allowed/);
    }
  });

  it('a Content-Encoding other than identity is 415 on every route; identity is read as usual', async () => {
    for (const [method, url, key, body] of [['POST', '/v1/events', INGEST_KEY, JSON.stringify(event())], ['GET', '/v1/alerts', RISK_KEY, undefined]] as const) {
      const a = await send({ method, url, key, headers: { 'content-encoding': 'gzip' }, ...(body ? { body } : {}) });
      expect(a.status, a.body).toBe(415);
      expect(json(a)).toMatchObject({ error: 'UNSUPPORTED_CONTENT_ENCODING', message: expect.stringMatching(/"gzip" is not accepted.*uncompressed/) });
    }
    const plain = await send({ method: 'POST', url: '/v1/events', key: INGEST_KEY, headers: { 'content-encoding': 'identity' }, body: JSON.stringify(event()) });
    expect(plain.status, plain.body).toBe(202);
  });

  it('amounts: spaces around one are refused, a missing or non-decimal one says what is expected', async () => {
    const spaced = await send({ method: 'POST', url: '/v1/decisions', key: INGEST_KEY, body: JSON.stringify(event({ amount: ' 12.50' })) });
    expect(spaced.status).toBe(400);
    expect(message(spaced)).toMatch(/amount " 12.50" has spaces around it/);
    const missing = await send({ method: 'POST', url: '/v1/events', key: INGEST_KEY, body: JSON.stringify(event({ amount: undefined })) });
    expect(message(missing)).toMatch(/amount: required, a decimal string such as "125.40"/);
    const infinite = await send({ method: 'POST', url: '/v1/events', key: INGEST_KEY, body: withRawAmount('1e400') });
    expect(message(infinite)).toMatch(/amount: must be a decimal string such as "125.40".*not an infinite number/);
  });

  it('rule sets: the challenger refuses an empty set as publishing does; errors name the rule set, not an event', async () => {
    const empty = await send({ method: 'PUT', url: '/v1/rules/challenger', key: RISK_ADMIN_KEY, body: JSON.stringify({ format: 'yaml', text: 'version: "probe-empty"\nrules: []\n' }) });
    expect(empty.status, empty.body).toBe(400);
    expect(message(empty)).toMatch(/has no rules.*allow_empty=true/);
    const scalar = await send({ method: 'PUT', url: '/v1/rules', key: RISK_ADMIN_KEY, body: JSON.stringify({ format: 'yaml', text: 'just a string' }) });
    expect(message(scalar)).toMatch(/^\(rule set\): /);
  });

  it('backtests: a range over 400 days is refused, and dates say what is expected', async () => {
    const long = await send({ method: 'POST', url: '/v1/rules/backtests', key: RISK_KEY, body: JSON.stringify({ from: '2024-01-01', to: '2026-01-01' }) });
    expect(long.status, long.body).toBe(400);
    expect(message(long)).toMatch(/at most 400 days/);
    const bad = await send({ method: 'POST', url: '/v1/models/training-exports', key: RISK_ADMIN_KEY, body: JSON.stringify({ from: 'not-a-date', to: '2026-01-02' }) });
    expect(message(bad)).toMatch(/from must be an ISO date .* RFC 3339 date-time/);
  });

  it('GET /v1/alerts with from after to is a 400', async () => {
    const a = await send({ method: 'GET', url: '/v1/alerts?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', key: RISK_KEY });
    expect(a.status).toBe(400);
    expect(message(a)).toMatch(/to must not be earlier than from/);
  });

  it('an import of which every row is rejected is 400 NO_PROFILE_IMPORTED with the report per row', async () => {
    const a = await send({ method: 'POST', url: '/v1/customers/import', key: MARKETING_KEY, body: '{"profiles":[1,2]}' });
    expect(a.status).toBe(400);
    expect(json(a)).toMatchObject({ error: 'NO_PROFILE_IMPORTED', imported: 0, rejected: 2, results: [{ index: 0, status: 'rejected' }, { index: 1, status: 'rejected' }] });
  });
});

describe('after all the probes', () => {
  it('still answers /healthz and /readyz', async () => {
    expect((await engine.app.inject('/healthz')).statusCode).toBe(200);
    const ready = await engine.app.inject('/readyz');
    expect(ready.statusCode, ready.body).toBe(200);
  });

  it('still accepts and processes a valid event, and processed the valid events of the mixed batch', async () => {
    const e = event({ customer_id: 'probe-after-1' });
    const res = await send({ method: 'POST', url: '/v1/events', key: INGEST_KEY, body: JSON.stringify(e) });
    expect(res.status, res.body).toBe(202);
    expect(json(res)).toMatchObject({ accepted: 1 });
    const all = [e, ...MIXED_VALID] as { event_id: string; customer_id: string }[];
    const applied = () => Promise.all(all.map(({ event_id, customer_id }) =>
      engine.redis.exists(partitionKeys(config.redis.prefix, partitionOf(customer_id, config.partitions)).appliedPrefix + event_id)));
    await eventually(applied, (found) => found.every((n) => n === 1), 20_000);
  });

  it('no probe changed the published rules or the list entries', async () => {
    const as = { authorization: `Bearer ${RISK_KEY}` };
    expect((await engine.app.inject({ url: '/v1/rules', headers: as })).body).toBe(rulesBefore);
    // The only entries added since are the valid rows of the CSV probes (a mixed file imports its valid rows).
    const entries = (await engine.app.inject({ url: `/v1/lists/${LIST}/entries`, headers: as })).json() as { entries: { value: string }[] };
    const kept = (JSON.parse(listBefore) as { entries: { value: string }[] }).entries.map((e) => e.value);
    expect(kept).toEqual(['dev-keep']);
    expect(entries.entries.map((e) => e.value).filter((v) => !['dev-keep', 'dev-q6', 'dev-q12', 'dev-bom', 'dev-crlf'].includes(v))).toEqual([]);
    expect(entries.entries.map((e) => e.value)).toContain('dev-keep');
  });
});
