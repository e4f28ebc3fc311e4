import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { ApiRole } from '../config/index.js';

// Readiness answers within this even when a dependency hangs: probes and load balancers must not
// wait. A Redis that is down answers at once (the driver's state says so before any ping), so this
// only bounds a dependency that hangs; it is not shorter because the embedded ClickHouse queues a
// ping behind the insert it is running, and a busy store is not an unready one.
const CHECK_TIMEOUT_MS = 250;
// What a probe is told while not ready, like every other 503 of the API.
const RETRY_AFTER_SECONDS = '5';

export interface HealthDeps {
  registry: Registry;
  /** Named dependency checks for readiness; each resolves true when reachable and never throws. */
  readinessChecks: Record<string, () => Promise<boolean>>;
  /** Who may read /metrics on the API port (the metrics listener, VIGIL_METRICS_PORT, needs no key). */
  metricsRoles: readonly ApiRole[];
}

/** Probed by orchestrators without a key, and never rate limited. */
export const HEALTH_ROUTES = ['/healthz', '/readyz'];

/**
 * Metrics name every rule and how often it fires, shadow rules included: telling an attacker which
 * patterns are watched. Only operators read them.
 */
export const OPERATOR_ROLES = ['sre', 'admin'] as const satisfies readonly ApiRole[];

export async function healthRoutes(app: FastifyInstance, deps: HealthDeps): Promise<void> {
  app.get('/healthz', { schema: { tags: ['operations'], summary: 'The process is alive' } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { tags: ['operations'], summary: 'Redis and ClickHouse are reachable' } }, async (_request, reply) => {
    const names = Object.keys(deps.readinessChecks);
    const results = await Promise.all(names.map((name) => withinDeadline(deps.readinessChecks[name]!())));
    const checks = Object.fromEntries(names.map((name, i) => [name, results[i] ? 'ok' : 'unreachable']));
    const ready = results.every(Boolean);
    if (!ready) reply.header('retry-after', RETRY_AFTER_SECONDS);
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks });
  });

  app.get('/metrics', {
    config: { roles: deps.metricsRoles },
    schema: { tags: ['operations'], summary: 'Prometheus metrics (sre, admin)', hide: true },
  }, async (_request, reply) => {
    return reply.type(deps.registry.contentType).send(await deps.registry.metrics());
  });
}

async function withinDeadline(check: Promise<boolean>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([check.catch(() => false), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
