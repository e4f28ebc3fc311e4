import { VigilError } from '../core/errors.js';

/** The uploaded bytes are not a model this engine can score with (the reason says what is wrong). */
export class InvalidModelError extends VigilError {
  constructor(message: string) {
    super('INVALID_MODEL', message, 400);
  }
}

export class ModelTooLargeError extends VigilError {
  constructor(size: number, maxBytes: number) {
    super('MODEL_TOO_LARGE', `the model file has ${size} bytes; the registry stores at most ${maxBytes} (VIGIL_MODEL_MAX_BYTES)`, 413);
  }
}

export class ModelNotFoundError extends VigilError {
  constructor(message: string) {
    super('MODEL_NOT_FOUND', message, 404);
  }
}

/** The change conflicts with the model's current versions, or with a rule set that reads it. */
export class ModelConflictError extends VigilError {
  constructor(message: string) {
    super('MODEL_CONFLICT', message, 409);
  }
}
