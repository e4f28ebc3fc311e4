import type { FastifyInstance } from 'fastify';
import { VigilError } from '../core/errors.js';

// Typed errors of lists and snoozes; server/errors.ts maps every VigilError to its status once,
// and the list routes add the `errors` list of an invalid list or entry to the 400 body.

export class InvalidListInputError extends VigilError {
  constructor(readonly errors: readonly string[]) {
    super('INVALID_LIST_INPUT', errors.join('; '), 400);
  }
}

export class ListNotFoundError extends VigilError {
  constructor(name: string) {
    super('LIST_NOT_FOUND', `no list ${name}; GET /v1/lists names them all`, 404);
  }
}

export class ListExistsError extends VigilError {
  constructor(name: string) {
    super('LIST_EXISTS', `list ${name} already exists; change its description with PUT /v1/lists/${name}`, 409);
  }
}

/** Purpose and kind are fixed: rules were written for them and entries normalised for the kind. */
export class ListFixedFieldError extends VigilError {
  constructor(name: string, field: 'purpose' | 'kind', stored: string, asked: string) {
    super('LIST_FIELD_FIXED', `list ${name} has ${field} ${stored}; it cannot become ${asked}. Create a new list instead`, 409);
  }
}

export class ListInUseError extends VigilError {
  constructor(name: string, users: readonly string[]) {
    super('LIST_IN_USE', `list ${name} is used by ${users.join(', ')}; remove it from those rules and campaigns first`, 409);
  }
}

export class EntryNotFoundError extends VigilError {
  constructor(list: string, value: string) {
    super('ENTRY_NOT_FOUND', `${JSON.stringify(value)} is not on list ${list}`, 404);
  }
}

export class ImportTooLargeError extends VigilError {
  constructor(message: string) {
    super('IMPORT_TOO_LARGE', message, 413);
  }
}

export class UnknownRuleError extends VigilError {
  constructor(ruleId: string, suggestion: string) {
    super('UNKNOWN_RULE', `no rule "${ruleId}" in the published rule set${suggestion}; GET /v1/rules lists them`, 400);
  }
}

export class SnoozeNotFoundError extends VigilError {
  constructor(customerId: string, ruleId: string) {
    super('SNOOZE_NOT_FOUND', `rule ${ruleId} is not snoozed for customer ${customerId}`, 404);
  }
}

/** Officers kept changing this customer's snoozes while this change retried; the client may retry. */
export class SnoozeConflictError extends VigilError {
  constructor(customerId: string) {
    super('SNOOZE_CONFLICT', `the snoozes of customer ${customerId} changed concurrently too many times; retry`, 409);
  }
}

/** In the lists' plugin scope: an invalid list, entry or snooze answers every problem in `errors`. */
export function installListErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof InvalidListInputError) return reply.status(400).send({ error: error.code, message: error.message, errors: [...error.errors] });
    throw error; // the app's error handler answers everything else
  });
}
