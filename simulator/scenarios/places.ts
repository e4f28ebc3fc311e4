import type { City } from '../catalogue.js';
import type { SeededRandom } from '../random.js';

// Where customers travel and where stolen credentials are used from, with coordinates: a foreign
// event only shows as travel in the features when it carries a position.

export interface Place extends City {
  readonly country: string;
}

/** Holiday and business destinations of a UK retail book. */
export const HOLIDAY_PLACES: readonly Place[] = [
  { country: 'ES', name: 'Malaga', lat: 36.721, lon: -4.421 }, { country: 'ES', name: 'Barcelona', lat: 41.385, lon: 2.173 },
  { country: 'FR', name: 'Nice', lat: 43.71, lon: 7.262 }, { country: 'IT', name: 'Rome', lat: 41.902, lon: 12.496 },
  { country: 'PT', name: 'Lisbon', lat: 38.722, lon: -9.139 }, { country: 'GR', name: 'Athens', lat: 37.984, lon: 23.728 },
  { country: 'NL', name: 'Amsterdam', lat: 52.368, lon: 4.904 }, { country: 'US', name: 'New York', lat: 40.713, lon: -74.006 },
  { country: 'AE', name: 'Dubai', lat: 25.205, lon: 55.271 }, { country: 'TH', name: 'Bangkok', lat: 13.756, lon: 100.502 },
  { country: 'DE', name: 'Munich', lat: 48.135, lon: 11.582 }, { country: 'IE', name: 'Dublin', lat: 53.35, lon: -6.26 },
];

/** Cities card fraud and account takeovers are commonly run from, far from the book's homes. */
export const FRAUD_PLACES: readonly Place[] = [
  { country: 'NG', name: 'Lagos', lat: 6.524, lon: 3.379 }, { country: 'BR', name: 'Sao Paulo', lat: -23.55, lon: -46.633 },
  { country: 'RO', name: 'Bucharest', lat: 44.426, lon: 26.103 }, { country: 'UA', name: 'Kyiv', lat: 50.45, lon: 30.523 },
  { country: 'HK', name: 'Hong Kong', lat: 22.319, lon: 114.169 }, { country: 'US', name: 'Los Angeles', lat: 34.052, lon: -118.244 },
  { country: 'MX', name: 'Mexico City', lat: 19.433, lon: -99.133 }, { country: 'IN', name: 'Mumbai', lat: 19.076, lon: 72.878 },
  { country: 'ID', name: 'Jakarta', lat: -6.208, lon: 106.846 }, { country: 'TR', name: 'Istanbul', lat: 41.008, lon: 28.978 },
];

/**
 * Cities of each home country a customer may take the train or a plane to: the homes of the book
 * (catalogue.ts) and the places people travel to from them for work, family or a weekend.
 */
export const DOMESTIC_PLACES: readonly Place[] = [
  { country: 'GB', name: 'London', lat: 51.507, lon: -0.128 }, { country: 'GB', name: 'Manchester', lat: 53.481, lon: -2.242 },
  { country: 'GB', name: 'Birmingham', lat: 52.486, lon: -1.89 }, { country: 'GB', name: 'Glasgow', lat: 55.864, lon: -4.252 },
  { country: 'GB', name: 'Leeds', lat: 53.8, lon: -1.549 }, { country: 'GB', name: 'Bristol', lat: 51.455, lon: -2.588 },
  { country: 'GB', name: 'Edinburgh', lat: 55.953, lon: -3.189 }, { country: 'GB', name: 'Newcastle', lat: 54.978, lon: -1.618 },
  { country: 'IE', name: 'Cork', lat: 51.898, lon: -8.476 }, { country: 'IE', name: 'Galway', lat: 53.271, lon: -9.057 },
  { country: 'FR', name: 'Lyon', lat: 45.76, lon: 4.86 }, { country: 'FR', name: 'Lille', lat: 50.629, lon: 3.057 },
  { country: 'FR', name: 'Bordeaux', lat: 44.838, lon: -0.579 }, { country: 'FR', name: 'Marseille', lat: 43.297, lon: 5.37 },
  { country: 'DE', name: 'Hamburg', lat: 53.551, lon: 9.994 }, { country: 'DE', name: 'Munich', lat: 48.135, lon: 11.582 },
  { country: 'DE', name: 'Cologne', lat: 50.938, lon: 6.96 }, { country: 'DE', name: 'Frankfurt', lat: 50.11, lon: 8.682 },
  { country: 'PL', name: 'Krakow', lat: 50.065, lon: 19.945 }, { country: 'PL', name: 'Gdansk', lat: 54.352, lon: 18.647 },
  { country: 'PL', name: 'Poznan', lat: 52.406, lon: 16.925 },
  { country: 'US', name: 'Boston', lat: 42.36, lon: -71.059 }, { country: 'US', name: 'Washington', lat: 38.907, lon: -77.037 },
  { country: 'JP', name: 'Osaka', lat: 34.694, lon: 135.502 }, { country: 'JP', name: 'Nagoya', lat: 35.182, lon: 136.907 },
  { country: 'JP', name: 'Sendai', lat: 38.268, lon: 140.869 },
];

/** Great-circle distance; the simulator keeps its own copy so it depends on no engine module. */
export function distanceKm(a: City, b: City): number {
  const rad = Math.PI / 180;
  const h = Math.sin(((b.lat - a.lat) * rad) / 2) ** 2
    + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(((b.lon - a.lon) * rad) / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** A place in another country at least `minKm` away from `from`; the farthest one if none is. */
export function placeAwayFrom(rng: SeededRandom, from: City & { country?: string }, homeCountry: string, places: readonly Place[], minKm: number): Place {
  const far = places.filter((place) => place.country !== homeCountry && distanceKm(from, place) >= minKm);
  if (far.length > 0) return rng.pick(far);
  return [...places].sort((a, b) => distanceKm(from, b) - distanceKm(from, a))[0]!;
}

/** A position a few kilometres around a place, as card terminals and IP geolocation report it. */
export function geoAround(rng: SeededRandom, place: Place) {
  return {
    country: place.country,
    lat: Math.round((place.lat + rng.between(-0.04, 0.04)) * 1000) / 1000,
    lon: Math.round((place.lon + rng.between(-0.06, 0.06)) * 1000) / 1000,
  };
}
