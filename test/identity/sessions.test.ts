import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine, testConfig, RISK_KEY } from '../support/testEngine.js';
import { TEST_USERS, testUserSettings } from '../support/testUsers.js';
import { LOGIN_ATTEMPTS_PER_MINUTE } from '../../identity/routes.js';

let engine: Awaited<ReturnType<typeof startTestEngine>>;

beforeAll(async () => {
  engine = await startTestEngine(testConfig(await testUserSettings()));
});
afterAll(async () => {
  await engine?.dispose();
});

const cookieOf = (res: LightMyRequestResponse) => {
  const set = res.headers['set-cookie'];
  const line = (Array.isArray(set) ? set : [set]).find((c) => c?.startsWith('vigil_session='));
  if (!line) throw new Error(`no session cookie in ${JSON.stringify(set)}`);
  return { header: line.split(';')[0]!, line };
};

async function signIn(user: { name: string; password: string }) {
  const res = await engine.app.inject({ method: 'POST', url: '/auth/login', payload: { name: user.name, password: user.password } });
  expect(res.statusCode).toBe(200);
  return { cookie: cookieOf(res).header, csrf: res.json().csrfToken as string, line: cookieOf(res).line, body: res.json() };
}

const addEntry = (headers: Record<string, string>, value: string) => engine.app.inject({
  method: 'POST', url: '/v1/lists/watched-customers/entries', headers,
  payload: { value, reason: 'seen in a mule ring', expires_at: new Date(Date.now() + 86_400_000).toISOString() },
});

describe('console sessions', () => {
  it('signs a local user in with an httpOnly, SameSite=Lax cookie and says who they are', async () => {
    const { line, cookie, body } = await signIn(TEST_USERS.officer);
    expect(line).toMatch(/HttpOnly/i);
    expect(line).toMatch(/SameSite=Lax/i);
    expect(line).toMatch(/Max-Age=28800|Expires=/i);
    expect(body).toMatchObject({ name: 'olivia.officer', roles: ['risk'], kind: 'user', via: 'local' });
    const me = await engine.app.inject({ method: 'GET', url: '/v1/session', headers: { cookie } });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ name: 'olivia.officer', roles: ['risk'], kind: 'user' });
    expect(me.json().csrfToken).toEqual(expect.any(String));
  });

  it('refuses a wrong password and an unknown name alike, without a session', async () => {
    for (const payload of [{ name: 'olivia.officer', password: 'guess' }, { name: 'nobody', password: 'guess' }]) {
      const res = await engine.app.inject({ method: 'POST', url: '/auth/login', payload });
      expect(res.statusCode).toBe(401);
      expect(res.json().message).toBe('wrong name or password');
      expect(res.headers['set-cookie']).toBeUndefined();
    }
  });

  it('refuses a change made with the session cookie but without its CSRF token, and records the user as actor with it', async () => {
    const { cookie, csrf } = await signIn(TEST_USERS.officer);
    const forged = await addEntry({ cookie }, 'cust-csrf-1');
    expect(forged.statusCode).toBe(403);
    const wrong = await addEntry({ cookie, 'x-csrf-token': 'not-the-token' }, 'cust-csrf-1');
    expect(wrong.statusCode).toBe(403);
    const ok = await addEntry({ cookie, 'x-csrf-token': csrf, 'x-vigil-actor': 'admin:someone-else' }, 'cust-csrf-1');
    expect(ok.statusCode).toBe(201);
    expect(ok.json().added_by).toBe('risk:olivia.officer');
  });

  it('keeps API keys working for machines without any CSRF token', async () => {
    const res = await addEntry({ authorization: `Bearer ${RISK_KEY}` }, 'cust-key-1');
    expect(res.statusCode).toBe(201);
    expect(res.json().added_by).toBe('risk:officer.jones');
  });

  it('lets a user reach only the routes of their roles, acting in the first of their roles the route allows', async () => {
    const marketer = await signIn(TEST_USERS.marketer);
    expect((await engine.app.inject({ method: 'GET', url: '/v1/alerts', headers: { cookie: marketer.cookie } })).statusCode).toBe(403);
    expect((await engine.app.inject({ method: 'GET', url: '/v1/campaigns', headers: { cookie: marketer.cookie } })).statusCode).toBe(200);
    const lead = await signIn(TEST_USERS.riskLead2);
    const res = await addEntry({ cookie: lead.cookie, 'x-csrf-token': lead.csrf }, 'cust-lead-1');
    expect(res.json().added_by).toBe('risk-admin:raj.lead');
  });

  it('ends the session on sign-out, on this and every other request', async () => {
    const { cookie, csrf } = await signIn(TEST_USERS.sre);
    expect((await engine.app.inject({ method: 'GET', url: '/v1/dead-letters', headers: { cookie } })).statusCode).toBe(200);
    const out = await engine.app.inject({ method: 'POST', url: '/auth/logout', headers: { cookie, 'x-csrf-token': csrf } });
    expect(out.statusCode).toBe(204);
    expect((await engine.app.inject({ method: 'GET', url: '/v1/dead-letters', headers: { cookie } })).statusCode).toBe(401);
  });

  it('ends a session its lifetime after sign-in, however active it was', async () => {
    const { cookie } = await signIn(TEST_USERS.marketer2);
    const me = () => engine.app.inject({ method: 'GET', url: '/v1/session', headers: { cookie } });
    expect((await me()).statusCode).toBe(200);
    // Age the stored session past VIGIL_SESSION_TTL_MINUTES (480 by default) instead of waiting 8 hours.
    const keys = await engine.redis.keys(`${engine.config.redis.prefix}:session:*`);
    let aged = 0;
    for (const key of keys) {
      const session = JSON.parse((await engine.redis.get(key))!);
      if (session.user?.name !== TEST_USERS.marketer2.name) continue;
      session.user.signedInAt = Date.now() - 481 * 60_000;
      await engine.redis.set(key, JSON.stringify(session), 'KEEPTTL');
      aged += 1;
    }
    expect(aged).toBe(1);
    expect((await me()).statusCode).toBe(401);
  });

  it('treats an unreadable stored session as signed out, without hanging the request', async () => {
    const { cookie } = await signIn(TEST_USERS.riskLead);
    const keys = await engine.redis.keys(`${engine.config.redis.prefix}:session:*`);
    for (const key of keys) {
      const session = JSON.parse((await engine.redis.get(key))!);
      if (session.user?.name === TEST_USERS.riskLead.name) await engine.redis.set(key, '{not json', 'KEEPTTL');
    }
    expect((await engine.app.inject({ method: 'GET', url: '/v1/session', headers: { cookie } })).statusCode).toBe(401);
  });

  it('slows password guessing: one address gets 429 after the sign-in attempts allowed per minute', async () => {
    const guesses = await Promise.all(Array.from({ length: LOGIN_ATTEMPTS_PER_MINUTE + 1 }, (_, i) => engine.app.inject({
      method: 'POST', url: '/auth/login', remoteAddress: '192.0.2.77', payload: { name: 'rita.lead', password: `guess-${i}` },
    })));
    const statuses = guesses.map((g) => g.statusCode);
    expect(statuses.filter((s) => s === 429)).toHaveLength(1);
    expect(statuses.filter((s) => s === 401)).toHaveLength(LOGIN_ATTEMPTS_PER_MINUTE);
  });

  it('sends the browser protections on every answer', async () => {
    const res = await engine.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });
});
