import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  customerSegment, customerTier, DEFAULT_SEGMENTATION_CONFIG, lifeStageTag, segmentationConfigSchema, segmentCustomer,
  type CustomerProfile, type FeatureVector,
} from '../../customers/index.js';
import { COMMUTER, GENUINE_CUSTOMERS } from '../rules/fixtures.js';

const cfg = DEFAULT_SEGMENTATION_CONFIG;

describe('customerTier', () => {
  it.each<[string, FeatureVector, CustomerProfile | undefined, 'vip' | 'potential' | 'mass', string]>([
    ['wealth under management', {}, { assets_under_management: 300_000 }, 'vip', 'vip: assets under management 300,000 ≥ 250,000'],
    ['a month of large inflows', { amount_in_30d: 18_000 }, undefined, 'vip', 'vip: 18,000 received in 30 days ≥ 15,000'],
    ['exactly the VIP threshold', {}, { assets_under_management: 250_000 }, 'vip', 'vip:'],
    ['a salaried customer above the median', { salary_regular: true, amount_in_30d: 4_200 }, undefined, 'potential', 'potential: regular salary and 4,200 received'],
    ['savings with us', {}, { assets_under_management: 60_000 }, 'potential', 'potential: assets under management 60,000'],
    ['activity rising with real inflow', { txn_trend_30d_vs_90d: 1.6, amount_in_30d: 3_000 }, undefined, 'potential', 'potential: activity rising'],
    ['a high inflow without a regular salary', { salary_regular: false, amount_in_30d: 4_200 }, undefined, 'mass', 'mass:'],
    ['rising activity on little money', { txn_trend_30d_vs_90d: 1.6, amount_in_30d: 800 }, undefined, 'mass', 'mass:'],
    ['nothing known', {}, undefined, 'mass', 'mass: no VIP or potential criterion met'],
    ['the genuine commuter', COMMUTER, { age: 38 }, 'mass', 'mass:'],
  ])('%s → %s', (_, features, profile, tier, reason) => {
    const decision = customerTier(features, profile, cfg);
    expect(decision.tier).toBe(tier);
    expect(decision.reasons.join('\n')).toContain(reason);
  });

  it('follows configured thresholds', () => {
    const strict = segmentationConfigSchema.parse({ tiers: { vip: { min_monthly_inflow: 50_000 } } });
    expect(strict.tiers.vip.min_assets_under_management).toBe(250_000);
    expect(customerTier({ amount_in_30d: 18_000 }, undefined, strict).tier).toBe('mass');
  });

  it('more money never lowers the tier', () => {
    const rank = { mass: 0, potential: 1, vip: 2 } as const;
    fc.assert(fc.property(fc.nat(400_000), fc.nat(400_000), fc.nat(30_000), fc.boolean(), (aum, extra, inflow, salaried) => {
      const features = { amount_in_30d: inflow, salary_regular: salaried };
      const before = customerTier(features, { assets_under_management: aum }, cfg).tier;
      const after = customerTier(features, { assets_under_management: aum + extra }, cfg).tier;
      expect(rank[after]).toBeGreaterThanOrEqual(rank[before]);
    }));
  });
});

describe('life stage', () => {
  it.each<[number | undefined, string]>([
    [undefined, 'life_stage:unknown'], [19, 'life_stage:student'], [24, 'life_stage:student'], [25, 'life_stage:young_professional'],
    [34, 'life_stage:young_professional'], [35, 'life_stage:family'], [54, 'life_stage:family'], [55, 'life_stage:pre_retirement'],
    [64, 'life_stage:pre_retirement'], [65, 'life_stage:retired'], [91, 'life_stage:retired'],
  ])('age %s → %s', (age, tag) => {
    expect(lifeStageTag(age, cfg.life_stage).tag).toBe(tag);
  });
});

