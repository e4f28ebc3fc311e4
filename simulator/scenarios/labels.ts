import { z } from 'zod';

// The ground truth kept beside a labelled stream. One schema for the records the builder returns,
// for labels.json on disk and for what the evaluation reads back.

export const FRAUD_TYPOLOGIES = [
  'card-testing', 'account-takeover', 'velocity-burst', 'impossible-travel', 'money-mule', 'unusual-amount', 'dormant-account',
] as const;
export type FraudTypology = (typeof FRAUD_TYPOLOGIES)[number];

export const CHURN_PATTERNS = [
  'activity-decline', 'salary-stopped', 'outflows-to-other-banks', 'complaints-then-closure', 'app-sessions-fading',
] as const;
export type ChurnPattern = (typeof CHURN_PATTERNS)[number];

/**
 * Credit trouble the early warning is for: arrears building, a card maxed to live on, instalments
 * missed again and again, and short-term loans from online lenders each repaid with the next
 * (`payday-loans`: planned apart from the others, on a random stream of its own, plan.ts).
 */
export const CREDIT_PATTERNS = ['arrears-spiral', 'card-maxing', 'missed-repayments', 'payday-loans'] as const;
export type CreditPattern = (typeof CREDIT_PATTERNS)[number];

/** Ordinary credit life that looks a little like trouble: one late instalment, one bounced debit, a holiday on the card, a bet. */
export const CREDIT_NOISE_KINDS = ['one-off-late-payment', 'returned-direct-debit', 'holiday-on-the-card', 'occasional-flutter'] as const;
export type CreditNoiseKind = (typeof CREDIT_NOISE_KINDS)[number];

/**
 * More credit look-alikes, added with the payday-loan spiral: a friend or relative who lends and is
 * paid back in full, now and then rounded up. Planned after every other episode, each kind on a
 * random stream of its own (plan.ts), so adding them changed no other episode; judged against
 * credit alerts, as the kinds above are.
 */
export const LATER_CREDIT_NOISE_KINDS = ['friend-loan-repaid'] as const;
export type LaterCreditNoiseKind = (typeof LATER_CREDIT_NOISE_KINDS)[number];

/** Ordinary life that looks like the start of a departure: a few quiet weeks, then back as before. */
export const CHURN_NOISE_KINDS = ['quiet-spell', 'job-change'] as const;
export type ChurnNoiseKind = (typeof CHURN_NOISE_KINDS)[number];

/**
 * Ordinary life that looks a little like fraud or churn; genuine customers with noise carry no
 * label. Every fraud rule that catches something has at least one look-alike here.
 */
export const NOISE_KINDS = [
  'new-device', 'travel-abroad', 'large-purchase', 'password-reset', 'new-payee', 'shopping-spree',
  'known-retailer-purchase', 'large-cash-withdrawal', 'subscription-signups', 'new-phone-new-utility', 'group-collection',
  'returning-customer', 'saving-elsewhere',
] as const;
export type NoiseKind = (typeof NOISE_KINDS)[number];

/**
 * More fraud look-alikes, added once the stream had credit and churn ones: a payment split over a
 * transfer limit, an evening of online shopping abroad, a long-silent customer paying a deposit.
 * Planned after every other episode, each on a random stream of its own (plan.ts), so adding them
 * changed no other episode; judged against fraud alerts, as the kinds above are.
 */
export const LATER_NOISE_KINDS = [
  'split-payment-new-payee', 'online-shopping-evening', 'returning-customer-pays', 'builder-stage-payments', 'money-home', 'payee-changes-bank',
  'cash-for-a-car', 'market-day', 'in-app-purchases', 'buying-abroad', 'moving-abroad', 'domestic-trip', 'landlord-changes-bank', 'night-online',
] as const;
export type LaterNoiseKind = (typeof LATER_NOISE_KINDS)[number];

/**
 * A fraud label from an officer's disposition rather than the simulator: the customer's alert was
 * resolved `confirmed_fraud` (npm run export-history). A disposition says fraud, not which kind.
 */
export const DISPOSITION_TYPOLOGIES = ['confirmed-fraud'] as const;
export type DispositionTypology = (typeof DISPOSITION_TYPOLOGIES)[number];

/** Where a stream's labels came from; absent in files written before exports existed: the simulator. */
export const LABEL_SOURCES = ['simulator', 'dispositions'] as const;
export type LabelSource = (typeof LABEL_SOURCES)[number];

const isoTime = z.iso.datetime({ offset: true });

export const labelSchema = z.strictObject({
  customer_id: z.string().min(1),
  kind: z.enum(['fraud', 'churn', 'credit']),
  typology: z.enum([...FRAUD_TYPOLOGIES, ...DISPOSITION_TYPOLOGIES, ...CHURN_PATTERNS, ...CREDIT_PATTERNS]),
  /** The first event that belongs to the bad behaviour (for churn: the first event once the pattern started). */
  first_bad_event_id: z.string().min(1),
  first_bad_at: isoTime,
  /** Churn only: when the customer effectively leaves (their last event, or the product closure). */
  left_at: isoTime.optional(),
});
export type Label = z.infer<typeof labelSchema>;

export const noiseRecordSchema = z.strictObject({
  customer_id: z.string().min(1),
  kind: z.enum([...NOISE_KINDS, ...LATER_NOISE_KINDS, ...CREDIT_NOISE_KINDS, ...LATER_CREDIT_NOISE_KINDS, ...CHURN_NOISE_KINDS]),
  at: isoTime,
});
export type NoiseRecord = z.infer<typeof noiseRecordSchema>;

export const streamMetaSchema = z.strictObject({
  /** Absent (the simulator) in files written before exported histories existed. */
  source: z.enum(LABEL_SOURCES).optional(),
  /** The simulator's seed; 0 for a history exported from Vigil. */
  seed: z.number().int(),
  customers: z.number().int().positive(),
  days: z.number().positive(),
  start: isoTime,
  end: isoTime,
  /**
   * Alerts before this are not scored: the engine starts with no history, so in the first weeks
   * every payee, device and merchant is "new". No bad behaviour is injected before it.
   */
  measure_from: isoTime,
  fraud_share: z.number().min(0).max(1),
  churn_share: z.number().min(0).max(1),
  /** Absent in streams saved before credit patterns existed: none then. */
  credit_share: z.number().min(0).max(1).default(0),
  events: z.number().int().nonnegative(),
});
export type StreamMeta = z.infer<typeof streamMetaSchema>;

/** labels.json: everything about a saved stream except the events themselves. */
export const labelFileSchema = z.strictObject({
  stream: streamMetaSchema,
  labels: z.array(labelSchema),
  noise: z.array(noiseRecordSchema),
});
export type LabelFile = z.infer<typeof labelFileSchema>;

/** Which of fraud, churn and credit a typology or pattern belongs to. */
export function kindOfTypology(typology: FraudTypology | ChurnPattern | CreditPattern): 'fraud' | 'churn' | 'credit' {
  if (isFraudTypology(typology)) return 'fraud';
  return (CREDIT_PATTERNS as readonly string[]).includes(typology) ? 'credit' : 'churn';
}

export function isFraudTypology(typology: string): typology is FraudTypology {
  return (FRAUD_TYPOLOGIES as readonly string[]).includes(typology);
}
