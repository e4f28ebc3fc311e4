import { z } from 'zod';
import { plainText } from '../../core/plainText.js';
import { EVENT_TYPES, PRODUCT_TYPES, TRIGGER_TYPES } from '../../core/events/index.js';
import { CUSTOMER_TIERS } from '../../customers/index.js';
import { MARKETING_CHANNELS, RISK_TOLERANCES } from '../../customers/profile.js';
import { conditionSchema, durationTextSchema } from '../../rules/index.js';

// The one definition of a campaign. Campaigns are data, authored in YAML or JSON by marketing and
// reviewed like code: unknown keys are errors, and `validateCampaignSet` (load.ts) then checks
// what the schema cannot know (feature names, placeholders, duplicate ids). The trigger condition
// is the rules' condition language, evaluated by the rules' evaluator: one language for the bank.

/** Draft campaigns are being written, paused ones are stopped by marketing; only active ones send. */
export const CAMPAIGN_STATES = ['draft', 'active', 'paused'] as const;
export type CampaignState = (typeof CAMPAIGN_STATES)[number];

const slug = z
  .string()
  .max(64)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'a slug: lowercase letters, digits and single hyphens, e.g. "travel-card"');

const tagList = z.array(plainText({ min: 1, max: 64 })).default([]);
const productList = z.array(plainText({ min: 1, max: 64 })).default([]);

export const campaignTriggerSchema = z.strictObject({
  event_types: z.array(z.enum(TRIGGER_TYPES)).min(1).describe('the events that may fire the campaign; customer_review is Vigil\'s own daily look at a quiet customer'),
  condition: conditionSchema
    .optional()
    .describe('rules condition over event.*, features.* (plus score_churn, score_fraud, birthday_today), tags, tier, profile.*'),
});

/**
 * Who may receive the offer at all. Defaults are the cautious ones: KYC must be verified and a
 * customer with an open fraud alert gets no marketing (the account may be in a fraudster's hands).
 */
export const campaignEligibilitySchema = z.strictObject({
  tiers: z.array(z.enum(CUSTOMER_TIERS)).min(1).optional().describe('all tiers when absent'),
  required_tags: tagList.describe('the customer has every one'),
  excluded_tags: tagList.describe('the customer has none'),
  products_required: productList.describe('the customer holds every one'),
  products_excluded: productList.describe('the customer holds none (e.g. the product offered)'),
  min_assets_under_management: z.number().nonnegative().optional().describe('major units'),
  kyc_verified_required: z.boolean().default(true),
  exclude_open_fraud_alert: z.boolean().default(true),
});

/** One message: `{placeholder}` stands for a field path (`event.amount`, `features.x`, `profile.x`, `tier`). */
export const messageSchema = z.strictObject({
  title: plainText({ min: 1, max: 120 }).describe('push title, e-mail subject, SMS label, RM task headline'),
  body: plainText({ min: 1, max: 2000, multiline: true }),
});
export type OfferMessage = z.infer<typeof messageSchema>;

export const campaignContentSchema = z
  .strictObject(
    Object.fromEntries(MARKETING_CHANNELS.map((channel) => [channel, messageSchema.optional()])) as Record<
      (typeof MARKETING_CHANNELS)[number], z.ZodOptional<typeof messageSchema>
    >,
  )
  .refine((content) => Object.values(content).some((message) => message !== undefined), 'content needs at least one channel: push, sms, email or rm_task');
export type CampaignContent = z.infer<typeof campaignContentSchema>;

/**
 * The behaviour the campaign wants, observed in the event stream for offered and control customers
 * alike: "opened a savings product within 30 days of the decision". An accepted offer_response
 * exists only for customers who were sent something, so it cannot measure uplift; the goal can.
 */
export const campaignGoalSchema = z.strictObject({
  event_type: z.enum(EVENT_TYPES),
  product_type: z.enum(PRODUCT_TYPES).optional().describe('for product_opened / product_closed goals: the product type that counts'),
  within: durationTextSchema.default('30d').describe('how long after the decision a goal event counts'),
});
export type CampaignGoal = z.output<typeof campaignGoalSchema>;

export const campaignSchema = z.strictObject({
  id: slug.describe('stable id: decisions, caps, holdout and metrics refer to it'),
  name: plainText({ min: 1, max: 120 }),
  description: plainText({ min: 1, max: 2000, multiline: true }).describe('the customer need it answers, and why these thresholds'),
  state: z.enum(CAMPAIGN_STATES),
  priority: z.number().int().min(0).max(1000).describe('higher wins when several campaigns fire on one event'),
  expected_value: z.number().nonnegative().describe('major units per accepted offer; breaks priority ties'),
  product: z
    .strictObject({ id: plainText({ min: 1, max: 64 }), risk_level: z.enum(RISK_TOLERANCES) })
    .optional()
    .describe('what is offered; absent for care messages that sell nothing'),
  trigger: campaignTriggerSchema,
  eligibility: campaignEligibilitySchema.prefault({}),
  content: campaignContentSchema,
  caps: z.strictObject({
    cooldown: durationTextSchema.describe('after an offer (or a holdout decision), the customer is not offered this campaign again for this long'),
  }),
  budget: z
    .strictObject({ max_offers_per_day: z.number().int().positive() })
    .optional()
    .describe('offers sent per calendar day (budget time zone); unlimited when absent'),
  holdout_share: z.number().min(0).max(0.5).default(0).describe('share of customers kept as a control group, decided but not sent'),
  schedule: z
    .strictObject({
      starts_at: z.iso.datetime({ offset: true }).optional(),
      ends_at: z.iso.datetime({ offset: true }).optional(),
    })
    .refine((w) => !w.starts_at || !w.ends_at || Date.parse(w.starts_at) < Date.parse(w.ends_at), 'starts_at must be before ends_at')
    .optional()
    .describe('when an active campaign may send (a seasonal offer); always when absent'),
  quiet_hours: z
    .enum(['suppress', 'defer'])
    .default('suppress')
    .describe("a trigger inside the customer's quiet hours: drop the offer, or send it when they end (a birthday greeting must not arrive the next day; a travel card may)"),
  goal: campaignGoalSchema.optional().describe('what counts as converted, for treated and control alike; uplift is measured on it'),
});
export type Campaign = z.output<typeof campaignSchema>;
export type CampaignInput = z.input<typeof campaignSchema>;

export const campaignSetSchema = z.strictObject({
  version: z.string().min(1).max(64).describe('quoted in YAML ("2026.1"), recorded on every decision'),
  campaigns: z.array(campaignSchema),
});
export type CampaignSet = z.output<typeof campaignSetSchema>;
export type CampaignSetInput = z.input<typeof campaignSetSchema>;
