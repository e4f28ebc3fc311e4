import { minorUnitDigits, type EventInput } from '../../core/events/index.js';
import { amountFromGbp, amountText } from '../amounts.js';
import { CARD_CATEGORIES } from '../catalogue.js';
import { envelope, homeGeo } from '../envelope.js';
import { login } from '../engagement.js';
import type { Merchant } from '../merchants.js';
import type { SeededRandom } from '../random.js';
import { EpisodeWriter, MINUTE_MS, logUniform, newPayee, unknownDevice, type Episode, type EpisodeContext } from './episode.js';
import { FRAUD_PLACES, geoAround, placeAwayFrom, type Place } from './places.js';

// Card fraud typologies: a stolen card number tested, then used fast, or used far from home.
// Card-not-present payments carry the merchant only: the issuer sees no device and no position.

/** Where testers go: digital goods, donations, top-ups — instant, no shipping address checked. */
const TESTING_MCCS: readonly (readonly [string, number])[] = [
  ['5815', 3], ['5816', 1], ['5817', 1], ['5818', 2], ['5999', 3], ['8398', 2], ['4814', 1], ['5968', 1], ['7372', 1],
];
const TESTING_NAMES = ['Pixel Gifts', 'Hope Relief Fund', 'TopUp Direct', 'AppVault', 'Streamz Trial', 'Quick Donate', 'KeyShop', 'Boxly'];
const TESTER_COUNTRIES = ['US', 'NL', 'IE', 'LT', 'CY', 'EE', 'GB'];
/** Where drained money lands: e-money institutions and banks that open accounts online. */
const DRAIN_BANKS = ['Nova Digital Bank', 'Quickpay EMI', 'Northwind Bank', 'Crown Mutual'];

export function cardTesting(ctx: EpisodeContext, atMs: number): Episode {
  const { rng, customer } = ctx;
  const writer = new EpisodeWriter(ctx);
  const count = rng.int(6, 20);
  // Each tester has a pace (a script or a person typing); single gaps wobble around it.
  const paceSeconds = logUniform(rng, 20, 180);
  const usualCountry = rng.chance(0.5) ? customer.homeCountry : rng.pick(TESTER_COUNTRIES);
  // Many testers keep to one donation page or two that do not block repeats; the rest spread the
  // run over a new merchant each time.
  const sites = rng.chance(0.4) ? Array.from({ length: rng.int(1, 2) }, () => testingMerchant(rng, usualCountry)) : undefined;
  let t = atMs;
  let first: EventInput | undefined;
  for (let i = 0; i < count; i++) {
    const merchant = sites ? rng.pick(sites) : testingMerchant(rng, rng.chance(0.8) ? usualCountry : rng.pick(TESTER_COUNTRIES));
    const payment = writer.add(t, (id, at) => ({
      type: 'card_payment', ...envelope(id, customer, at, 'ecommerce'),
      amount: smallAmount(rng, customer.currency), currency: customer.currency, merchant, entry_mode: 'online',
    }));
    first ??= payment;
    t += clamp(paceSeconds * rng.logNormal(1, 0.35), 20, 180) * 1000;
  }
  // About half the cards that pass are then spent: one purchase that resells easily.
  if (rng.chance(0.5)) {
    const category = rng.pick(CARD_CATEGORIES.filter((c) => ['5732', '5999', '5651'].includes(c.mcc)));
    const merchant = ctx.merchants.pick(rng, rng.chance(0.6) ? customer.homeCountry : 'US', category);
    writer.add(t + rng.between(5, 60) * MINUTE_MS, (id, at) => ({
      type: 'card_payment', ...envelope(id, customer, at, 'ecommerce'),
      amount: amountFromGbp(logUniform(rng, 150, 1500), customer.currency), currency: customer.currency, merchant,
      entry_mode: 'online',
    }));
  }
  return { events: writer.events, label: { kind: 'fraud', typology: 'card-testing', firstBad: { eventId: first!.event_id } } };
}

