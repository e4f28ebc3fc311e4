import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { parseEvent, type VigilEvent } from '../core/events/index.js';
import { BackpressureError, BadRequestError, StreamUnavailableError } from '../core/errors.js';
import type { VigilMetrics } from '../core/observability/index.js';
import type { BacklogMonitor } from '../core/streams/index.js';
import { ingestAnswer } from './answer.js';
import type { AppendOutcome, EventAppender } from './eventAppender.js';
import { occurredAtProblem } from './eventTime.js';
import { apiErrorSchema, ingestBodySchema, ingestRefusedSchema, ingestResultSchema, type Rejection } from './schemas.js';

export interface IngestRouteDeps {
  appender: EventAppender;
  backlog: Pick<BacklogMonitor, 'totalBacklog'>;
  metrics: VigilMetrics;
  maxBatchEvents: number;
  maxLagEvents: number;
  /** VIGIL_MAX_EVENT_AGE_DAYS: the oldest occurred_at accepted. */
  maxEventAgeDays: number;
  dedupWindowSeconds: number;
}

export async function ingestRoutes(app: FastifyInstance, deps: IngestRouteDeps): Promise<void> {
  // The labelled counters once, not a label lookup per call on every request.
  const ingested = {
    accepted: deps.metrics.eventsIngested.labels('accepted'),
    duplicate: deps.metrics.eventsIngested.labels('duplicate'),
    rejected: deps.metrics.eventsIngested.labels('rejected'),
    idConflict: deps.metrics.eventsIngested.labels('id_conflict'),
  };
  app.withTypeProvider<ZodTypeProvider>().post('/v1/events', {
    config: { roles: ['ingest', 'admin'] },
    // The body is documented from the event schema but validated event by event below.
    validatorCompiler: () => (data) => ({ value: data }),
    // The answers are built below with their types (IngestResult, IngestRefused) or by the error
    // handler; the response schemas document them, and checking each answer against them again
    // with zod before JSON.stringify cost more than the stringify.
    serializerCompiler: () => (data) => JSON.stringify(data),
    schema: {
      tags: ['ingest'],
      summary: 'Post one event or a batch {"events": [...]}',
      description: 'An event_id names one event of one customer, unique across the deployment for the dedup window '
        + '(VIGIL_DEDUP_WINDOW_SECONDS): the same id for the same customer is a duplicate (a safe retry), for another customer a '
        + 'conflict (EVENT_ID_CONFLICT), as is the same id twice in one batch with different content. Senders whose id spaces overlap prefix their ids, e.g. "card:123". 202 when at least one '
        + 'event was accepted or was a duplicate; one event that is refused gets 400 (INVALID_EVENT) or 409 (EVENT_ID_CONFLICT), '
        + 'a batch of which none was accepted 400 (NO_EVENT_ACCEPTED), each with the same rejected[] detail.',
      security: [{ bearerAuth: [] }],
      body: ingestBodySchema,
      response: {
        202: ingestResultSchema, 400: ingestRefusedSchema, 401: apiErrorSchema, 403: apiErrorSchema, 409: ingestRefusedSchema,
        413: apiErrorSchema, 415: apiErrorSchema, 503: apiErrorSchema,
      },
    },
    handler: async (request, reply) => {
      const lag = deps.backlog.totalBacklog;
      if (lag > deps.maxLagEvents) {
        deps.metrics.backpressureRejections.inc();
        throw new BackpressureError(retryAfterSeconds(lag, deps.maxLagEvents), lag);
      }
      const { events: posted, single } = eventsOf(request.body, deps.maxBatchEvents);
      const valid: VigilEvent[] = [];
      const validIndexes: number[] = [];
      const rejected: Rejection[] = [];
      const nowMs = Date.now();
      // An id seen earlier in this batch: a repeat of the same event is a duplicate (the appender
      // counts it), but the same id with other content is another event under a taken id, which the
      // appender would count as a duplicate and drop unseen. Compared as parsed (keys in schema
      // order), and only when an id repeats: the common batch pays one Map lookup per event.
      const firstById = new Map<string, { index: number; event: VigilEvent }>();
      posted.forEach((input, index) => {
        const parsed = parseEvent(input);
        const timeProblem = parsed.ok ? occurredAtProblem(parsed.event.occurred_at, nowMs, { maxAgeDays: deps.maxEventAgeDays }) : undefined;
        if (!parsed.ok) rejected.push({ index, code: 'INVALID_EVENT', errors: parsed.errors });
        else if (timeProblem) rejected.push({ index, code: 'INVALID_EVENT', errors: [timeProblem] });
        else {
          const first = firstById.get(parsed.event.event_id);
          if (first && JSON.stringify(first.event) !== JSON.stringify(parsed.event)) {
            rejected.push({ index, code: 'EVENT_ID_CONFLICT', errors: [batchIdConflict(parsed.event, first.index)] });
            return;
          }
          if (!first) firstById.set(parsed.event.event_id, { index, event: parsed.event });
          valid.push(parsed.event);
          validIndexes.push(index);
        }
      });
      const outcomes: AppendOutcome[] = valid.length ? await appendOrUnavailable(deps.appender, valid) : [];
      outcomes.forEach((outcome, k) => {
        if (outcome === 'id_conflict') rejected.push({ index: validIndexes[k]!, code: 'EVENT_ID_CONFLICT', errors: [idConflict(valid[k]!, deps.dedupWindowSeconds)] });
      });
      rejected.sort((a, b) => a.index - b.index);
      const accepted = outcomes.filter((o) => o === 'accepted').length;
      const duplicates = outcomes.filter((o) => o === 'duplicate').length;
      const conflicts = rejected.filter((r) => r.code === 'EVENT_ID_CONFLICT').length;
      ingested.accepted.inc(accepted);
      ingested.duplicate.inc(duplicates);
      ingested.rejected.inc(rejected.length - conflicts);
      ingested.idConflict.inc(conflicts);
      const answer = ingestAnswer({ accepted, duplicates, rejected }, { single, count: posted.length });
      return reply.status(answer.status).send(answer.body);
    },
  });
}

