import type { IngestRefused, IngestResult } from './schemas.js';

export type IngestAnswer = { status: 202; body: IngestResult } | { status: 400 | 409; body: IngestRefused };

/**
 * The status of an ingest answer. 202 whenever something was taken (accepted, or already there:
 * a duplicate is a safe retry). When nothing was, the status says so, so a client that only checks
 * the status never takes a refused event for an accepted one: one invalid event is a 400, one
 * whose id belongs to another customer's event a 409, a batch of which nothing was taken a 400.
 * The body keeps the counts and `rejected` detail a 202 carries.
 */
export function ingestAnswer(result: IngestResult, posted: { single: boolean; count: number }): IngestAnswer {
  if (result.accepted + result.duplicates > 0 || result.rejected.length === 0) return { status: 202, body: result };
  if (!posted.single) {
    const message = `none of the ${posted.count} events was accepted; see rejected for what to fix in each`;
    return { status: 400, body: { error: 'NO_EVENT_ACCEPTED', message, ...result } };
  }
  const [rejection] = result.rejected;
  const errors = rejection?.errors.join('; ') ?? '';
  if (rejection?.code === 'EVENT_ID_CONFLICT') return { status: 409, body: { error: 'EVENT_ID_CONFLICT', message: errors, ...result } };
  return { status: 400, body: { error: 'INVALID_EVENT', message: `the event was not accepted: ${errors}`, ...result } };
}
