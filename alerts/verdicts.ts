import type { AlertDisposition, AlertType } from './schema.js';

// What an officer's disposition says about whether the alert was right, per alert type. One table
// for every measure of it: live rule performance (alerts/performance/) and backtests' labels
// (backtest/labels.ts).
//
// Only a verdict on the alert counts: confirmed fraud, churn or credit risk is a true positive,
// `false_positive` (the customer was genuine) a false one. Dispositions that record the officer's
// own action (retained, payment plan agreed, customer contacted, no action needed, complaint
// resolved) say what was done, not whether the alert was right: they count as resolved but give
// no verdict, so they are in neither side of precision. Churn has no false-positive disposition
// (alerts/lifecycle.ts), so a churn rule's precision is 1 or unknown; complaint deadlines have no
// verdict at all.

export type Verdict = 'confirmed' | 'false_positive';

export const VERDICTS_BY_TYPE: Readonly<Record<AlertType, Readonly<Partial<Record<AlertDisposition, Verdict>>>>> = {
  fraud: { confirmed_fraud: 'confirmed', false_positive: 'false_positive' },
  credit: { credit_risk_confirmed: 'confirmed', false_positive: 'false_positive' },
  churn: { churn_confirmed: 'confirmed' },
  complaint_sla: {},
};

/** The verdict of a disposition on an alert of this type; undefined when it gives none. */
export function verdictFor(type: string, disposition: string): Verdict | undefined {
  const verdicts: Partial<Record<string, Verdict>> | undefined = (VERDICTS_BY_TYPE as Record<string, Partial<Record<string, Verdict>>>)[type];
  return verdicts?.[disposition];
}
