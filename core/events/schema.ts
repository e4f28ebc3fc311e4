import { z } from 'zod';
import { plainText } from '../plainText.js';
import { currencyProblem } from './currencies.js';

// The one schema of what bank systems post. The envelope names (event_id, customer_id, type,
// occurred_at, channel, amount, currency, merchant, counterparty, device, geo, attributes) are a
// contract with integrators: rename nothing here without a new API version.

export const TRANSACTION_TYPES = [
  'card_payment', 'card_refund', 'transfer_out', 'transfer_in', 'cash_withdrawal',
  'cash_deposit', 'salary_credit', 'bill_payment', 'loan_repayment',
] as const;

export const CHANNEL_ACTIVITY_TYPES = [
  'login', 'login_failed', 'password_reset', 'device_added', 'profile_change', 'app_session',
  'branch_visit', 'call_centre_contact', 'complaint', 'product_opened', 'product_closed',
  'offer_response',
] as const;

/**
 * What the lending systems report about a customer's credit: amounts in them are owed, missed or
 * returned, never money that moved, so they count in no spending, income or activity figure.
 */
export const CREDIT_TYPES = ['repayment_missed', 'direct_debit_returned', 'balance_snapshot'] as const;

export const EVENT_TYPES = [...TRANSACTION_TYPES, ...CHANNEL_ACTIVITY_TYPES, ...CREDIT_TYPES] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const CHANNELS = [
  'pos', 'ecommerce', 'atm', 'mobile_app', 'web', 'branch', 'call_centre', 'core_banking', 'open_banking',
] as const;
export type Channel = (typeof CHANNELS)[number];

// The patterns are shared with the compiled fast check (fastCheck.ts), which must accept exactly what these accept.
export const IDENTIFIER_PATTERN = /^[A-Za-z0-9._:@-]+$/;
export const COUNTRY_PATTERN = /^[A-Z]{2}$/;
export const CURRENCY_PATTERN = /^[A-Z]{3}$/;
export const MCC_PATTERN = /^\d{4}$/;

/** Ids of events, customers, merchants: safe in Redis keys, logs and URLs. */
export const identifier = z
  .string()
  .min(1)
  .max(128)
  .regex(IDENTIFIER_PATTERN, 'only letters, digits and . _ : @ - are allowed');
