import { errorCodes, type FastifyInstance } from 'fastify';
import secureJson from 'secure-json-parse';
import { VigilError } from './errors.js';

/** A JSON body with a `__proto__` or `constructor.prototype` key: prototype pollution, refused whatever the route. */
export class ForbiddenJsonKeyError extends VigilError {
  constructor() {
    super('FORBIDDEN_KEY', 'keys named "__proto__", or "constructor" holding "prototype", are refused in JSON bodies; rename or remove them', 400);
  }
}

// secure-json-parse's own words for both keys; any other SyntaxError is malformed JSON.
const POISONED = 'Object contains forbidden prototype property';

export interface JsonBodyOptions {
  /** The error for an empty body; fastify's FST_ERR_CTP_EMPTY_JSON_BODY when absent. */
  whenEmpty?: () => Error;
}

/**
 * JSON bodies are parsed as fastify does (secure-json-parse, prototype keys refused), but the
 * refusal of a prototype key gets its own answer: fastify's parser reports it as "Body is not
 * valid JSON", which sends a client looking for a syntax error that is not there. Installed once
 * by the app shell; a route plugin that wants its own empty-body message installs it in its scope.
 */
export function installJsonBodyParser(app: FastifyInstance, opts: JsonBodyOptions = {}): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = String(body);
    if (text.length === 0) return done(opts.whenEmpty?.() ?? new errorCodes.FST_ERR_CTP_EMPTY_JSON_BODY(), undefined);
    try {
      done(null, secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' }));
    } catch (error) {
      done(error instanceof SyntaxError && error.message === POISONED ? new ForbiddenJsonKeyError() : new errorCodes.FST_ERR_CTP_INVALID_JSON_BODY(), undefined);
    }
  });
}
