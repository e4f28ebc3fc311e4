import { z } from 'zod';
import { plainTextProblem } from '../plainText.js';
import { isCurrency } from './currencies.js';
import {
  CHANNELS, COUNTRY_PATTERN, CURRENCY_PATTERN, ENTRY_MODES, IDENTIFIER_PATTERN, MCC_PATTERN, PRODUCT_TYPES, occurredAt, type EventType,
} from './schema.js';

// Ingest's hot path. zod walks every event through its generic machinery (a payload and an issue
// list per field, a fresh output object per level), which was 10–13% of the API role's CPU and
// much of its garbage under the bench's load. This is the same schema written as plain checks for
// the common event types. It only ever says "certainly valid": whenever it is not sure (another
// type, an ipv6 address, a field left undefined, an object that is not a plain one) or the event is
// invalid, parseEvent asks zod, so the error texts are zod's, unchanged. What it accepts zod
// accepts with an output equal to the input (these types have no defaults and no transforms), which
// the property test in test/core/eventFastCheck.test.ts checks against zod on random events, and
// a test compares its field lists with the zod shapes so that a field added there cannot be missed here.

type Check = (value: unknown) => boolean;
interface Field { check: Check; optional: boolean }

const OCCURRED_AT = (occurredAt._zod.def as { pattern?: RegExp }).pattern;
if (!(OCCURRED_AT instanceof RegExp)) throw new Error('zod no longer exposes the datetime pattern; the fast check needs it');
const IPV4 = z.regexes.ipv4;

// Objects as JSON.parse makes them (or with no prototype); anything else, a Date say, goes to zod.
const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};

const text = (min: number, max: number): Check => (value) =>
  typeof value === 'string' && value.length >= min && value.length <= max && plainTextProblem(value) === undefined;
const pattern = (re: RegExp): Check => (value) => typeof value === 'string' && re.test(value);
const oneOf = (values: readonly string[]): Check => {
  const set: ReadonlySet<unknown> = new Set(values);
  return (value) => set.has(value);
};
const numberIn = (min: number, max: number): Check => (value) => typeof value === 'number' && value >= min && value <= max;

const identifier: Check = (value) => typeof value === 'string' && value.length >= 1 && value.length <= 128 && IDENTIFIER_PATTERN.test(value);
const country = pattern(COUNTRY_PATTERN);
const currency: Check = (value) => typeof value === 'string' && CURRENCY_PATTERN.test(value) && isCurrency(value);
// The amount's own rules (positive, the currency's decimals) are parseEvent's, after the schema.
const amount: Check = (value) => typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));

const required = (check: Check): Field => ({ check, optional: false });
const optional = (check: Check): Field => ({ check, optional: true });

/** A strict object: known keys only, each defined and valid, every required key present. */
function strictObject(fields: Record<string, Field>): Check {
  const entries = Object.entries(fields);
  const requiredCount = entries.filter(([, f]) => !f.optional).length;
  return (value) => {
    if (!isPlainObject(value)) return false;
    let requiredSeen = 0;
    for (const key of Object.keys(value)) {
      const field = fields[key];
      if (field === undefined || !Object.hasOwn(fields, key)) return false;
      const v = value[key];
      if (v === undefined || !field.check(v)) return false;
      if (!field.optional) requiredSeen++;
    }
    return requiredSeen === requiredCount;
  };
}

const merchant = strictObject({ id: required(identifier), mcc: required(pattern(MCC_PATTERN)), country: required(country), name: optional(text(0, 128)) });
const counterparty = strictObject({
  id: optional(identifier), account: optional(text(1, 64)), bank: optional(text(1, 64)), country: optional(country),
  name: optional(text(0, 128)), own_account: optional((v) => typeof v === 'boolean'),
});
const device = strictObject({ id: required(identifier), ip: optional(pattern(IPV4)) });
const geo = strictObject({ country: required(country), lat: optional(numberIn(-90, 90)), lon: optional(numberIn(-180, 180)) });
const product = strictObject({ type: required(oneOf(PRODUCT_TYPES)), id: optional(identifier) });
const attributeKey = text(1, 64);
const attributeValue: Check = (v) => typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)) || text(0, 256)(v);
const attributes: Check = (value) => {
  if (!isPlainObject(value) || Object.getOwnPropertySymbols(value).length > 0) return false;
  const keys = Object.keys(value);
  // zod's record skips an own "__proto__" key (JSON.parse makes one); leave such a record to zod.
  return keys.length <= 20 && keys.every((key) => key !== '__proto__' && attributeKey(key) && attributeValue(value[key]));
};

const envelope = {
  type: required((v) => typeof v === 'string'), // the discriminator; the table below is per type
  event_id: required(identifier),
  customer_id: required(identifier),
  occurred_at: required(pattern(OCCURRED_AT)),
  channel: required(oneOf(CHANNELS)),
  device: optional(device),
  geo: optional(geo),
  attributes: optional(attributes),
};
const money = { amount: required(amount), currency: required(currency) };

/** The field lists of the types checked here, as in eventSchema; other types always go to zod. */
export const FAST_SHAPES: Partial<Record<EventType, Record<string, Field>>> = {
  card_payment: { ...envelope, ...money, merchant: required(merchant), entry_mode: optional(oneOf(ENTRY_MODES)) },
  card_refund: { ...envelope, ...money, merchant: required(merchant), entry_mode: optional(oneOf(ENTRY_MODES)) },
  transfer_out: { ...envelope, ...money, counterparty: required(counterparty) },
  transfer_in: { ...envelope, ...money, counterparty: required(counterparty) },
  cash_withdrawal: { ...envelope, ...money, product: optional(product) },
  cash_deposit: { ...envelope, ...money },
  salary_credit: { ...envelope, ...money, counterparty: optional(counterparty) },
  bill_payment: { ...envelope, ...money, counterparty: optional(counterparty), merchant: optional(merchant) },
  loan_repayment: { ...envelope, ...money, product: optional(product) },
  login: envelope,
  login_failed: envelope,
  password_reset: envelope,
  device_added: envelope,
  app_session: envelope,
  branch_visit: envelope,
  call_centre_contact: envelope,
  product_opened: { ...envelope, product: required(product) },
};

const CHECKS: ReadonlyMap<string, Check> = new Map(Object.entries(FAST_SHAPES).map(([type, shape]) => [type, strictObject(shape)]));

/**
 * True only when the event is certainly valid against eventSchema and zod's output would equal it;
 * false means "ask zod" (invalid, or a case this check leaves to zod).
 */
export function fastValidEvent(input: Record<string, unknown>): boolean {
  const check = CHECKS.get(input.type as string);
  return check !== undefined && check(input);
}
