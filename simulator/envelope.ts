import type { Channel, EventInput } from '../core/events/index.js';
import type { MerchantDirectory } from './merchants.js';
import type { SimulatedCustomer, SimulatedDevice } from './population.js';
import type { SeededRandom } from './random.js';

/** Builds an event once its id and time are known; ids are handed out in emission order. */
export type EventBuilder = (eventId: string, atMs: number) => EventInput;

export interface EventContext {
  readonly rng: SeededRandom;
  readonly merchants: MerchantDirectory;
  /** Queues an event caused by this one: the session after a login, a complaint's resolution. */
  followUp(atMs: number, build: EventBuilder): void;
}

export type DigitalChannel = 'mobile_app' | 'web';

export function envelope(eventId: string, customer: SimulatedCustomer, atMs: number, channel: Channel) {
  return { event_id: eventId, customer_id: customer.id, occurred_at: new Date(atMs).toISOString(), channel };
}

/** Where the customer is: their home city, a few kilometres either way. */
export function homeGeo(rng: SeededRandom, customer: SimulatedCustomer) {
  return {
    country: customer.homeCountry,
    lat: round3(customer.city.lat + rng.between(-0.05, 0.05)),
    lon: round3(customer.city.lon + rng.between(-0.08, 0.08)),
  };
}

/** App or browser, in the customer's own proportion between the two. */
export function digitalChannel(rng: SeededRandom, customer: SimulatedCustomer): DigitalChannel {
  const { mobile_app: app, web } = customer.preferredChannels;
  return rng.next() * (app + web) < app ? 'mobile_app' : 'web';
}

/** The app runs on phones and tablets, the website mostly on desktops; fall back to any device. */
export function deviceFor(rng: SeededRandom, customer: SimulatedCustomer, channel: DigitalChannel): { id: string; ip: string } {
  const suits = (device: SimulatedDevice) => (channel === 'mobile_app' ? device.kind !== 'desktop' : device.kind !== 'tablet');
  const suitable = customer.devices.filter(suits);
  const device = rng.pick(suitable.length > 0 ? suitable : customer.devices);
  return { id: device.id, ip: device.ip };
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
