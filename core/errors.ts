/**
 * Typed errors crossing module boundaries. Each carries a stable string code and the HTTP status
 * the API maps it to, once, in the error handler.
 */
export class VigilError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly httpStatus: number = 500,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class UnauthorizedError extends VigilError {
  constructor(message = 'missing or unknown API key: send Authorization: Bearer <key>') {
    super('UNAUTHORIZED', message, 401);
  }
}

export class ForbiddenError extends VigilError {
  constructor(role: string, allowed: readonly string[]) {
    super('FORBIDDEN', `role "${role}" may not call this endpoint; allowed: ${allowed.join(', ')}`, 403);
  }
}

export class BackpressureError extends VigilError {
  constructor(readonly retryAfterSeconds: number, lag: number) {
    super('BACKPRESSURE', `processing is behind by ${lag} events; retry after ${retryAfterSeconds}s`, 503);
  }
}

/**
 * A dependency (Redis, ClickHouse) cannot be reached right now. Nothing of the request was carried
 * out; the client retries after Retry-After. Answered at once rather than after the driver's
 * retries, so callers and load balancers are not held up during an outage.
 */
export class DependencyUnavailableError extends VigilError {
  readonly retryAfterSeconds: number = 5;
  constructor(readonly dependency: 'redis' | 'clickhouse', options?: { cause?: unknown; code?: string; message?: string }) {
    const name = dependency === 'redis' ? 'Redis' : 'ClickHouse';
    super(
      options?.code ?? `${dependency.toUpperCase()}_UNAVAILABLE`,
      options?.message ?? `${name} is unreachable; nothing from this request was carried out, retry later`,
      503,
      { cause: options?.cause },
    );
  }
}

/** The event stream (Redis) could not take the events; nothing was accepted, the client should retry. */
export class StreamUnavailableError extends DependencyUnavailableError {
  constructor(cause?: unknown) {
    super('redis', { cause, code: 'STREAM_UNAVAILABLE', message: 'the event stream is unavailable; nothing from this request was accepted, retry later' });
  }
}

export class BadRequestError extends VigilError {
  constructor(message: string) {
    super('BAD_REQUEST', message, 400);
  }
}

/** A request body compressed (or said to be): the API reads bodies as sent, so it would parse the compressed bytes, or the header would be a lie. */
export class UnsupportedContentEncodingError extends VigilError {
  constructor(encoding: string) {
    super('UNSUPPORTED_CONTENT_ENCODING', `Content-Encoding ${JSON.stringify(encoding.slice(0, 64))} is not accepted: send the body uncompressed, without a Content-Encoding header (or with "identity")`, 415);
  }
}

export class NotFoundError extends VigilError {
  constructor(message: string) {
    super('NOT_FOUND', message, 404);
  }
}

/** A client address sent more requests than VIGIL_RATE_LIMIT_MAX in the window. */
export class RateLimitedError extends VigilError {
  constructor(readonly retryAfterSeconds: number, max: number, windowSeconds: number) {
    super('RATE_LIMITED', `more than ${max} requests in ${windowSeconds} s from this address; retry after ${retryAfterSeconds} s`, 429);
  }
}
