import type { EventInput } from '../../core/events/index.js';
import { amountFromGbp } from '../amounts.js';
import { CARD_CATEGORIES, OTHER_BANKS, OWN_BANK } from '../catalogue.js';
import { passwordReset } from '../engagement.js';
import { deviceFor, digitalChannel, envelope, homeGeo } from '../envelope.js';
import type { Merchant } from '../merchants.js';
import { TIER_SPEND_FACTOR, type Payee } from '../population.js';
import {
  DAY_MS, EpisodeWriter, HOUR_MS, MINUTE_MS, eventMs, hostingIp, newPayee, type Episode, type EpisodeContext,
} from './episode.js';
import { HOLIDAY_PLACES, distanceKm, geoAround, type Place } from './places.js';

// Genuine customers doing what fraudsters are accused of: new phones, trips abroad, a sofa, a
// forgotten password, a new landlord. No label: an alert on any of these is a false positive.

type Device = { id: string; ip: string };

/**
 * Share of genuine first payments to a new payee made within a day of a password reset or a new
 * device. An assumption (no public figure): the takeover rule's false positives scale with it.
 */
const CREDENTIAL_CHANGE_BEFORE_NEW_PAYEE = 0.15;

/** A new phone: enrolled, then used for logins (and now and then a payment) over the next weeks. */
export function newDevice(ctx: EpisodeContext, atMs: number, endMs: number): Episode {
  const { rng, customer } = ctx;
  const writer = new EpisodeWriter(ctx);
  const device = { id: `${customer.id.replace('cust-', 'dev-')}-p${rng.int(100, 999)}`, ip: rng.pick(customer.devices).ip };
  writer.add(atMs, (id, at) => ({ type: 'device_added', ...envelope(id, customer, at, 'mobile_app'), device, geo: homeGeo(rng, customer) }));
  sessionOn(writer, ctx, device, atMs + rng.between(0.5, 3) * MINUTE_MS, homeGeo(rng, customer));
  for (let i = rng.int(2, 8); i > 0; i--) {
    const t = atMs + rng.between(0.2, 14) * DAY_MS;
    if (t < endMs) sessionOn(writer, ctx, device, t, homeGeo(rng, customer));
  }
  if (customer.payees.length > 0 && rng.chance(0.3)) {
    const t = atMs + rng.between(1, 48) * HOUR_MS;
    if (t < endMs) writer.add(t, (id, at) => payTo(ctx, rng.pick(customer.payees), rng.logNormal(60 * TIER_SPEND_FACTOR[customer.tier], 1), device, id, at));
  }
  return { events: writer.events, noise: { kind: 'new-device', atMs } };
}

/**
 * A trip abroad at airliner speed: nothing at home while away (the customer's ordinary events
 * with a position or at a till are dropped), spending and logins at the destination instead.
 */
export function travelAbroad(ctx: EpisodeContext, atMs: number, endMs: number): Episode {
  const { rng, customer } = ctx;
  const writer = new EpisodeWriter(ctx);
  const place = rng.pick(HOLIDAY_PLACES.filter((p) => p.country !== customer.homeCountry));
  const flightMs = (distanceKm(customer.city, place) / 750 + 0.75) * HOUR_MS;
  const arriveMs = atMs + flightMs + rng.between(0.5, 3) * HOUR_MS;
  const leaveDestMs = Math.min(endMs - 2 * flightMs - 6 * HOUR_MS, arriveMs + rng.between(3, 14) * DAY_MS);
  const homeAgainMs = leaveDestMs + flightMs + rng.between(1, 4) * HOUR_MS;
  const phone = customer.devices.find((d) => d.kind === 'phone') ?? customer.devices[0]!;
  const roaming = { id: phone.id, ip: hostingIp(rng) };
  for (let day = arriveMs; day < leaveDestMs; day += DAY_MS) {
    const dayEnd = Math.min(leaveDestMs, day + DAY_MS);
    const at = () => day + rng.next() * (dayEnd - day);
    for (let i = rng.int(1, 4); i > 0; i--) writer.add(at(), (id, t) => spendAbroad(ctx, place, id, t));
    if (rng.chance(0.3)) writer.add(at(), (id, t) => ({ type: 'cash_withdrawal', ...envelope(id, customer, t, 'atm'), amount: amountFromGbp(rng.int(3, 15) * 20, customer.currency), currency: customer.currency, geo: geoAround(rng, place) }));
    if (rng.chance(0.6)) sessionOn(writer, ctx, roaming, at(), geoAround(rng, place));
  }
  if (rng.chance(0.5)) {
    const bookedAt = atMs - rng.between(2, 6) * DAY_MS;
    const mcc = rng.chance(0.5) ? '4511' : '7011';
    const category = CARD_CATEGORIES.find((c) => c.mcc === mcc)!;
    const merchant = ctx.merchants.pick(rng, customer.homeCountry, category);
    writer.add(bookedAt, (id, t) => ({
      type: 'card_payment', ...envelope(id, customer, t, 'ecommerce'), amount: amountFromGbp(rng.logNormal(350, 0.6) * TIER_SPEND_FACTOR[customer.tier], customer.currency),
      currency: customer.currency, merchant, device: deviceFor(rng, customer, 'web'), geo: homeGeo(rng, customer), entry_mode: 'online',
    }));
  }
  return {
    events: writer.events,
    noise: { kind: 'travel-abroad', atMs },
    keepBase: (event) => !(eventMs(event) >= atMs && eventMs(event) <= homeAgainMs && placesTheCustomer(event)),
  };
}

