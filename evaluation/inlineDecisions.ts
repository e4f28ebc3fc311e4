import type { InlineDecision } from '../decisions/policy.js';
import { FRAUD_TYPOLOGIES, type FraudTypology, type Label } from '../simulator/scenarios/index.js';
import { FRAUD_DETECTION_WINDOW_MS, type CustomerShare } from './metrics.js';

// What the rule set's in-line policy would have done had every payment been asked about before it
// executed (POST /v1/decisions): the same assessment the stream makes of the event, with the
// decisions the rules carry. The alert tables say what an officer would have seen afterwards; this
// says which frauds a payment hold would have stopped, and what it costs genuine customers. Pure.

/** The events a bank's authorisation system asks about: money leaving on the customer's say-so. */
export const DECIDED_EVENT_TYPES: ReadonlySet<string> = new Set(['card_payment', 'transfer_out', 'cash_withdrawal', 'bill_payment']);

export interface InlineDecisionRecord {
  customerId: string;
  /** The payment's occurred_at. */
  atMs: number;
  decision: InlineDecision;
}

export interface InlineTypologyResult {
  typology: FraudTypology;
  customers: number;
  /** Customers with a payment challenged or declined between their first bad event and a week after. */
  stopped: number;
  declined: number;
}

export interface InlineDecisionReport {
  fraud: InlineTypologyResult[];
  /** Payments of unlabelled customers after the warm-up, by decision. */
  genuinePayments: Record<InlineDecision, number>;
  /** Unlabelled customers with at least one payment challenged or declined. */
  genuineChallenged: CustomerShare;
  genuineDeclined: CustomerShare;
}

export function summariseInlineDecisions(
  records: readonly InlineDecisionRecord[],
  input: { labels: readonly Label[]; customers: readonly string[]; measureFromMs: number },
): InlineDecisionReport {
  const measured = records.filter((record) => record.atMs >= input.measureFromMs);
  const byCustomer = new Map<string, InlineDecisionRecord[]>();
  for (const record of measured) {
    const list = byCustomer.get(record.customerId);
    if (list) list.push(record);
    else byCustomer.set(record.customerId, [record]);
  }
  const held = (record: InlineDecisionRecord) => record.decision === 'challenge' || record.decision === 'decline';

  const fraud = FRAUD_TYPOLOGIES.map((typology): InlineTypologyResult => {
    const labels = input.labels.filter((label) => label.kind === 'fraud' && label.typology === typology);
    let stopped = 0;
    let declined = 0;
    for (const label of labels) {
      const fromMs = Date.parse(label.first_bad_at);
      const inWindow = (byCustomer.get(label.customer_id) ?? []).filter((r) => r.atMs >= fromMs && r.atMs <= fromMs + FRAUD_DETECTION_WINDOW_MS);
      if (inWindow.some(held)) stopped++;
      if (inWindow.some((r) => r.decision === 'decline')) declined++;
    }
    return { typology, customers: labels.length, stopped, declined };
  });

  const labelled = new Set(input.labels.map((label) => label.customer_id));
  const genuine = input.customers.filter((customer) => !labelled.has(customer));
  const genuinePayments: Record<InlineDecision, number> = { approve: 0, review: 0, challenge: 0, decline: 0 };
  let challenged = 0;
  let declinedCustomers = 0;
  for (const customer of genuine) {
    const payments = byCustomer.get(customer) ?? [];
    for (const payment of payments) genuinePayments[payment.decision]++;
    if (payments.some(held)) challenged++;
    if (payments.some((r) => r.decision === 'decline')) declinedCustomers++;
  }
  return {
    fraud,
    genuinePayments,
    genuineChallenged: share(challenged, genuine.length),
    genuineDeclined: share(declinedCustomers, genuine.length),
  };
}

function share(alerted: number, of: number): CustomerShare {
  return { alerted, of, share: of > 0 ? alerted / of : null };
}
