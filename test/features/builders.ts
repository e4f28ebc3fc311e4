import { parseEvent, type VigilEvent } from '../../core/events/index.js';
import {
  applyEvent, DEFAULT_FEATURE_CONFIG, emptyFeatureState,
  type AppliedEvent, type CustomerFeatureState, type FeatureConfig, type FeatureVector,
} from '../../features/index.js';

/** Monday 2 March 2026, 00:00 UTC: on an hour and a day boundary, so bucket edges are easy to see. */
export const T0 = Date.parse('2026-03-02T00:00:00Z');
export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

const DEFAULTS: Record<string, Record<string, unknown>> = {
  card_payment: { channel: 'pos', amount: '20.00', currency: 'EUR', merchant: { id: 'm-1', mcc: '5411', country: 'DE' } },
  card_refund: { channel: 'pos', amount: '20.00', currency: 'EUR', merchant: { id: 'm-1', mcc: '5411', country: 'DE' } },
  transfer_out: { channel: 'mobile_app', amount: '100.00', currency: 'EUR', counterparty: { id: 'payee-1' } },
  transfer_in: { channel: 'core_banking', amount: '100.00', currency: 'EUR', counterparty: { id: 'payer-1' } },
  cash_withdrawal: { channel: 'atm', amount: '50.00', currency: 'EUR' },
  cash_deposit: { channel: 'branch', amount: '50.00', currency: 'EUR' },
  salary_credit: { channel: 'core_banking', amount: '2500.00', currency: 'EUR' },
  bill_payment: { channel: 'web', amount: '40.00', currency: 'EUR' },
  loan_repayment: { channel: 'core_banking', amount: '300.00', currency: 'EUR' },
  complaint: { channel: 'call_centre', complaint: { id: 'c-1', category: 'fees' } },
  product_opened: { channel: 'branch', product: { type: 'savings' } },
  product_closed: { channel: 'branch', product: { type: 'savings' } },
  offer_response: { channel: 'mobile_app', offer: { offer_id: 'o-1', response: 'viewed' } },
  repayment_missed: { channel: 'core_banking', amount: '300.00', currency: 'EUR', product: { type: 'loan', id: 'loan-1' }, days_past_due: 5 },
  direct_debit_returned: { channel: 'core_banking', amount: '40.00', currency: 'EUR', counterparty: { name: 'City Power' } },
  balance_snapshot: { channel: 'core_banking', product: { type: 'credit_card', id: 'cc-1' }, balance: '500.00', currency: 'EUR', credit_limit: '2000.00' },
};

let sequence = 0;

/** A validated event of `type` at `atMs`, with per-type defaults; fields override them. */
export function ev(type: string, atMs: number, fields: Record<string, unknown> = {}): VigilEvent {
  sequence++;
  const input = {
    event_id: `e-${sequence}`,
    customer_id: 'cust-1',
    type,
    occurred_at: new Date(atMs).toISOString(),
    channel: 'mobile_app',
    ...DEFAULTS[type],
    ...fields,
  };
  const parsed = parseEvent(input);
  if (!parsed.ok) throw new Error(`test event is invalid: ${parsed.errors.join('; ')}`);
  return parsed.event;
}

export const pay = (atMs: number, amount = '20.00', merchant = 'm-1', extra: Record<string, unknown> = {}) =>
  ev('card_payment', atMs, { amount, merchant: { id: merchant, mcc: '5411', country: 'DE' }, ...extra });

export const transferOut = (atMs: number, amount = '100.00', payee = 'payee-1', bank?: string) =>
  ev('transfer_out', atMs, { amount, counterparty: bank ? { id: payee, bank } : { id: payee } });

export const transferIn = (atMs: number, amount = '100.00') => ev('transfer_in', atMs, { amount });

/** Applies events in the given (arrival) order; returns every result and the final state. */
export function replay(
  events: readonly VigilEvent[],
  cfg: FeatureConfig = DEFAULT_FEATURE_CONFIG,
  initial: CustomerFeatureState = emptyFeatureState(),
): { state: CustomerFeatureState; results: AppliedEvent[]; last: FeatureVector } {
  let state = initial;
  const results: AppliedEvent[] = [];
  for (const event of events) {
    const result = applyEvent(state, event, cfg);
    results.push(result);
    state = result.state;
  }
  const last = results.at(-1)?.features ?? {};
  return { state, results, last };
}

/** Features the last of `events` saw. */
export function featuresOfLast(events: readonly VigilEvent[], cfg?: FeatureConfig): FeatureVector {
  return replay(events, cfg).last;
}

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
