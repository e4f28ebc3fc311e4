import type { EventInput } from '../../core/events/index.js';
import { amountFromGbp } from '../amounts.js';
import { CARD_CATEGORIES, OTHER_BANKS } from '../catalogue.js';
import { deviceFor, digitalChannel, envelope, homeGeo } from '../envelope.js';
import { login } from '../engagement.js';
import { TIER_SPEND_FACTOR, type SimulatedCustomer } from '../population.js';
import type { SeededRandom } from '../random.js';
import { cardPayment, cashWithdrawal, transferIn, transferOut } from '../transactions.js';
import {
  DAY_MS, EpisodeWriter, HOUR_MS, MINUTE_MS, logUniform, newPayee, unknownDevice, type Episode, type EpisodeContext,
} from './episode.js';
import { FRAUD_PLACES, geoAround, placeAwayFrom } from './places.js';

// Fraud on the account rather than the card: credentials taken over, the account rented out as a
// mule, a scam payment far above the customer's habit, a forgotten account woken up.

/** Receiving accounts fraudsters open: e-money institutions, neobanks, and ordinary banks. */
const RECEIVING_BANKS = ['Nova Digital Bank', 'Quickpay EMI', 'Baltic Neobank', ...OTHER_BANKS];
const RECEIVING_COUNTRIES: readonly (readonly [string, number])[] = [['HOME', 7], ['LT', 1], ['RO', 1], ['ES', 1]];

type Device = { id: string; ip: string };
type Geo = EventInput['geo'];

/** Credentials phished: a password reset, a device enrolled or just a login from a new device, then money out to a new payee. */
export function accountTakeover(ctx: EpisodeContext, atMs: number): Episode {
  const { rng, customer } = ctx;
  const writer = new EpisodeWriter(ctx);
  const device = unknownDevice(rng);
  const geo = attackerGeo(rng, customer);
  const channel = rng.chance(0.6) ? 'mobile_app' : 'web';
  const onDevice = { device, ...(geo ? { geo } : {}) };
  let t = atMs;
  if (rng.chance(0.4)) {
    for (let i = rng.int(1, 4); i > 0; i--, t += rng.between(10, 90) * 1000) {
      writer.add(t, (id, at) => ({ type: 'login_failed', ...envelope(id, customer, at, channel), ...onDevice, attributes: { reason: 'bad_credentials' } }));
    }
  }
  const entry = rng.weighted([['password_reset', 4], ['device_added', 3], ['login_only', 3]] as const);
  if (entry === 'password_reset') {
    // A fifth talk the call centre into the reset (social engineering): no device on that event.
    const byPhone = rng.chance(0.2);
    writer.add(t, (id, at) => byPhone
      ? { type: 'password_reset', ...envelope(id, customer, at, 'call_centre') }
      : { type: 'password_reset', ...envelope(id, customer, at, channel), ...onDevice });
    t += rng.between(1, 15) * MINUTE_MS;
  } else if (entry === 'device_added') {
    writer.add(t, (id, at) => ({ type: 'device_added', ...envelope(id, customer, at, channel), ...onDevice }));
    t += rng.between(0.5, 3) * MINUTE_MS;
  }
  const loginAt = t;
  writer.add(loginAt, (id, at) => ({ type: 'login', ...envelope(id, customer, at, channel), ...onDevice }));
  writer.add(loginAt + rng.between(3, 40) * 1000, (id, at) => ({
    type: 'app_session', ...envelope(id, customer, at, channel), ...onDevice, attributes: { duration_sec: rng.int(60, 900), screens: rng.int(3, 20) },
  }));
  if (rng.chance(0.3)) {
    writer.add(loginAt + rng.between(2, 20) * MINUTE_MS, (id, at) => ({
      type: 'profile_change', ...envelope(id, customer, at, channel), ...onDevice, changed_fields: [rng.pick(['email', 'phone'] as const)],
    }));
  }
  const transferAt = loginAt + logUniform(rng, 3 * MINUTE_MS, 8 * HOUR_MS);
  const amountGbp = logUniform(rng, 800, 15_000);
  const payee = receivingPayee(ctx);
  writer.add(transferAt, (id, at) => transferTo(customer, payee, amountGbp, channel, onDevice, id, at));
  if (rng.chance(0.3)) {
    const second = rng.chance(0.5) ? payee : receivingPayee(ctx);
    writer.add(transferAt + rng.between(5, 90) * MINUTE_MS, (id, at) => transferTo(customer, second, amountGbp * rng.between(0.3, 1), channel, onDevice, id, at));
  }
  const first = writer.events.reduce((a, b) => (a.occurred_at <= b.occurred_at ? a : b));
  return { events: writer.events, label: { kind: 'fraud', typology: 'account-takeover', firstBad: { eventId: first.event_id } } };
}

