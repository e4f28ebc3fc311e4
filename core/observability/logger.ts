import { pino, type Logger } from 'pino';

export type { Logger };

// Customer data never reaches the logs: identifiers, device addresses and accounts are redacted
// wherever they appear in a logged object.
const REDACT_PATHS = [
  'req.headers.authorization',
  'customer_id', '*.customer_id', '*.*.customer_id',
  '*.device.ip', '*.counterparty.account', '*.counterparty.name', '*.merchant.name',
  'event', '*.event', 'payload', '*.payload',
];

export function createLogger(level: string, opts: { name?: string } = {}): Logger {
  return pino({ level, name: opts.name ?? 'vigil', redact: { paths: REDACT_PATHS, censor: '[redacted]' } });
}
