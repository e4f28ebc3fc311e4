import { outgoingStats } from './amountStats.js';
import { borrowingFeatures } from './borrowing.js';
import { creditFeatures } from './credit.js';
import { declineEvidence } from './decline.js';
import { DAY_FIELD, DAY_TIER, HOUR_FIELD, HOUR_TIER, sumWindows } from './buckets.js';
import type { FeatureVector } from './catalogue.js';
import { distinctInWindow, firstSeen, firstSeenInWindow, isNewAt, knownLongerThan, SEEN_HISTORY } from './distinct.js';
import { majorUnits } from './eventFacts.js';
import { openComplaints, salarySignals } from './lifecycle.js';
import { onlineCardWindows } from './onlineCard.js';
import { ownMoneyIn90d } from './ownMoneyIn.js';
import { lastTimeAtOrBefore, shortWindowCounts } from './recentLog.js';
import { lastMarkAtOrBefore } from './session.js';
import type { CustomerFeatureState } from './state.js';
import { DAY, wholeDays, WINDOW_SECONDS as W } from './windows.js';

/** Features that belong to one event; neutral values when features are read without an event. */
export interface CurrentEventFeatures {
  amount_current: number;
  amount_zscore: number;
  new_device: boolean;
  new_country: boolean;
  new_payee: boolean;
  new_merchant_category: boolean;
  new_merchant: boolean;
  geo_distance_km_from_previous: number;
  geo_speed_kmh_from_previous: number;
  geo_seconds_from_previous: number;
  geo_least_travel_seconds: number;
  geo_travel_time_needed_ratio: number;
  country_changed: boolean;
  amount_robust_z: number;
  amount_to_typical_ratio: number;
  new_network: boolean;
  merchant_seen_count: number;
  merchant_first_seen_days: number;
  payee_seen_count: number;
  payee_first_seen_days: number;
  transfers_to_payee_1h: number;
  amount_to_payee_1h: number;
  new_payee_transfers_90d: number;
  new_payee_total_90d: number;
  new_payee_growing: boolean;
  new_payees_transfers_14d: number;
  new_payees_total_14d: number;
  payee_abroad: boolean;
  abroad: boolean;
  country_first_seen_days: number;
  settled_abroad: boolean;
  payee_account_changed: boolean;
  payee_account_abroad: boolean;
  payee_name_account_changed: boolean;
  device_added_beside_another: boolean;
  hour_of_day_share: number;
  device_age_seconds: number;
  own_account_transfer: boolean;
  card_present: boolean;
  seconds_since_new_device_login: number;
  seconds_since_new_network_login: number;
  seconds_since_new_country_login: number;
  idle_days_before_reactivation: number;
  seconds_since_other_continent: number;
}

export const NO_CURRENT_EVENT: Readonly<CurrentEventFeatures> = Object.freeze({
  amount_current: 0, amount_zscore: 0,
  new_device: false, new_country: false, new_payee: false, new_merchant_category: false, new_merchant: false,
  geo_distance_km_from_previous: -1, geo_speed_kmh_from_previous: -1,
  geo_seconds_from_previous: -1, geo_least_travel_seconds: -1, geo_travel_time_needed_ratio: -1, country_changed: false,
  amount_robust_z: 0, amount_to_typical_ratio: 0, new_network: false,
  merchant_seen_count: 0, merchant_first_seen_days: -1, payee_seen_count: 0, payee_first_seen_days: -1,
  transfers_to_payee_1h: 0, amount_to_payee_1h: 0, new_payee_transfers_90d: 0, new_payee_total_90d: 0, new_payee_growing: false, new_payees_transfers_14d: 0, new_payees_total_14d: 0, payee_abroad: false, abroad: false, country_first_seen_days: -1, settled_abroad: false, payee_account_changed: false, payee_account_abroad: false, payee_name_account_changed: false, device_added_beside_another: false, hour_of_day_share: -1,
  device_age_seconds: -1, own_account_transfer: false, card_present: false,
  seconds_since_new_device_login: -1, seconds_since_new_network_login: -1, seconds_since_new_country_login: -1,
  idle_days_before_reactivation: 0, seconds_since_other_continent: -1,
});

