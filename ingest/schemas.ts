import { z } from 'zod';
import { eventSchema } from '../core/events/index.js';

export const REJECTION_CODES = ['INVALID_EVENT', 'EVENT_ID_CONFLICT'] as const;
export type RejectionCode = (typeof REJECTION_CODES)[number];

export const rejectionSchema = z.object({
  index: z.number().int().describe('position in the batch (0 for a single event)'),
  code: z.enum(REJECTION_CODES).describe('INVALID_EVENT: fix the event; EVENT_ID_CONFLICT: its event_id already names another customer\'s event, or another event earlier in this batch'),
  errors: z.array(z.string()).describe('what to fix, each naming the field'),
});
export type Rejection = z.infer<typeof rejectionSchema>;

export const ingestResultSchema = z.object({
  accepted: z.number().int().describe('events appended to the stream'),
  duplicates: z.number().int().describe('events whose event_id was already accepted for the same customer within the dedup window'),
  rejected: z.array(rejectionSchema).describe('events not accepted, by position in the batch'),
});
export type IngestResult = z.infer<typeof ingestResultSchema>;

/** What the route documents; validation happens per event so one bad event does not sink a batch. */
export const ingestBodySchema = z.union([
  eventSchema,
  z.object({ events: z.array(eventSchema).min(1) }),
]);

export const apiErrorSchema = z.object({ error: z.string(), message: z.string(), details: z.unknown().optional() });

/**
 * 400 and 409 answers: a malformed request ({error, message}), or events of which none was
 * accepted, with the same counts and `rejected` detail a 202 carries.
 */
export const ingestRefusedSchema = apiErrorSchema.extend({
  error: z.string().describe('INVALID_EVENT (one event, invalid), EVENT_ID_CONFLICT (one event, id taken by another customer), NO_EVENT_ACCEPTED (a batch of which nothing was accepted), BAD_REQUEST or VALIDATION (malformed request)'),
  accepted: z.number().int().optional(),
  duplicates: z.number().int().optional(),
  rejected: z.array(rejectionSchema).optional(),
});
export type IngestRefused = z.infer<typeof ingestRefusedSchema>;