function idConflict(event: VigilEvent, windowSeconds: number): string {
  return `event_id: "${event.event_id}" already names an event of another customer (event ids are unique per deployment for `
    + `${windowSeconds} s, VIGIL_DEDUP_WINDOW_SECONDS); give this event its own id, e.g. prefixed with its source system ("card:…")`;
}

function batchIdConflict(event: VigilEvent, firstIndex: number): string {
  return `event_id: "${event.event_id}" already names the event at index ${firstIndex} of this batch, whose content differs; `
    + 'send a repeat of an event unchanged (it counts as a duplicate), or give this event its own id';
}

async function appendOrUnavailable(appender: EventAppender, events: VigilEvent[]): Promise<AppendOutcome[]> {
  try {
    return await appender.append(events);
  } catch (err) {
    // Each partition's append is atomic, so a failed request may have appended some partitions;
    // a client retry is safe because those events now count as duplicates.
    throw new StreamUnavailableError(err);
  }
}

function eventsOf(body: unknown, maxBatchEvents: number): { events: unknown[]; single: boolean } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BadRequestError('body must be one event object or {"events": [...]}');
  }
  if (!('events' in body)) return { events: [body], single: true };
  const { events, ...rest } = body as { events: unknown };
  if (Object.keys(rest).length > 0) throw new BadRequestError(`unknown field(s) beside events: ${Object.keys(rest).join(', ')}`);
  if (!Array.isArray(events) || events.length === 0) throw new BadRequestError('events must be a non-empty array');
  if (events.length > maxBatchEvents) {
    throw new BadRequestError(`a batch holds at most ${maxBatchEvents} events (VIGIL_MAX_BATCH_EVENTS); this one has ${events.length}`);
  }
  return { events, single: false };
}

/** Longer waits the further behind processing is, within 1–30 s. */
function retryAfterSeconds(lag: number, bound: number): number {
  return Math.min(30, Math.max(1, Math.ceil((lag / bound - 1) * 10)));
}
