import { z } from 'zod';
import { CUSTOMER_TIERS } from '../../customers/index.js';
import { customerProfileSchema, MARKETING_CHANNELS, quietHoursSchema } from '../../customers/profile.js';
import { durationTextSchema, parseDuration } from '../../rules/index.js';

// The bank's contact policy: how often any customer may be contacted, in which order channels
// are tried, and what applies when the profile says nothing. Built once at start-up from
// configuration and passed down; `prefault({})` lets an override name only what it changes.

const channel = z.enum(MARKETING_CHANNELS);
const windowMs = durationTextSchema.transform((text) => parseDuration(text) ?? 0);

/** At most `limit` offers in any rolling `window` (a duration such as '1d' or '7d'). */
const timeZone = customerProfileSchema.shape.time_zone.unwrap();

const frequencyCap = z.strictObject({ window: windowMs, limit: z.number().int().positive() });
export type FrequencyCap = z.output<typeof frequencyCap>;

export const offerPolicySchema = z.strictObject({
  /** Tried in order when the preferred channel cannot be used; rm_task is left to the tiers below. */
  channel_order: z.array(channel).min(1).default(['push', 'email', 'sms']),
  /** Tiers whose offers go to their relationship manager when the campaign has rm_task content. */
  rm_task_tiers: z.array(z.enum(CUSTOMER_TIERS)).default(['vip']),
  /** Channels that interrupt (a phone buzzing); e-mail waits in the inbox and RM tasks in office hours. */
  quiet_hours_channels: z.array(channel).default(['push', 'sms']),
  default_quiet_hours: quietHoursSchema.default({ start: '21:00', end: '08:00' }),
  /** For customers without a time zone in their profile: the bank's home zone. */
  default_time_zone: timeZone.default('Europe/Berlin'),
  /** The zone whose calendar day a campaign's daily budget counts. */
  budget_time_zone: timeZone.default('Europe/Berlin'),
  /**
   * Campaigns fire only on events this recent: a backfill, a replay or a badly late event updates
   * the features but offers nothing, because the moment the offer answers has passed.
   */
  max_trigger_age: windowMs.default(3_600_000),
  frequency_caps: z.strictObject({
    per_channel: z.array(frequencyCap).prefault([{ window: '1d', limit: 1 }]),
    overall: z.array(frequencyCap).prefault([{ window: '7d', limit: 3 }]),
  }).prefault({}),
}).prefault({});

export type OfferPolicy = z.output<typeof offerPolicySchema>;
export type OfferPolicyInput = z.input<typeof offerPolicySchema>;

export const DEFAULT_OFFER_POLICY: OfferPolicy = offerPolicySchema.parse(undefined);
