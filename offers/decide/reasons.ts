// Why a campaign that fired was not sent. The strings are stable: dashboards, metrics labels and
// the customer's decision record use them, so rename none without migrating those.

export const ELIGIBILITY_REASONS = [
  'not_eligible:opted_out',
  'not_eligible:kyc',
  'not_eligible:fraud_review',
  'not_eligible:suitability',
  'not_eligible:tier',
  'not_eligible:tags',
  'not_eligible:products',
  'not_eligible:assets',
] as const;
export type EligibilityReason = (typeof ELIGIBILITY_REASONS)[number];

export const CAP_REASONS = ['cooldown', 'cap:channel', 'cap:overall', 'budget_exhausted'] as const;
export type CapReason = (typeof CAP_REASONS)[number];

export const SUPPRESSION_REASONS = [
  'not_active',
  ...ELIGIBILITY_REASONS,
  'no_consented_channel',
  'content_incomplete',
  'quiet_hours',
  ...CAP_REASONS,
  'lower_priority',
] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

/** One campaign that fired and was not chosen, with the sentence the decision record shows. */
export interface Suppression {
  campaignId: string;
  reason: SuppressionReason;
  detail: string;
  /** For quiet hours: when the customer may next be contacted (epoch ms), should the caller retry. */
  retryAtMs?: number;
}
