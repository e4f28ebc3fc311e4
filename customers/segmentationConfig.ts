import { z } from 'zod';

// Segmentation thresholds are the bank's commercial policy, not code: each default below is a
// starting point for a mid-sized European retail bank (amounts in major units of the customer's
// home currency) and is meant to be overridden from configuration. `prefault({})` lets an
// override name only the values it changes.

const amount = z.number().nonnegative();
const ratio = z.number().nonnegative();
const count = z.number().int().nonnegative();
const age = z.number().int().min(0).max(130);

const tiersConfig = z.strictObject({
  vip: z.strictObject({
    min_assets_under_management: amount.default(250_000),
    /** amount_in_30d: a month of inflow this large marks private-banking money even without AUM data. */
    min_monthly_inflow: amount.default(15_000),
  }).prefault({}),
  potential: z.strictObject({
    /** With salary_regular: a salaried customer whose monthly inflow is above the median earner's. */
    min_salaried_inflow_30d: amount.default(4_000),
    min_assets_under_management: amount.default(50_000),
    /** txn_trend_30d_vs_90d at or above this, with the inflow below, is a customer moving money to us. */
    min_activity_trend: ratio.default(1.3),
    min_trending_inflow_30d: amount.default(2_500),
  }).prefault({}),
}).prefault({});

/** Upper bounds (inclusive) of each life stage; older than pre_retirement is retired. */
const lifeStageConfig = z.strictObject({
  student_max_age: age.default(24),
  young_professional_max_age: age.default(34),
  family_max_age: age.default(54),
  pre_retirement_max_age: age.default(64),
}).prefault({});

const needsConfig = z.strictObject({
  savings: z.strictObject({
    /** Spending under 60 % of what comes in leaves a surplus worth putting to work. */
    max_outflow_ratio_30d: ratio.default(0.6),
    min_inflow_30d: amount.default(3_000),
  }).prefault({}),
  credit: z.strictObject({
    /** A salaried customer spending (nearly) all of it may need an overdraft, card or loan. */
    min_outflow_ratio_30d: ratio.default(0.95),
    min_inflow_30d: amount.default(1_500),
  }).prefault({}),
  travel: z.strictObject({
    min_distinct_countries_24h: count.default(2),
  }).prefault({}),
}).prefault({});

const behaviourConfig = z.strictObject({
  /** About three payments a day, every day. */
  high_frequency_min_txn_30d: count.default(90),
  steady_saver_max_outflow_ratio_30d: ratio.default(0.8),
  /** Activity within this band of the 90-day rate counts as steady. */
  steady_trend_min: ratio.default(0.75),
  steady_trend_max: ratio.default(1.33),
  digital_min_sessions_30d: count.default(8),
  /** Share of service contacts that are digital (logins, app sessions vs branch and phone). */
  digital_min_share: ratio.default(0.8),
  dormant_min_days_without_txn: count.default(90),
  declining_max_trend: ratio.default(0.5),
  /** Below this many transactions in 90 days a trend is noise, not a decline. */
  declining_min_txn_90d: count.default(30),
}).prefault({});

const channelName = z.enum(['mobile_app', 'web', 'branch', 'call_centre']);

/**
 * Which features count contacts per service channel. login/app_session events arrive on both the
 * app and the web, so their totals cannot tell the two apart: the defaults use the features
 * engine's per-channel 30-day event counts. A channel whose features are all missing counts 0,
 * and with no counts at all no channel tag is given rather than a guessed one.
 */
const preferredChannelConfig = z.strictObject({
  features: z.record(channelName, z.array(z.string().min(1)).min(1)).default({
    mobile_app: ['mobile_app_event_count_30d'],
    web: ['web_event_count_30d'],
    branch: ['branch_visit_count_30d'],
    call_centre: ['call_centre_contact_count_30d'],
  }),
  min_contacts_30d: count.default(3),
}).prefault({});

export const segmentationConfigSchema = z.strictObject({
  tiers: tiersConfig,
  life_stage: lifeStageConfig,
  needs: needsConfig,
  behaviour: behaviourConfig,
  preferred_channel: preferredChannelConfig,
}).prefault({});

export type SegmentationConfig = z.output<typeof segmentationConfigSchema>;
export type SegmentationConfigInput = z.input<typeof segmentationConfigSchema>;
export type ServiceChannel = z.infer<typeof channelName>;

export const DEFAULT_SEGMENTATION_CONFIG: SegmentationConfig = segmentationConfigSchema.parse(undefined);