/** An event that says where the customer is (a position, a till, a cash machine, a branch, a web shop): none happen at home while they are away. */
export function placesTheCustomer(event: EventInput): boolean {
  return event.geo !== undefined || ['pos', 'atm', 'branch', 'ecommerce'].includes(event.channel);
}

const BIG_TICKETS = [
  { mcc: '5712', name: 'Comfy Living Furniture', medianGbp: 1100 }, { mcc: '4722', name: 'Sunway Holidays', medianGbp: 2200 },
  { mcc: '5732', name: 'Circuit House Megastore', medianGbp: 900 }, { mcc: '7538', name: 'Northside Motors', medianGbp: 650 },
  { mcc: '5944', name: 'Gold & Co Jewellers', medianGbp: 1600 }, { mcc: '5712', name: 'Kitchen Works', medianGbp: 3500 },
] as const;

/** A sofa, a holiday, a repair: one payment well above the customer's habit, made by the customer. */
export function largePurchase(ctx: EpisodeContext, atMs: number): Episode {
  const { rng, customer } = ctx;
  const writer = new EpisodeWriter(ctx);
  const item = rng.pick(BIG_TICKETS);
  const gbp = rng.logNormal(item.medianGbp, 0.4) * TIER_SPEND_FACTOR[customer.tier] ** 0.7;
  if (rng.chance(0.25)) {
    const channel = digitalChannel(rng, customer);
    const payee = newPayee(rng, ctx, { bank: rng.pick(OTHER_BANKS), country: customer.homeCountry, name: item.name });
    writer.add(atMs, (id, at) => payTo(ctx, payee, gbp, deviceFor(rng, customer, channel), id, at, channel));
  } else {
    const merchant: Merchant = { id: `mer-${customer.homeCountry.toLowerCase()}-${item.mcc}-${rng.int(1, 12)}`, mcc: item.mcc, country: customer.homeCountry, name: item.name };
    const online = rng.chance(0.5);
    writer.add(atMs, (id, at) => ({
      type: 'card_payment', ...envelope(id, customer, at, online ? 'ecommerce' : 'pos'), amount: amountFromGbp(gbp, customer.currency), currency: customer.currency, merchant,
      ...(online ? { device: deviceFor(rng, customer, digitalChannel(rng, customer)) } : {}), geo: homeGeo(rng, customer),
      entry_mode: online ? 'online' : 'chip',
    }));
  }
  return { events: writer.events, noise: { kind: 'large-purchase', atMs } };
}

/** A forgotten password: reset, log in, and often carry on banking as usual within the hour. */
export function forgottenPassword(ctx: EpisodeContext, atMs: number): Episode {
  const { rng, customer } = ctx;
  const writer = new EpisodeWriter(ctx);
  writer.add(atMs, (id, at) => passwordReset(writer.eventContext, customer, id, at));
  if (customer.payees.length > 0 && rng.chance(0.4)) {
    const channel = digitalChannel(rng, customer);
    writer.add(atMs + rng.between(10, 120) * MINUTE_MS, (id, at) => payTo(ctx, rng.pick(customer.payees), rng.logNormal(60 * TIER_SPEND_FACTOR[customer.tier], 1), deviceFor(rng, customer, channel), id, at, channel));
  }
  return { events: writer.events, noise: { kind: 'password-reset', atMs } };
}

/**
 * Paying someone new: a landlord, a tradesperson, a friend. Some come within a day of a password
 * reset or a new phone (a payment due is when people find they forgot the password; moving house
 * and changing phone go together): the hard negatives for takeover rules.
 */
