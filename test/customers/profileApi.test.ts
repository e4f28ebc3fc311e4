import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MAX_IMPORT_ROWS, ProfileStore, customerProfileRoutes } from '../../customers/index.js';
import { buildApp } from '../../server/app.js';
import { ADMIN_KEY, INGEST_KEY, MARKETING_KEY, REDIS_URL, RISK_KEY, SRE_KEY, dropPrefix, uniquePrefix, testAppOptions } from '../support/testEngine.js';

// The customer profile routes on the real app shell (auth, error handler, zod validation) over a
// real Redis under a prefix of their own.

let redis: Redis;
let prefix: string;
let profiles: ProfileStore;
let app: FastifyInstance;

const BODY_LIMIT = 2 * 1024 * 1024;
const auth = (key: string) => ({ authorization: `Bearer ${key}` });

beforeAll(() => {
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 3 });
});
afterAll(async () => redis.quit());
beforeEach(async () => {
  prefix = uniquePrefix('profileapi');
  profiles = new ProfileStore(redis, { prefix, partitions: 4 });
  app = await buildApp(testAppOptions([async (scope) => customerProfileRoutes(scope, { profiles })], { env: { VIGIL_BODY_LIMIT_BYTES: String(BODY_LIMIT) } }));
});
afterEach(async () => {
  await app.close();
  await dropPrefix(prefix);
});

const putProfile = (customerId: string, body: unknown, key = MARKETING_KEY, actor?: string) =>
  app.inject({
    method: 'PUT', url: `/v1/customers/${customerId}`, payload: body as object,
    headers: { ...auth(key), ...(actor ? { 'x-vigil-actor': actor } : {}) },
  });
const ndjson = (text: string, key = MARKETING_KEY) =>
  app.inject({ method: 'POST', url: '/v1/customers/import', payload: text, headers: { ...auth(key), 'content-type': 'application/x-ndjson' } });

describe('customer profile API roles', () => {
  it.each([
    ['PUT', '/v1/customers/c-1'], ['GET', '/v1/customers/c-1'], ['GET', '/v1/customers/c-1/profile-history'], ['POST', '/v1/customers/import'],
  ] as const)('%s %s answers 401 without an API key and 403 to ingest and sre', async (method, url) => {
    expect((await app.inject({ method, url })).statusCode).toBe(401);
    for (const key of [INGEST_KEY, SRE_KEY]) {
      const forbidden = await app.inject({ method, url, headers: auth(key) });
      expect(forbidden.statusCode).toBe(403);
      expect(forbidden.json().error).toBe('FORBIDDEN');
    }
  });

  it('lets risk officers read profiles but not write them', async () => {
    expect((await putProfile('c-1', { age: 40 }, RISK_KEY)).statusCode).toBe(403);
    expect((await putProfile('c-1', { age: 40 }, ADMIN_KEY)).statusCode).toBe(201);
    expect((await app.inject({ url: '/v1/customers/c-1', headers: auth(RISK_KEY) })).statusCode).toBe(200);
  });
});