/**
 * The feature vector at time t. Window and lifetime features read `state` (which already includes
 * the current event, if any); "since the previous …" features read `before` (the state without it).
 */
export function featureVector(
  state: CustomerFeatureState,
  t: number,
  before: CustomerFeatureState,
  current: Readonly<CurrentEventFeatures>,
): FeatureVector {
  const merchantIsNewAt = (merchant: string, at: number) => isNewAt(state.s.m, merchant, at);
  const short = shortWindowCounts(state.r, t, {
    merchantIsNewAt,
    merchantIsFreshAt: (merchant, at) => !knownLongerThan(state.s.m, merchant, at, DAY, SEEN_HISTORY.m),
    notPresentAt: (merchant, at) => state.oc.some((p) => p[0] === at && p[1] === merchant),
    // A payee paid before the day of the transfer: a business's suppliers and staff at month end,
    // not the accounts a drained session sends money to.
    payeeWasKnownAt: (payee, at) => knownLongerThan(state.s.p, payee, at, DAY, SEEN_HISTORY.p),
  });
  const { hour: online, sixHours: online6h } = onlineCardWindows(state.oc, t, merchantIsNewAt, (country, at) => isNewAt(state.s.c, country, at, SEEN_HISTORY.c));
  const [h24 = []] = sumWindows(state.h, HOUR_TIER, t, [W['24h']]);
  const [d3 = [], d7 = [], d14 = [], d30 = [], d90 = []] = sumWindows(state.d, DAY_TIER, t, [W['3d'], W['7d'], W['14d'], W['30d'], W['90d']]);
  const stats90 = outgoingStats(state.d, t, W['90d']);
  const salary = salarySignals(state.sal, t);
  const amountOut24h = h24[HOUR_FIELD.amountOutMilli]!;
  const amountIn24h = h24[HOUR_FIELD.amountInMilli]!;
  const amountOut30d = d30[DAY_FIELD.amountOutMilli]!;
  const amountIn30d = d30[DAY_FIELD.amountInMilli]!;
  const otherBanks30d = d30[DAY_FIELD.otherBanksOutMilli]!;
  const amountIn90d = d90[DAY_FIELD.amountInMilli]!;
  // What the customer receives, not savings brought in from their own accounts.
  const income90d = Math.max(0, amountIn90d - ownMoneyIn90d(state.oi, t));
  const ageDays = state.e === 0 ? 0 : (t - state.f) / DAY;
  const decline = state.e === 0 ? undefined : declineEvidence(state.d, t, state.f);
  const credit = creditFeatures(state.cr, t);
  const borrowing = borrowingFeatures(state.cf, t, {
    firstPaid: (counterparty) => firstSeen(state.s.p, counterparty),
    firstPaidAt: (account) => firstSeen(state.s.a, account),
    firstReceived: (counterparty) => firstSeen(state.s.i, counterparty),
  });

  return {
    txn_count_1m: short.txn1m,
    txn_count_10m: short.txn10m,
    txn_count_1h: short.txn1h,
    txn_count_24h: h24[HOUR_FIELD.txn]!,
    txn_count_7d: d7[DAY_FIELD.txn]!,
    txn_count_30d: d30[DAY_FIELD.txn]!,
    txn_count_90d: d90[DAY_FIELD.txn]!,
    card_payment_count_10m: short.card10m,
    card_payment_count_1h: short.card1h,
    card_payment_count_24h: h24[HOUR_FIELD.cardPayments]!,
    small_card_payment_count_10m: short.smallCard10m,
    small_card_payment_count_1h: short.smallCard1h,
    small_online_payment_fresh_merchant_count_10m: short.smallOnlineFresh10m,
    small_online_payment_fresh_merchant_count_1h: short.smallOnlineFresh1h,
    card_payment_new_merchant_count_10m: short.cardNewMerchant10m,
    card_payment_new_merchant_count_1h: short.cardNewMerchant1h,
    online_card_new_merchant_count_1h: online.newMerchants,
    online_card_new_countries_1h: online.newCountries,
    online_card_new_merchant_count_6h: online6h.newMerchants,
    online_card_new_countries_6h: online6h.newCountries,
    transfer_out_count_1h: short.transfersOut1h,
    transfer_out_payees_1h: short.transferPayees1h,
    transfer_out_known_payee_share_1h: short.transfersOut1h === 0 ? 0 : short.transfersToKnownPayees1h / short.transfersOut1h,
    transfer_out_count_24h: h24[HOUR_FIELD.transfersOut]!,
    transfer_in_count_24h: h24[HOUR_FIELD.transfersIn]!,
    cash_withdrawal_count_1h: short.cash1h,
    cash_withdrawal_places_1h: short.cashPlaces1h,
    card_and_cash_new_places_1h: short.cardNewMerchant1h + short.cashPlaces1h,
    cash_withdrawal_count_24h: h24[HOUR_FIELD.cashWithdrawals]!,
    amount_out_1h: majorUnits(short.amountOut1hMilli),
    amount_out_24h: majorUnits(amountOut24h),
    amount_out_7d: majorUnits(d7[DAY_FIELD.amountOutMilli]!),
    amount_out_30d: majorUnits(amountOut30d),
    amount_in_24h: majorUnits(amountIn24h),
    amount_in_7d: majorUnits(d7[DAY_FIELD.amountInMilli]!),
    amount_in_30d: majorUnits(amountIn30d),
    inbound_credits_count_24h: h24[HOUR_FIELD.transfersIn]! + h24[HOUR_FIELD.cashDeposits]!,
    new_payers_24h: firstSeenInWindow(state.s.i, t, W['24h']),
    forwarded_out_ratio_24h: ratio(amountOut24h, amountIn24h),
    new_payers_3d: firstSeenInWindow(state.s.i, t, W['3d']),
    amount_in_3d: majorUnits(d3[DAY_FIELD.amountInMilli]!),
    forwarded_out_ratio_3d: ratio(d3[DAY_FIELD.amountOutMilli]!, d3[DAY_FIELD.amountInMilli]!),
    outflow_ratio_30d: ratio(amountOut30d, amountIn30d),
    outflow_to_other_banks_30d: majorUnits(otherBanks30d),
    outflow_to_other_banks_ratio_30d: ratio(otherBanks30d, amountOut30d),
    amount_mean_90d: stats90.mean,
    amount_stddev_90d: stats90.stddev,
    amount_zscore: current.amount_zscore,
    amount_robust_z: current.amount_robust_z,
    amount_to_typical_ratio: current.amount_to_typical_ratio,
    amount_current: current.amount_current,
    distinct_merchants_24h: distinctInWindow(state.s.m, t, W['24h']),
    distinct_mcc_30d: distinctInWindow(state.s.k, t, W['30d']),
    distinct_countries_24h: distinctInWindow(state.s.c, t, W['24h']),
    distinct_devices_30d: distinctInWindow(state.s.d, t, W['30d']),
    distinct_payees_30d: distinctInWindow(state.s.p, t, W['30d']),
    new_device: current.new_device,
    new_country: current.new_country,
    new_payee: current.new_payee,
    new_merchant_category: current.new_merchant_category,
    new_merchant: current.new_merchant,
    new_network: current.new_network,
    merchant_seen_count: current.merchant_seen_count,
    merchant_first_seen_days: current.merchant_first_seen_days,
    payee_seen_count: current.payee_seen_count,
    payee_first_seen_days: current.payee_first_seen_days,
    transfers_to_payee_1h: current.transfers_to_payee_1h,
    amount_to_payee_1h: current.amount_to_payee_1h,
    new_payee_transfers_90d: current.new_payee_transfers_90d,
    new_payee_total_90d: current.new_payee_total_90d,
    new_payee_growing: current.new_payee_growing,
    new_payees_transfers_14d: current.new_payees_transfers_14d,
    new_payees_total_14d: current.new_payees_total_14d,
    new_payees_total_14d_to_monthly_income: income90d > 0 ? current.new_payees_total_14d / (majorUnits(income90d) / 3) : 0,
    payee_abroad: current.payee_abroad,
    abroad: current.abroad,
    country_first_seen_days: current.country_first_seen_days,
    settled_abroad: current.settled_abroad,
    payee_account_changed: current.payee_account_changed,
    payee_account_abroad: current.payee_account_abroad,
    payee_name_account_changed: current.payee_name_account_changed,
    device_added_beside_another: current.device_added_beside_another,
    hour_of_day_share: current.hour_of_day_share,
    // Against a month of what came in over the quarter: more than six weeks of income sent to
    // someone first paid weeks ago is a customer being drained, whatever the single amounts.
    new_payee_total_to_monthly_income: income90d > 0 ? current.new_payee_total_90d / (majorUnits(income90d) / 3) : 0,
    own_account_transfer: current.own_account_transfer,
    card_present: current.card_present,
    device_age_seconds: current.device_age_seconds,
    seconds_since_last_activity: secondsSince(t, lastTimeAtOrBefore(before.r, before.p, t, 'any')),
    seconds_since_last_login: secondsSince(t, lastTimeAtOrBefore(before.r, before.p, t, 'login')),
    days_since_last_txn_before_current: daysSince(t, lastTimeAtOrBefore(before.r, before.p, t, 'money')),
    failed_logins_1h: short.failedLogins1h,
    failed_logins_24h: h24[HOUR_FIELD.failedLogins]!,
    password_resets_24h: h24[HOUR_FIELD.passwordResets]!,
    device_added_24h: h24[HOUR_FIELD.devicesAdded]!,
    profile_changes_24h: h24[HOUR_FIELD.profileChanges]!,
    seconds_since_password_reset: secondsSince(t, lastTimeAtOrBefore(before.r, before.p, t, 'passwordReset')),
    seconds_since_device_added: secondsSince(t, lastTimeAtOrBefore(before.r, before.p, t, 'deviceAdded')),
    seconds_since_contact_change: secondsSince(t, lastMarkAtOrBefore(state.sm, 'cc', t)),
    seconds_since_new_device_login: current.seconds_since_new_device_login,
    seconds_since_new_network_login: current.seconds_since_new_network_login,
    seconds_since_new_country_login: current.seconds_since_new_country_login,
    idle_days_before_reactivation: current.idle_days_before_reactivation,
    geo_distance_km_from_previous: current.geo_distance_km_from_previous,
    geo_speed_kmh_from_previous: current.geo_speed_kmh_from_previous,
    geo_seconds_from_previous: current.geo_seconds_from_previous,
    geo_least_travel_seconds: current.geo_least_travel_seconds,
    geo_travel_time_needed_ratio: current.geo_travel_time_needed_ratio,
    country_changed: current.country_changed,
    seconds_since_other_continent: current.seconds_since_other_continent,
    salary_credits_90d: salary.credits90d,
    days_since_salary: salary.daysSince,
    salary_regular: salary.regular,
    salary_stopped: salary.stopped,
    login_count_7d: d7[DAY_FIELD.logins]!,
    login_count_30d: d30[DAY_FIELD.logins]!,
    app_session_count_7d: d7[DAY_FIELD.appSessions]!,
    app_session_count_30d: d30[DAY_FIELD.appSessions]!,
    txn_trend_30d_vs_90d: trend30dVs90d(d30[DAY_FIELD.txn]!, d90[DAY_FIELD.txn]!),
    own_txn_count_90d: own(d90),
    own_txn_trend_7d: againstBaseline(own(d7), 7, own(d30), own(d90), ageDays),
    own_txn_trend_14d: againstBaseline(own(d14), 14, own(d30), own(d90), ageDays),
    own_txn_trend_30d: againstBaseline(own(d30), 30, own(d30), own(d90), ageDays),
    app_session_count_90d: sessions(d90),
    app_session_trend_7d: againstBaseline(sessions(d7), 7, sessions(d30), sessions(d90), ageDays),
    app_session_trend_14d: againstBaseline(sessions(d14), 14, sessions(d30), sessions(d90), ageDays),
    app_session_trend_30d: againstBaseline(sessions(d30), 30, sessions(d30), sessions(d90), ageDays),
    activity_decline_evidence: decline?.activity ?? 0,
    own_payments_decline_evidence: decline?.ownPayments ?? 0,
    digital_use_decline_evidence: decline?.digitalUse ?? 0,
    login_trend_30d_vs_90d: trend30dVs90d(d30[DAY_FIELD.logins]!, d90[DAY_FIELD.logins]!),
    app_session_trend_30d_vs_90d: trend30dVs90d(d30[DAY_FIELD.appSessions]!, d90[DAY_FIELD.appSessions]!),
    mobile_app_event_count_30d: d30[DAY_FIELD.mobileAppEvents]!,
    web_event_count_30d: d30[DAY_FIELD.webEvents]!,
    branch_visit_count_30d: d30[DAY_FIELD.branchEvents]!,
    call_centre_contact_count_30d: d30[DAY_FIELD.callCentreEvents]!,
    complaints_open: openComplaints(state.cp),
    complaints_30d: d30[DAY_FIELD.complaintsOpened]!,
    products_closed_30d: d30[DAY_FIELD.productsClosed]!,
    products_held_delta: state.po - state.pc,
    events_total: state.e,
    customer_age_days: state.e === 0 ? -1 : wholeDays(Math.max(0, t - state.f)),
    // Listed one by one rather than spread in: the vector keeps one shape, built in one allocation.
    days_past_due: credit.days_past_due,
    repayments_missed_90d: credit.repayments_missed_90d,
    repayments_missed_365d: credit.repayments_missed_365d,
    direct_debits_returned_30d: credit.direct_debits_returned_30d,
    direct_debits_returned_90d: credit.direct_debits_returned_90d,
    credit_utilisation: credit.credit_utilisation,
    credit_utilisation_change_30d: credit.credit_utilisation_change_30d,
    credit_owed_growth_30d: credit.credit_owed_growth_30d,
    overdraft_utilisation: credit.overdraft_utilisation,
    cash_advances_30d: credit.cash_advances_30d,
    cash_advance_amount_30d: credit.cash_advance_amount_30d,
    gambling_share_30d: ratio(d30[DAY_FIELD.gamblingOutMilli]!, amountOut30d),
    income_trend_30d_vs_90d: amountIn90d === 0 ? 1 : amountIn30d / (amountIn90d / 3),
    lenders_repaid_with_fee_60d: borrowing.lenders_repaid_with_fee_60d,
    repayments_near_new_loans_60d: borrowing.repayments_near_new_loans_60d,
  };
}

