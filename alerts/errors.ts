import { VigilError } from '../core/errors.js';

// Typed errors of the alerts capability; server/errors.ts maps every VigilError to its status once.

export class AlertNotFoundError extends VigilError {
  constructor(id: string) {
    super('ALERT_NOT_FOUND', `no alert ${id}`, 404);
  }
}

/** The transition is not allowed from the alert's current state; the message says why. */
export class IllegalTransitionError extends VigilError {
  constructor(message: string) {
    super('ILLEGAL_TRANSITION', message, 409);
  }
}

/** The transition request is incomplete or inconsistent (e.g. resolve without a disposition). */
export class InvalidTransitionError extends VigilError {
  constructor(message: string) {
    super('INVALID_TRANSITION', message, 400);
  }
}

/** Other officers kept changing the alert while this transition retried; the client may retry. */
export class TransitionConflictError extends VigilError {
  constructor(id: string) {
    super('TRANSITION_CONFLICT', `alert ${id} changed concurrently too many times; read it again and retry`, 409);
  }
}

export class InvalidCursorError extends VigilError {
  constructor(cursor: string) {
    super('INVALID_CURSOR', `cursor ${JSON.stringify(cursor.slice(0, 40))} is not one this API returned`, 400);
  }
}

export class WebhookNotFoundError extends VigilError {
  constructor(id: string) {
    super('WEBHOOK_NOT_FOUND', `no webhook subscriber ${id}`, 404);
  }
}

/** A processor tried to raise an alert that does not match newAlertSchema: our own bug, so 500. */
export class InvalidAlertError extends VigilError {
  constructor(problems: string) {
    super('INVALID_ALERT', `alert does not match the schema: ${problems}`, 500);
  }
}
