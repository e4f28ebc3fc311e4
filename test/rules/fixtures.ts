import { parseEvent, type VigilEvent } from '../../core/events/index.js';
import type { FeatureVector } from '../../customers/index.js';
import type { RuleContext } from '../../rules/index.js';

let counter = 0;

/** A validated, normalised event (amount in minor units), as rules see it after ingest. */
export function vigilEvent(input: Record<string, unknown>): VigilEvent {
  counter++;
  const parsed = parseEvent({
    event_id: `evt-${counter}`,
    customer_id: 'cust-1',
    occurred_at: '2026-03-10T14:30:00Z',
    channel: 'mobile_app',
    ...input,
  });
  if (!parsed.ok) throw new Error(`test event invalid: ${parsed.errors.join('; ')}`);
  return parsed.event;
}

export const cardPayment = (amount = '45.00', extra: Record<string, unknown> = {}): VigilEvent =>
  vigilEvent({ type: 'card_payment', channel: 'pos', amount, currency: 'EUR', merchant: { id: 'm-1', mcc: '5411', country: 'DE' }, ...extra });
export const transferOut = (amount = '250.00', extra: Record<string, unknown> = {}): VigilEvent =>
  vigilEvent({ type: 'transfer_out', amount, currency: 'EUR', counterparty: { account: 'DE89370400440532013000', bank: 'COBADEFF' }, ...extra });
export const cashWithdrawal = (amount = '100.00'): VigilEvent => vigilEvent({ type: 'cash_withdrawal', channel: 'atm', amount, currency: 'EUR' });
export const salaryCredit = (amount = '3200.00'): VigilEvent => vigilEvent({ type: 'salary_credit', channel: 'core_banking', amount, currency: 'EUR' });
export const login = (extra: Record<string, unknown> = {}): VigilEvent =>
  vigilEvent({ type: 'login', device: { id: 'dev-1' }, geo: { country: 'DE' }, ...extra });
export const complaint = (status: 'opened' | 'resolved' = 'opened'): VigilEvent =>
  vigilEvent({ type: 'complaint', channel: 'web', complaint: { id: 'cmp-1', category: 'fees', status } });
export const productClosed = (type: string, closureReason?: string): VigilEvent =>
  vigilEvent({ type: 'product_closed', channel: 'branch', product: { type, ...(closureReason ? { closure_reason: closureReason } : {}) } });
export const transferIn = (amount = '250.00'): VigilEvent =>
  vigilEvent({ type: 'transfer_in', channel: 'core_banking', amount, currency: 'EUR', counterparty: { account: 'DE02120300000000202051' } });

/**
 * A salaried commuter in their late thirties: 3,400 a month in, most of it spent by card, a few
 * transfers, the app twice a day. Every feature of the catalogue has a value, as in production.
 */
