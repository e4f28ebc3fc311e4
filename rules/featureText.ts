import { groupDecimal } from '../core/events/index.js';
import { featureName } from './fields.js';

// How each feature reads in an explanation. A risk officer sees "12 card payments at new merchants
// in 10 min", not "card_payment_new_merchant_count_10m=12". Windowed families are described by
// pattern; the rest one by one. A feature missing here still explains itself as "name = value".

export type FeatureUnit = 'count' | 'amount' | 'ratio' | 'times' | 'seconds' | 'days' | 'km' | 'kmh' | 'score' | 'flag' | 'number';

export interface FeatureText {
  unit: FeatureUnit;
  /** `{v}` is replaced by the formatted value; for flags this is the sentence when true. */
  text: string;
  whenFalse?: string;
  /** For seconds/km features where −1 means "never" or "unknown". */
  whenNegative?: string;
  /**
   * The event types the feature speaks of. On others it holds its neutral value, which a rule may
   * test ("not to the customer's own account") but which says nothing of a card payment or cash,
   * so such a comparison is left out of that event's reasons.
   */
  appliesTo?: readonly string[];
  /**
   * A flag a rule tests to exclude a case ("not staying abroad"): false, it says why the rule was
   * not silenced, not why it fired, so it is left out of the reasons (as a list lookup that found nothing).
   */
  quietWhenFalse?: boolean;
}

/**
 * Whether a comparison of a feature says nothing of why the rule fired on this event: the feature
 * does not speak of events of this type (`appliesTo`), or it is an exclusion flag that did not
 * apply (`quietWhenFalse`). Comparisons of other fields always say something.
 */
export function featureSaysNothing(field: string, actual: unknown, eventType: string): boolean {
  const feature = featureName(field);
  if (feature === undefined) return false;
  const text = featureText(feature);
  return (text.appliesTo !== undefined && !text.appliesTo.includes(eventType)) || (text.quietWhenFalse === true && actual === false);
}

const WINDOW_WORDS: Readonly<Record<string, string>> = { m: 'min', h: 'h', d: 'days' };

const COUNT_FAMILIES: Readonly<Record<string, string>> = {
  txn_count: 'transactions',
  card_payment_count: 'card payments',
  small_card_payment_count: 'small card payments',
  card_payment_new_merchant_count: 'card payments at new merchants',
  transfer_out_count: 'outgoing transfers',
  transfer_in_count: 'incoming transfers',
  cash_withdrawal_count: 'cash withdrawals',
  inbound_credits_count: 'inbound credits',
  new_payers: 'senders never seen before',
  login_count: 'logins',
  app_session_count: 'app sessions',
  failed_logins: 'failed logins',
  password_resets: 'password resets',
  device_added: 'devices added',
  profile_changes: 'profile changes',
  complaints: 'complaints',
  distinct_merchants: 'distinct merchants',
  distinct_mcc: 'distinct merchant categories',
  distinct_countries: 'distinct countries',
  distinct_devices: 'distinct devices',
  distinct_payees: 'distinct payees',
  salary_credits: 'salary credits',
  products_closed: 'products closed',
};

const AMOUNT_FAMILIES: Readonly<Record<string, string>> = { amount_out: 'paid out', amount_in: 'received' };

const trend = (what: string): FeatureText => ({ unit: 'ratio', text: `${what} over the last 30 days at {v} of the 90-day rate` });
const against = (what: string, window: string): FeatureText => ({ unit: 'ratio', text: `${what} over the last ${window} at {v} of the usual rate` });