/** Credits from many senders within a day, most of it passed on within hours. */
export function moneyMule(ctx: EpisodeContext, atMs: number): Episode {
  const { rng, customer } = ctx;
  const writer = new EpisodeWriter(ctx);
  const spanMs = rng.between(3, 20) * HOUR_MS;
  const creditTimes = [atMs, ...Array.from({ length: rng.int(3, 11) }, () => atMs + rng.next() * spanMs)].sort((a, b) => a - b);
  let receivedGbp = 0;
  for (const t of creditTimes) {
    const gbp = rng.logNormal(450, 0.6);
    receivedGbp += gbp;
    const sender = newPayee(rng, ctx, { bank: rng.pick(OTHER_BANKS), country: customer.homeCountry });
    writer.add(t, (id, at) => ({
      type: 'transfer_in', ...envelope(id, customer, at, 'core_banking'),
      amount: amountFromGbp(gbp, customer.currency), currency: customer.currency,
      counterparty: { id: sender.id, account: sender.account, bank: sender.bank, country: sender.country, name: sender.name },
    }));
  }
  // Some mules forward as credits arrive; most wait for the last one.
  const lastCredit = creditTimes.at(-1)!;
  const forwardFrom = rng.chance(0.3) ? creditTimes[Math.floor(creditTimes.length / 2)]! + 10 * MINUTE_MS : lastCredit + logUniform(rng, 20 * MINUTE_MS, 6 * HOUR_MS);
  let toForward = receivedGbp * rng.between(0.7, 0.98);
  let t = forwardFrom;
  const channel = digitalChannel(rng, customer);
  if (rng.chance(0.2)) {
    for (let i = rng.int(2, 4); i > 0 && toForward > 100; i--, t += rng.between(5, 60) * MINUTE_MS) {
      const notes = Math.min(toForward, rng.between(200, 500));
      toForward -= notes;
      writer.add(t, (id, at) => ({
        type: 'cash_withdrawal', ...envelope(id, customer, at, 'atm'),
        amount: amountFromGbp(Math.round(notes / 20) * 20, customer.currency), currency: customer.currency, geo: homeGeo(rng, customer),
      }));
    }
  }
  const onward = receivingPayee(ctx, rng.chance(0.4) ? 'CoinVault Ltd' : undefined);
  const parts = rng.int(1, 3);
  for (let i = 0; i < parts; i++, t += rng.between(2, 90) * MINUTE_MS) {
    const own = { device: deviceFor(rng, customer, channel), geo: homeGeo(rng, customer) };
    writer.add(t, (id, at) => transferTo(customer, onward, toForward / parts, channel, own, id, at));
  }
  return { events: writer.events, label: { kind: 'fraud', typology: 'money-mule', firstBad: { eventId: writer.events[0]!.event_id } } };
}

/** One outflow 15–80 times the customer's usual transfer: an authorised-push-payment scam, a big card purchase, cash at the counter. */
export function unusualAmount(ctx: EpisodeContext, atMs: number): Episode {
  const { rng, customer } = ctx;
  const writer = new EpisodeWriter(ctx);
  const gbp = 60 * TIER_SPEND_FACTOR[customer.tier] * logUniform(rng, 15, 80);
  const variant = rng.weighted([['scam_transfer', 5], ['card_purchase', 3], ['branch_cash', 2]] as const);
  let event: EventInput;
  if (variant === 'scam_transfer') {
    const channel = digitalChannel(rng, customer);
    const own = { device: deviceFor(rng, customer, channel), geo: homeGeo(rng, customer) };
    const payee = newPayee(rng, ctx, { bank: rng.pick(RECEIVING_BANKS), country: customer.homeCountry, name: rng.pick(['Safe Account Services', 'HMRC Refund Desk', 'J. Carter Builders', 'Investment Desk Ltd']) });
    event = writer.add(atMs, (id, at) => transferTo(customer, payee, gbp, channel, own, id, at));
  } else if (variant === 'card_purchase') {
    const category = rng.pick(CARD_CATEGORIES.filter((c) => ['5732', '4511', '7011', '5651'].includes(c.mcc)));
    const merchant = ctx.merchants.pick(rng, customer.homeCountry, category);
    const channel = digitalChannel(rng, customer);
    event = writer.add(atMs, (id, at) => ({
      type: 'card_payment', ...envelope(id, customer, at, 'ecommerce'), amount: amountFromGbp(gbp, customer.currency), currency: customer.currency,
      merchant, device: deviceFor(rng, customer, channel), geo: homeGeo(rng, customer), entry_mode: 'online',
    }));
  } else {
    event = writer.add(atMs, (id, at) => ({
      type: 'cash_withdrawal', ...envelope(id, customer, at, 'branch'),
      amount: amountFromGbp(Math.max(50, Math.round(gbp / 50) * 50), customer.currency), currency: customer.currency, geo: homeGeo(rng, customer),
    }));
  }
  return { events: writer.events, label: { kind: 'fraud', typology: 'unusual-amount', firstBad: { eventId: event.event_id } } };
}

