import { flagFeature, numericFeature, type CustomerProfile, type FeatureVector } from './profile.js';
import type { SegmentationConfig } from './segmentationConfig.js';

export const CUSTOMER_TIERS = ['vip', 'potential', 'mass'] as const;
export type CustomerTier = (typeof CUSTOMER_TIERS)[number];

export interface TierDecision {
  tier: CustomerTier;
  reasons: string[];
}

const money = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });

/**
 * The customer's tier, computed live, highest first: VIP on wealth or inflow, potential on a
 * salaried income, meaningful assets or money moving towards us, mass otherwise. Each reason names
 * the value and the threshold it met, so a relationship manager can see why.
 */
export function customerTier(features: FeatureVector, profile: CustomerProfile | undefined, cfg: SegmentationConfig): TierDecision {
  const { tier, reasons } = tierOf(features, profile, cfg);
  return { tier, reasons: reasons.map((reason) => reason()) };
}

/** The tier of customerTier, without the reasons. */
export function customerTierName(features: FeatureVector, profile: CustomerProfile | undefined, cfg: SegmentationConfig): CustomerTier {
  return tierOf(features, profile, cfg).tier;
}

/**
 * Reasons are written only when asked for: the tier is decided on every event, where nobody reads
 * them, and formatting their amounts cost more than deciding.
 */
type Reason = () => string;

function tierOf(features: FeatureVector, profile: CustomerProfile | undefined, cfg: SegmentationConfig): { tier: CustomerTier; reasons: Reason[] } {
  const vip = vipReasons(features, profile, cfg.tiers.vip);
  if (vip.length > 0) return { tier: 'vip', reasons: vip };
  const potential = potentialReasons(features, profile, cfg.tiers.potential);
  if (potential.length > 0) return { tier: 'potential', reasons: potential };
  return { tier: 'mass', reasons: [MASS] };
}

const MASS: Reason = () => 'mass: no VIP or potential criterion met';

function vipReasons(features: FeatureVector, profile: CustomerProfile | undefined, cfg: SegmentationConfig['tiers']['vip']): Reason[] {
  const reasons: Reason[] = [];
  const aum = profile?.assets_under_management;
  if (aum !== undefined && aum >= cfg.min_assets_under_management) {
    reasons.push(() => `vip: assets under management ${money.format(aum)} ≥ ${money.format(cfg.min_assets_under_management)}`);
  }
  const inflow = numericFeature(features, 'amount_in_30d');
  if (inflow !== undefined && inflow >= cfg.min_monthly_inflow) {
    reasons.push(() => `vip: ${money.format(inflow)} received in 30 days ≥ ${money.format(cfg.min_monthly_inflow)}`);
  }
  return reasons;
}

function potentialReasons(features: FeatureVector, profile: CustomerProfile | undefined, cfg: SegmentationConfig['tiers']['potential']): Reason[] {
  const reasons: Reason[] = [];
  const inflow = numericFeature(features, 'amount_in_30d');
  if (flagFeature(features, 'salary_regular') === true && inflow !== undefined && inflow >= cfg.min_salaried_inflow_30d) {
    reasons.push(() => `potential: regular salary and ${money.format(inflow)} received in 30 days ≥ ${money.format(cfg.min_salaried_inflow_30d)}`);
  }
  const aum = profile?.assets_under_management;
  if (aum !== undefined && aum >= cfg.min_assets_under_management) {
    reasons.push(() => `potential: assets under management ${money.format(aum)} ≥ ${money.format(cfg.min_assets_under_management)}`);
  }
  const trend = numericFeature(features, 'txn_trend_30d_vs_90d');
  if (trend !== undefined && trend >= cfg.min_activity_trend && inflow !== undefined && inflow >= cfg.min_trending_inflow_30d) {
    reasons.push(() => `potential: activity rising (30-day rate ${trend.toFixed(2)}× the 90-day rate ≥ ${cfg.min_activity_trend}) with ${money.format(inflow)} received in 30 days`);
  }
  return reasons;
}
