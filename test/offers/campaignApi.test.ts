import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stringify as toYaml } from 'yaml';
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { createLogger } from '../../core/observability/index.js';
import { CampaignRegistry, campaignRoutes } from '../../offers/index.js';
import { buildApp } from '../../server/app.js';
import { ADMIN_KEY, MARKETING_KEY, REDIS_URL, RISK_KEY, dropPrefix, uniquePrefix, testAppOptions } from '../support/testEngine.js';
import { BASE_CAMPAIGN } from './fixtures.js';

let prefix: string;
let redis: Redis;
let campaigns: CampaignRegistry;
let app: FastifyInstance;

beforeEach(async () => {
  prefix = uniquePrefix('campaignapi');
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 3 });
  const log = createLogger('silent');
  campaigns = new CampaignRegistry({ redis, prefix, log, pollMs: 60_000 });
  await campaigns.start();
  app = await buildApp(testAppOptions([
    async (scope) => campaignRoutes(scope, { campaigns }),
    // A neighbouring JSON-only route: the YAML parser must stay inside the campaign routes.
    async (scope) => {
      scope.withTypeProvider<ZodTypeProvider>().post('/v1/neighbour', { schema: { body: z.object({ a: z.number() }) }, handler: async () => ({ ok: true }) });
    },
  ], { logger: log }));
});
afterEach(async () => {
  campaigns.stop();
  await app.close();
  await dropPrefix(prefix);
  redis.disconnect();
});

const auth = (key: string) => ({ authorization: `Bearer ${key}` });
// A change is recorded under the key's holder (anna.marketing holds MARKETING_KEY, platform-admin
// ADMIN_KEY); the X-Vigil-Actor header sent along is ignored.
const as = (key: string, extra: Record<string, string> = {}) => ({ ...auth(key), 'x-vigil-actor': 'admin:chief-marketing-officer', ...extra });
const marketing = (extra: Record<string, string> = {}) => as(MARKETING_KEY, extra);
const create = (body: unknown, headers: Record<string, string> = marketing()) => app.inject({ method: 'POST', url: '/v1/campaigns', payload: body as object, headers });

describe('campaign API roles', () => {
  const routes = [
    ['GET', '/v1/campaigns'], ['GET', '/v1/campaigns/savings-boost'], ['POST', '/v1/campaigns'], ['PUT', '/v1/campaigns/savings-boost'],
    ['POST', '/v1/campaigns/savings-boost/state'], ['GET', '/v1/campaigns/audit'],
  ] as const;

  it.each(routes)('%s %s answers 401 without an API key and 403 to the risk role', async (method, url) => {
    expect((await app.inject({ method, url })).statusCode).toBe(401);
    const forbidden = await app.inject({ method, url, headers: auth(RISK_KEY) });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().error).toBe('FORBIDDEN');
  });

  it('lets marketing and admins in', async () => {
    expect((await app.inject({ url: '/v1/campaigns', headers: auth(MARKETING_KEY) })).statusCode).toBe(200);
    expect((await app.inject({ url: '/v1/campaigns', headers: auth(ADMIN_KEY) })).json()).toEqual({ campaigns: [] });
  });
});

