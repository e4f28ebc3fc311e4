import { hourOfDayShare } from './hoursOfDay.js';
import { amountGroupOf, compareWithBaseline } from './amountBaselines.js';
import { amountZScore, outgoingStats } from './amountStats.js';
import { NO_CURRENT_EVENT, type CurrentEventFeatures } from './compute.js';
import { familiarityAt, isNewAt, mostSeen, olderStillInUse, SEEN_HISTORY } from './distinct.js';
import { majorUnits, type EventFacts } from './eventFacts.js';
import { recentNewPayeeTransfers, runBefore } from './newPayees.js';
import { continentOf } from './continents.js';
import { haversineKm, travelSpeedKmh } from './geo.js';
import { lastCountryAtOrBefore, lastGeoAtOrBefore, lastTimeAtOrBefore, transfersToPayeeWithinHour } from './recentLog.js';
import { journeyToEvent } from './travel.js';
import { REACTIVATION_MIN_IDLE_SECONDS } from './record.js';
import { lastMarkAtOrBefore } from './session.js';
import type { CustomerFeatureState, SeenSet } from './state.js';
import { DAY, wholeDays, WINDOW_SECONDS } from './windows.js';

/** How recently a device was first seen for it to count as added (device_added_beside_another). */
const ADDED_DEVICE_RECENT = 60 * DAY;

/** Days in a country abroad after which the customer is staying there, not just arrived (a stranger's login is minutes old). */
export const SETTLED_ABROAD_DAYS = 2;

/**
 * Features of the event itself, judged against the history BEFORE it (`before` does not contain
 * it): "new" means no sighting earlier in event time, the z-score compares with prior amounts, and
 * distance and country change compare with the previous event that had a position or a country.
 * Read before the event is recorded, so a caller that gives the state up may then record it in
 * place (engine.ts). The session marks come after, from the state with the event (withSessionMarks).
 */
export function featuresBeforeEvent(before: CustomerFeatureState, facts: EventFacts): CurrentEventFeatures {
  const merchant = familiarityAt(before.s.m, facts.merchant, facts.t, SEEN_HISTORY.m);
  const payee = familiarityAt(before.s.p, facts.payee, facts.t, SEEN_HISTORY.p);
  const device = familiarityAt(before.s.d, facts.device, facts.t, SEEN_HISTORY.d);
  const features: CurrentEventFeatures = {
    ...NO_CURRENT_EVENT,
    amount_current: facts.direction === '' ? 0 : majorUnits(facts.amountMilli),
    new_device: facts.device !== undefined && device.first === undefined,
    new_country: isNew(before.s.c, facts.country, facts.t, SEEN_HISTORY.c),
    new_payee: facts.payee !== undefined && payee.first === undefined,
    new_merchant_category: isNew(before.s.k, facts.mcc, facts.t, SEEN_HISTORY.k),
    new_merchant: facts.merchant !== undefined && merchant.first === undefined,
    new_network: isNew(before.s.n, facts.network, facts.t, SEEN_HISTORY.n),
    merchant_seen_count: merchant.count,
    merchant_first_seen_days: merchant.first === undefined ? -1 : wholeDays(facts.t - merchant.first),
    payee_seen_count: payee.count,
    payee_first_seen_days: payee.first === undefined ? -1 : wholeDays(facts.t - payee.first),
    device_age_seconds: facts.device === undefined ? -1 : device.first === undefined ? 0 : facts.t - device.first,
    own_account_transfer: facts.ownAccount,
    card_present: facts.cardPresent === true,
    idle_days_before_reactivation: idleDaysBeforeReactivation(before, facts),
    hour_of_day_share: hourOfDayShare(before.hd, facts.t),
  };
  if (facts.device !== undefined) {
    // Added within 60 days, a week or more after another device the customer still uses: a
    // tablet beside the phone, or someone else's phone on the account; a phone that replaced the
    // old one leaves nothing older in use.
    const since = device.first ?? facts.t;
    features.device_added_beside_another = since >= facts.t - ADDED_DEVICE_RECENT
      && olderStillInUse(before.s.d, facts.device, since, facts.t, 7 * DAY, 7 * DAY);
  }
  // Home is the country the customer is seen in most; codes are upper case (the event schema).
  const home = mostSeen(before.s.c);
  const outsideHome = (country: string | undefined) => country !== undefined && home !== undefined && country !== home;
  features.payee_abroad = outsideHome(facts.payeeCountry);
  features.abroad = outsideHome(facts.country);
  if (facts.country !== undefined) {
    const place = familiarityAt(before.s.c, facts.country, facts.t, SEEN_HISTORY.c);
    features.country_first_seen_days = place.first === undefined ? -1 : wholeDays(facts.t - place.first);
    features.settled_abroad = features.abroad && features.country_first_seen_days >= SETTLED_ABROAD_DAYS;
  }
  if (facts.payeeAccount !== undefined) {
    // A payee saved and paid before, now at an account never paid: new bank details, from the
    // payee (rare) or from someone who intercepted their invoice (invoice redirection).
    const accountIsNew = isNew(before.s.a, facts.payeeAccount, facts.t, SEEN_HISTORY.a);
    features.payee_account_changed = payee.count >= 2 && accountIsNew;
    features.payee_account_abroad = outsideHome(facts.payeeAccountCountry);
    // The same by the payee's name: a redirected invoice is as often paid to a payee saved anew,
    // under the supplier's name, as to the saved one edited.
    if (facts.payeeName !== undefined) {
      features.payee_name_account_changed = accountIsNew && familiarityAt(before.s.q, facts.payeeName, facts.t, SEEN_HISTORY.q).count >= 2;
    }
  }
  const run = runBefore(before.np, facts);
  if (run) {
    const [, , transfers, totalMilli, largestMilli] = run;
    features.new_payee_transfers_90d = transfers + 1;
    features.new_payee_total_90d = majorUnits(totalMilli + facts.amountMilli);
    features.new_payee_growing = transfers >= 3 && facts.amountMilli > largestMilli;
  } else if (features.new_payee && !facts.ownAccount) {
    features.new_payee_transfers_90d = 1;
    features.new_payee_total_90d = majorUnits(facts.amountMilli);
  }
  const recent = recentNewPayeeTransfers(before.np, facts, features.new_payee);
  features.new_payees_transfers_14d = recent.transfers;
  features.new_payees_total_14d = majorUnits(recent.totalMilli);
  if (facts.direction === 'out') {
    const prior = outgoingStats(before.d, facts.t, WINDOW_SECONDS['90d']);
    features.amount_zscore = amountZScore(facts.amountMilli, prior);
  }
  const group = amountGroupOf(facts);
  if (group) {
    const compared = compareWithBaseline(before.b, group, facts.t, facts.amountMilli);
    features.amount_robust_z = compared.robustZ;
    features.amount_to_typical_ratio = compared.ratioToMedian;
  }
  const previousGeo = facts.geo ? lastGeoAtOrBefore(before.r, before.p, facts.t) : undefined;
  if (facts.geo && previousGeo) {
    const [previousTime, lat, lon] = previousGeo;
    const distance = haversineKm(lat, lon, facts.geo[0], facts.geo[1]);
    features.geo_distance_km_from_previous = distance;
    features.geo_speed_kmh_from_previous = travelSpeedKmh(distance, facts.t - previousTime);
  }
  const journey = journeyToEvent(before, facts);
  if (journey) {
    features.geo_seconds_from_previous = journey.seconds;
    features.geo_least_travel_seconds = journey.leastSeconds;
    features.geo_travel_time_needed_ratio = journey.neededRatio;
  }
  const previousCountry = facts.country ? lastCountryAtOrBefore(before.r, before.p, facts.t) : undefined;
  features.country_changed = previousCountry !== undefined && previousCountry[1] !== facts.country;
  if (previousCountry && facts.country) {
    const [previousTime, country] = previousCountry;
    const [from, to] = [continentOf(country), continentOf(facts.country)];
    if (from !== undefined && to !== undefined && from !== to) features.seconds_since_other_continent = facts.t - previousTime;
  }
  return features;
}

