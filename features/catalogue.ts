// Every feature the engine computes: the vocabulary of the rule pack. Amounts are in major units
// (statistics, not accounting; currencies are not converted). Windows are closed, in event time,
// see windows.ts. "−1" means "no such previous event".

export type FeatureKind = 'count' | 'amount' | 'ratio' | 'flag' | 'seconds' | 'score' | 'distance';

export interface FeatureDefinition {
  name: string;
  kind: FeatureKind;
  description: string;
}

export type FeatureVector = Record<string, number | boolean>;

const f = (name: string, kind: FeatureKind, description: string): FeatureDefinition => ({ name, kind, description });

export const FEATURE_CATALOGUE: readonly FeatureDefinition[] = Object.freeze([
  f('txn_count_1m', 'count', 'Money events (any transaction type) in the last minute (exact).'),
  f('txn_count_10m', 'count', 'Money events in the last 10 minutes (exact).'),
  f('txn_count_1h', 'count', 'Money events in the last hour (exact).'),
  f('txn_count_24h', 'count', 'Money events in the last 24 hours (whole hours).'),
  f('txn_count_7d', 'count', 'Money events in the last 7 days (whole UTC days).'),
  f('txn_count_30d', 'count', 'Money events in the last 30 days (whole UTC days).'),
  f('txn_count_90d', 'count', 'Money events in the last 90 days (whole UTC days).'),
  f('card_payment_count_10m', 'count', 'Card payments in the last 10 minutes.'),
  f('card_payment_count_1h', 'count', 'Card payments in the last hour.'),
  f('card_payment_count_24h', 'count', 'Card payments in the last 24 hours.'),
  f('small_card_payment_count_10m', 'count', 'Card payments of at most 5 major units in the last 10 minutes (card testing).'),
  f('card_payment_new_merchant_count_10m', 'count', 'Card payments in the last 10 minutes at a merchant first seen with that payment.'),
  f('transfer_out_count_1h', 'count', 'Outgoing transfers in the last hour.'),
  f('transfer_out_count_24h', 'count', 'Outgoing transfers in the last 24 hours.'),
  f('transfer_in_count_24h', 'count', 'Incoming transfers in the last 24 hours.'),
  f('cash_withdrawal_count_24h', 'count', 'Cash withdrawals in the last 24 hours.'),
  f('amount_out_1h', 'amount', 'Sum of outgoing amounts (payments, transfers out, withdrawals, bills, loan repayments) in the last hour.'),
  f('amount_out_24h', 'amount', 'Sum of outgoing amounts in the last 24 hours.'),
  f('amount_out_7d', 'amount', 'Sum of outgoing amounts in the last 7 days.'),
  f('amount_out_30d', 'amount', 'Sum of outgoing amounts in the last 30 days.'),
  f('amount_in_24h', 'amount', 'Sum of incoming amounts (refunds, transfers in, deposits, salary) in the last 24 hours.'),
  f('amount_in_7d', 'amount', 'Sum of incoming amounts in the last 7 days.'),
  f('amount_in_30d', 'amount', 'Sum of incoming amounts in the last 30 days.'),
  f('inbound_credits_count_24h', 'count', 'Incoming transfers plus cash deposits in the last 24 hours.'),
  f('forwarded_out_ratio_24h', 'ratio', 'amount_out_24h / amount_in_24h; 0 without inflow (money mule pass-through).'),
  f('outflow_ratio_30d', 'ratio', 'amount_out_30d / amount_in_30d; 0 without inflow.'),
  f('outflow_to_other_banks_30d', 'amount', 'Outgoing transfers in the last 30 days whose counterparty bank is set and is not our own bank.'),
  f('outflow_to_other_banks_ratio_30d', 'ratio', 'outflow_to_other_banks_30d / amount_out_30d; 0 without outflow.'),
  f('amount_mean_90d', 'amount', 'Mean outgoing amount over the last 90 days.'),
  f('amount_stddev_90d', 'amount', 'Population standard deviation of outgoing amounts over the last 90 days.'),
  f('amount_zscore', 'score', "The current outgoing amount's z-score against the 90-day statistics before it; 0 with fewer than 5 prior amounts, no spread, or an incoming or non-money event."),
  f('amount_current', 'amount', 'The current event amount; 0 for non-money events.'),
  f('distinct_merchants_24h', 'count', 'Distinct merchants in the last 24 hours.'),
  f('distinct_mcc_30d', 'count', 'Distinct merchant category codes in the last 30 days.'),
  f('distinct_countries_24h', 'count', 'Distinct countries (geo, else merchant country) in the last 24 hours.'),
  f('distinct_devices_30d', 'count', 'Distinct devices in the last 30 days.'),
  f('distinct_payees_30d', 'count', 'Distinct payees of outgoing transfers in the last 30 days.'),
  f('new_device', 'flag', "The current event's device was never seen before it (90 days of history, 64 devices)."),
  f('new_country', 'flag', "The current event's country was never seen before it."),
  f('new_payee', 'flag', "The current outgoing transfer's payee was never paid before it."),
  f('new_merchant_category', 'flag', "The current event's merchant category was never seen before it."),
  f('new_merchant', 'flag', "The current event's merchant was never seen before it."),
  f('seconds_since_last_activity', 'seconds', 'Seconds since the previous event of any kind; −1 if none.'),
  f('seconds_since_last_login', 'seconds', 'Seconds since the previous login; −1 if none.'),
  f('days_since_last_txn_before_current', 'count', 'Whole days since the previous money event; −1 if none (dormant account).'),
  f('failed_logins_1h', 'count', 'Failed logins in the last hour.'),
  f('failed_logins_24h', 'count', 'Failed logins in the last 24 hours.'),
  f('password_resets_24h', 'count', 'Password resets in the last 24 hours.'),
  f('device_added_24h', 'count', 'Devices added in the last 24 hours.'),
  f('profile_changes_24h', 'count', 'Profile changes in the last 24 hours.'),
  f('seconds_since_password_reset', 'seconds', 'Seconds since the previous password reset; −1 if none.'),
  f('seconds_since_device_added', 'seconds', 'Seconds since a device was previously added; −1 if none.'),
  f('geo_distance_km_from_previous', 'distance', 'Great-circle km from the previous event with a geo position; −1 if either is unknown.'),
  f('geo_speed_kmh_from_previous', 'ratio', 'Travel speed in km/h from the previous geo position (elapsed time at least 1 minute); −1 if unknown.'),
  f('country_changed', 'flag', "The current event's country differs from the previous event's with a country."),
  f('salary_credits_90d', 'count', 'Salary credits in the last 90 days.'),
  f('days_since_salary', 'count', 'Whole days since the latest salary credit (this one included); −1 if none.'),
  f('salary_regular', 'flag', 'At least 2 salary credits in 90 days, every gap 25–35 days, and not stopped.'),
  f('salary_stopped', 'flag', 'The salary was regular up to its last credit and more than 40 days have passed since.'),
  f('login_count_7d', 'count', 'Logins in the last 7 days.'),
  f('login_count_30d', 'count', 'Logins in the last 30 days.'),
  f('app_session_count_7d', 'count', 'App sessions in the last 7 days.'),
  f('app_session_count_30d', 'count', 'App sessions in the last 30 days.'),
  f('txn_trend_30d_vs_90d', 'ratio', 'Money events in 30 days / (in 90 days / 3); 1 steady, < 1 declining; 1 with fewer than 6 in 90 days.'),
  f('login_trend_30d_vs_90d', 'ratio', 'Logins in 30 days / (in 90 days / 3); 1 with fewer than 6 in 90 days.'),
  f('app_session_trend_30d_vs_90d', 'ratio', 'App sessions in 30 days / (in 90 days / 3); 1 with fewer than 6 in 90 days.'),
  f('mobile_app_event_count_30d', 'count', 'Events of any type on the mobile_app channel in the last 30 days.'),
  f('web_event_count_30d', 'count', 'Events of any type on the web channel in the last 30 days.'),
  f('branch_visit_count_30d', 'count', 'Events on the branch channel in the last 30 days: visits, and cash or products handled at a branch.'),
  f('call_centre_contact_count_30d', 'count', 'Events on the call_centre channel in the last 30 days: contacts, and complaints or changes made by phone.'),
  f('complaints_open', 'count', 'Complaints opened and not yet resolved, matched by complaint id.'),
  f('complaints_30d', 'count', 'Complaints opened in the last 30 days.'),
  f('products_closed_30d', 'count', 'Products closed in the last 30 days.'),
  f('products_held_delta', 'count', 'Products opened minus products closed, lifetime (may be negative).'),
  f('events_total', 'count', 'Events recorded for the customer, lifetime.'),
  f('customer_age_days', 'count', 'Whole days since the first event seen; −1 if none.'),
]);

export const FEATURE_NAMES: readonly string[] = Object.freeze(FEATURE_CATALOGUE.map((feature) => feature.name));
