import { hash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { ApiIdentity, ApiRole } from '../config/index.js';
import { ForbiddenError, UnauthorizedError } from '../core/errors.js';
import type { SessionAuth } from '../identity/sessions.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Roles allowed to call the route; a route without it is public (health, and docs when VIGIL_PUBLIC_DOCS). */
    roles?: readonly ApiRole[];
    /** The route answers by itself while Redis is down (in-line decisions fall back) instead of the gate's 503. */
    answersWithoutRedis?: boolean;
    /** What a body over the route's own limit is told (routes that take files, with a limit of their own). */
    bodyTooLarge?: string;
    /** The content type a route takes when it is not JSON, named in the 415 answer to another. */
    accepts?: string;
  }
  interface FastifyRequest {
    /** Who the request acts for, verified: the API key's holder or the session's signed-in user; set on every route that has roles. */
    identity?: ApiIdentity;
  }
}

// The one-shot hash: the same digest without a Hash object per request (half the cost of createHash).
const digest = (key: string) => hash('sha256', key, 'buffer');

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Who is calling. Machines send a bearer API key: keys are compared as SHA-256 digests in constant
 * time, so response timing says nothing about how much of a guessed key was right; every known key
 * is compared, so timing does not say which one matched either. People send the console's session
 * cookie: the session names the user and their roles; a state-changing request from a session
 * must also carry its CSRF token (a key cannot be sent by a forged cross-site request, a cookie can).
 * No header the client writes ever names the actor.
 */
export const apiKeyAuth = fp(async (app: FastifyInstance, opts: { apiKeys: ReadonlyMap<string, ApiIdentity>; sessions?: SessionAuth }) => {
  const known = [...opts.apiKeys].map(([key, identity]) => ({ digest: digest(key), identity }));

  function keyHolder(header: string): ApiIdentity | undefined {
    if (!header.startsWith('Bearer ')) return undefined;
    const presented = digest(header.slice(7).trim());
    let found: ApiIdentity | undefined;
    for (const k of known) if (timingSafeEqual(k.digest, presented)) found = k.identity;
    return found ? { ...found, kind: 'key' } : undefined;
  }

  app.decorateRequest('identity', undefined);
  app.addHook('onRequest', async (request, reply) => {
    const allowed = request.routeOptions.config.roles;
    if (!allowed) return;
    const header = request.headers.authorization;
    if (header !== undefined || !opts.sessions) {
      const identity = header === undefined ? undefined : keyHolder(header);
      if (!identity) throw new UnauthorizedError();
      if (!allowed.includes(identity.role)) throw new ForbiddenError(identity.role, allowed);
      request.identity = identity;
      return;
    }
    const user = opts.sessions.userOf(request);
    if (!user) throw new UnauthorizedError('not signed in: sign in to the console, or send Authorization: Bearer <key>');
    // A user with several roles acts in the first one the route allows.
    const role = user.roles.find((r) => allowed.includes(r));
    if (!role) throw new ForbiddenError(user.roles.join('+'), allowed);
    if (!SAFE_METHODS.has(request.method)) await opts.sessions.verifyCsrf(request, reply);
    request.identity = { name: user.name, role, kind: 'user', roles: user.roles };
  });
}, { name: 'vigil-api-key-auth' });
