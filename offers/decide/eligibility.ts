import type { CustomerTier } from '../../customers/index.js';
import type { CustomerProfile, FeatureVector, RiskTolerance } from '../../customers/profile.js';
import type { Campaign } from '../campaigns/campaignSchema.js';
import type { EligibilityReason } from './reasons.js';

/** What eligibility looks at; a subset of `OfferCustomer`, so callers can pass either. */
export interface EligibilityCustomer {
  profile?: CustomerProfile | undefined;
  tier: CustomerTier;
  tags: readonly string[];
  features: FeatureVector;
  openFraudAlert: boolean;
}

export type EligibilityDecision = { eligible: true } | { eligible: false; reason: EligibilityReason; detail: string };

const RISK_RANK: Readonly<Record<RiskTolerance, number>> = { low: 0, medium: 1, high: 2 };

type Check = (campaign: Campaign, customer: EligibilityCustomer) => EligibilityDecision | undefined;

// Order matters only for which reason is recorded when several apply: the customer's own wish
// first, then the bank's legal duties (KYC, fraud, suitability), then marketing's targeting.
const CHECKS: readonly Check[] = [optedOut, kyc, fraudReview, suitability, tier, tags, products, assets];

/**
 * Whether the customer may receive this campaign at all, whatever the channel or the hour. The
 * first rule that fails is the reason; missing data fails cautiously (unknown KYC is not
 * verified, unknown risk tolerance allows only low-risk products, unknown holdings or assets
 * fail any requirement on them).
 */
export function checkEligibility(campaign: Campaign, customer: EligibilityCustomer): EligibilityDecision {
  for (const check of CHECKS) {
    const failure = check(campaign, customer);
    if (failure) return failure;
  }
  return { eligible: true };
}

const fail = (reason: EligibilityReason, detail: string): EligibilityDecision => ({ eligible: false, reason, detail });

function optedOut(_: Campaign, customer: EligibilityCustomer): EligibilityDecision | undefined {
  return customer.profile?.opted_out === true ? fail('not_eligible:opted_out', 'the customer opted out of all marketing') : undefined;
}

function kyc(campaign: Campaign, customer: EligibilityCustomer): EligibilityDecision | undefined {
  const status = customer.profile?.kyc_status;
  if (!campaign.eligibility.kyc_verified_required || status === 'verified') return undefined;
  return fail('not_eligible:kyc', `KYC ${status ?? 'status unknown'}; the campaign needs a verified customer`);
}

function fraudReview(campaign: Campaign, customer: EligibilityCustomer): EligibilityDecision | undefined {
  if (!campaign.eligibility.exclude_open_fraud_alert || !customer.openFraudAlert) return undefined;
  return fail('not_eligible:fraud_review', 'an open fraud alert is under review; no marketing until it is closed');
}

/**
 * MiFID-style suitability: never offer a product riskier than the customer's stated tolerance.
 * Without a questionnaire on file the bank knows nothing of it, so only low-risk products pass.
 */
function suitability(campaign: Campaign, customer: EligibilityCustomer): EligibilityDecision | undefined {
  const product = campaign.product;
  if (!product) return undefined;
  const tolerance = customer.profile?.risk_tolerance;
  const allowed = RISK_RANK[tolerance ?? 'low'];
  if (RISK_RANK[product.risk_level] <= allowed) return undefined;
  const stated = tolerance === undefined ? 'risk tolerance unknown (treated as low)' : `risk tolerance ${tolerance}`;
  return fail('not_eligible:suitability', `${product.id} is ${product.risk_level} risk; ${stated}`);
}

function tier(campaign: Campaign, customer: EligibilityCustomer): EligibilityDecision | undefined {
  const tiers = campaign.eligibility.tiers;
  if (tiers === undefined || tiers.includes(customer.tier)) return undefined;
  return fail('not_eligible:tier', `tier ${customer.tier}; the campaign targets ${tiers.join(', ')}`);
}

function tags(campaign: Campaign, customer: EligibilityCustomer): EligibilityDecision | undefined {
  const has = new Set(customer.tags);
  const missing = campaign.eligibility.required_tags.filter((tag) => !has.has(tag));
  if (missing.length > 0) return fail('not_eligible:tags', `missing tag ${missing.join(', ')}`);
  const excluded = campaign.eligibility.excluded_tags.filter((tag) => has.has(tag));
  if (excluded.length > 0) return fail('not_eligible:tags', `has excluded tag ${excluded.join(', ')}`);
  return undefined;
}

function products(campaign: Campaign, customer: EligibilityCustomer): EligibilityDecision | undefined {
  const { products_required: required, products_excluded: excluded } = campaign.eligibility;
  if (required.length === 0 && excluded.length === 0) return undefined;
  const heldList = customer.profile?.products_held;
  if (heldList === undefined) return fail('not_eligible:products', 'products held unknown; the campaign has product conditions');
  const held = new Set(heldList);
  const missing = required.filter((product) => !held.has(product));
  if (missing.length > 0) return fail('not_eligible:products', `does not hold ${missing.join(', ')}`);
  const already = excluded.filter((product) => held.has(product));
  if (already.length > 0) return fail('not_eligible:products', `already holds ${already.join(', ')}`);
  return undefined;
}

function assets(campaign: Campaign, customer: EligibilityCustomer): EligibilityDecision | undefined {
  const minimum = campaign.eligibility.min_assets_under_management;
  if (minimum === undefined) return undefined;
  const aum = customer.profile?.assets_under_management;
  if (aum !== undefined && aum >= minimum) return undefined;
  const actual = aum === undefined ? 'unknown' : aum.toLocaleString('en-GB');
  return fail('not_eligible:assets', `assets under management ${actual}; the campaign needs at least ${minimum.toLocaleString('en-GB')}`);
}