/** Many payments or transfers within the hour: a cloned card on a spree, or a hijacked session draining the account. */
export function velocityBurst(ctx: EpisodeContext, atMs: number): Episode {
  const { rng } = ctx;
  const writer = new EpisodeWriter(ctx);
  const spanMs = rng.between(10, 60) * MINUTE_MS;
  if (rng.chance(0.6)) cardSpree(writer, ctx, spreadOver(rng, atMs, spanMs, rng.int(8, 24)));
  else drainingTransfers(writer, ctx, spreadOver(rng, atMs, spanMs, rng.int(3, 9)));
  const first = writer.events.reduce((a, b) => (a.occurred_at <= b.occurred_at ? a : b));
  return { events: writer.events, label: { kind: 'fraud', typology: 'velocity-burst', firstBad: { eventId: first.event_id } } };
}

/** A cloned card at tills (merchant country only) or a stolen number online, shop after shop. */
function cardSpree(writer: EpisodeWriter, ctx: EpisodeContext, times: readonly number[]): void {
  const { rng, customer } = ctx;
  const cloned = rng.chance(0.5);
  if (cloned && rng.chance(0.4)) {
    cashOutRun(writer, ctx, times);
    return;
  }
  for (const t of times) {
    const category = rng.pick(CARD_CATEGORIES.filter((c) => !['4111', '4511', '7011'].includes(c.mcc)));
    const merchant = ctx.merchants.pick(rng, customer.homeCountry, category);
    writer.add(t, (id, at) => ({
      type: 'card_payment', ...envelope(id, customer, at, cloned ? 'pos' : 'ecommerce'),
      amount: amountFromGbp(rng.logNormal(70, 0.7), customer.currency), currency: customer.currency, merchant,
      ...(cloned ? { geo: { country: merchant.country } } : {}),
      entry_mode: cloned ? rng.pick(['chip', 'contactless', 'magstripe']) : 'online',
    }));
  }
}

const FUEL_BRANDS = ['Motorway Fuel', 'Northstar Petrol', 'Roadside Energy', 'Pump & Go', 'Citygas'];

/**
 * A cloned card emptied for cash across the customer's own town: unattended fuel pumps (fuel to
 * resell, and pumps still read a magstripe) and cash machines at their limit, one after another,
 * each terminal a new one. Positions are the terminals', as an acquirer reports them.
 */
function cashOutRun(writer: EpisodeWriter, ctx: EpisodeContext, times: readonly number[]): void {
  const { rng, customer } = ctx;
  const atmLimitGbp = rng.pick([200, 250, 300, 400, 500]);
  for (const t of times) {
    const geo = homeGeo(rng, customer);
    if (rng.chance(0.45)) {
      writer.add(t, (id, at) => ({
        type: 'cash_withdrawal', ...envelope(id, customer, at, 'atm'), amount: amountFromGbp(atmLimitGbp, customer.currency),
        currency: customer.currency, geo,
      }));
      continue;
    }
    const merchant: Merchant = {
      id: `mer-${customer.homeCountry.toLowerCase()}-5542-f${rng.int(0, 0xffff).toString(36)}`, mcc: '5542', country: customer.homeCountry,
      name: `${rng.pick(FUEL_BRANDS)} ${rng.int(1, 40)}`,
    };
    writer.add(t, (id, at) => ({
      type: 'card_payment', ...envelope(id, customer, at, 'pos'), amount: amountFromGbp(logUniform(rng, 60, 160), customer.currency),
      currency: customer.currency, merchant, geo, entry_mode: rng.chance(0.6) ? 'magstripe' : 'chip',
    }));
  }
}

/** A hijacked session (or the customer's own phone, remotely controlled) sending money out in pieces. */
function drainingTransfers(writer: EpisodeWriter, ctx: EpisodeContext, times: readonly number[]): void {
  const { rng, customer } = ctx;
  const device = rng.chance(0.5) ? unknownDevice(rng) : rng.pick(customer.devices);
  const channel = rng.chance(0.6) ? 'mobile_app' : 'web';
  const payees = Array.from({ length: rng.int(1, 3) }, () => (customer.payees.length > 0 && rng.chance(0.2)
    ? rng.pick(customer.payees) : newPayee(rng, ctx, { bank: rng.pick(DRAIN_BANKS), country: customer.homeCountry })));
  for (const t of times) {
    const payee = rng.pick(payees);
    writer.add(t, (id, at) => ({
      type: 'transfer_out', ...envelope(id, customer, at, channel),
      amount: amountFromGbp(rng.logNormal(350, 0.5), customer.currency), currency: customer.currency,
      counterparty: { id: payee.id, account: payee.account, bank: payee.bank, country: payee.country, name: payee.name },
      device: { id: device.id, ip: device.ip }, geo: homeGeo(rng, customer),
    }));
  }
}

