import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyPluginAsync, type RouteOptions } from 'fastify';
import fastifyMetrics from 'fastify-metrics';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { ApiRole } from '../config/index.js';
import { installJsonBodyParser } from '../core/jsonBody.js';
import type { Logger, VigilMetrics } from '../core/observability/index.js';
import { apiKeyAuth } from './auth.js';
import { installErrorHandler } from './errors.js';
import { healthRoutes } from './healthRoutes.js';

export interface AppOptions {
  logger: Logger;
  metrics: VigilMetrics;
  apiKeys: ReadonlyMap<string, ApiRole>;
  bodyLimitBytes: number;
  readinessChecks: Record<string, () => Promise<boolean>>;
  /** Each capability contributes its routes (ingest, dead letters, later alerts and offers). */
  features: FastifyPluginAsync[];
  /** Told of every route as it is added, public and hidden alike (the HTTP fuzz test walks them all). */
  onRoute?: (route: RouteOptions) => void;
}

/** The HTTP surface shared by the api and worker roles; only the feature plugins differ. */
export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: opts.logger as FastifyBaseLogger,
    bodyLimit: opts.bodyLimitBytes,
    return503OnClosing: true,
  });
  // Per-request access logs at info would dominate the log at ingest rates; routes log warnings up.
  app.addHook('onRoute', (route) => {
    route.logLevel ??= 'warn';
    opts.onRoute?.(route);
  });
  // Only JSON is accepted; without this fastify would parse text/plain and answer 400 instead of 415.
  app.removeContentTypeParser('text/plain');
  installJsonBodyParser(app);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);

  await app.register(swagger, {
    openapi: {
      info: { title: 'Vigil', description: 'Streaming risk and engagement engine for banks', version: '1.0.0' },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

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
  await app.register(apiKeyAuth, { apiKeys: opts.apiKeys });
  await app.register(healthRoutes, { registry: opts.metrics.registry, readinessChecks: opts.readinessChecks });
  for (const feature of opts.features) await app.register(feature);
  return app;
}
