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

// How fast a person can get from one place to another, generous on purpose: a journey judged
// impossible must be impossible for anyone, not merely unusual. A speed alone cannot say it: 255 km
// in 20 minutes is 765 km/h, slower than an airliner, yet no one covers it, because a flight of any
// length costs its time on the ground.

/** The fastest way over land: a high-speed train (300 km/h), and in a straight line, which no track is. */
export const GROUND_KMH = 300;
/** An airliner's cruise, as if it flew the whole great circle at it (short flights average half that). */
export const AIR_KMH = 900;
/**
 * What a flight adds to its time at cruise, at the least. Door to door it is well over an hour, but
 * the customer may be seen at both airports: a phone in the app as the doors close, and again as
 * the plane leaves the runway at the other end. Between those, taxiing out, climbing and descending
 * cost about half an hour more than cruising that stretch (Berlin to Munich, 460 km, is an hour
 * from doors closed to runway left; half an hour plus 900 km/h makes it 54 minutes). A payment at
 * the gate and one in the arrival hall are half an hour further apart still.
 */
export const FLIGHT_OVERHEAD_SECONDS = HOUR / 2;
/**
 * How far apart two reports of the same place may be: a phone's position from its cell or IP
 * address can be 50 km out, and a terminal's, geocoded to the town it is registered in, as much
 * the other way. Nearer than this is no journey at all: a border commuter (Strasbourg to Kehl is
 * 5 km) or a shop on the edge of town.
 */
export const GEO_JITTER_KM = 100;

/**
 * The least time anyone needs to be seen at two positions `distanceKm` apart: on the ground or by
 * air, whichever is faster, over the distance beyond what geolocation jitter explains; 0 when
 * jitter explains all of it.
 */
export function leastTravelSeconds(distanceKm: number): number {
  const journeyKm = Math.max(0, distanceKm - GEO_JITTER_KM);
  if (journeyKm === 0) return 0;
  const byGround = (journeyKm / GROUND_KMH) * HOUR;
  const byAir = FLIGHT_OVERHEAD_SECONDS + (journeyKm / AIR_KMH) * HOUR;
  return Math.min(byGround, byAir);
}

/**
 * The least travel time over the time there was (with the same 1-minute floor as the speed):
 * above 1 no one could have made the journey; 0 when the positions are within jitter of each
 * other. This way round it is always finite.
 */
export function travelTimeNeededRatio(distanceKm: number, elapsedSeconds: number): number {
  return leastTravelSeconds(distanceKm) / Math.max(elapsedSeconds, MINUTE);
}
