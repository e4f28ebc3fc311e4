import { z } from 'zod';
import { eventSchema } from '../core/events/index.js';

export const ingestResultSchema = z.object({
  accepted: z.number().int().describe('events appended to the stream'),
  duplicates: z.number().int().describe('events whose event_id was already accepted within the dedup window'),
  rejected: z.array(z.object({ index: z.number().int(), errors: z.array(z.string()) })).describe('invalid events, by position in the batch'),
});
export type IngestResult = z.infer<typeof ingestResultSchema>;

/** What the route documents; validation happens per event so one bad event does not sink a batch. */
export const ingestBodySchema = z.union([
  eventSchema,
  z.object({ events: z.array(eventSchema).min(1) }),
]);

export const apiErrorSchema = z.object({ error: z.string(), message: z.string(), details: z.unknown().optional() });