export const COMMUTER: FeatureVector = {
  mobile_app_event_count_30d: 60, web_event_count_30d: 4, branch_visit_count_30d: 0, call_centre_contact_count_30d: 0,
  txn_count_1m: 1, txn_count_10m: 1, txn_count_1h: 2, txn_count_24h: 4, txn_count_7d: 22, txn_count_30d: 85, txn_count_90d: 250,
  card_payment_count_10m: 1, card_payment_count_1h: 1, card_payment_count_24h: 3,
  small_card_payment_count_10m: 0, card_payment_new_merchant_count_10m: 0, small_card_payment_count_1h: 0, card_payment_new_merchant_count_1h: 0,
  online_card_new_merchant_count_1h: 0, online_card_new_countries_1h: 0, online_card_new_merchant_count_6h: 0, online_card_new_countries_6h: 0,
  small_online_payment_fresh_merchant_count_10m: 0, small_online_payment_fresh_merchant_count_1h: 0, transfer_out_count_1h: 0, transfer_out_payees_1h: 0, transfer_out_known_payee_share_1h: 0, transfer_out_count_24h: 1, transfer_in_count_24h: 0, cash_withdrawal_count_1h: 0, cash_withdrawal_places_1h: 0, card_and_cash_new_places_1h: 0, cash_withdrawal_count_24h: 0,
  amount_out_1h: 45, amount_out_24h: 120, amount_out_7d: 640, amount_out_30d: 2_900,
  amount_in_24h: 0, amount_in_7d: 0, amount_in_30d: 3_400,
  inbound_credits_count_24h: 0, new_payers_24h: 0, forwarded_out_ratio_24h: 0, new_payers_3d: 0, amount_in_3d: 0, forwarded_out_ratio_3d: 0, outflow_ratio_30d: 0.85,
  outflow_to_other_banks_30d: 600, outflow_to_other_banks_ratio_30d: 0.2,
  amount_mean_90d: 48, amount_stddev_90d: 95, amount_zscore: -0.03, amount_current: 45,
  amount_robust_z: 0.1, amount_to_typical_ratio: 1.05,
  distinct_merchants_24h: 3, distinct_mcc_30d: 14, distinct_countries_24h: 1, distinct_devices_30d: 2, distinct_payees_30d: 4,
  new_device: false, new_country: false, new_payee: false, new_merchant_category: false, new_merchant: false, new_network: false,
  merchant_seen_count: 14, merchant_first_seen_days: 200, payee_seen_count: 6, payee_first_seen_days: 300,
  transfers_to_payee_1h: 0, amount_to_payee_1h: 0, new_payee_transfers_90d: 0, new_payee_total_90d: 0, new_payee_growing: false,
  payee_abroad: false, new_payee_total_to_monthly_income: 0, new_payees_transfers_14d: 0, new_payees_total_14d: 0, new_payees_total_14d_to_monthly_income: 0, abroad: false, country_first_seen_days: 900, settled_abroad: false, payee_account_changed: false, payee_account_abroad: false, payee_name_account_changed: false, device_added_beside_another: false, hour_of_day_share: 0.3,
  own_account_transfer: false, card_present: true, device_age_seconds: 40_000_000,
  seconds_since_last_activity: 5_400, seconds_since_last_login: 20_000, days_since_last_txn_before_current: 0,
  failed_logins_1h: 0, failed_logins_24h: 0, password_resets_24h: 0, device_added_24h: 0, profile_changes_24h: 0,
  seconds_since_password_reset: -1, seconds_since_device_added: 15_000_000, seconds_since_contact_change: -1,
  seconds_since_new_device_login: -1, seconds_since_new_network_login: -1, seconds_since_new_country_login: -1,
  idle_days_before_reactivation: 0, seconds_since_other_continent: -1,
  geo_distance_km_from_previous: 4, geo_speed_kmh_from_previous: 3, country_changed: false,
  geo_seconds_from_previous: 4_800, geo_least_travel_seconds: 0, geo_travel_time_needed_ratio: 0,
  salary_credits_90d: 3, days_since_salary: 12, salary_regular: true, salary_stopped: false,
  login_count_7d: 9, login_count_30d: 38, app_session_count_7d: 8, app_session_count_30d: 33,
  txn_trend_30d_vs_90d: 1.02, login_trend_30d_vs_90d: 0.97, app_session_trend_30d_vs_90d: 1.05,
  complaints_open: 0, complaints_30d: 0, products_closed_30d: 0, products_held_delta: 0,
  events_total: 2_400, customer_age_days: 2_900,
  days_past_due: 0, repayments_missed_90d: 0, repayments_missed_365d: 0, direct_debits_returned_30d: 0, direct_debits_returned_90d: 0,
  credit_utilisation: 0.3, credit_utilisation_change_30d: 0.02, credit_owed_growth_30d: 0.02, overdraft_utilisation: -1, cash_advances_30d: 0, cash_advance_amount_30d: 0,
  gambling_share_30d: 0, income_trend_30d_vs_90d: 1, lenders_repaid_with_fee_60d: 0, repayments_near_new_loans_60d: 0,
  own_txn_count_90d: 180, own_txn_trend_7d: 1.05, own_txn_trend_14d: 1.02, own_txn_trend_30d: 0.98,
  app_session_count_90d: 100, app_session_trend_7d: 1.1, app_session_trend_14d: 1.05, app_session_trend_30d: 1,
  activity_decline_evidence: 0, own_payments_decline_evidence: 0, digital_use_decline_evidence: 0,
};

