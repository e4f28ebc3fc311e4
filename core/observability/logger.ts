import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

// Customer data never reaches the logs. Requests are logged by route pattern
// (/v1/customers/:customerId), never by URL, and without the client's address (server/app.ts);
// these paths catch identifiers, addresses and accounts wherever else they appear in a logged
// object, one or two levels down.
const REDACT_PATHS = [
  'req.headers.authorization', 'req.headers.cookie', 'req.url', 'req.remoteAddress', 'req.remotePort',
  ...['customer_id', 'customerId', 'ip', 'remoteAddress', 'account', 'iban'].flatMap((key) => [key, `*.${key}`, `*.*.${key}`]),
  '*.device.ip', '*.counterparty.account', '*.counterparty.name', '*.merchant.name',
  'event', '*.event', 'payload', '*.payload',
];

/** The process logger; `destination` lets tests read what would be written. */
export function createLogger(level: string, opts: { name?: string; destination?: DestinationStream } = {}): Logger {
  const options = { level, name: opts.name ?? 'vigil', redact: { paths: REDACT_PATHS, censor: '[redacted]' } };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}
