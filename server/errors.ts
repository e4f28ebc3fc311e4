import type { FastifyError, FastifyInstance } from 'fastify';
import { AggregateStoreError } from '../aggregates/index.js';
import { BackpressureError, DependencyUnavailableError, RateLimitedError, VigilError } from '../core/errors.js';
import { isRedisUnreachable } from '../core/redis.js';

export interface ApiErrorBody {
  error: string;
  message: string;
  details?: unknown;
}

/**
 * The one place errors become HTTP answers. Client mistakes get their 4xx with a message saying
 * what to fix; only our own faults are 500 and logged with the stack.
 */
export function installErrorHandler(app: FastifyInstance): void {
  const outages = new OutageLog();
  app.setErrorHandler((thrown: FastifyError | VigilError | Error, request, reply) => {
    const err = asUnavailable(thrown) ?? thrown;
    if (err instanceof BackpressureError || err instanceof DependencyUnavailableError || err instanceof RateLimitedError) {
      void reply.header('Retry-After', String(err.retryAfterSeconds));
    }
    if (err instanceof VigilError) {
      if (err instanceof DependencyUnavailableError) outages.report(request.log, err);
      else if (err.httpStatus >= 500 && err.httpStatus !== 503) request.log.error({ err }, err.message);
      return reply.status(err.httpStatus).send({ error: err.code, message: err.message } satisfies ApiErrorBody);
    }
    const fastifyError = err as FastifyError;
    if ('validation' in fastifyError && fastifyError.validation) {
      return reply.status(400).send({ error: 'VALIDATION', message: fastifyError.message, details: fastifyError.validation });
    }
    const status = fastifyError.statusCode ?? 500;
    if (status < 500) {
      const { bodyTooLarge, accepts } = request.routeOptions.config ?? {};
      const message = fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? bodyTooLarge
        : fastifyError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' && accepts ? `this content type is not accepted here; send ${accepts}` : undefined;
      return reply.status(status).send({ error: fastifyError.code ?? 'BAD_REQUEST', message: message ?? clientMessage(fastifyError) });
    }
    request.log.error({ err }, 'unhandled error');
    return reply.status(500).send({ error: 'INTERNAL', message: 'internal error; it has been logged' });
  });

  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ error: 'NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}` }),
  );
}

/** Driver failures that mean a dependency is unreachable become a 503 the client can retry. */
function asUnavailable(err: Error): DependencyUnavailableError | undefined {
  if (err instanceof DependencyUnavailableError) return undefined;
  if (err instanceof AggregateStoreError && err.unreachable) return new DependencyUnavailableError('clickhouse', { cause: err });
  if (isRedisUnreachable(err)) return new DependencyUnavailableError('redis', { cause: err });
  return undefined;
}

/** During an outage every request fails alike: one log line per dependency every 30 s is enough. */
class OutageLog {
  private readonly lastLogged = new Map<string, number>();

  report(log: { warn(obj: object, msg: string): void }, err: DependencyUnavailableError): void {
    const now = Date.now();
    if (now - (this.lastLogged.get(err.dependency) ?? 0) < 30_000) return;
    this.lastLogged.set(err.dependency, now);
    log.warn({ err: err.cause ?? err, dependency: err.dependency }, `${err.dependency} unreachable; answering 503 with Retry-After`);
  }
}

function clientMessage(err: FastifyError): string {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'request body is larger than the configured limit (VIGIL_BODY_LIMIT_BYTES); split the batch';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      // Routes that take more (campaigns: YAML; profile import: NDJSON) say so in their OpenAPI docs.
      return 'this content type is not accepted here; send application/json';
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return 'request body is not valid JSON; check quotes, commas and brackets';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'request body is empty; send a JSON body (for events: one event or {"events": [...]})';
    default:
      return err.message;
  }
}