const NAMED: Readonly<Record<string, FeatureText>> = {
  forwarded_out_ratio_24h: { unit: 'ratio', text: '{v} of the money received in 24 h forwarded out' },
  online_card_new_merchant_count_1h: { unit: 'count', text: '{v} card payments online at new merchants in 1 h' },
  small_online_payment_fresh_merchant_count_10m: { unit: 'count', text: '{v} small online card payments at merchants first paid today in 10 min' },
  small_online_payment_fresh_merchant_count_1h: { unit: 'count', text: '{v} small online card payments at merchants first paid today in 1 h' },
  transfer_out_payees_1h: { unit: 'count', text: 'transfers out to {v} payees in 1 h' },
  transfer_out_known_payee_share_1h: { unit: 'ratio', text: '{v} of the transfers in 1 h to payees paid before' },
  cash_withdrawal_places_1h: { unit: 'count', text: 'cash drawn at {v} places in 1 h' },
  card_and_cash_new_places_1h: { unit: 'count', text: '{v} new merchants and cash machines in 1 h' },
  online_card_new_merchant_count_6h: { unit: 'count', text: '{v} payments online by card at new merchants in 6 h' },
  online_card_new_countries_6h: { unit: 'count', text: 'merchants paid online by card in 6 h in {v} countries the customer was never in' },
  hour_of_day_share: { unit: 'ratio', text: '{v} of the customer\'s own activity at this hour of the day', whenNegative: 'too little history to know the customer\'s hours' },
  online_card_new_countries_1h: { unit: 'count', text: 'merchants paid online by card in 1 h in {v} countries the customer was never in' },
  forwarded_out_ratio_3d: { unit: 'ratio', text: '{v} of the money received in 3 days forwarded out' },
  outflow_ratio_30d: { unit: 'ratio', text: 'outflow at {v} of inflow over 30 days' },
  outflow_to_other_banks_30d: { unit: 'amount', text: '{v} sent to other banks in 30 days' },
  outflow_to_other_banks_ratio_30d: { unit: 'ratio', text: '{v} of 30-day outflow sent to other banks' },
  amount_mean_90d: { unit: 'amount', text: '90-day average amount {v}' },
  amount_stddev_90d: { unit: 'amount', text: '90-day amount standard deviation {v}' },
  amount_zscore: { unit: 'score', text: "amount {v} standard deviations from this customer's 90-day average" },
  amount_current: { unit: 'amount', text: 'amount {v}' },
  amount_robust_z: { unit: 'score', text: "amount {v} robust spreads above this customer's usual for this kind of payment" },
  amount_to_typical_ratio: { unit: 'times', text: "amount {v} this customer's usual for this kind of payment" },
  new_network: { unit: 'flag', text: 'from a network the customer has not used before', whenFalse: 'from a network used before' },
  merchant_seen_count: { unit: 'count', text: 'merchant paid {v} times before' },
  merchant_first_seen_days: { unit: 'days', text: 'merchant first paid {v} ago', whenNegative: 'merchant never paid before' },
  payee_seen_count: { unit: 'count', text: 'payee paid {v} times before' },
  payee_first_seen_days: { unit: 'days', text: 'payee first paid {v} ago', whenNegative: 'payee never paid before' },
  own_account_transfer: { unit: 'flag', text: "to the customer's own account", whenFalse: "to someone else's account", appliesTo: ['transfer_out'] },
  transfers_to_payee_1h: { unit: 'count', text: '{v} transfers to this payee in 1 h', appliesTo: ['transfer_out'] },
  amount_to_payee_1h: { unit: 'amount', text: '{v} sent to this payee in 1 h', appliesTo: ['transfer_out'] },
  new_payee_transfers_90d: { unit: 'count', text: '{v} transfers to a payee first paid in the last 90 days', appliesTo: ['transfer_out'] },
  new_payee_total_90d: { unit: 'amount', text: '{v} sent in all to a payee first paid in the last 90 days', appliesTo: ['transfer_out'] },
  new_payee_growing: { unit: 'flag', text: 'larger than every earlier transfer to this payee', whenFalse: 'not larger than earlier transfers to this payee', appliesTo: ['transfer_out'] },
  payee_abroad: { unit: 'flag', text: 'to a payee abroad', whenFalse: 'to a payee at home', appliesTo: ['transfer_out'] },
  abroad: { unit: 'flag', text: 'abroad', whenFalse: 'at home' },
  country_first_seen_days: { unit: 'days', text: 'first seen in this country {v} ago', whenNegative: 'never seen in this country before' },
  settled_abroad: { unit: 'flag', text: 'staying abroad in a country first seen days before', whenFalse: 'not staying abroad', quietWhenFalse: true },
  payee_account_changed: { unit: 'flag', text: 'a payee paid before, at an account never paid before', whenFalse: 'the payee\'s usual account', appliesTo: ['transfer_out'] },
  payee_name_account_changed: { unit: 'flag', text: 'a payee name paid before, at an account never paid before', whenFalse: 'the usual account for this payee name', appliesTo: ['transfer_out'] },
  device_added_beside_another: { unit: 'flag', text: 'from a device added in the last 60 days beside one still in use', whenFalse: 'from the customer\'s usual device' },
  payee_account_abroad: { unit: 'flag', text: 'to an account abroad', whenFalse: 'to an account at home', appliesTo: ['transfer_out'] },
  new_payees_transfers_14d: { unit: 'count', text: '{v} transfers to payees first paid in the last 14 days', appliesTo: ['transfer_out'] },
  new_payees_total_14d: { unit: 'amount', text: '{v} sent to payees first paid in the last 14 days', appliesTo: ['transfer_out'] },
  new_payees_total_14d_to_monthly_income: { unit: 'times', text: "{v} a month of this customer's money in, sent to payees first paid in the last 14 days", appliesTo: ['transfer_out'] },
  new_payee_total_to_monthly_income: { unit: 'times', text: "{v} a month of this customer's money in, sent to a payee first paid in the last 90 days", appliesTo: ['transfer_out'] },
  card_present: { unit: 'flag', text: 'card at the terminal', whenFalse: 'card not present' },
  device_age_seconds: { unit: 'seconds', text: 'device first seen {v} ago', whenNegative: 'no device on the event' },
  seconds_since_contact_change: { unit: 'seconds', text: 'phone number or e-mail changed {v} ago', whenNegative: 'no phone number or e-mail change on record' },
  seconds_since_new_device_login: { unit: 'seconds', text: 'login from a new device {v} ago', whenNegative: 'no login from a new device' },
  seconds_since_new_network_login: { unit: 'seconds', text: 'login from a new network {v} ago', whenNegative: 'no login from a new network' },
  seconds_since_new_country_login: { unit: 'seconds', text: 'login from a new country {v} ago', whenNegative: 'no login from a new country' },
  idle_days_before_reactivation: { unit: 'days', text: 'money moving after {v} without any' },
  new_device: { unit: 'flag', text: 'new device', whenFalse: 'known device' },
  new_country: { unit: 'flag', text: 'first activity in this country', whenFalse: 'country seen before' },
  new_payee: { unit: 'flag', text: 'first payment to this payee', whenFalse: 'payee paid before' },
  new_merchant: { unit: 'flag', text: 'first payment at this merchant', whenFalse: 'merchant paid before' },
  new_merchant_category: { unit: 'flag', text: 'first purchase in this merchant category', whenFalse: 'merchant category seen before' },
  seconds_since_other_continent: { unit: 'seconds', text: 'on another continent {v} before', whenNegative: 'same continent as the previous event' },
  country_changed: { unit: 'flag', text: 'country changed since the previous event', whenFalse: 'same country as the previous event' },
  salary_regular: { unit: 'flag', text: 'salary paid regularly', whenFalse: 'no regular salary' },
  salary_stopped: { unit: 'flag', text: 'expected salary credit missing', whenFalse: 'salary arriving as usual' },
  seconds_since_last_activity: { unit: 'seconds', text: 'last activity {v} ago', whenNegative: 'no earlier activity' },
  seconds_since_last_login: { unit: 'seconds', text: 'last login {v} ago', whenNegative: 'no login on record' },
  seconds_since_password_reset: { unit: 'seconds', text: 'password reset {v} ago', whenNegative: 'no password reset on record' },
  seconds_since_device_added: { unit: 'seconds', text: 'device added {v} ago', whenNegative: 'no device added on record' },
  days_since_last_txn_before_current: { unit: 'days', text: 'first transaction after {v} without any' },
  days_since_salary: { unit: 'days', text: 'last salary {v} ago' },
  geo_distance_km_from_previous: { unit: 'km', text: "{v} from the previous event's location", whenNegative: 'distance from the previous location unknown' },
  geo_speed_kmh_from_previous: { unit: 'kmh', text: "travel at {v} from the previous event's location", whenNegative: 'travel speed unknown' },
  geo_seconds_from_previous: { unit: 'seconds', text: "at the previous event's location {v} before", whenNegative: 'no earlier location to travel from' },
  geo_least_travel_seconds: { unit: 'seconds', text: "the journey from the previous event's location takes at least {v}", whenNegative: 'travel time unknown' },
  geo_travel_time_needed_ratio: { unit: 'times', text: "the journey from the previous event's location needs {v} the time there was", whenNegative: 'travel time unknown' },
  txn_trend_30d_vs_90d: trend('transactions'),
  login_trend_30d_vs_90d: trend('logins'),
  app_session_trend_30d_vs_90d: trend('app sessions'),
  complaints_open: { unit: 'count', text: '{v} complaints open' },
  products_held_delta: { unit: 'number', text: 'products held changed by {v}' },
  events_total: { unit: 'count', text: '{v} events on record' },
  customer_age_days: { unit: 'days', text: 'customer for {v}' },
  days_past_due: { unit: 'days', text: 'an instalment {v} past due, unpaid' },
  repayments_missed_90d: { unit: 'count', text: '{v} repayments missed in 90 days' },
  repayments_missed_365d: { unit: 'count', text: '{v} repayments missed in 365 days' },
  direct_debits_returned_30d: { unit: 'count', text: '{v} direct debits returned unpaid in 30 days' },
  direct_debits_returned_90d: { unit: 'count', text: '{v} direct debits returned unpaid in 90 days' },
  credit_utilisation: { unit: 'ratio', text: 'credit lines {v} used', whenNegative: 'no recent statement of a credit line' },
  credit_owed_growth_30d: { unit: 'ratio', text: 'owed on the credit lines up by {v} of their limits in 30 days' },
  credit_utilisation_change_30d: { unit: 'ratio', text: 'credit use changed by {v} of the limits in 30 days' },
  overdraft_utilisation: { unit: 'ratio', text: 'overdraft {v} used', whenNegative: 'no recent statement of an overdraft' },
  lenders_repaid_with_fee_60d: { unit: 'count', text: '{v} lenders paid back more than they lent in 60 days' },
  repayments_near_new_loans_60d: { unit: 'count', text: '{v} of those repayments within a week of a new loan' },
  cash_advances_30d: { unit: 'count', text: '{v} cash withdrawals on a credit card in 30 days' },
  cash_advance_amount_30d: { unit: 'amount', text: '{v} drawn in cash on a credit card in 30 days' },
  gambling_share_30d: { unit: 'ratio', text: '{v} of 30-day spending on betting and gambling' },
  income_trend_30d_vs_90d: { unit: 'ratio', text: 'money in over the last 30 days at {v} of the 90-day rate' },
  activity_decline_evidence: { unit: 'score', text: "decline evidence {v} from the customer's own payments and app use against their usual" },
  own_payments_decline_evidence: { unit: 'score', text: "decline evidence {v} from the customer's own payments against their usual" },
  digital_use_decline_evidence: { unit: 'score', text: 'decline evidence {v} from days with app or online-banking use against the usual' },
  own_txn_count_90d: { unit: 'count', text: '{v} payments made by the customer in 90 days' },
  own_txn_trend_7d: against('payments made by the customer', '7 days'),
  own_txn_trend_14d: against('payments made by the customer', '14 days'),
  own_txn_trend_30d: against('payments made by the customer', '30 days'),
  app_session_trend_7d: against('app sessions', '7 days'),
  app_session_trend_14d: against('app sessions', '14 days'),
  app_session_trend_30d: against('app sessions', '30 days'),
};