/**
 * A few weeks of ordinary use, six to eleven months of silence, then a large outflow. The
 * customer's ordinary simulated activity is dropped entirely: the account is the forgotten one.
 */
export function dormantAccount(ctx: EpisodeContext, atMs: number): Episode {
  const { rng, customer } = ctx;
  const writer = new EpisodeWriter(ctx);
  const historyEnd = atMs - rng.between(183, 330) * DAY_MS;
  const historyStart = historyEnd - rng.between(20, 60) * DAY_MS;
  const history = writer.eventContext;
  const count = Math.round(((historyEnd - historyStart) / DAY_MS) * rng.between(0.4, 1.2));
  for (let i = 0; i < count; i++) {
    const t = historyStart + rng.next() * (historyEnd - historyStart);
    const activity = rng.weighted([[cardPayment, 5], [login, 3], [transferOut, 1], [transferIn, 1], [cashWithdrawal, 1]] as const);
    writer.add(t, (id, at) => activity(history, customer, id, at));
  }
  // Follow-ups (refunds, sessions) past the last day of use would break the silence the label promises.
  writer.dropAfter(historyEnd);

  let t = atMs;
  const reactivation: EventInput[] = [];
  const channel = rng.chance(0.6) ? 'mobile_app' : 'web';
  const device = rng.chance(0.5) ? unknownDevice(rng) : deviceFor(rng, customer, channel);
  const onDevice = { device, geo: homeGeo(rng, customer) };
  if (rng.chance(0.5)) {
    if (rng.chance(0.3)) reactivation.push(writer.add(t, (id, at) => ({ type: 'password_reset', ...envelope(id, customer, at, channel), ...onDevice })));
    t += rng.between(1, 10) * MINUTE_MS;
    reactivation.push(writer.add(t, (id, at) => ({ type: 'login', ...envelope(id, customer, at, channel), ...onDevice })));
    t += rng.between(5, 120) * MINUTE_MS;
  }
  if (rng.chance(0.7)) {
    const payee = receivingPayee(ctx);
    const gbp = logUniform(rng, 600, 9000);
    reactivation.push(writer.add(t, (id, at) => transferTo(customer, payee, gbp, channel, onDevice, id, at)));
    if (rng.chance(0.3)) writer.add(t + rng.between(1, 20) * HOUR_MS, (id, at) => transferTo(customer, payee, gbp * rng.between(0.2, 1), channel, onDevice, id, at));
  } else {
    for (let i = rng.int(2, 4); i > 0; i--, t += rng.between(3, 30) * MINUTE_MS) {
      reactivation.push(writer.add(t, (id, at) => ({
        type: 'cash_withdrawal', ...envelope(id, customer, at, 'atm'),
        amount: amountFromGbp(rng.int(10, 25) * 20, customer.currency), currency: customer.currency, geo: homeGeo(rng, customer),
      })));
    }
  }
  return {
    events: writer.events,
    label: { kind: 'fraud', typology: 'dormant-account', firstBad: { eventId: reactivation[0]!.event_id } },
    keepBase: () => false,
  };
}

function transferTo(
  customer: SimulatedCustomer, payee: ReturnType<typeof newPayee>, gbp: number, channel: 'mobile_app' | 'web',
  on: { device: Device; geo?: Geo }, id: string, at: number,
): EventInput {
  return {
    type: 'transfer_out', ...envelope(id, customer, at, channel),
    amount: amountFromGbp(gbp, customer.currency), currency: customer.currency,
    counterparty: { id: payee.id, account: payee.account, bank: payee.bank, country: payee.country, name: payee.name },
    device: on.device, ...(on.geo ? { geo: on.geo } : {}),
  };
}

function receivingPayee(ctx: EpisodeContext, name?: string) {
  const { rng, customer } = ctx;
  const country = rng.weighted(RECEIVING_COUNTRIES);
  return newPayee(rng, ctx, { bank: rng.pick(RECEIVING_BANKS), country: country === 'HOME' ? customer.homeCountry : country, ...(name ? { name } : {}) });
}

/**
 * Where the attacker appears to be: a proxy in the customer's country (no closer than a city
 * away), abroad, or nowhere (web sessions without geolocation).
 */
function attackerGeo(rng: SeededRandom, customer: SimulatedCustomer): Geo | undefined {
  const where = rng.weighted([['home_country', 5], ['abroad', 3], ['unknown', 2]] as const);
  if (where === 'unknown') return undefined;
  if (where === 'abroad') return geoAround(rng, placeAwayFrom(rng, customer.city, customer.homeCountry, FRAUD_PLACES, 1000));
  return {
    country: customer.homeCountry,
    lat: Math.round((customer.city.lat + rng.between(-1.2, 1.2)) * 1000) / 1000,
    lon: Math.round((customer.city.lon + rng.between(-1.5, 1.5)) * 1000) / 1000,
  };
}
