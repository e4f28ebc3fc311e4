import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

export interface HealthDeps {
  registry: Registry;
  /** Named dependency checks for readiness; each resolves true when reachable and never throws. */
  readinessChecks: Record<string, () => Promise<boolean>>;
}

export async function healthRoutes(app: FastifyInstance, deps: HealthDeps): Promise<void> {
  app.get('/healthz', { schema: { tags: ['operations'], summary: 'The process is alive' } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { tags: ['operations'], summary: 'Redis and ClickHouse are reachable' } }, async (_request, reply) => {
    const names = Object.keys(deps.readinessChecks);
    const results = await Promise.all(names.map((name) => deps.readinessChecks[name]!().catch(() => false)));
    const checks = Object.fromEntries(names.map((name, i) => [name, results[i] ? 'ok' : 'unreachable']));
    const ready = results.every(Boolean);
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks });
  });

  app.get('/metrics', { schema: { tags: ['operations'], summary: 'Prometheus metrics', hide: true } }, async (_request, reply) => {
    return reply.type(deps.registry.contentType).send(await deps.registry.metrics());
  });
}
