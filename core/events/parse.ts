import type { z } from 'zod';
import { fastValidEvent } from './fastCheck.js';
import { formatMinorUnits, toMinorUnits, toSignedMinorUnits } from './money.js';
import { EVENT_TYPES, eventSchema, type VigilEvent } from './schema.js';

export type EventParseResult = { ok: true; event: VigilEvent } | { ok: false; errors: string[] };

const KNOWN_TYPES: ReadonlySet<string> = new Set(EVENT_TYPES);

/**
 * Validates one posted event and normalises its amount. Errors are short sentences naming the
 * field, so an integrator can fix the sender without reading our code.
 */
export function parseEvent(input: unknown): EventParseResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, errors: ['event must be a JSON object'] };
  }
  const type = (input as { type?: unknown }).type;
  if (typeof type !== 'string' || !KNOWN_TYPES.has(type)) {
    return { ok: false, errors: [`type: unknown event type ${JSON.stringify(type)}; expected one of ${EVENT_TYPES.join(', ')}`] };
  }
  // The common types are checked by plain code first; zod decides (and words the errors) otherwise.
  let data: ParsedEvent;
  if (fastValidEvent(input as Record<string, unknown>)) data = input as ParsedEvent;
  else {
    const parsed = eventSchema.safeParse(input);
    if (!parsed.success) return { ok: false, errors: describeIssues(parsed.error.issues) };
    data = parsed.data;
  }

  if ('balance' in data) return normaliseBalance(data);
  if (!('amount' in data)) return { ok: true, event: data as VigilEvent };
  const minor = toMinorUnits(data.amount, data.currency);
  if (!minor.ok) return { ok: false, errors: [`amount: ${minor.reason}`] };
  if (minor.minor === 0) return { ok: false, errors: ['amount: must be greater than zero'] };
  const amount = formatMinorUnits(minor.minor, data.currency);
  return { ok: true, event: { ...data, amount, amount_minor: minor.minor } as VigilEvent };
}

type ParsedEvent = z.output<typeof eventSchema>;

type BalanceInput = Extract<ParsedEvent, { balance: unknown }>;

/** A balance snapshot's balance (signed) and credit limit (positive) in minor units, like amounts. */
function normaliseBalance(data: BalanceInput): EventParseResult {
  const balance = toSignedMinorUnits(data.balance, data.currency);
  if (!balance.ok) return { ok: false, errors: [`balance: ${balance.reason}`] };
  const { credit_limit: limitInput, ...rest } = data;
  const event = { ...rest, balance: formatMinorUnits(balance.minor, data.currency), balance_minor: balance.minor };
  if (limitInput === undefined) return { ok: true, event: event as VigilEvent };
  const limit = toMinorUnits(limitInput, data.currency);
  if (!limit.ok) return { ok: false, errors: [`credit_limit: ${limit.reason}`] };
  return { ok: true, event: { ...event, credit_limit: formatMinorUnits(limit.minor, data.currency), credit_limit_minor: limit.minor } as VigilEvent };
}

/**
 * zod issues as "path: message" sentences. An issue of the whole value has no path; `subject` names
 * it instead ("(event)" here; callers validating something else, a rule set or a row, say so).
 */
export function describeIssues(issues: readonly z.core.$ZodIssue[], subject = '(event)'): string[] {
  return issues.map((issue) => {
    const path = issue.path.map((key) => (typeof key === 'string' && /[^\x21-\x7e]/.test(key) ? JSON.stringify(key) : String(key))).join('.') || subject;
    if (issue.code === 'unrecognized_keys') return `${path}: unknown field(s) ${issue.keys.join(', ')}`;
    // A bad attribute key says what is wrong with it, not just "Invalid key in record".
    if (issue.code === 'invalid_key' && issue.issues[0]) return `${path}: key ${issue.issues[0].message}`;
    return `${path}: ${issue.message}`;
  });
}
