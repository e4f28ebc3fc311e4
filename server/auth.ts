import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { ApiRole } from '../config/index.js';
import { ForbiddenError, UnauthorizedError } from '../core/errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Roles allowed to call the route; a route without it is public (health, metrics, docs). */
    roles?: readonly ApiRole[];
  }
  interface FastifyRequest {
    role?: ApiRole;
  }
}

const digest = (key: string) => createHash('sha256').update(key).digest();

/**
 * Bearer API keys mapped to roles. Keys are compared as SHA-256 digests in constant time, so
 * response timing says nothing about how much of a guessed key was right.
 */
export const apiKeyAuth = fp(async (app: FastifyInstance, opts: { apiKeys: ReadonlyMap<string, ApiRole> }) => {
  const known = [...opts.apiKeys].map(([key, role]) => ({ digest: digest(key), role }));

  function roleOf(request: FastifyRequest): ApiRole | undefined {
    const header = request.headers.authorization;
    if (!header?.startsWith('Bearer ')) return undefined;
    const presented = digest(header.slice(7).trim());
    return known.find((k) => timingSafeEqual(k.digest, presented))?.role;
  }

  app.decorateRequest('role', undefined);
  app.addHook('onRequest', async (request) => {
    const allowed = request.routeOptions.config.roles;
    if (!allowed) return;
    const role = roleOf(request);
    if (!role) throw new UnauthorizedError();
    if (!allowed.includes(role)) throw new ForbiddenError(role, allowed);
    request.role = role;
  });
}, { name: 'vigil-api-key-auth' });
