import { VigilError } from '../../core/errors.js';

// Typed errors of the campaign registry; server/errors.ts maps every VigilError to its status once,
// and the campaign routes add the `errors` list of an invalid campaign to the 400 body.

/** The campaign (or its id) does not validate; `errors` names every problem with its path. */
export class InvalidCampaignError extends VigilError {
  constructor(readonly errors: readonly string[]) {
    super('INVALID_CAMPAIGN', `the campaign is invalid: ${errors.join('; ')}`, 400);
  }
}

export class CampaignNotFoundError extends VigilError {
  constructor(id: string) {
    super('CAMPAIGN_NOT_FOUND', `no campaign ${id}`, 404);
  }
}

export class CampaignExistsError extends VigilError {
  constructor(id: string) {
    super('CAMPAIGN_EXISTS', `campaign ${id} already exists; replace it with PUT /v1/campaigns/${id}`, 409);
  }
}

/** Optimistic concurrency: the caller edited a revision someone else has since replaced. */
export class StaleCampaignRevisionError extends VigilError {
  constructor(id: string, expected: number, current: number) {
    super('STALE_REVISION', `campaign ${id} is at revision ${current}, not ${expected}; read it again and reapply your change`, 409);
  }
}

/** A state change the campaign's history does not allow (back to draft after it ran). */
export class IllegalCampaignStateError extends VigilError {
  constructor(message: string) {
    super('ILLEGAL_STATE_CHANGE', message, 409);
  }
}

/** Other writers kept changing the campaign while this change retried; the client may retry. */
export class CampaignConflictError extends VigilError {
  constructor(id: string) {
    super('CAMPAIGN_CONFLICT', `campaign ${id} changed concurrently too many times; read it again and retry`, 409);
  }
}
