import type { CustomerProfile, FeatureVector } from './profile.js';
import { DEFAULT_SEGMENTATION_CONFIG, type SegmentationConfig } from './segmentationConfig.js';
import { customerTagNames, customerTags } from './tags.js';
import { customerTier, customerTierName, type CustomerTier } from './tiers.js';

export interface CustomerSegment {
  tier: CustomerTier;
  tags: string[];
  /** One sentence per tier criterion met and per tag, for the officer's and marketer's screens. */
  reasons: string[];
}

/**
 * Tier and tags of one customer from their live features and (optional) profile. Pure, so it runs
 * on every event: a segment follows the customer's behaviour instead of a nightly batch.
 */
export function segmentCustomer(
  features: FeatureVector,
  profile: CustomerProfile | undefined,
  cfg: SegmentationConfig = DEFAULT_SEGMENTATION_CONFIG,
): CustomerSegment {
  const tier = customerTier(features, profile, cfg);
  const tags = customerTags(features, profile, cfg);
  return { tier: tier.tier, tags: tags.map((t) => t.tag), reasons: [...tier.reasons, ...tags.map((t) => t.reason)] };
}

/**
 * The tier and tags of segmentCustomer without their sentences, for the per-event risk path
 * (risk/assess.ts), where only the tier and tags are read.
 */
export function customerSegment(
  features: FeatureVector,
  profile: CustomerProfile | undefined,
  cfg: SegmentationConfig = DEFAULT_SEGMENTATION_CONFIG,
): Omit<CustomerSegment, 'reasons'> {
  return { tier: customerTierName(features, profile, cfg), tags: customerTagNames(features, profile, cfg) };
}