describe('creating and changing campaigns over HTTP', () => {
  it('creates a campaign (201, draft by default), lists it and answers it with its revision as ETag', async () => {
    const { state: _state, ...draft } = BASE_CAMPAIGN;
    const created = await create(draft);
    expect(created.statusCode).toBe(201);
    expect(created.headers.etag).toBe('"1"');
    expect(created.json()).toMatchObject({ revision: 1, createdBy: 'marketing:anna.marketing', campaign: { id: 'savings-boost', state: 'draft' } });

    const list = await app.inject({ url: '/v1/campaigns', headers: auth(ADMIN_KEY) });
    expect(list.json().campaigns).toEqual([{
      id: 'savings-boost', name: 'Savings boost', state: 'draft', priority: 50, revision: 1,
      updatedAt: expect.any(String), updatedBy: 'marketing:anna.marketing',
    }]);
    const one = await app.inject({ url: '/v1/campaigns/savings-boost', headers: auth(MARKETING_KEY) });
    expect(one.json().campaign.eligibility.kyc_verified_required).toBe(true);
    expect((await create(draft)).json()).toMatchObject({ error: 'CAMPAIGN_EXISTS' });
    expect(campaigns.current().map((c) => c.id)).toEqual(['savings-boost']);
  });

  it('accepts a YAML body with Content-Type application/yaml, and reports YAML syntax errors as 400', async () => {
    const yaml = toYaml({ ...BASE_CAMPAIGN, id: 'from-yaml', state: 'active' });
    const res = await app.inject({ method: 'POST', url: '/v1/campaigns', payload: yaml, headers: marketing({ 'content-type': 'application/yaml' }) });
    expect(res.statusCode).toBe(201);
    expect(res.json().campaign).toMatchObject({ id: 'from-yaml', state: 'active', caps: { cooldown: '30d' } });

    const broken = await app.inject({ method: 'POST', url: '/v1/campaigns', payload: 'id: a\nid: b\n', headers: marketing({ 'content-type': 'application/yaml' }) });
    expect(broken.statusCode).toBe(400);
    expect(broken.json()).toMatchObject({ error: 'INVALID_CAMPAIGN', errors: [expect.stringMatching(/^YAML syntax: .*unique/i)] });
  });

  it('keeps YAML out of other routes: a neighbouring JSON route still answers 415', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/neighbour', payload: 'a: 1', headers: { 'content-type': 'application/yaml' } });
    expect(res.statusCode).toBe(415);
  });

  it('answers 400 INVALID_CAMPAIGN listing every problem with its path, an unknown feature with a suggestion', async () => {
    const res = await create({
      ...BASE_CAMPAIGN, priority: 5000, colour: 'red',
      trigger: { event_types: ['login'], condition: { field: 'features.score_chrun', op: 'gte', value: 0.6 } },
    });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error).toBe('INVALID_CAMPAIGN');
    expect(body.errors).toEqual(expect.arrayContaining([expect.stringMatching(/^priority: Too big/), '(campaign): unknown field(s) colour']));

    const feature = (await create({ ...BASE_CAMPAIGN, trigger: { event_types: ['login'], condition: { field: 'features.score_chrun', op: 'gte', value: 0.6 } } })).json();
    expect(feature.errors).toEqual(['trigger.condition.field: unknown feature "score_chrun" (did you mean "score_churn"?)']);
    expect(feature.message).toContain('score_churn');
    const notAnObject = await app.inject({ method: 'POST', url: '/v1/campaigns', payload: '["travel-card"]', headers: marketing({ 'content-type': 'application/json' }) });
    expect(notAnObject.json()).toMatchObject({ error: 'INVALID_CAMPAIGN', errors: ["(campaign): expected an object with the campaign's fields"] });
  });

  it('records every change under the API key\'s holder, with or without an X-Vigil-Actor header', async () => {
    await create(BASE_CAMPAIGN, auth(MARKETING_KEY));
    const replaced = await app.inject({ method: 'PUT', url: '/v1/campaigns/savings-boost', payload: { ...BASE_CAMPAIGN, priority: 60 }, headers: as(ADMIN_KEY) });
    expect(replaced.statusCode, replaced.body).toBe(200);
    const audit = (await app.inject({ url: '/v1/campaigns/audit?campaign_id=savings-boost', headers: auth(MARKETING_KEY) })).json().entries;
    expect(audit.map((e: { actor: string }) => e.actor)).toEqual(['admin:platform-admin', 'marketing:anna.marketing']);
  });

  it('replaces with If-Match: 200 on the current revision, 409 on a stale one', async () => {
    await create(BASE_CAMPAIGN);
    const put = (ifMatch: string, priority: number) => app.inject({
      method: 'PUT', url: '/v1/campaigns/savings-boost', payload: { ...BASE_CAMPAIGN, priority }, headers: as(ADMIN_KEY, { 'if-match': ifMatch }),
    });
    const fresh = await put('"1"', 60);
    expect(fresh.statusCode).toBe(200);
    expect(fresh.headers.etag).toBe('"2"');
    expect(fresh.json()).toMatchObject({ revision: 2, updatedBy: 'admin:platform-admin', campaign: { priority: 60 } });
    const stale = await put('1', 70);
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ error: 'STALE_REVISION' });
    expect((await put('soon', 70)).statusCode).toBe(400);
    const mismatch = await app.inject({ method: 'PUT', url: '/v1/campaigns/savings-boost', payload: { ...BASE_CAMPAIGN, id: 'other' }, headers: marketing() });
    expect(mismatch.json()).toMatchObject({ error: 'INVALID_CAMPAIGN', errors: ['id: "other" in the body differs from "savings-boost" in the path'] });
    expect(campaigns.current()[0]?.priority).toBe(60);
  });

  it('changes state, refuses a return to draft after activity with 409, and shows it all in the audit trail', async () => {
    await create({ ...BASE_CAMPAIGN, state: 'draft' });
    const state = (to: string, key = MARKETING_KEY) =>
      app.inject({ method: 'POST', url: '/v1/campaigns/savings-boost/state', payload: { state: to }, headers: as(key) });
    expect((await state('active')).json().campaign.state).toBe('active');
    expect((await state('paused', ADMIN_KEY)).statusCode).toBe(200);
    const back = await state('draft');
    expect(back.statusCode).toBe(409);
    expect(back.json()).toMatchObject({ error: 'ILLEGAL_STATE_CHANGE' });
    expect((await state('archived')).statusCode).toBe(400);

    const audit = await app.inject({ url: '/v1/campaigns/audit?campaign_id=savings-boost&limit=2', headers: auth(MARKETING_KEY) });
    expect(audit.json().entries).toEqual([
      expect.objectContaining({ action: 'state_changed', actor: 'admin:platform-admin', fromState: 'active', toState: 'paused', revision: 3 }),
      expect.objectContaining({ action: 'state_changed', actor: 'marketing:anna.marketing', fromState: 'draft', toState: 'active', revision: 2 }),
    ]);
    expect((await app.inject({ url: '/v1/campaigns/audit?limit=0', headers: auth(MARKETING_KEY) })).statusCode).toBe(400);
  });

  it('answers 404 for an unknown campaign and 400 for a malformed id', async () => {
    expect((await app.inject({ url: '/v1/campaigns/unknown', headers: auth(MARKETING_KEY) })).json()).toMatchObject({ error: 'CAMPAIGN_NOT_FOUND' });
    const bad = await app.inject({ url: '/v1/campaigns/Not_A_Slug', headers: auth(MARKETING_KEY) });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: 'INVALID_CAMPAIGN', errors: [expect.stringMatching(/^id: a slug/)] });
    const put = await app.inject({ method: 'PUT', url: '/v1/campaigns/unknown', payload: BASE_CAMPAIGN, headers: marketing() });
    expect(put.statusCode).toBe(404);
  });

  it('documents every campaign route in the OpenAPI document under the campaigns tag', async () => {
    const doc = (await app.inject({ url: '/openapi.json', headers: auth(MARKETING_KEY) })).json();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/campaigns', '/v1/campaigns/{id}', '/v1/campaigns/{id}/state', '/v1/campaigns/audit']));
    expect(doc.paths['/v1/campaigns'].post.tags).toEqual(['campaigns']);
    expect(doc.paths['/v1/campaigns'].post.requestBody.content['application/json'].schema.properties).toHaveProperty('trigger');
  });
});
