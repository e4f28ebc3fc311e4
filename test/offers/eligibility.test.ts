import { describe, expect, it } from 'vitest';
import type { CustomerProfile, RiskTolerance } from '../../customers/profile.js';
import { checkEligibility, type CampaignInput, type EligibilityReason, type OfferCustomer } from '../../offers/index.js';
import { campaign, customer } from './fixtures.js';

type Case = [string, Partial<CampaignInput>, Partial<OfferCustomer>, Partial<CustomerProfile>, EligibilityReason | 'eligible', string];

describe('checkEligibility', () => {
  it.each<Case>([
    ['a verified, consenting customer', {}, {}, {}, 'eligible', ''],
    ['a customer who opted out', {}, {}, { opted_out: true }, 'not_eligible:opted_out', 'opted out of all marketing'],
    ['opting out beats every other rule', {}, { openFraudAlert: true }, { opted_out: true, kyc_status: 'failed' }, 'not_eligible:opted_out', ''],
    ['KYC pending', {}, {}, { kyc_status: 'pending' }, 'not_eligible:kyc', 'KYC pending'],
    ['KYC failed', {}, {}, { kyc_status: 'failed' }, 'not_eligible:kyc', 'KYC failed'],
    ['KYC unknown', {}, {}, { kyc_status: undefined }, 'not_eligible:kyc', 'KYC status unknown'],
    ['KYC pending on a campaign that does not require it', { eligibility: { kyc_verified_required: false } }, {}, { kyc_status: 'pending' }, 'eligible', ''],
    ['an open fraud alert', {}, { openFraudAlert: true }, {}, 'not_eligible:fraud_review', 'open fraud alert'],
    ['an open fraud alert on a campaign that allows it', { eligibility: { exclude_open_fraud_alert: false } }, { openFraudAlert: true }, {}, 'eligible', ''],
    ['a high-risk product for a medium-risk customer', { product: { id: 'crypto-fund', risk_level: 'high' } }, {}, {}, 'not_eligible:suitability', 'crypto-fund is high risk; risk tolerance medium'],
    ['a tier not targeted', { eligibility: { tiers: ['vip', 'potential'] } }, { tier: 'mass' }, {}, 'not_eligible:tier', 'tier mass; the campaign targets vip, potential'],
    ['a targeted tier', { eligibility: { tiers: ['vip'] } }, { tier: 'vip' }, {}, 'eligible', ''],
    ['a required tag missing', { eligibility: { required_tags: ['needs:savings', 'behaviour:steady_saver'] } }, { tags: ['needs:savings'] }, {}, 'not_eligible:tags', 'missing tag behaviour:steady_saver'],
    ['every required tag present', { eligibility: { required_tags: ['needs:savings'] } }, { tags: ['needs:savings', 'x:y'] }, {}, 'eligible', ''],
    ['an excluded tag present', { eligibility: { excluded_tags: ['behaviour:dormant'] } }, { tags: ['behaviour:dormant'] }, {}, 'not_eligible:tags', 'has excluded tag behaviour:dormant'],
    ['a required product not held', { eligibility: { products_required: ['current-account', 'credit-card'] } }, {}, {}, 'not_eligible:products', 'does not hold credit-card'],
    ['the offered product already held', { eligibility: { products_excluded: ['current-account'] } }, {}, {}, 'not_eligible:products', 'already holds current-account'],
    ['products unknown with a product condition', { eligibility: { products_excluded: ['travel-card'] } }, {}, { products_held: undefined }, 'not_eligible:products', 'products held unknown'],
    ['products unknown without product conditions', {}, {}, { products_held: undefined }, 'eligible', ''],
    ['assets below the minimum', { eligibility: { min_assets_under_management: 50_000 } }, {}, { assets_under_management: 30_000 }, 'not_eligible:assets', 'assets under management 30,000; the campaign needs at least 50,000'],
    ['assets unknown with a minimum', { eligibility: { min_assets_under_management: 50_000 } }, {}, { assets_under_management: undefined }, 'not_eligible:assets', 'unknown'],
    ['assets exactly at the minimum', { eligibility: { min_assets_under_management: 30_000 } }, {}, {}, 'eligible', ''],
  ])('%s → %s', (_, campaignChanges, customerChanges, profile, expected, detail) => {
    const decision = checkEligibility(campaign(campaignChanges), customer(customerChanges, profile));
    if (expected === 'eligible') {
      expect(decision).toEqual({ eligible: true });
      return;
    }
    expect(decision).toMatchObject({ eligible: false, reason: expected });
    if (!decision.eligible) expect(decision.detail).toContain(detail);
  });

  it('treats a customer without any profile as unverified', () => {
    expect(checkEligibility(campaign(), customer({ profile: undefined }))).toMatchObject({ reason: 'not_eligible:kyc' });
  });
});

describe('suitability', () => {
  const levels: (RiskTolerance | undefined)[] = [undefined, 'low', 'medium', 'high'];
  const products: RiskTolerance[] = ['low', 'medium', 'high'];
  // Rows: the customer's tolerance; columns: the product's risk. Unknown tolerance is treated as low.
  const allowed: Record<string, readonly boolean[]> = {
    unknown: [true, false, false],
    low: [true, false, false],
    medium: [true, true, false],
    high: [true, true, true],
  };

  it.each(levels.flatMap((tolerance) => products.map((risk, i) => [tolerance ?? 'unknown', risk, allowed[tolerance ?? 'unknown']?.[i]] as const)))(
    'tolerance %s, product %s risk → allowed %s',
    (tolerance, risk, isAllowed) => {
      const profile = { risk_tolerance: tolerance === 'unknown' ? undefined : tolerance };
      const decision = checkEligibility(campaign({ product: { id: 'p', risk_level: risk } }), customer({}, profile));
      expect(decision.eligible).toBe(isAllowed);
      if (!decision.eligible) expect(decision.reason).toBe('not_eligible:suitability');
    },
  );

  it('lets a care message without a product through at any tolerance', () => {
    const care = campaign({ product: undefined });
    for (const tolerance of levels) expect(checkEligibility(care, customer({}, { risk_tolerance: tolerance })).eligible).toBe(true);
  });
});