describe('tags', () => {
  const tagsOf = (features: FeatureVector, profile?: CustomerProfile): string[] => segmentCustomer(features, profile, cfg).tags;

  it.each<[string, FeatureVector, string, boolean]>([
    ['surplus income → savings', { outflow_ratio_30d: 0.4, amount_in_30d: 5_000 }, 'needs:savings', true],
    ['spends it all → no savings need', { outflow_ratio_30d: 0.9, amount_in_30d: 5_000 }, 'needs:savings', false],
    ['small surplus on a small income → no savings need', { outflow_ratio_30d: 0.4, amount_in_30d: 1_000 }, 'needs:savings', false],
    ['salaried, spends everything → credit', { outflow_ratio_30d: 1.05, amount_in_30d: 2_500, salary_regular: true }, 'needs:credit', true],
    ['spends everything without a salary → no credit tag', { outflow_ratio_30d: 1.05, amount_in_30d: 2_500, salary_regular: false }, 'needs:credit', false],
    ['two countries today → travel', { distinct_countries_24h: 2 }, 'needs:travel', true],
    ['home country only → no travel', { distinct_countries_24h: 1 }, 'needs:travel', false],
    ['three payments a day → high frequency', { txn_count_30d: 95 }, 'behaviour:high_frequency_spender', true],
    ['a payment a day → not high frequency', { txn_count_30d: 30 }, 'behaviour:high_frequency_spender', false],
    ['salaried, spends 70%, steady → steady saver', { salary_regular: true, outflow_ratio_30d: 0.7, txn_trend_30d_vs_90d: 1 }, 'behaviour:steady_saver', true],
    ['salaried but activity halved → not steady', { salary_regular: true, outflow_ratio_30d: 0.7, txn_trend_30d_vs_90d: 0.5 }, 'behaviour:steady_saver', false],
    ['38 logins, no branch → digital first', { login_count_30d: 38, app_session_count_30d: 33 }, 'behaviour:digital_first', true],
    ['logins but mostly branch → not digital first', { login_count_30d: 10, branch_visit_count_30d: 6 }, 'behaviour:digital_first', false],
    ['three logins → not digital first', { login_count_30d: 3 }, 'behaviour:digital_first', false],
    ['120 days idle → dormant', { days_since_last_txn_before_current: 120 }, 'behaviour:dormant', true],
    ['a week idle → not dormant', { days_since_last_txn_before_current: 7 }, 'behaviour:dormant', false],
    ['activity at 30% with a baseline → declining', { txn_trend_30d_vs_90d: 0.3, txn_count_90d: 90 }, 'behaviour:declining', true],
    ['activity at 30% of almost nothing → not declining', { txn_trend_30d_vs_90d: 0.3, txn_count_90d: 6 }, 'behaviour:declining', false],
    ['mostly app → channel:mobile_app', { mobile_app_event_count_30d: 40, web_event_count_30d: 5, branch_visit_count_30d: 1 }, 'channel:mobile_app', true],
    ['mostly branch → channel:branch', { branch_visit_count_30d: 6, call_centre_contact_count_30d: 2, web_event_count_30d: 1 }, 'channel:branch', true],
    ['mostly phone → channel:call_centre', { call_centre_contact_count_30d: 5, branch_visit_count_30d: 1 }, 'channel:call_centre', true],
    ['mostly web → channel:web', { web_event_count_30d: 20, mobile_app_event_count_30d: 3 }, 'channel:web', true],
    ['two contacts in a month → no channel', { web_event_count_30d: 2 }, 'channel:web', false],
  ])('%s', (_, features, tag, expected) => {
    expect(tagsOf(features).includes(tag)).toBe(expected);
  });

  it('gives no channel tag without per-channel counts rather than guessing', () => {
    const noContacts = { ...COMMUTER, mobile_app_event_count_30d: 0, web_event_count_30d: 0, branch_visit_count_30d: 0, call_centre_contact_count_30d: 0 };
    expect(tagsOf(noContacts).filter((t) => t.startsWith('channel:'))).toEqual([]);
  });

  it('tags the genuine commuter as a digital-first family customer who prefers the app, and explains every tag', () => {
    const segment = segmentCustomer(COMMUTER, { age: 38 }, cfg);
    expect(segment).toEqual({
      tier: 'mass',
      tags: ['life_stage:family', 'behaviour:digital_first', 'channel:mobile_app'],
      reasons: [
        'mass: no VIP or potential criterion met',
        'life stage family: age 38',
        'digital first: 38 digital sessions in 30 days, 100% of contacts',
        'prefers mobile app: 60 of 64 contacts in 30 days',
      ],
    });
  });

  it('gives one reason per tag plus the tier reasons', () => {
    const features = { outflow_ratio_30d: 0.4, amount_in_30d: 16_000, distinct_countries_24h: 3, txn_count_30d: 120 };
    const segment = segmentCustomer(features, { age: 70, assets_under_management: 400_000 }, cfg);
    expect(segment.tier).toBe('vip');
    expect(segment.tags).toEqual(['life_stage:retired', 'needs:savings', 'needs:travel', 'behaviour:high_frequency_spender']);
    expect(segment.reasons).toHaveLength(2 + segment.tags.length);
  });

  it('never tags from a feature that is missing or not a number', () => {
    expect(tagsOf({ outflow_ratio_30d: Number.NaN, amount_in_30d: 5_000, txn_count_30d: true as unknown as number })).toEqual(['life_stage:unknown']);
  });
});

