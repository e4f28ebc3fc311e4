import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { ApiIdentity, ApiRole } from '../config/index.js';
import { ForbiddenError, UnauthorizedError } from '../core/errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Roles allowed to call the route; a route without it is public (health, and docs when VIGIL_PUBLIC_DOCS). */
    roles?: readonly ApiRole[];
    /** The route answers by itself while Redis is down (in-line decisions fall back) instead of the gate's 503. */
    answersWithoutRedis?: boolean;
  }
  interface FastifyRequest {
    /** The verified holder of the request's API key; set on every route that has roles. */
    identity?: ApiIdentity;
  }
}

const digest = (key: string) => createHash('sha256').update(key).digest();

/**
 * Bearer API keys mapped to who holds them. Keys are compared as SHA-256 digests in constant
 * time, so response timing says nothing about how much of a guessed key was right; every known
 * key is compared, so timing does not say which one matched either.
 */
export const apiKeyAuth = fp(async (app: FastifyInstance, opts: { apiKeys: ReadonlyMap<string, ApiIdentity> }) => {
  const known = [...opts.apiKeys].map(([key, identity]) => ({ digest: digest(key), identity }));

  function identityOf(request: FastifyRequest): ApiIdentity | undefined {
    const header = request.headers.authorization;
    if (!header?.startsWith('Bearer ')) return undefined;
    const presented = digest(header.slice(7).trim());
    let found: ApiIdentity | undefined;
    for (const k of known) if (timingSafeEqual(k.digest, presented)) found = k.identity;
    return found;
  }

  app.decorateRequest('identity', undefined);
  app.addHook('onRequest', async (request) => {
    const allowed = request.routeOptions.config.roles;
    if (!allowed) return;
    const identity = identityOf(request);
    if (!identity) throw new UnauthorizedError();
    if (!allowed.includes(identity.role)) throw new ForbiddenError(identity.role, allowed);
    request.identity = identity;
  });
}, { name: 'vigil-api-key-auth' });
