import type { EventInput } from '../../core/events/index.js';
import { haversineKm, travelTimeNeededRatio } from '../../features/geo.js';

// How the simulator's travellers measure against the engine's travel-time model (features/geo.ts):
// a genuine journey must never need more time than it took.

interface Sighting { readonly atMs: number; readonly lat: number; readonly lon: number; readonly what: string }

export function sightingsOf(events: readonly EventInput[]): Sighting[] {
  return events
    .filter((event) => event.geo?.lat !== undefined && event.geo.lon !== undefined)
    .map((event) => ({ atMs: Date.parse(event.occurred_at), lat: event.geo!.lat!, lon: event.geo!.lon!, what: `${event.type} ${event.event_id}` }))
    .sort((a, b) => a.atMs - b.atMs);
}

/** The journey between consecutive sightings that needs most of the time it had: above 1, no one could have made it. */
export function hardestJourney(sightings: readonly Sighting[]): { ratio: number; between: string } {
  let hardest = { ratio: 0, between: 'no journey' };
  for (let i = 1; i < sightings.length; i++) {
    const [from, to] = [sightings[i - 1]!, sightings[i]!];
    const ratio = travelTimeNeededRatio(haversineKm(from.lat, from.lon, to.lat, to.lon), (to.atMs - from.atMs) / 1000);
    if (ratio > hardest.ratio) hardest = { ratio, between: `${from.what} → ${to.what}` };
  }
  return hardest;
}