/** Used at home, then within the hour a card payment or a login in a far country. */
export function impossibleTravel(ctx: EpisodeContext, atMs: number): Episode {
  const { rng, customer } = ctx;
  const writer = new EpisodeWriter(ctx);
  if (rng.chance(0.5)) {
    writer.add(atMs, (id, at) => login(writer.eventContext, customer, id, at));
  } else {
    const { merchant } = rng.pick(customer.favouriteMerchants);
    writer.add(atMs, (id, at) => ({
      type: 'card_payment', ...envelope(id, customer, at, 'pos'),
      amount: amountFromGbp(rng.logNormal(25, 0.6), customer.currency), currency: customer.currency, merchant,
      geo: homeGeo(rng, customer), entry_mode: 'contactless',
    }));
  }
  const place = placeAwayFrom(rng, customer.city, customer.homeCountry, FRAUD_PLACES, 1000);
  let t = atMs + rng.between(8, 60) * MINUTE_MS;
  const far = rng.chance(0.55)
    ? writer.add(t, (id, at) => farPayment(ctx, place, id, at))
    : writer.add(t, (id, at) => {
      const device = unknownDevice(rng);
      const channel = rng.chance(0.5) ? 'mobile_app' : 'web';
      const geo = geoAround(rng, place);
      writer.add(at + rng.between(5, 40) * 1000, (sessionId, sessionAt) => ({
        type: 'app_session', ...envelope(sessionId, customer, sessionAt, channel), device, geo,
        attributes: { duration_sec: rng.int(30, 600), screens: rng.int(2, 12) },
      }));
      return { type: 'login', ...envelope(id, customer, at, channel), device, geo };
    });
  for (let i = rng.int(0, 3); i > 0; i--) {
    t += rng.between(1, 40) * MINUTE_MS;
    writer.add(t, (id, at) => farPayment(ctx, place, id, at));
  }
  return { events: writer.events, label: { kind: 'fraud', typology: 'impossible-travel', firstBad: { eventId: far.event_id } } };
}

/** A counterfeit card at a till abroad; a quarter of acquirers report the merchant's country only. */
function farPayment(ctx: EpisodeContext, place: Place, id: string, at: number): EventInput {
  const { rng, customer } = ctx;
  const category = rng.pick(CARD_CATEGORIES.filter((c) => ['5411', '5732', '5651', '5541', '5812', '5999'].includes(c.mcc)));
  const merchant: Merchant = ctx.merchants.pick(rng, place.country, category);
  return {
    type: 'card_payment', ...envelope(id, customer, at, 'pos'),
    amount: amountFromGbp(rng.logNormal(90, 0.8), customer.currency), currency: customer.currency, merchant,
    geo: rng.chance(0.75) ? geoAround(rng, place) : { country: place.country },
    entry_mode: rng.pick(['chip', 'magstripe', 'contactless']),
  };
}

function testingMerchant(rng: SeededRandom, country: string): Merchant {
  const mcc = rng.weighted(TESTING_MCCS);
  return { id: `mer-${country.toLowerCase()}-${mcc}-t${rng.int(0, 0xffffff).toString(36)}`, mcc, country, name: rng.pick(TESTING_NAMES) };
}

/** 0.50–5.00 in the card's currency; currencies without minor units round up to 1. */
function smallAmount(rng: SeededRandom, currency: string): string {
  const digits = minorUnitDigits(currency);
  return amountText(Math.max(1, Math.round(rng.between(0.5, 5) * 10 ** digits)), currency);
}

function spreadOver(rng: SeededRandom, startMs: number, spanMs: number, count: number): number[] {
  const times = [startMs, ...Array.from({ length: count - 1 }, () => startMs + rng.next() * spanMs)];
  return times.sort((a, b) => a - b);
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