export function newPayeeNoise(ctx: EpisodeContext, atMs: number, endMs: number): Episode {
  const { rng, customer } = ctx;
  const writer = new EpisodeWriter(ctx);
  const channel = digitalChannel(rng, customer);
  let device: Device = deviceFor(rng, customer, channel);
  if (rng.chance(CREDENTIAL_CHANGE_BEFORE_NEW_PAYEE)) {
    const before = atMs - rng.between(0.5, 20) * HOUR_MS;
    if (rng.chance(0.5)) {
      writer.add(before, (id, at) => ({ type: 'password_reset', ...envelope(id, customer, at, channel), device, geo: homeGeo(rng, customer) }));
    } else {
      device = { id: `${customer.id.replace('cust-', 'dev-')}-p${rng.int(100, 999)}`, ip: device.ip };
      const enrolled = device;
      writer.add(before, (id, at) => ({ type: 'device_added', ...envelope(id, customer, at, channel), device: enrolled, geo: homeGeo(rng, customer) }));
    }
  }
  const payee = newPayee(rng, ctx, { bank: rng.chance(0.3) ? OWN_BANK : rng.pick(OTHER_BANKS), country: customer.homeCountry });
  const gbp = Math.min(6000, rng.logNormal(250 * Math.sqrt(TIER_SPEND_FACTOR[customer.tier]), 1));
  writer.add(atMs, (id, at) => payTo(ctx, payee, gbp, device, id, at, channel));
  // Rent recurs: the second payment is to a payee now known.
  if (rng.chance(0.3) && atMs + 35 * DAY_MS < endMs) {
    writer.add(atMs + rng.between(25, 35) * DAY_MS, (id, at) => payTo(ctx, payee, gbp * rng.between(0.9, 1.1), deviceFor(rng, customer, channel), id, at, channel));
  }
  return { events: writer.events, noise: { kind: 'new-payee', atMs } };
}

/** A busy afternoon in town: several shops within a couple of hours. */
export function shoppingSpree(ctx: EpisodeContext, atMs: number): Episode {
  const { rng, customer } = ctx;
  const writer = new EpisodeWriter(ctx);
  const spanMs = rng.between(1, 3) * HOUR_MS;
  for (let i = rng.int(5, 12); i > 0; i--) {
    const category = rng.pick(CARD_CATEGORIES.filter((c) => ['5651', '5812', '5814', '5732', '5411', '5912'].includes(c.mcc)));
    const merchant = ctx.merchants.pick(rng, customer.homeCountry, category);
    const gbp = rng.logNormal(category.medianGbp, category.sigma);
    writer.add(atMs + rng.next() * spanMs, (id, at) => ({
      type: 'card_payment', ...envelope(id, customer, at, 'pos'), amount: amountFromGbp(gbp, customer.currency), currency: customer.currency,
      merchant, geo: homeGeo(rng, customer), entry_mode: gbp < 100 ? 'contactless' : 'chip',
    }));
  }
  return { events: writer.events, noise: { kind: 'shopping-spree', atMs } };
}

/** A login on `device` and the app session it opens, at `geo`. */
export function sessionOn(writer: EpisodeWriter, ctx: EpisodeContext, device: Device, atMs: number, geo: EventInput['geo']): void {
  const { rng, customer } = ctx;
  writer.add(atMs, (id, at) => ({ type: 'login', ...envelope(id, customer, at, 'mobile_app'), device, geo }));
  writer.add(atMs + rng.between(2, 40) * 1000, (id, at) => ({
    type: 'app_session', ...envelope(id, customer, at, 'mobile_app'), device, geo, attributes: { duration_sec: rng.int(20, 600), screens: rng.int(1, 15) },
  }));
}

function spendAbroad(ctx: EpisodeContext, place: Place, id: string, at: number): EventInput {
  const { rng, customer } = ctx;
  const category = rng.pick(CARD_CATEGORIES.filter((c) => ['5812', '5814', '5411', '7011', '5651', '5912'].includes(c.mcc)));
  const merchant = ctx.merchants.pick(rng, place.country, category);
  const gbp = rng.logNormal(category.medianGbp, category.sigma) * TIER_SPEND_FACTOR[customer.tier] ** 0.5;
  return {
    type: 'card_payment', ...envelope(id, customer, at, 'pos'), amount: amountFromGbp(gbp, customer.currency), currency: customer.currency,
    merchant, geo: geoAround(rng, place), entry_mode: gbp < 100 ? 'contactless' : 'chip',
  };
}

function payTo(ctx: EpisodeContext, payee: Payee, gbp: number, device: Device, id: string, at: number, channel: 'mobile_app' | 'web' = 'mobile_app'): EventInput {
  const { rng, customer } = ctx;
  return {
    type: 'transfer_out', ...envelope(id, customer, at, channel), amount: amountFromGbp(gbp, customer.currency), currency: customer.currency,
    counterparty: { id: payee.id, account: payee.account, bank: payee.bank, country: payee.country, name: payee.name },
    device, geo: homeGeo(rng, customer),
  };
}
