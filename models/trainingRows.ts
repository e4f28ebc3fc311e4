import { createHash } from 'node:crypto';
import type { RiskEvent } from '../core/events/index.js';
import type { FeatureVector } from '../features/index.js';
import type { Label } from '../simulator/scenarios/index.js';

// What a fraud model learns from: one row per outgoing money event, its features as the pipeline
// computed them at that event (before any rule ran), and whether it fell in a fraud episode. Pure:
// bin/train.ts replays the history (backtest/) and writes these rows for models/train.py.

/** The events a fraud model scores and is trained on: money leaving the customer. */
export const FRAUD_MODEL_EVENT_TYPES = ['card_payment', 'transfer_out', 'cash_withdrawal', 'bill_payment', 'loan_repayment'] as const;

/**
 * The example fraud model's inputs: a modest subset of the catalogue (features/catalogue.ts), the
 * signals the fraud rules stand on (amount against the customer's habit, familiarity, session
 * doubt, pace, travel, dormancy, pass-through). Numbers and flags only; a flag is 1 or 0.
 * geo_speed_kmh_from_previous is left out on purpose: it is −1 for an event without a position,
 * and in the simulator that "unknown" marked the card-testing runs, so a model learnt the
 * simulator's habit instead of the typology.
 */
export const FRAUD_MODEL_FEATURES = [
  'amount_current', 'amount_to_typical_ratio', 'amount_robust_z',
  'new_payee', 'payee_seen_count', 'new_merchant', 'merchant_seen_count', 'own_account_transfer', 'card_present',
  'device_age_seconds', 'new_device', 'new_network',
  'seconds_since_new_device_login', 'seconds_since_new_network_login', 'seconds_since_new_country_login',
  'seconds_since_password_reset', 'seconds_since_contact_change', 'failed_logins_24h',
  'txn_count_1h', 'card_payment_new_merchant_count_1h', 'small_card_payment_count_1h', 'transfer_out_count_1h',
  'amount_out_24h', 'new_payers_24h', 'forwarded_out_ratio_24h',
  'distinct_countries_24h', 'seconds_since_other_continent', 'idle_days_before_reactivation', 'customer_age_days',
] as const;

/** How long after `first_bad_at` a fraud customer's events count as fraud: the evaluation's detection window. */
export const FRAUD_LABEL_WINDOW_MS = 7 * 86_400_000;
/** One customer in this many (by a hash of their id) is kept for validation, so no customer is in both sets. */
const VALIDATION_ONE_IN = 5;

export const LABELLING = `An outgoing money event (${FRAUD_MODEL_EVENT_TYPES.join(', ')}) after the warm-up is 1 when its `
  + 'customer has a fraud label and it happened from first_bad_at to 7 days after, 0 when the customer has no fraud label '
  + 'or it happened before first_bad_at; events of a fraud customer more than 7 days after first_bad_at are left out '
  + '(the case would be open by then). Customers are split 4:1 into training and validation by a hash of their id.';

export interface TrainingRow {
  label: 0 | 1;
  /** 0 training, 1 validation. */
  split: 0 | 1;
  values: number[];
}

/**
 * Labels every outgoing money event after `measureFromMs`, or answers undefined for an event that
 * is not a training row (another type, the warm-up, a fraud customer's events after the window).
 */
/**
 * A label from an officer's disposition (typology `confirmed-fraud`, npm run export-history) is a
 * fraud label like the simulator's: its `first_bad_at` is the earliest confirmed alert's
 * triggering event, and the same 7-day window follows it.
 */
export function fraudLabeller(labels: readonly Label[], measureFromMs: number): (event: RiskEvent) => 0 | 1 | undefined {
  const firstBad = new Map<string, number>();
  for (const label of labels) {
    if (label.kind !== 'fraud') continue;
    const at = Date.parse(label.first_bad_at);
    firstBad.set(label.customer_id, Math.min(at, firstBad.get(label.customer_id) ?? at));
  }
  const types: ReadonlySet<string> = new Set(FRAUD_MODEL_EVENT_TYPES);
  return (event) => {
    if (!types.has(event.type)) return undefined;
    const atMs = Date.parse(event.occurred_at);
    if (atMs < measureFromMs) return undefined;
    const bad = firstBad.get(event.customer_id);
    if (bad === undefined || atMs < bad) return 0;
    return atMs <= bad + FRAUD_LABEL_WINDOW_MS ? 1 : undefined;
  };
}

/** The model's inputs from a feature vector, in the model's order: flags as 1/0, an absent feature as NaN (XGBoost's missing). */
export function featureValues(vector: FeatureVector, features: readonly string[]): number[] {
  return features.map((name) => {
    const value = vector[name];
    if (typeof value === 'boolean') return value ? 1 : 0;
    return typeof value === 'number' ? value : Number.NaN;
  });
}

export function validationSplit(customerId: string): 0 | 1 {
  return createHash('sha256').update(customerId).digest()[0]! % VALIDATION_ONE_IN === 0 ? 1 : 0;
}

/** The CSV models/train.py reads: label, split, then the features; numbers as JavaScript prints them (exact doubles). */
export function csvHeader(features: readonly string[]): string {
  return ['label', 'split', ...features].join(',');
}

export function csvLine(row: TrainingRow): string {
  return [row.label, row.split, ...row.values.map((v) => (Number.isNaN(v) ? 'nan' : String(v)))].join(',');
}
