import { describe, expect, it } from 'vitest';
import { GEO_JITTER_KM, haversineKm, leastTravelSeconds, travelTimeNeededRatio } from '../../features/geo.js';
import { DAY, ev, featuresOfLast, HOUR, MINUTE, pay, SECOND, T0 } from './builders.js';

// The travel-time model (features/geo.ts) and the journey features built on it (features/travel.ts):
// nobody covers 255 km in 20 minutes, everyone may take a train or a plane.

const PLACES = {
  berlinHbf: { lat: 52.5251, lon: 13.3694 },
  berlinHome: { lat: 52.52, lon: 13.405 },
  hamburgHbf: { lat: 53.553, lon: 10.0069 },
  hamburgShop: { lat: 53.5503, lon: 9.9937 },
  berlinAirport: { lat: 52.3667, lon: 13.5033 },
  munichAirport: { lat: 48.3538, lon: 11.7861 },
  heathrow: { lat: 51.47, lon: -0.4543 },
  glasgowAirport: { lat: 55.8719, lon: -4.4331 },
  parisGareDeLyon: { lat: 48.8443, lon: 2.3744 },
  lyonPartDieu: { lat: 45.7605, lon: 4.8597 },
  strasbourg: { lat: 48.5734, lon: 7.7521 },
  kehl: { lat: 48.5722, lon: 7.815 },
  madrid: { lat: 40.4168, lon: -3.7038 },
} as const;
type Place = keyof typeof PLACES;
const km = (a: Place, b: Place) => haversineKm(PLACES[a].lat, PLACES[a].lon, PLACES[b].lat, PLACES[b].lon);
/** The ratio for being seen at `a`, then at `b` `elapsedMs` later. */
const needed = (a: Place, b: Place, elapsedMs: number) => travelTimeNeededRatio(km(a, b), elapsedMs / SECOND);

describe('the least time anyone needs between two positions', () => {
  it('is nothing within geolocation jitter: a border commuter, a phone placed 50 km out, a till on the edge of town', () => {
    expect(km('strasbourg', 'kehl')).toBeLessThan(6);
    for (const distance of [0, km('strasbourg', 'kehl'), 30, 50, 70, GEO_JITTER_KM]) expect(leastTravelSeconds(distance)).toBe(0);
    expect(leastTravelSeconds(GEO_JITTER_KM + 3)).toBeCloseTo(36, 6);
  });

  it('is the high-speed train on short journeys: Berlin to Hamburg, 255 km, at least 31 minutes beyond the jitter', () => {
    expect(km('berlinHbf', 'hamburgHbf')).toBeCloseTo(255, -1);
    expect(leastTravelSeconds(255) / 60).toBeCloseTo(31, 0);
  });

  it('is the plane on long ones: half an hour of taxiing, climb and descent plus the distance at cruise', () => {
    expect(leastTravelSeconds(1_870) / HOUR * SECOND).toBeCloseTo(0.5 + 1_770 / 900, 6);
    // Where the two meet: 225 km beyond the jitter, 45 minutes either way.
    expect(leastTravelSeconds(325) / MINUTE * SECOND).toBeCloseTo(45, 6);
  });

  it('never shrinks as the distance grows', () => {
    let previous = 0;
    for (let distance = 0; distance <= 20_000; distance += 7) {
      const least = leastTravelSeconds(distance);
      expect(least).toBeGreaterThanOrEqual(previous);
      previous = least;
    }
  });
});

