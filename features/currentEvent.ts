import { amountZScore, outgoingStats } from './amountStats.js';
import { NO_CURRENT_EVENT, type CurrentEventFeatures } from './compute.js';
import { isNewAt } from './distinct.js';
import { majorUnits, type EventFacts } from './eventFacts.js';
import { haversineKm, travelSpeedKmh } from './geo.js';
import { lastCountryAtOrBefore, lastGeoAtOrBefore } from './recentLog.js';
import type { CustomerFeatureState, SeenEntry } from './state.js';
import { WINDOW_SECONDS } from './windows.js';

/**
 * Features of the event itself, judged against the history BEFORE it (`before` does not contain
 * it): "new" means no sighting earlier in event time, the z-score compares with prior amounts, and
 * distance and country change compare with the previous event that had a position or a country.
 */
export function currentEventFeatures(before: CustomerFeatureState, facts: EventFacts): CurrentEventFeatures {
  const features: CurrentEventFeatures = {
    ...NO_CURRENT_EVENT,
    amount_current: facts.direction === '' ? 0 : majorUnits(facts.amountMilli),
    new_device: isNew(before.s.d, facts.device, facts.t),
    new_country: isNew(before.s.c, facts.country, facts.t),
    new_payee: isNew(before.s.p, facts.payee, facts.t),
    new_merchant_category: isNew(before.s.k, facts.mcc, facts.t),
    new_merchant: isNew(before.s.m, facts.merchant, facts.t),
  };
  if (facts.direction === 'out') {
    const prior = outgoingStats(before.d, facts.t, WINDOW_SECONDS['90d']);
    features.amount_zscore = amountZScore(facts.amountMilli, prior);
  }
  const previousGeo = facts.geo ? lastGeoAtOrBefore(before.r, before.p, facts.t) : undefined;
  if (facts.geo && previousGeo) {
    const [previousTime, lat, lon] = previousGeo;
    const distance = haversineKm(lat, lon, facts.geo[0], facts.geo[1]);
    features.geo_distance_km_from_previous = distance;
    features.geo_speed_kmh_from_previous = travelSpeedKmh(distance, facts.t - previousTime);
  }
  const previousCountry = facts.country ? lastCountryAtOrBefore(before.r, before.p, facts.t) : undefined;
  features.country_changed = previousCountry !== undefined && previousCountry[1] !== facts.country;
  return features;
}

function isNew(set: readonly SeenEntry[], key: string | undefined, t: number): boolean {
  return key !== undefined && isNewAt(set, key, t);
}