const countryCode = z.string().regex(COUNTRY_PATTERN, 'an ISO 3166-1 alpha-2 code such as "GB"');
const currencyCode = z
  .string()
  .regex(CURRENCY_PATTERN, 'an ISO 4217 code such as "EUR"')
  .superRefine((code, ctx) => {
    const problem = CURRENCY_PATTERN.test(code) ? currencyProblem(code) : undefined;
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
function kindOf(value: unknown): string {
  if (value === null || typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return 'an infinite number';
  return Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : typeof value;
}

/**
 * A decimal as a string or a finite JSON number. zod's own word for a failed union is a bare
 * "Invalid input"; this says what is expected (the decimal's own rules are money.ts's, after the schema).
 */
const decimal = (example: string) => z.union([z.string(), z.number()], {
  error: (issue) => (issue.input === undefined
    ? `required, a decimal string such as "${example}"`
    : `must be a decimal string such as "${example}" (or a finite JSON number), not ${kindOf(issue.input)}`),
});
const amount = decimal('125.40')
  .describe('positive decimal in major units, preferably a string such as "125.40"');
const signedAmount = decimal('-125.40')
  .describe('decimal in major units, zero or negative allowed, preferably a string such as "-125.40"');

export const merchantSchema = z.strictObject({
  id: identifier,
  mcc: z.string().regex(MCC_PATTERN, 'a 4-digit merchant category code'),
  country: countryCode,
  name: plainText({ max: 128 }).optional(),
});

export const counterpartySchema = z.strictObject({
  id: identifier.optional(),
  account: plainText({ min: 1, max: 64 }).optional(),
  bank: plainText({ min: 1, max: 64 }).optional(),
  country: countryCode.optional(),
  name: plainText({ max: 128 }).optional(),
  own_account: z.boolean().optional()
    .describe("true when the bank has verified the account is the customer's own (a name match on the payee, or an account the customer linked): moving money to oneself is not a payment to a stranger"),
});

export const deviceSchema = z.strictObject({
  id: identifier,
  ip: z.union([z.ipv4(), z.ipv6()], { error: 'an IPv4 address such as "203.0.113.7" or an IPv6 address such as "2001:db8::1"' }).optional(),
});

// Where the customer physically was: the terminal's place for a card or cash, the device's own
// positioning for a login or a session. Not a guess from the IP address: a VPN or a mobile
// carrier's gateway exits hundreds of kilometres away, and impossible travel reads geo as presence.
export const geoSchema = z.strictObject({
  country: countryCode,
  lat: z.number().min(-90).max(90).optional(),
  lon: z.number().min(-180).max(180).optional(),
});

// Attributes are bounded so one event cannot carry an unbounded payload into every store.
export const attributesSchema = z
  .record(plainText({ min: 1, max: 64 }), z.union([plainText({ max: 256 }), z.number(), z.boolean()], {
    // Flat by design: a nested object or array is refused with what a value may be.
    error: (issue) => `an attribute value is a string (at most 256 characters), a finite number or a boolean, not ${kindOf(issue.input)}`,
  }))
  .refine((record) => Object.keys(record).length <= 20, 'at most 20 attributes');

export const PRODUCT_TYPES = ['current_account', 'savings', 'term_deposit', 'credit_card', 'debit_card', 'loan', 'mortgage', 'investment', 'insurance'] as const;

export const productSchema = z.strictObject({
  type: z.enum(PRODUCT_TYPES),
  id: identifier.optional(),
});

/** Why a product ended, when the core system knows: a matured deposit or a replaced card is routine, not a customer leaving. */
export const CLOSURE_REASONS = ['customer_request', 'matured', 'replaced', 'repaid', 'bank_initiated'] as const;
export const closedProductSchema = productSchema.extend({ closure_reason: z.enum(CLOSURE_REASONS).optional() });

/** How the card was read: chip, contactless and magstripe mean the card was at the terminal; manual and online mean it was not. */
export const ENTRY_MODES = ['chip', 'contactless', 'magstripe', 'manual', 'online'] as const;
const entryMode = z.enum(ENTRY_MODES).optional();

/** Which parts of the profile a profile_change changed: a new phone number or e-mail is how a takeover locks the owner out. */
export const PROFILE_CHANGE_FIELDS = ['phone', 'email', 'address', 'name', 'marketing_preferences', 'other'] as const;

export const complaintSchema = z.strictObject({
  id: identifier,
  // 'privacy': about the bank's handling of the customer's data; its SLA is its own (VIGIL_COMPLAINT_SLA_HOURS_PRIVACY).
  category: z.enum(['fees', 'service', 'fraud', 'card', 'digital', 'lending', 'privacy', 'other']),
  status: z.enum(['opened', 'resolved']).default('opened'),
});

export const offerResponseSchema = z.strictObject({
  offer_id: identifier,
  campaign_id: identifier.optional(),
  response: z.enum(['viewed', 'accepted', 'declined']),
});

/** RFC 3339 with an offset; the fast check reads zod's own pattern from it. */
export const occurredAt = z.iso.datetime({ offset: true });

const envelope = {
  event_id: identifier.describe(
    'names one event of one customer, unique across the deployment for the dedup window: posted again for the same customer it is a duplicate, '
    + 'for another customer it is refused (EVENT_ID_CONFLICT). Senders with overlapping id spaces prefix them, e.g. "card:123"',
  ),
  customer_id: identifier,
  occurred_at: occurredAt.describe('RFC 3339 event time, e.g. 2026-11-26T09:15:00Z'),
  channel: z.enum(CHANNELS),
  device: deviceSchema.optional(),
  geo: geoSchema.optional(),
  attributes: attributesSchema.optional(),
};

const money = { amount, currency: currencyCode };

function eventOf<T extends EventType, S extends z.ZodRawShape>(type: T, shape: S) {
  return z.strictObject({ type: z.literal(type), ...envelope, ...shape });
}

export const eventSchema = z.discriminatedUnion('type', [
  eventOf('card_payment', { ...money, merchant: merchantSchema, entry_mode: entryMode }),
  eventOf('card_refund', { ...money, merchant: merchantSchema, entry_mode: entryMode }),
  eventOf('transfer_out', { ...money, counterparty: counterpartySchema }),
  eventOf('transfer_in', { ...money, counterparty: counterpartySchema }),
  eventOf('cash_withdrawal', {
    ...money,
    product: productSchema.optional().describe('the account or card drawn on, when known: cash on a credit_card is a cash advance'),
  }),
  eventOf('cash_deposit', { ...money }),
  eventOf('salary_credit', { ...money, counterparty: counterpartySchema.optional() }),
  eventOf('bill_payment', { ...money, counterparty: counterpartySchema.optional(), merchant: merchantSchema.optional() }),
  eventOf('loan_repayment', { ...money, product: productSchema.optional() }),
  eventOf('login', {}),
  eventOf('login_failed', {}),
  eventOf('password_reset', {}),
  eventOf('device_added', {}),
  eventOf('profile_change', { changed_fields: z.array(z.enum(PROFILE_CHANGE_FIELDS)).min(1).max(PROFILE_CHANGE_FIELDS.length).optional() }),
  eventOf('app_session', {}),
  eventOf('branch_visit', {}),
  eventOf('call_centre_contact', {}),
  eventOf('complaint', { complaint: complaintSchema }),
  eventOf('product_opened', { product: productSchema }),
  eventOf('product_closed', { product: closedProductSchema }),
  eventOf('offer_response', { offer: offerResponseSchema }),
  eventOf('repayment_missed', {
    ...money,
    product: productSchema.describe('the loan, mortgage or card whose instalment was not paid'),
    days_past_due: z.number().int().min(1).max(3650).describe('days the oldest unpaid instalment is overdue, as the lending system counts them'),
  }),
  eventOf('direct_debit_returned', {
    ...money,
    counterparty: counterpartySchema.describe('who collected the debit that was returned unpaid'),
  }),
  eventOf('balance_snapshot', {
    product: productSchema,
    balance: signedAmount.describe(
      'for a credit_card, loan or mortgage the amount owed; for an account the money held, negative when overdrawn',
    ),
    currency: currencyCode,
    credit_limit: amount.optional().describe("the card's limit, or the account's arranged overdraft"),
  }),
]);

/** An event as posted by a bank system (amount still in the integrator's notation). */
export type EventInput = z.input<typeof eventSchema>;
type ParsedEvent = z.output<typeof eventSchema>;

/**
 * A validated event as it travels through Vigil: amounts are normalised decimal text plus
 * integer minor units, so no stage ever adds floats.
 */
export type VigilEvent = Normalised<ParsedEvent>;
type Normalised<T> = T extends { amount: unknown }
  ? Omit<T, 'amount'> & { amount: string; amount_minor: number }
  : T extends { balance: unknown }
    ? Omit<T, 'balance' | 'credit_limit'> & { balance: string; balance_minor: number; credit_limit?: string; credit_limit_minor?: number }
    : T;

export const eventBatchSchema = z.strictObject({
  events: z.array(z.unknown()).min(1).describe('events, each validated on its own'),
});