describe('PUT and GET /v1/customers/:customerId', () => {
  it('creates with 201, updates with 200, and shows which key\'s holder changed it when, whatever X-Vigil-Actor claims', async () => {
    const created = await putProfile('c-1', { language: 'en', time_zone: 'Europe/Lisbon', marketing_consent: { email: true } }, ADMIN_KEY, 'crm-sync');
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual({ customer_id: 'c-1', version: 1, status: 'created' });

    const updated = await putProfile('c-1', { language: 'pt', time_zone: 'Europe/Lisbon' });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toEqual({ customer_id: 'c-1', version: 2, status: 'updated' });
    expect((await putProfile('c-1', { time_zone: 'Europe/Lisbon', language: 'pt' })).json().status).toBe('unchanged');

    const read = await app.inject({ url: '/v1/customers/c-1', headers: auth(MARKETING_KEY) });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({ customer_id: 'c-1', version: 2, updated_by: 'marketing:anna.marketing', profile: { language: 'pt', time_zone: 'Europe/Lisbon' } });
    expect(Date.parse(read.json().updated_at)).not.toBeNaN();

    const history = await app.inject({ url: '/v1/customers/c-1/profile-history?limit=5', headers: auth(RISK_KEY) });
    expect(history.json()).toEqual({
      customer_id: 'c-1',
      versions: [expect.objectContaining({ version: 1, updated_by: 'admin:platform-admin', profile: expect.objectContaining({ language: 'en' }) })],
    });
  });

  it('answers 400 naming the bad field, e.g. an unknown time zone, and stores nothing', async () => {
    const bad = await putProfile('c-1', { time_zone: 'Mars/Olympus_Mons' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain('time_zone');
    expect(bad.json().message).toContain('IANA time zone');

    const unknownField = await putProfile('c-1', { favourite_colour: 'blue' });
    expect(unknownField.statusCode).toBe(400);
    expect(unknownField.json().message).toContain('favourite_colour');
    expect((await app.inject({ url: '/v1/customers/c-1', headers: auth(MARKETING_KEY) })).statusCode).toBe(404);
  });

  it('answers 400 to a customer id events would refuse, and to an empty body', async () => {
    const badId = await putProfile('not%20valid', { age: 3 });
    expect(badId.statusCode).toBe(400);
    expect(badId.json().message).toContain('customerId');
    const empty = await app.inject({
      method: 'PUT', url: '/v1/customers/c-1', payload: '', headers: { ...auth(MARKETING_KEY), 'content-type': 'application/json' },
    });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().message).toContain('empty');
  });

  it('answers 409 STALE_PROFILE_VERSION to an older CRM record and keeps the newer one', async () => {
    expect((await putProfile('c-1', { age: 41, version: 7 })).statusCode).toBe(201);
    const stale = await putProfile('c-1', { age: 40, version: 6 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toEqual({ error: 'STALE_PROFILE_VERSION', message: expect.stringContaining('version 7') });
    expect((await app.inject({ url: '/v1/customers/c-1', headers: auth(MARKETING_KEY) })).json()).toMatchObject({ version: 7, profile: { age: 41 } });
  });

  it('answers 404 for a customer without a profile, on the profile and its history', async () => {
    const missing = await app.inject({ url: '/v1/customers/nobody', headers: auth(MARKETING_KEY) });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error).toBe('PROFILE_NOT_FOUND');
    expect((await app.inject({ url: '/v1/customers/nobody/profile-history', headers: auth(MARKETING_KEY) })).statusCode).toBe(404);
  });
});

describe('POST /v1/customers/import', () => {
  it('imports NDJSON, reporting a bad line by its number and storing the others', async () => {
    await profiles.put('c-old', { age: 70, version: 9 }, 'crm');
    const text = [
      '{"customer_id":"c-1","language":"en","opted_out":false}',
      '',
      '{"customer_id":"c-2","time_zone":"Not/AZone"}',
      '{"customer_id":"c-3","kyc_status":"verified","birthday":"1990-02-28"}',
      '{"customer_id":"c-old","age":69,"version":8}',
      '{"customer_id":"c-4",',
      '{"customer_id":"c-5","colour":"blue"}',
    ].join('\n');
    const res = await ndjson(text);
    expect(res.statusCode).toBe(200);
    const report = res.json();
    expect(report).toMatchObject({ imported: 2, unchanged: 0, stale: 1, rejected: 3 });
    expect(report.results).toEqual([
      { line: 1, customer_id: 'c-1', status: 'created', version: 1 },
      { line: 3, customer_id: 'c-2', status: 'rejected', errors: [expect.stringMatching(/^time_zone: .*IANA/)] },
      { line: 4, customer_id: 'c-3', status: 'created', version: 1 },
      { line: 5, customer_id: 'c-old', status: 'stale', version: 8, current_version: 9 },
      { line: 6, customer_id: null, status: 'rejected', errors: ['line is not valid JSON'] },
      { line: 7, customer_id: 'c-5', status: 'rejected', errors: ['row: unknown field(s) colour'] },
    ]);
    expect((await profiles.get('c-3'))?.profile).toEqual({ kyc_status: 'verified', birthday: '1990-02-28' });
    expect(await profiles.get('c-2')).toBeUndefined();
    expect((await profiles.get('c-1'))?.updatedBy).toBe('marketing:anna.marketing');
  });

  it('imports JSON {profiles: [...]}, reporting bad rows by index with the field path', async () => {
    const res = await app.inject({
      method: 'POST', url: '/v1/customers/import', headers: { ...auth(ADMIN_KEY), 'x-vigil-actor': 'nightly-crm' },
      payload: {
        profiles: [
          { customer_id: 'c-1', profile: { risk_tolerance: 'high', quiet_hours: { start: '22:00', end: '07:00' } } },
          { customer_id: 'c-2', profile: { quiet_hours: { start: '22:00', end: '22:00' } } },
          { customer_id: 'bad id', profile: {} },
          { customer_id: 'c-1', profile: { risk_tolerance: 'high', quiet_hours: { start: '22:00', end: '07:00' } } },
        ],
      },
    });
    expect(res.statusCode).toBe(200);
    const report = res.json();
    expect(report).toMatchObject({ imported: 1, unchanged: 1, stale: 0, rejected: 2 });
    expect(report.results[1]).toEqual({ index: 1, customer_id: 'c-2', status: 'rejected', errors: [expect.stringMatching(/^profile\.quiet_hours: /)] });
    expect(report.results[2]).toMatchObject({ index: 2, customer_id: 'bad id', status: 'rejected', errors: [expect.stringMatching(/^customer_id: /)] });
    expect(report.results[3]).toEqual({ index: 3, customer_id: 'c-1', status: 'unchanged', version: 1 });
    // The header is ignored: the admin key's configured name is the actor.
    expect((await profiles.get('c-1'))?.updatedBy).toBe('admin:platform-admin');
  });

  it('answers 400 to an empty import, in either format', async () => {
    for (const res of [
      await ndjson('\n  \n'),
      await app.inject({ method: 'POST', url: '/v1/customers/import', payload: { profiles: [] }, headers: auth(MARKETING_KEY) }),
      await app.inject({ method: 'POST', url: '/v1/customers/import', payload: '', headers: { ...auth(MARKETING_KEY), 'content-type': 'application/json' } }),
    ]) {
      expect(res.statusCode).toBe(400);
      expect(res.json().message).toMatch(/empty|no profiles/);
    }
  });

  it('answers 400 to JSON that is not {profiles: [...]}', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/customers/import', payload: [{ customer_id: 'c-1' }], headers: auth(MARKETING_KEY) });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toContain('profiles');
  });

  it('answers 400 NO_PROFILE_IMPORTED when every row is rejected, with the report per row; a JSON string is not NDJSON', async () => {
    const json = await app.inject({ method: 'POST', url: '/v1/customers/import', payload: { profiles: [1, { customer_id: 'a b', profile: {} }] }, headers: auth(MARKETING_KEY) });
    expect(json.statusCode).toBe(400);
    expect(json.json()).toMatchObject({
      error: 'NO_PROFILE_IMPORTED', message: expect.stringMatching(/none of the 2 rows/), imported: 0, rejected: 2,
      results: [{ index: 0, status: 'rejected', errors: ['row must be a JSON object'] }, { index: 1, status: 'rejected', errors: [expect.stringMatching(/^customer_id: only letters/)] }],
    });
    const lines = await ndjson('[1,2]\n');
    expect(lines.statusCode).toBe(400);
    expect(lines.json()).toMatchObject({ error: 'NO_PROFILE_IMPORTED', results: [{ line: 1, status: 'rejected' }] });
    const string = await app.inject({ method: 'POST', url: '/v1/customers/import', payload: '"x"', headers: { ...auth(MARKETING_KEY), 'content-type': 'application/json' } });
    expect(string.statusCode).toBe(400);
    expect(string.json().message).toMatch(/body must be \{"profiles"/);
  });

  it(`answers 413 to more than ${MAX_IMPORT_ROWS} rows or a body over the limit, and stores nothing`, async () => {
    const tooMany = Array.from({ length: MAX_IMPORT_ROWS + 1 }, (_, i) => `{"customer_id":"c-${i}"}`).join('\n');
    const rows = await ndjson(tooMany);
    expect(rows.statusCode).toBe(413);
    expect(rows.json()).toMatchObject({ error: 'IMPORT_TOO_LARGE', message: expect.stringContaining(String(MAX_IMPORT_ROWS)) });
    expect(await profiles.get('c-0')).toBeUndefined();

    const huge = await ndjson(`{"customer_id":"c-1","relationship_manager":"${'x'.repeat(BODY_LIMIT)}"}`);
    expect(huge.statusCode).toBe(413);
    expect(huge.json().message).toContain('limit');
  });

  it('refuses content types other than JSON and NDJSON with 415', async () => {
    const res = await app.inject({
      method: 'POST', url: '/v1/customers/import', payload: 'customer_id,age\nc-1,3', headers: { ...auth(MARKETING_KEY), 'content-type': 'text/csv' },
    });
    expect(res.statusCode).toBe(415);
  });
});
