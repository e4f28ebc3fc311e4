import { z } from 'zod';
import { plainText } from '../core/plainText.js';

/**
 * The channels marketing may use to reach a customer. `rm_task` is not a message: it asks the
 * customer's relationship manager to get in touch, so it needs consent like any other contact.
 */
export const MARKETING_CHANNELS = ['push', 'sms', 'email', 'rm_task'] as const;
export type MarketingChannel = (typeof MARKETING_CHANNELS)[number];

export const RISK_TOLERANCES = ['low', 'medium', 'high'] as const;
export type RiskTolerance = (typeof RISK_TOLERANCES)[number];
export const KYC_STATUSES = ['verified', 'pending', 'failed'] as const;
export type KycStatus = (typeof KYC_STATUSES)[number];

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const CLOCK_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** 'YYYY-MM-DD' naming a day that exists (no 2023-02-29). */
const birthday = z.string().refine(isCalendarDate, 'a date "YYYY-MM-DD" that exists, e.g. "1985-06-14"');

/**
 * A product the customer holds and the day it was opened, from core banking: its anniversaries
 * are moments for a campaign (a year of the mortgage, five years of savings).
 */
export const productOpeningSchema = z.strictObject({
  product: plainText({ min: 1, max: 64 }),
  opened_on: z.string().refine(isCalendarDate, 'a date "YYYY-MM-DD" that exists, e.g. "2021-03-01"'),
});
export type ProductOpening = z.infer<typeof productOpeningSchema>;

/** An IANA zone the runtime knows ("Europe/Berlin"); checked here so no decision meets a bad one later. */
const timeZone = z.string().min(1).max(64).refine(isKnownTimeZone, 'an IANA time zone such as "Europe/Berlin"');

const clockTime = z.string().regex(CLOCK_TIME, 'a 24-hour time "HH:MM", e.g. "21:00"');

/**
 * When the customer must not be disturbed, in their local time. A window may cross midnight
 * (21:00–08:00). Equal start and end would mean either "never" or "always", so it is refused:
 * leave quiet_hours out for the bank's default.
 */
export const quietHoursSchema = z
  .strictObject({ start: clockTime, end: clockTime })
  .refine((q) => q.start !== q.end, 'start and end must differ (omit quiet_hours for the default)');
export type QuietHours = z.infer<typeof quietHoursSchema>;

/**
 * Consent per marketing channel. A channel left out counts as not consented: consent is given,
 * never assumed (GDPR art. 7), so a partial record from the CRM is safe.
 */
export const marketingConsentSchema = z.strictObject(
  Object.fromEntries(MARKETING_CHANNELS.map((channel) => [channel, z.boolean().optional()])) as Record<MarketingChannel, z.ZodOptional<z.ZodBoolean>>,
);
export type MarketingConsent = z.infer<typeof marketingConsentSchema>;

/**
 * What the bank knows about a customer outside the event stream (CRM, core banking). Every field
 * is optional: segmentation and rules must work for a customer we know only from events, and
 * marketing treats a missing consent, KYC status or risk tolerance as the most cautious value.
 */
export const customerProfileSchema = z.strictObject({
  assets_under_management: z.number().nonnegative().optional().describe('major units, all accounts and investments'),
  products_held: z.array(plainText({ min: 1, max: 64 })).max(100).optional(),
  age: z.number().int().min(0).max(130).optional(),
  risk_tolerance: z.enum(RISK_TOLERANCES).optional().describe('from the suitability questionnaire; unknown means low'),
  preferred_channel: z.enum(MARKETING_CHANNELS).optional(),
  language: z
    .string()
    .regex(/^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/, 'a BCP 47 language tag such as "en" or "de-AT"')
    .optional(),
  relationship_manager: plainText({ min: 1, max: 128 }).optional().describe('id of the assigned relationship manager'),
  birthday: birthday.optional(),
  products_opened: z.array(productOpeningSchema).max(100).optional()
    .describe('products held with the day each was opened; campaigns see features.product_anniversary_today and …_years'),
  time_zone: timeZone.optional(),
  kyc_status: z.enum(KYC_STATUSES).optional(),
  marketing_consent: marketingConsentSchema.optional(),
  opted_out: z.boolean().optional().describe('the customer asked for no marketing at all; overrides every consent'),
  quiet_hours: quietHoursSchema.optional(),
  version: z.number().int().nonnegative().optional().describe('CRM record version: a newer profile replaces an older one, never the reverse'),
});
export type CustomerProfile = z.infer<typeof customerProfileSchema>;

export const PROFILE_FIELDS = Object.keys(customerProfileSchema.shape) as readonly (keyof CustomerProfile)[];

/** Live features of one customer, as the features engine computes them: numbers and flags. */
export type FeatureVector = Readonly<Record<string, number | boolean>>;

/** A numeric feature, or undefined when it is missing or not a finite number. */
export function numericFeature(features: FeatureVector, name: string): number | undefined {
  const value = features[name];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A flag feature; 1/0 are accepted too, since some feature stores keep flags as numbers. */
export function flagFeature(features: FeatureVector, name: string): boolean | undefined {
  const value = features[name];
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === 0) return value === 1;
  return undefined;
}

function isCalendarDate(text: string): boolean {
  const match = ISO_DATE.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function isKnownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
