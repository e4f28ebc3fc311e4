import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyPluginAsync, type RouteOptions } from 'fastify';
import fastifyMetrics from 'fastify-metrics';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { API_ROLES, type ApiIdentity, type HttpSettings } from '../config/index.js';
import { DependencyUnavailableError, RateLimitedError, UnsupportedContentEncodingError } from '../core/errors.js';
import { installJsonBodyParser } from '../core/jsonBody.js';
import type { Logger, VigilMetrics } from '../core/observability/index.js';
import { apiKeyAuth } from './auth.js';
import { registerSessions, type SessionAuth, type SessionOptions } from '../identity/sessions.js';
import { consoleSecurityHeaders } from './securityHeaders.js';
import { capConnectionsPerAddress } from './connectionCap.js';
import { installErrorHandler } from './errors.js';
import { RoutePatternLogController } from './requestLog.js';
import { HEALTH_ROUTES, OPERATOR_ROLES, healthRoutes } from './healthRoutes.js';

export interface AppOptions {
  logger: Logger;
  metrics: VigilMetrics;
  apiKeys: ReadonlyMap<string, ApiIdentity>;
  /** Body limit, timeouts, connection cap, rate limit, trusted proxies. */
  http: Omit<HttpSettings, 'host' | 'port' | 'maxBatchEvents'>;
  /** /docs and /openapi.json without a key; otherwise any valid key reads them. */
  publicDocs: boolean;
  readinessChecks: Record<string, () => Promise<boolean>>;
  /** Whether Redis can take commands now; API routes answer 503 at once while it cannot (the engine passes its connection's state). */
  redisUp?: () => boolean;
  /** Each capability contributes its routes (ingest, dead letters, later alerts and offers). */
  features: FastifyPluginAsync[];
  /** Cookie sessions for people signed in to the console; without them only API keys are accepted. */
  sessions?: SessionOptions;
  /** Told of every route as it is added, public and hidden alike (the HTTP fuzz test walks them all). */
  onRoute?: (route: RouteOptions) => void;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Sessions of signed-in users, when users are configured (identity routes use it). */
    sessionAuth: SessionAuth | undefined;
  }
}

/** The HTTP surface shared by the api and worker roles; only the feature plugins differ. */
export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const { http } = opts;
  const app = Fastify({
    loggerInstance: opts.logger as FastifyBaseLogger,
    bodyLimit: http.bodyLimitBytes,
    return503OnClosing: true,
    logController: new RoutePatternLogController(),
    trustProxy: http.trustProxy.length > 0 ? http.trustProxy : false,
    // A slow client (a byte every few seconds) must not hold a socket for ever: the headers and
    // then the whole request have deadlines; a silent connection is closed after the idle time.
    // Responses are not bounded: the live feeds stream for hours, with a heartbeat every 15 s.
    requestTimeout: http.requestTimeoutMs,
    connectionTimeout: http.idleTimeoutMs,
    keepAliveTimeout: http.idleTimeoutMs,
    http: {
      headersTimeout: http.headersTimeoutMs,
      requestTimeout: http.requestTimeoutMs,
      // How often Node checks those deadlines (default 30 s, which would let a deadline slip by that much).
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(http.headersTimeoutMs / 2))),
    },
  });
  capConnectionsPerAddress(app.server, http.maxConnectionsPerIp);
  // Tests collect every route this way (the HTTP fuzzing), without a hand-kept list.
  if (opts.onRoute) app.addHook('onRoute', opts.onRoute);
  // Only JSON is accepted; without this fastify would parse text/plain and answer 400 instead of 415.
  app.removeContentTypeParser('text/plain');
  installJsonBodyParser(app);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);
  // No parser decompresses, and fastify ignores Content-Encoding: a gzipped body would be read as
  // garbage, and a body labelled gzip but sent plain would be taken under a false label. One hook
  // for every route, first, so nothing of such a request is read or carried out.
  app.addHook('onRequest', async (request) => {
    const encoding = request.headers['content-encoding'];
    if (encoding !== undefined && !isIdentity(encoding)) throw new UnsupportedContentEncodingError(encoding);
  });

  if (http.rateLimit.max > 0) {
    const windowSeconds = Math.round(http.rateLimit.windowMs / 1000);
    await app.register(rateLimit, {
      global: false,
      max: http.rateLimit.max,
      timeWindow: http.rateLimit.windowMs,
      // Orchestrators probe health often and must never be refused.
      allowList: (request) => HEALTH_ROUTES.includes(request.routeOptions.url ?? ''),
      errorResponseBuilder: (_request, context) => new RateLimitedError(Math.max(1, Math.ceil(context.ttl / 1000)), http.rateLimit.max, windowSeconds),
    });
    // An app-level hook registered before the key check: floods and key guessing are limited too.
    app.addHook('onRequest', app.rateLimit());
  }

  await app.register(swagger, {
    openapi: {
      info: { title: 'Vigil', description: 'Streaming risk and engagement engine for banks', version: '1.0.0' },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
    },
    transform: jsonSchemaTransform,
  });
  // The API's shape helps an attacker too: by default only key holders read it.
  const docRoles = opts.publicDocs ? undefined : API_ROLES;
  await app.register(async (docs) => {
    docs.addHook('onRoute', (route) => {
      route.config = { ...route.config, ...(docRoles && { roles: docRoles }) };
    });
    await docs.register(swaggerUi, { routePrefix: '/docs' });
    docs.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  });

  // fastify-metrics is CommonJS with an __esModule default; under Node ESM it arrives wrapped once more.
  const metricsPlugin = fastifyMetrics.default;
  await app.register(metricsPlugin, {
    endpoint: null,
    defaultMetrics: { enabled: false },
    clearRegisterOnInit: false,
    routeMetrics: {
      enabled: { histogram: true, summary: false },
      routeBlacklist: ['/metrics', '/healthz'],
      // Both are created even when one is disabled; keep them off the global registry.
      overrides: {
        histogram: { name: 'http_request_duration_seconds', registers: [opts.metrics.registry] },
        summary: { registers: [opts.metrics.registry] },
      },
    },
  });
  consoleSecurityHeaders(app);
  const sessions: SessionAuth | undefined = opts.sessions ? await registerSessions(app, opts.sessions) : undefined;
  app.decorate('sessionAuth', sessions);
  await app.register(apiKeyAuth, { apiKeys: opts.apiKeys, sessions });
  // Every /v1 route works on Redis. While it is down they fail in microseconds with 503 and
  // Retry-After instead of waiting out the driver's reconnect attempts (after auth: a wrong key is
  // still a 401, whatever Redis is doing). Health, metrics and docs keep answering.
  app.addHook('onRequest', async (request) => {
    if (opts.redisUp?.() === false && request.routeOptions.url?.startsWith('/v1/') && !request.routeOptions.config.answersWithoutRedis) {
      throw new DependencyUnavailableError('redis');
    }
  });
  await app.register(healthRoutes, { registry: opts.metrics.registry, readinessChecks: opts.readinessChecks, metricsRoles: OPERATOR_ROLES });
  for (const feature of opts.features) await app.register(feature);
  return app;
}

/** "identity" (or an empty header): the body as sent. A list ("identity, identity") is each coding in turn. */
function isIdentity(header: string): boolean {
  return header.split(',').every((coding) => ['', 'identity'].includes(coding.trim().toLowerCase()));
}