describe('journeys judged with it', () => {
  it.each([
    // The blind case: a re-routed card with its PIN in Hamburg, the customer in the app at home.
    ['a till in Hamburg, then the app in Berlin 20 minutes later', true, needed('hamburgShop', 'berlinHome', 20 * MINUTE)],
    ['the app in Berlin, then a till in Hamburg 25 minutes later', true, needed('berlinHome', 'hamburgShop', 25 * MINUTE)],
    ['a till in Berlin, then one in Madrid two hours later', true, needed('berlinHome', 'madrid', 2 * HOUR)],
    // Genuine journeys, with the customer paying as close to each end as they can.
    ['the fastest train, Berlin Hbf to Hamburg Hbf in 1 h 43', false, needed('berlinHbf', 'hamburgHbf', 103 * MINUTE)],
    ['a flight Berlin to Munich: gate 20 min before, 65 min in the air, arrival hall 15 min after', false, needed('berlinAirport', 'munichAirport', 100 * MINUTE)],
    ['the same flight with the app as the doors close in Berlin and leaving the runway in Munich, an hour later', false, needed('berlinAirport', 'munichAirport', HOUR)],
    ['a till in Munich 45 minutes after the app at Berlin airport', true, needed('berlinAirport', 'munichAirport', 45 * MINUTE)],
    ['a flight Heathrow to Glasgow: gate 20 min before, 75 min block, arrival hall 10 min after', false, needed('heathrow', 'glasgowAirport', 105 * MINUTE)],
    ['the same flight with the app as the doors close and leaving the runway, 70 minutes later', false, needed('heathrow', 'glasgowAirport', 70 * MINUTE)],
    ['the TGV Paris to Lyon in 1 h 56', false, needed('parisGareDeLyon', 'lyonPartDieu', 116 * MINUTE)],
    ['a border commuter paying in Strasbourg, then in Kehl a minute later', false, needed('strasbourg', 'kehl', MINUTE)],
    ['a phone placed 50 km out, 10 seconds after a payment at home', false, travelTimeNeededRatio(50, 10)],
    ['a flight home from Madrid, 3 h 30 after the last till there', false, needed('madrid', 'berlinHome', 3.5 * HOUR)],
  ] as const)('%s: impossible is %s', (_case, impossible, ratio) => {
    expect(ratio > 1).toBe(impossible);
  });
});

