import { HOUR, MINUTE } from './windows.js';

const EARTH_RADIUS_KM = 6_371.0088;

/** Great-circle distance (haversine) in km. */
export function haversineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const toRadians = Math.PI / 180;
  const dLat = (lat2 - lat1) * toRadians;
  const dLon = (lon2 - lon1) * toRadians;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * toRadians) * Math.cos(lat2 * toRadians) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
}

/**
 * Speed needed to travel between two positions. Elapsed time has a 1-minute floor: clocks of
 * different channels disagree by seconds, and two events a second apart 5 km away are not a
 * 18,000 km/h journey.
 */
export function travelSpeedKmh(distanceKm: number, elapsedSeconds: number): number {
  return distanceKm / (Math.max(elapsedSeconds, MINUTE) / HOUR);
}