describe('customerSegment', () => {
  // The risk path segments on every event without writing the sentences; the tier and tags must be the same.
  const profiles: (CustomerProfile | undefined)[] = [undefined, { age: 19 }, { age: 38, assets_under_management: 60_000 }, { age: 70, assets_under_management: 400_000 }];
  const vectors: FeatureVector[] = [COMMUTER, ...Object.values(GENUINE_CUSTOMERS), { outflow_ratio_30d: 0.4, amount_in_30d: 16_000, distinct_countries_24h: 3, txn_count_30d: 120 }];

  it('gives the tier and tags of segmentCustomer, for every customer and profile', () => {
    for (const features of vectors) {
      for (const profile of profiles) {
        const { tier, tags } = segmentCustomer(features, profile, cfg);
        expect(customerSegment(features, profile, cfg)).toEqual({ tier, tags });
      }
    }
  });

  it('gives the tier and tags of segmentCustomer, whatever the features', () => {
    const names = [
      'amount_in_30d', 'salary_regular', 'txn_trend_30d_vs_90d', 'outflow_ratio_30d', 'distinct_countries_24h', 'txn_count_30d', 'txn_count_90d',
      'login_count_30d', 'app_session_count_30d', 'days_since_last_txn_before_current', 'mobile_app_event_count_30d', 'web_event_count_30d',
      'branch_visit_count_30d', 'call_centre_contact_count_30d',
    ];
    const value = fc.oneof(fc.boolean(), fc.constantFrom(0, 1, 2, 5, 40, 0.3, 0.95, 1.2), fc.double({ min: 0, max: 50_000, noNaN: true }));
    const features = fc.dictionary(fc.constantFrom(...names), value);
    const profile = fc.option(fc.record({ age: fc.integer({ min: 0, max: 100 }), assets_under_management: fc.integer({ min: 0, max: 500_000 }) }, { requiredKeys: [] }), { nil: undefined });
    fc.assert(fc.property(features, profile, (vector, customer) => {
      const { tier, tags } = segmentCustomer(vector, customer, cfg);
      expect(customerSegment(vector, customer, cfg)).toEqual({ tier, tags });
    }));
  });
});

describe('segmentationConfigSchema', () => {
  it('fills every default from an empty object', () => {
    expect(segmentationConfigSchema.parse({})).toEqual(DEFAULT_SEGMENTATION_CONFIG);
    expect(DEFAULT_SEGMENTATION_CONFIG.tiers.vip).toEqual({ min_assets_under_management: 250_000, min_monthly_inflow: 15_000 });
  });

  it('rejects unknown and invalid settings', () => {
    expect(segmentationConfigSchema.safeParse({ tiers: { vip: { min_aum: 1 } } }).success).toBe(false);
    expect(segmentationConfigSchema.safeParse({ life_stage: { student_max_age: -3 } }).success).toBe(false);
  });
});