const WINDOWED = /^(.+)_(\d+)([mhd])$/;

export function featureText(name: string): FeatureText {
  const named = NAMED[name];
  if (named) return named;
  const match = WINDOWED.exec(name);
  if (match) {
    const [, family = '', size, unit = ''] = match;
    const window = `${size} ${WINDOW_WORDS[unit]}`;
    const counted = COUNT_FAMILIES[family];
    if (counted) return { unit: 'count', text: `{v} ${counted} in ${window}` };
    const moved = AMOUNT_FAMILIES[family];
    if (moved) return { unit: 'amount', text: `{v} ${moved} in ${window}` };
  }
  return { unit: 'number', text: `${name} = {v}` };
}

const grouped = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 });

/** A value in the unit's words: 0.82 as a ratio is "82%", 7200 seconds is "2 h". */
export function formatInUnit(value: unknown, unit: FeatureUnit): string {
  if (typeof value !== 'number') return formatPlain(value);
  switch (unit) {
    case 'count': return grouped.format(value);
    case 'amount': return formatAmountFeature(value);
    case 'ratio': return `${grouped.format(Math.round(value * 1000) / 10)}%`;
    case 'times': return `${grouped.format(Math.round(value * 10) / 10)}×`;
    case 'seconds': return formatSeconds(value);
    case 'days': return `${grouped.format(value)} days`;
    case 'km': return `${grouped.format(Math.round(value))} km`;
    case 'kmh': return `${grouped.format(Math.round(value))} km/h`;
    case 'score': return value.toFixed(1);
    default: return grouped.format(value);
  }
}

export function formatPlain(value: unknown): string {
  if (value === undefined || value === null) return 'unknown';
  if (Array.isArray(value)) return value.map(formatPlain).join(', ');
  if (typeof value === 'number') return grouped.format(value);
  return String(value);
}

/**
 * Amount features are window sums and statistics kept in thousandths of the currency unit
 * (features/eventFacts.ts), so their value is a whole number of thousandths divided by 1000. That
 * number is written digit by digit, never rounded to cents: 12.345 stays 12.345.
 */
function formatAmountFeature(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const thousandths = Math.round(Math.abs(value) * 1000);
  if (!Number.isSafeInteger(thousandths)) return grouped.format(value);
  const text = String(thousandths).padStart(4, '0');
  const whole = text.slice(0, -3);
  const fraction = text.slice(-3).replace(/0+$/, '');
  const sign = value < 0 && thousandths !== 0 ? '-' : '';
  return groupDecimal(`${sign}${whole}${fraction ? `.${fraction.padEnd(2, '0')}` : ''}`);
}

function formatSeconds(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 2 * 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 48 * 3600) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86400)} days`;
}
