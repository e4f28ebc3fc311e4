import type { Channel, EventInput } from '../core/events/index.js';
import { deviceFor, digitalChannel, envelope, homeGeo, type DigitalChannel, type EventContext } from './envelope.js';
import type { SimulatedCustomer } from './population.js';
import type { SeededRandom } from './random.js';
import { isBranchOpen, isCallCentreOpen } from './rhythm.js';

const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;
const DAY_MS = 24 * 60 * MINUTE_MS;

type Device = { id: string; ip: string };

export function login(ctx: EventContext, customer: SimulatedCustomer, eventId: string, atMs: number): EventInput {
  const channel = digitalChannel(ctx.rng, customer);
  return loginFrom(ctx, customer, channel, deviceFor(ctx.rng, customer, channel), eventId, atMs);
}

/** Most logins open a session moments later on the same device: sessions never come alone. */
function loginFrom(ctx: EventContext, customer: SimulatedCustomer, channel: DigitalChannel, device: Device, eventId: string, atMs: number): EventInput {
  const { rng } = ctx;
  const geo = homeGeo(rng, customer);
  if (rng.chance(0.85)) {
    ctx.followUp(atMs + rng.between(2, 40) * SECOND_MS, (sessionId, sessionAt) => ({
      type: 'app_session',
      ...envelope(sessionId, customer, sessionAt, channel),
      device,
      geo,
      attributes: { duration_sec: Math.round(rng.logNormal(140, 0.8)), screens: rng.int(1, 15) },
    }));
  }
  return { type: 'login', ...envelope(eventId, customer, atMs, channel), device, geo };
}

/** A mistyped password is usually followed by a successful attempt. */
export function loginFailed(ctx: EventContext, customer: SimulatedCustomer, eventId: string, atMs: number): EventInput {
  const { rng } = ctx;
  const channel = digitalChannel(rng, customer);
  const device = deviceFor(rng, customer, channel);
  if (rng.chance(0.65)) {
    ctx.followUp(atMs + rng.between(15, 180) * SECOND_MS, (id, at) => loginFrom(ctx, customer, channel, device, id, at));
  }
  return { type: 'login_failed', ...envelope(eventId, customer, atMs, channel), device, geo: homeGeo(rng, customer), attributes: { reason: 'bad_credentials' } };
}

export function passwordReset(ctx: EventContext, customer: SimulatedCustomer, eventId: string, atMs: number): EventInput {
  const { rng } = ctx;
  const byPhone = rng.chance(customer.preferredChannels.call_centre) && isCallCentreOpen(atMs);
  const channel = digitalChannel(rng, customer);
  const device = deviceFor(rng, customer, channel);
  if (rng.chance(0.8)) {
    ctx.followUp(atMs + rng.between(1, 10) * MINUTE_MS, (id, at) => loginFrom(ctx, customer, channel, device, id, at));
  }
  if (byPhone) return { type: 'password_reset', ...envelope(eventId, customer, atMs, 'call_centre') };
  return { type: 'password_reset', ...envelope(eventId, customer, atMs, channel), device };
}

/** A new phone or laptop: enrolled, then used to log in. Its id is new to the stream. */
export function deviceAdded(ctx: EventContext, customer: SimulatedCustomer, eventId: string, atMs: number): EventInput {
  const { rng } = ctx;
  const channel = digitalChannel(rng, customer);
  const known = deviceFor(rng, customer, channel);
  const device = { id: `${customer.id.replace('cust-', 'dev-')}-new-${rng.int(1000, 9999)}`, ip: known.ip };
  ctx.followUp(atMs + rng.between(10, 120) * SECOND_MS, (id, at) => loginFrom(ctx, customer, channel, device, id, at));
  return { type: 'device_added', ...envelope(eventId, customer, atMs, channel), device, geo: homeGeo(rng, customer) };
}

export function profileChange(ctx: EventContext, customer: SimulatedCustomer, eventId: string, atMs: number): EventInput {
  const { rng } = ctx;
  const channel = serviceChannel(rng, customer, atMs);
  const field = rng.weighted([['address', 3], ['phone', 3], ['email', 3], ['marketing_preferences', 2], ['name', 0.3]] as const);
  return { type: 'profile_change', ...envelope(eventId, customer, atMs, channel), ...deviceIfDigital(rng, customer, channel), changed_fields: [field] };
}

export function branchVisit(ctx: EventContext, customer: SimulatedCustomer, eventId: string, atMs: number): EventInput {
  const { rng } = ctx;
  const branchId = `br-${customer.city.name.toLowerCase().replace(/\s+/g, '-')}-${rng.int(1, 4)}`;
  const purpose = rng.weighted([['advice', 3], ['cash', 2], ['account_servicing', 3], ['mortgage', 1], ['id_check', 1]] as const);
  return { type: 'branch_visit', ...envelope(eventId, customer, atMs, 'branch'), geo: homeGeo(rng, customer), attributes: { branch_id: branchId, purpose } };
}