/** Genuine customers whose ordinary days must raise nothing. */
export const GENUINE_CUSTOMERS: Readonly<Record<string, FeatureVector>> = {
  commuter: COMMUTER,
  // A pensioner: few transactions, cash and branch, never uses the app (trends steady at 1).
  retiree: {
    ...COMMUTER,
    txn_count_1h: 1, txn_count_24h: 2, txn_count_7d: 6, txn_count_30d: 24, txn_count_90d: 75,
    cash_withdrawal_count_24h: 1, amount_in_30d: 1_900, outflow_ratio_30d: 0.7, amount_mean_90d: 62, amount_stddev_90d: 80,
    login_count_7d: 0, login_count_30d: 0, app_session_count_7d: 0, app_session_count_30d: 0,
    app_session_trend_30d_vs_90d: 1, login_trend_30d_vs_90d: 1, seconds_since_last_login: -1, salary_regular: false, salary_credits_90d: 0,
  },
  // A student: many small card payments, a new café now and then, a busy Saturday afternoon.
  student: {
    ...COMMUTER,
    txn_count_10m: 3, txn_count_1h: 7, txn_count_24h: 11, txn_count_30d: 140, txn_count_90d: 400,
    card_payment_count_10m: 3, card_payment_count_1h: 6, card_payment_count_24h: 10,
    small_card_payment_count_10m: 2, card_payment_new_merchant_count_10m: 2, new_merchant_category: true,
    amount_in_30d: 900, amount_mean_90d: 9, amount_stddev_90d: 12, salary_regular: false, salary_credits_90d: 0,
    customer_age_days: 400,
  },
  // An affluent customer moving 8,000 to a known payee: large, but not unusual for them.
  affluent: {
    ...COMMUTER,
    amount_in_30d: 22_000, amount_out_1h: 8_000, amount_out_24h: 8_300, amount_out_30d: 14_000, outflow_ratio_30d: 0.64,
    amount_mean_90d: 1_400, amount_stddev_90d: 3_100, amount_zscore: 2.1, amount_current: 8_000, transfer_out_count_1h: 1,
  },
  // On holiday: flew 1,500 km, the first card payment abroad three hours after the last at home
  // (the least any flight takes is 2 h 03).
  traveller: {
    ...COMMUTER,
    geo_distance_km_from_previous: 1_500, geo_speed_kmh_from_previous: 500, country_changed: true, new_country: true,
    geo_seconds_from_previous: 10_800, geo_least_travel_seconds: 7_400, geo_travel_time_needed_ratio: 0.69,
    distinct_countries_24h: 2, new_merchant_category: true, card_payment_new_merchant_count_10m: 1,
  },
  // Reset a forgotten password yesterday, then paid rent to the usual landlord.
  forgetful: { ...COMMUTER, seconds_since_password_reset: 30_000, password_resets_24h: 1, new_payee: false },
  // Paid a new tradesman 800 from a known device, no credential change.
  new_payee: { ...COMMUTER, new_payee: true, payee_seen_count: 0, payee_first_seen_days: -1, distinct_payees_30d: 5, amount_to_typical_ratio: 3, amount_robust_z: 1.4 },
  // A new phone set up on mobile data an hour ago, then the usual payments from it.
  new_phone: {
    ...COMMUTER, device_age_seconds: 3_600, new_network: true, seconds_since_new_device_login: 3_500, seconds_since_new_network_login: 3_500,
    seconds_since_device_added: 3_600, device_added_24h: 1, card_present: false,
  },
  // Organised a whip-round: six friends, four new to the bank, chipped in 320, and it went on the present.
  organiser: { ...COMMUTER, new_payers_24h: 4, inbound_credits_count_24h: 6, transfer_in_count_24h: 6, amount_in_24h: 320, forwarded_out_ratio_24h: 0.98 },
  // Back in the country after a long-haul flight: first payment at home nine hours after the last one abroad.
  home_from_holiday: {
    ...COMMUTER, seconds_since_other_continent: 9 * 3_600, country_changed: true, geo_distance_km_from_previous: 5_500, geo_speed_kmh_from_previous: 610,
    geo_seconds_from_previous: 32_460, geo_least_travel_seconds: 23_400, geo_travel_time_needed_ratio: 0.72,
  },
  // Lives in Strasbourg, works in Kehl: the app at home, a till across the border a minute later.
  border_commuter: {
    ...COMMUTER, country_changed: true, geo_distance_km_from_previous: 5, geo_speed_kmh_from_previous: 300,
    geo_seconds_from_previous: 60, geo_least_travel_seconds: 0, geo_travel_time_needed_ratio: 0,
  },
  // Took the train to Hamburg: a till there 1 h 45 after the station café in Berlin.
  train_traveller: {
    ...COMMUTER, geo_distance_km_from_previous: 255, geo_speed_kmh_from_previous: 146, new_merchant: true, merchant_seen_count: 0, merchant_first_seen_days: -1,
    geo_seconds_from_previous: 6_300, geo_least_travel_seconds: 1_860, geo_travel_time_needed_ratio: 0.3,
  },
  // The usual supermarket, whose acquirer reports its head office 600 km away: the old features
  // see a journey, the travel model does not believe the position (features/travel.ts).
  head_office_shopper: {
    ...COMMUTER, geo_distance_km_from_previous: 600, geo_speed_kmh_from_previous: 1_800,
    geo_seconds_from_previous: -1, geo_least_travel_seconds: -1, geo_travel_time_needed_ratio: -1,
  },
};

/** Ordinary events of a genuine customer's day. */
export const GENUINE_EVENTS: readonly VigilEvent[] = [
  cardPayment('45.00'),
  cardPayment('3.20'),
  cardPayment('1449.00', { merchant: { id: 'm-tv', mcc: '5732', country: 'DE' }, entry_mode: 'chip' }),
  transferIn(),
  transferOut('800.00'),
  transferOut('8000.00'),
  cashWithdrawal('200.00'),
  salaryCredit(),
  login(),
  vigilEvent({ type: 'app_session', device: { id: 'dev-1' } }),
  complaint('resolved'),
  productClosed('debit_card'),
  productClosed('loan'),
];

export function ruleContext(event: VigilEvent, features: FeatureVector, extra: Partial<RuleContext> = {}): RuleContext {
  return { event, features, tier: 'mass', tags: [], ...extra };
}
