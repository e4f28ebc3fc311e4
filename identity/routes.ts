import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { API_ROLES } from '../config/roles.js';
import { RateLimitedError, UnauthorizedError, VigilError } from '../core/errors.js';
import type { LocalDirectory } from './localUsers.js';
import type { OidcSignIn } from './oidc.js';
import type { SessionAuth } from './sessions.js';
import './sessionUser.js';

export interface IdentityRouteDeps {
  local: LocalDirectory;
  oidc?: OidcSignIn;
  /** Absent when no user can sign in: then only API keys work. */
  sessions?: SessionAuth;
  sessionTtlMinutes: number;
  /** Where the browser lands after signing in. */
  consolePath: string;
}

class SignInUnavailableError extends VigilError {
  constructor(method: string) {
    super('SIGN_IN_UNAVAILABLE', `${method} sign-in is not configured on this server`, 404);
  }
}

export const LOGIN_ATTEMPTS_PER_MINUTE = 20;

const credentials = z.strictObject({ name: z.string().min(1).max(64), password: z.string().min(1).max(1024) });
const sessionView = z.object({
  name: z.string(), roles: z.array(z.enum(API_ROLES)), kind: z.enum(['user', 'key']), via: z.string().optional(),
  expiresAt: z.string().nullable(), csrfToken: z.string().nullable().describe('send it as X-CSRF-Token on every POST, PUT and DELETE made with the session cookie'),
});

/** Sign-in (local users, OpenID Connect), sign-out and who the caller is. */
export async function identityRoutes(app: FastifyInstance, deps: IdentityRouteDeps): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const ttlMs = deps.sessionTtlMinutes * 60_000;
  // Password guessing is slowed per client address far below the API's general limit (when rate limiting is on).
  const loginLimit = app.hasDecorator('createRateLimit')
    ? app.createRateLimit({ max: LOGIN_ATTEMPTS_PER_MINUTE, timeWindow: 60_000, keyGenerator: (request) => `login:${request.ip}` })
    : undefined;

  api.get('/auth/methods', {
    schema: { tags: ['identity'], summary: 'How people can sign in here', response: { 200: z.object({ local: z.boolean(), oidc: z.boolean() }) } },
    handler: async () => ({ local: deps.sessions !== undefined && deps.local.enabled, oidc: deps.sessions !== undefined && deps.oidc !== undefined }),
  });

  api.post('/auth/login', {
    // Password guessing is slowed per client address far below the API's general limit (when rate limiting is on).
    schema: {
      tags: ['identity'], summary: 'Sign in with a local user\'s name and password; sets the session cookie',
      description: 'JSON only (a cross-site form cannot send it, which keeps sign-in from being forged). 401 for a wrong name or password, without saying which.',
      body: credentials, response: { 200: sessionView },
    },
    handler: async (request, reply) => {
      if (!deps.sessions || !deps.local.enabled) throw new SignInUnavailableError('password');
      if (loginLimit) {
        const limit = await loginLimit(request);
        if (!limit.isAllowed && limit.isExceeded) throw new RateLimitedError(Math.max(1, Math.ceil(limit.ttl / 1000)), LOGIN_ATTEMPTS_PER_MINUTE, 60);
      }
      const user = await deps.local.authenticate(request.body.name, request.body.password);
      if (!user) {
        request.log.warn({ event: 'sign_in_failed', via: 'local' }, 'sign-in refused');
        throw new UnauthorizedError('wrong name or password');
      }
      // A new session id at sign-in: an id planted before it (session fixation) is worthless after.
      await request.session.regenerate();
      request.session.user = user;
      request.log.info({ event: 'signed_in', user: user.name, roles: user.roles, via: 'local' }, 'signed in');
      return reply.send({ ...viewOf(user, ttlMs), csrfToken: reply.generateCsrf() });
    },
  });

  api.get('/auth/oidc/login', {
    schema: { tags: ['identity'], summary: 'Start single sign-on: redirects to the identity provider' },
    handler: async (request, reply) => {
      if (!deps.sessions || !deps.oidc) throw new SignInUnavailableError('single');
      const { url, pending } = await deps.oidc.start();
      request.session.oidc = pending;
      return reply.redirect(url, 303);
    },
  });

  api.get('/auth/oidc/callback', {
    schema: { tags: ['identity'], summary: 'Where the identity provider sends the browser back', hide: true },
    handler: async (request, reply) => {
      if (!deps.sessions || !deps.oidc) throw new SignInUnavailableError('single');
      const pending = request.session.oidc;
      if (!pending) return reply.redirect(`${deps.consolePath}?signin_error=${encodeURIComponent('the sign-in expired or was started elsewhere; start again')}`, 303);
      const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
      try {
        const user = await deps.oidc.finish(query, pending);
        await request.session.regenerate();
        request.session.user = user;
        request.log.info({ event: 'signed_in', user: user.name, roles: user.roles, via: 'oidc' }, 'signed in');
        return reply.redirect(deps.consolePath, 303);
      } catch (err) {
        request.session.oidc = undefined;
        request.log.warn({ event: 'sign_in_failed', via: 'oidc', err }, 'single sign-on refused');
        const message = err instanceof VigilError ? err.message : 'sign-in failed';
        return reply.redirect(`${deps.consolePath}?signin_error=${encodeURIComponent(message)}`, 303);
      }
    },
  });

  api.post('/auth/logout', {
    schema: { tags: ['identity'], summary: 'Sign out: the session ends at once on every server (needs X-CSRF-Token)' },
    handler: async (request, reply) => {
      const user = deps.sessions?.userOf(request);
      if (deps.sessions && user) {
        await deps.sessions.verifyCsrf(request, reply);
        request.log.info({ event: 'signed_out', user: user.name }, 'signed out');
      }
      if (request.session) await request.session.destroy();
      return reply.status(204).send();
    },
  });

  api.get('/v1/session', {
    config: { roles: API_ROLES },
    schema: {
      tags: ['identity'], summary: 'Who the caller is: the signed-in user (with the CSRF token for changes) or the API key\'s holder',
      security: [{ bearerAuth: [] }], response: { 200: sessionView },
    },
    handler: async (request, reply) => {
      const identity = request.identity!;
      const user = deps.sessions?.userOf(request);
      if (identity.kind === 'user' && user) return { ...viewOf(user, ttlMs), csrfToken: reply.generateCsrf() };
      return { name: identity.name, roles: [identity.role], kind: 'key' as const, expiresAt: null, csrfToken: null };
    },
  });
}

function viewOf(user: { name: string; roles: readonly (typeof API_ROLES)[number][]; via: string; signedInAt: number }, ttlMs: number) {
  return { name: user.name, roles: [...user.roles], kind: 'user' as const, via: user.via, expiresAt: new Date(user.signedInAt + ttlMs).toISOString() };
}