/** Below 6 events in 90 days a trend is noise, so it reads as steady. */
const MIN_BASELINE_FOR_TREND = 6;

function trend30dVs90d(last30d: number, last90d: number): number {
  if (last90d < MIN_BASELINE_FOR_TREND) return 1;
  return last30d / (last90d / 3);
}

/** Below 12 events, or 14 days, of baseline a rate is noise, so it reads as steady. */
const MIN_BASELINE_EVENTS = 12;
const MIN_BASELINE_DAYS = 14;

/**
 * The rate of the last `days` against the customer's usual rate, taken from the 60 days before
 * the last 30 (or as much of them as the customer has been here): a decline under way does not
 * drag its own baseline down, as it does in a 90-day rate that contains it. 1 is as usual, 0
 * nothing at all; 1 without a baseline.
 */
function againstBaseline(recent: number, days: number, last30d: number, last90d: number, ageDays: number): number {
  const baseline = last90d - last30d;
  const baselineDays = Math.min(60, ageDays - 30);
  if (baseline < MIN_BASELINE_EVENTS || baselineDays < MIN_BASELINE_DAYS) return 1;
  return recent / days / (baseline / baselineDays);
}

function sessions(window: readonly number[]): number {
  return window[DAY_FIELD.appSessions]!;
}

/** Money events the customer made themselves: all but the scheduled ones (core banking). */
function own(window: readonly number[]): number {
  return window[DAY_FIELD.txn]! - window[DAY_FIELD.scheduledTxn]!;
}

function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}

function secondsSince(t: number, previous: number | undefined): number {
  return previous === undefined ? -1 : t - previous;
}

function daysSince(t: number, previous: number | undefined): number {
  return previous === undefined ? -1 : wholeDays(t - previous);
}
