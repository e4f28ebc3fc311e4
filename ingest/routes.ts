import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { parseEvent, type VigilEvent } from '../core/events/index.js';
import { BackpressureError, BadRequestError, StreamUnavailableError } from '../core/errors.js';
import type { VigilMetrics } from '../core/observability/index.js';
import type { BacklogMonitor } from '../core/streams/index.js';
import type { EventAppender } from './eventAppender.js';
import { apiErrorSchema, ingestBodySchema, ingestResultSchema, type IngestResult } from './schemas.js';

// Event time drives every window; one event dated far ahead would age a customer's whole history
// out at once, so events from more than a few minutes in the future are refused.
const MAX_CLOCK_SKEW_MS = 5 * 60_000;
const FUTURE_EVENT = 'occurred_at: more than 5 minutes in the future; check the sender\'s clock';

export interface IngestRouteDeps {
  appender: EventAppender;
  backlog: Pick<BacklogMonitor, 'totalBacklog'>;
  metrics: VigilMetrics;
  maxBatchEvents: number;
  maxLagEvents: number;
}

export async function ingestRoutes(app: FastifyInstance, deps: IngestRouteDeps): Promise<void> {
  app.withTypeProvider<ZodTypeProvider>().post('/v1/events', {
    config: { roles: ['ingest', 'admin'] },
    // The body is documented from the event schema but validated event by event below.
    validatorCompiler: () => (data) => ({ value: data }),
    schema: {
      tags: ['ingest'],
      summary: 'Post one event or a batch {"events": [...]}',
      security: [{ bearerAuth: [] }],
      body: ingestBodySchema,
      response: { 202: ingestResultSchema, 400: apiErrorSchema, 401: apiErrorSchema, 403: apiErrorSchema, 413: apiErrorSchema, 415: apiErrorSchema, 503: apiErrorSchema },
    },
    handler: async (request, reply) => {
      const lag = deps.backlog.totalBacklog;
      if (lag > deps.maxLagEvents) {
        deps.metrics.backpressureRejections.inc();
        throw new BackpressureError(retryAfterSeconds(lag, deps.maxLagEvents), lag);
      }
      const posted = eventsOf(request.body, deps.maxBatchEvents);
      const valid: VigilEvent[] = [];
      const rejected: IngestResult['rejected'] = [];
      const latestAccepted = Date.now() + MAX_CLOCK_SKEW_MS;
      posted.forEach((input, index) => {
        const parsed = parseEvent(input);
        if (!parsed.ok) rejected.push({ index, errors: parsed.errors });
        else if (Date.parse(parsed.event.occurred_at) > latestAccepted) rejected.push({ index, errors: [FUTURE_EVENT] });
        else valid.push(parsed.event);
      });
      const { accepted, duplicates } = valid.length ? await appendOrUnavailable(deps.appender, valid) : { accepted: 0, duplicates: 0 };
      deps.metrics.eventsIngested.inc({ result: 'accepted' }, accepted);
      deps.metrics.eventsIngested.inc({ result: 'duplicate' }, duplicates);
      deps.metrics.eventsIngested.inc({ result: 'rejected' }, rejected.length);
      return reply.status(202).send({ accepted, duplicates, rejected });
    },
  });
}

async function appendOrUnavailable(appender: EventAppender, events: VigilEvent[]) {
  try {
    return await appender.append(events);
  } catch (err) {
    // Each partition's append is atomic, so a failed request may have appended some partitions;
    // a client retry is safe because those events now count as duplicates.
    throw new StreamUnavailableError(err);
  }
}

function eventsOf(body: unknown, maxBatchEvents: number): unknown[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BadRequestError('body must be one event object or {"events": [...]}');
  }
  if (!('events' in body)) return [body];
  const { events, ...rest } = body as { events: unknown };
  if (Object.keys(rest).length > 0) throw new BadRequestError(`unknown field(s) beside events: ${Object.keys(rest).join(', ')}`);
  if (!Array.isArray(events) || events.length === 0) throw new BadRequestError('events must be a non-empty array');
  if (events.length > maxBatchEvents) {
    throw new BadRequestError(`a batch holds at most ${maxBatchEvents} events (VIGIL_MAX_BATCH_EVENTS); this one has ${events.length}`);
  }
  return events;
}

/** Longer waits the further behind processing is, within 1–30 s. */
function retryAfterSeconds(lag: number, bound: number): number {
  return Math.min(30, Math.max(1, Math.ceil((lag / bound - 1) * 10)));
}