describe('journey features', () => {
  const at = (place: Place) => ({ country: place.startsWith('hamburg') || place.startsWith('berlin') ? 'DE' : 'XX', ...PLACES[place] });
  const login = (atMs: number, place: Place) => ev('login', atMs, { device: { id: 'd-1' }, geo: at(place) });
  const payAt = (atMs: number, place: Place, merchant = 'm-1') => pay(atMs, '20.00', merchant, { channel: 'pos', entry_mode: 'chip', geo: at(place) });
  // A supermarket whose acquirer reports its head office in Hamburg, 255 km from the customer's
  // Berlin home, at every visit: three over the past six weeks make it a regular.
  const HEAD_OFFICE: Place = 'hamburgShop';
  const regularVisits = [40, 20, 5].map((days) => payAt(T0 - days * DAY, HEAD_OFFICE, 'm-supermarket'));

  it('read the blind case: 20 minutes for a journey needing at least 31', () => {
    const f = featuresOfLast([login(T0, 'berlinHome'), payAt(T0 + 3 * HOUR + 55 * MINUTE, 'hamburgShop', 'm-new'), login(T0 + 4 * HOUR + 15 * MINUTE, 'berlinHome')]);
    expect(f.geo_seconds_from_previous).toBe(20 * 60);
    expect(f.geo_least_travel_seconds as number).toBeCloseTo(leastTravelSeconds(f.geo_distance_km_from_previous as number), 9);
    expect((f.geo_least_travel_seconds as number) / 60).toBeGreaterThan(30);
    expect(f.geo_travel_time_needed_ratio as number).toBeGreaterThan(1.5);
    // The features rule sets in the wild use are computed as before.
    expect(f.geo_distance_km_from_previous as number).toBeGreaterThan(250);
    expect(f.geo_speed_kmh_from_previous as number).toBeCloseTo((f.geo_distance_km_from_previous as number) * 3, 6);
  });

  it('are −1 without a position on either side, and 0 within the jitter', () => {
    expect(featuresOfLast([login(T0, 'berlinHome')]).geo_travel_time_needed_ratio).toBe(-1);
    expect(featuresOfLast([login(T0, 'berlinHome'), ev('login', T0 + HOUR, { device: { id: 'd-1' } })]).geo_least_travel_seconds).toBe(-1);
    const commuter = featuresOfLast([payAt(T0, 'strasbourg'), payAt(T0 + MINUTE, 'kehl', 'm-2')]);
    expect(commuter).toMatchObject({ geo_seconds_from_previous: 60, geo_least_travel_seconds: 0, geo_travel_time_needed_ratio: 0 });
  });

  it('do not believe a regular shop that reports its head office, whichever side of the journey it is on', () => {
    const home = login(T0 + 9 * HOUR, 'berlinHome');
    const shop = payAt(T0 + 9 * HOUR + 30 * MINUTE, HEAD_OFFICE, 'm-supermarket');
    const backHome = login(T0 + 9 * HOUR + 50 * MINUTE, 'berlinHome');
    // At the shop: no journey is judged, the shop's position is what is wrong. Its own report five
    // days ago, at the same coordinates, is the last sighting before the recent log's hours: the
    // head office agrees with itself, which confirms nothing.
    expect(featuresOfLast([...regularVisits, home, shop]).geo_travel_time_needed_ratio).toBe(-1);
    // Back in the app: measured from the login before the shop.
    expect(featuresOfLast([...regularVisits, home, shop, backHome])).toMatchObject({ geo_seconds_from_previous: 50 * 60, geo_travel_time_needed_ratio: 0 });
    // The old features still see the shop's position.
    expect(featuresOfLast([...regularVisits, home, shop, backHome]).geo_distance_km_from_previous as number).toBeGreaterThan(250);
  });

  it("believe a regular shop the customer's other sightings confirm: the usual shop at home, then a till far away, is the typology", () => {
    const usual = [40, 20, 5].map((days) => payAt(T0 - days * DAY, 'berlinHome', 'm-bakery'));
    const f = featuresOfLast([...usual, login(T0, 'berlinHome'), payAt(T0 + HOUR, 'berlinHome', 'm-bakery'), payAt(T0 + HOUR + 20 * MINUTE, 'hamburgShop', 'm-new')]);
    expect(f.geo_seconds_from_previous).toBe(20 * 60);
    expect(f.geo_travel_time_needed_ratio as number).toBeGreaterThan(1);
  });

  it("believe the customer's regular shop at home after a stranger's event far away: the journey to it is judged", () => {
    const usual = [40, 20, 5].map((days) => payAt(T0 - days * DAY, 'berlinHome', 'm-bakery'));
    const stranger = ev('login', T0 + HOUR, { device: { id: 'd-unknown' }, geo: { country: 'ES', ...PLACES.madrid } });
    const f = featuresOfLast([...usual, login(T0, 'berlinHome'), stranger, payAt(T0 + 2 * HOUR, 'berlinHome', 'm-bakery')]);
    expect(f.geo_seconds_from_previous).toBe(3_600);
    expect(f.geo_travel_time_needed_ratio as number).toBeGreaterThan(1);
  });

  it('believe a shop that is not yet regular: a first visit, or five payments in one afternoon', () => {
    const home = login(T0 + 9 * HOUR, 'berlinHome');
    // A first visit to a shop reporting its head office does read as a journey (a known limit).
    expect(featuresOfLast([home, payAt(T0 + 9 * HOUR + 30 * MINUTE, HEAD_OFFICE, 'm-supermarket')]).geo_travel_time_needed_ratio as number).toBeGreaterThan(1);
    const spree = [1, 2, 3, 4].map((i) => payAt(T0 + i * 10 * MINUTE, 'hamburgShop', 'm-cloned'));
    const f = featuresOfLast([...spree, login(T0 + 45 * MINUTE, 'berlinHome'), payAt(T0 + 55 * MINUTE, 'hamburgShop', 'm-cloned')]);
    expect(f.geo_travel_time_needed_ratio as number).toBeGreaterThan(1);
  });
});
