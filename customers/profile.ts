import { z } from 'zod';

/**
 * What the bank knows about a customer outside the event stream (CRM, core banking). Every field
 * is optional: segmentation and rules must work for a customer we know only from events.
 */
export const customerProfileSchema = z.strictObject({
  assets_under_management: z.number().nonnegative().optional().describe('major units, all accounts and investments'),
  products_held: z.array(z.string().min(1).max(64)).max(100).optional(),
  age: z.number().int().min(0).max(130).optional(),
  risk_tolerance: z.enum(['low', 'medium', 'high']).optional(),
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