/**
 * Adds the session marks to the features of `featuresBeforeEvent`, read from `after` (the state
 * with the event), so a login from a new device reads 0 s since one.
 */
export function withSessionMarks(features: CurrentEventFeatures, after: CustomerFeatureState, facts: EventFacts): CurrentEventFeatures {
  features.seconds_since_new_device_login = secondsSinceMark(after, 'nd', facts.t);
  features.seconds_since_new_network_login = secondsSinceMark(after, 'nn', facts.t);
  features.seconds_since_new_country_login = secondsSinceMark(after, 'nc', facts.t);
  if (facts.type === 'transfer_out' && facts.payee !== undefined) {
    const toPayee = transfersToPayeeWithinHour(after.r, facts.payee, facts.t);
    features.transfers_to_payee_1h = toPayee.count;
    features.amount_to_payee_1h = majorUnits(toPayee.amountMilli);
  }
  return features;
}

function isNew(set: SeenSet, key: string | undefined, t: number, history: number): boolean {
  return key !== undefined && isNewAt(set, key, t, history);
}

function secondsSinceMark(state: CustomerFeatureState, mark: 'nd' | 'nn' | 'nc', t: number): number {
  const at = lastMarkAtOrBefore(state.sm, mark, t);
  return at === undefined ? -1 : t - at;
}

/**
 * The silence (whole days without a money event) that this money event ends, or that ended within
 * the 24 h before it: a dormant account is emptied in a few withdrawals, not one.
 */
function idleDaysBeforeReactivation(before: CustomerFeatureState, facts: EventFacts): number {
  if (facts.direction === '') return 0;
  const previous = lastTimeAtOrBefore(before.r, before.p, facts.t, 'money');
  if (previous !== undefined && facts.t - previous >= REACTIVATION_MIN_IDLE_SECONDS) return wholeDays(facts.t - previous);
  for (let i = before.rv.length - 1; i >= 0; i--) {
    const [endedAt, idleDays] = before.rv[i]!;
    if (endedAt <= facts.t && facts.t - endedAt <= DAY) return idleDays;
  }
  return 0;
}