export function callCentreContact(ctx: EventContext, customer: SimulatedCustomer, eventId: string, atMs: number): EventInput {
  const { rng } = ctx;
  const reason = rng.weighted([['card', 3], ['balance', 2], ['payment_query', 3], ['fraud_concern', 1], ['fees', 1], ['other', 2]] as const);
  return {
    type: 'call_centre_contact',
    ...envelope(eventId, customer, atMs, 'call_centre'),
    attributes: { reason, duration_sec: Math.round(rng.logNormal(420, 0.6)) },
  };
}

/** Most complaints are resolved within two weeks; the resolution reuses the complaint id. */
export function complaint(ctx: EventContext, customer: SimulatedCustomer, eventId: string, atMs: number): EventInput {
  const { rng } = ctx;
  const channel = serviceChannel(rng, customer, atMs);
  const category = rng.weighted([['fees', 3], ['service', 3], ['fraud', 1], ['card', 2], ['digital', 2], ['lending', 1], ['other', 1]] as const);
  const id = eventId.replace(/^evt-/, 'cmp-');
  if (rng.chance(0.7)) {
    ctx.followUp(atMs + rng.between(1, 14) * DAY_MS, (resolvedId, resolvedAt) => ({
      type: 'complaint',
      ...envelope(resolvedId, customer, resolvedAt, 'call_centre'),
      complaint: { id, category, status: 'resolved' },
    }));
  }
  return { type: 'complaint', ...envelope(eventId, customer, atMs, channel), ...deviceIfDigital(rng, customer, channel), complaint: { id, category, status: 'opened' } };
}

type ProductType = 'savings' | 'term_deposit' | 'credit_card' | 'debit_card' | 'investment' | 'insurance';
const PRODUCTS: readonly (readonly [ProductType, number])[] = [
  ['savings', 4], ['credit_card', 3], ['term_deposit', 1], ['debit_card', 1], ['investment', 1], ['insurance', 2],
];

export function productChange(ctx: EventContext, customer: SimulatedCustomer, eventId: string, atMs: number, opened: boolean): EventInput {
  const { rng } = ctx;
  const channel: Channel = isBranchOpen(atMs) && rng.chance(customer.preferredChannels.branch * 2) ? 'branch' : digitalChannel(rng, customer);
  const productType = rng.weighted(PRODUCTS);
  const product = { type: productType, id: `${productType.replace('_', '-')}-${customer.id.slice(5)}-${rng.int(1, 9)}` };
  const event = { ...envelope(eventId, customer, atMs, channel), ...deviceIfDigital(rng, customer, channel), product };
  if (opened) return { type: 'product_opened', ...event };
  const reason = closureReason(rng, productType);
  // A replaced card is closed as its successor is issued: the same product opened at once.
  if (reason === 'replaced') {
    ctx.followUp(atMs + rng.between(1, 30) * SECOND_MS, (id, at) => ({
      type: 'product_opened', ...envelope(id, customer, at, channel), ...deviceIfDigital(rng, customer, channel),
      product: { type: productType, id: `${productType.replace('_', '-')}-${customer.id.slice(5)}-${rng.int(10, 99)}` },
    }));
  }
  return { type: 'product_closed', ...event, product: { ...product, closure_reason: reason } };
}

/** Most closures are routine: cards are replaced when they expire or are lost, term deposits mature. */
function closureReason(rng: SeededRandom, productType: ProductType): 'customer_request' | 'matured' | 'replaced' {
  if ((productType === 'debit_card' || productType === 'credit_card') && rng.chance(0.6)) return 'replaced';
  if (productType === 'term_deposit' && rng.chance(0.8)) return 'matured';
  return 'customer_request';
}

/** The channel the customer prefers for talking to the bank, among those open right now. */
function serviceChannel(rng: SeededRandom, customer: SimulatedCustomer, atMs: number): Channel {
  const prefs = customer.preferredChannels;
  return rng.weighted<Channel>([
    ['mobile_app', prefs.mobile_app],
    ['web', prefs.web],
    ['branch', isBranchOpen(atMs) ? prefs.branch : 0],
    ['call_centre', isCallCentreOpen(atMs) ? prefs.call_centre : 0],
  ]);
}

function deviceIfDigital(rng: SeededRandom, customer: SimulatedCustomer, channel: Channel): { device?: Device } {
  return channel === 'mobile_app' || channel === 'web' ? { device: deviceFor(rng, customer, channel) } : {};
}
