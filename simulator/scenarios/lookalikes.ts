import type { EventInput } from '../../core/events/index.js';
import { amountFromGbp } from '../amounts.js';
import { CARD_CATEGORIES, EMPLOYERS, OTHER_BANKS, PENSION_PAYER, TRAVEL_COUNTRIES } from '../catalogue.js';
import { deviceFor, digitalChannel, envelope, homeGeo } from '../envelope.js';
import type { Merchant } from '../merchants.js';
import { TIER_SPEND_FACTOR, employerCalled, type Payee, type SimulatedCustomer } from '../population.js';
import { deriveSeed } from '../random.js';
import { isBranchOpen } from '../rhythm.js';
import { salaryCredit } from '../transactions.js';
import {
  DAY_MS, EpisodeWriter, HOUR_MS, MINUTE_MS, eventMs, isScheduled, keptAt, logUniform, newPayee, type Episode, type EpisodeContext,
} from './episode.js';
import { placesTheCustomer, sessionOn } from './noise.js';
import { DOMESTIC_PLACES, distanceKm, geoAround, type Place } from './places.js';

// More genuine customers doing what a fraud or churn rule looks for, one for every rule that
// catches something (noise.ts has the first ones). No label: an alert on any of these is a false positive,
// and a rule that never meets one of them measures nothing.

type Device = { id: string; ip: string };

const BIG_TICKET_SHOPS = [
  { mcc: '5732', name: 'Circuit House Megastore', medianGbp: 900 }, { mcc: '5712', name: 'Comfy Living Furniture', medianGbp: 1100 },
  { mcc: '5940', name: 'Pedal Works Cycles', medianGbp: 700 }, { mcc: '5944', name: 'Gold & Co Jewellers', medianGbp: 1200 },
  { mcc: '5311', name: 'Grand Department Store', medianGbp: 500 },
] as const;

/**
 * A television, a sofa or a bike bought in person: chip and PIN at a shop in the home country,
 * more often than not one the customer bought something small at in the weeks before; now and
 * then online at that same shop. The look-alike of the unusual-amount typology.
 */
export function knownRetailerPurchase(ctx: EpisodeContext, atMs: number): Episode {
  const { rng, customer } = ctx;
  const writer = new EpisodeWriter(ctx);
  const shop = rng.pick(BIG_TICKET_SHOPS);
  const merchant: Merchant = { id: `mer-${customer.homeCountry.toLowerCase()}-${shop.mcc}-r${rng.int(1, 9)}`, mcc: shop.mcc, country: customer.homeCountry, name: shop.name };
  const known = rng.chance(0.6);
  if (known) {
    writer.add(atMs - rng.between(5, 60) * DAY_MS, (id, at) => ({
      type: 'card_payment', ...envelope(id, customer, at, 'pos'), amount: amountFromGbp(rng.logNormal(25, 0.5), customer.currency),
      currency: customer.currency, merchant, geo: homeGeo(rng, customer), entry_mode: 'contactless',
    }));
  }
  const gbp = rng.logNormal(shop.medianGbp, 0.4) * TIER_SPEND_FACTOR[customer.tier] ** 0.7;
  const online = known && rng.chance(0.3);
  writer.add(atMs, (id, at) => ({
    type: 'card_payment', ...envelope(id, customer, at, online ? 'ecommerce' : 'pos'), amount: amountFromGbp(gbp, customer.currency),
    currency: customer.currency, merchant, geo: homeGeo(rng, customer), entry_mode: online ? 'online' : 'chip',
    ...(online ? { device: deviceFor(rng, customer, digitalChannel(rng, customer)) } : {}),
  }));
  return { events: writer.events, noise: { kind: 'known-retailer-purchase', atMs } };
}

/** Cash for a used car or a wedding present: one large withdrawal at the branch counter. */
export function largeCashWithdrawal(ctx: EpisodeContext, atMs: number): Episode {
  const { rng, customer } = ctx;
  const writer = new EpisodeWriter(ctx);
  const at = isBranchOpen(atMs) ? atMs : Math.floor(atMs / DAY_MS) * DAY_MS + 11 * HOUR_MS;
  const gbp = logUniform(rng, 800, 4000) * TIER_SPEND_FACTOR[customer.tier] ** 0.5;
  writer.add(at - rng.between(2, 20) * MINUTE_MS, (id, t) => ({
    type: 'branch_visit', ...envelope(id, customer, t, 'branch'), geo: homeGeo(rng, customer), attributes: { purpose: 'cash' },
  }));
  writer.add(at, (id, t) => ({
    type: 'cash_withdrawal', ...envelope(id, customer, t, 'branch'), amount: amountFromGbp(Math.round(gbp / 50) * 50, customer.currency),
    currency: customer.currency, geo: homeGeo(rng, customer),
  }));
  return { events: writer.events, noise: { kind: 'large-cash-withdrawal', atMs: at } };
}

const DIGITAL_SIGNUPS: readonly (readonly [string, string])[] = [
  ['5815', 'Streamly Trial'], ['5816', 'Quest Arcade'], ['5817', 'AppNest'], ['5818', 'Podcast Plus'], ['8398', 'Ocean Rescue Appeal'],
];

/**
 * An evening of sign-ups: two to four free trials or apps verified with a small charge, and a
 * donation, each at a merchant new to the customer, within the hour. The look-alike of card testing.
 */
export function subscriptionSignups(ctx: EpisodeContext, atMs: number): Episode {
  const { rng, customer } = ctx;
  const writer = new EpisodeWriter(ctx);
  const channel = digitalChannel(rng, customer);
  const device = deviceFor(rng, customer, channel);
  let t = atMs;
  for (let i = rng.int(2, 4); i > 0; i--, t += rng.between(3, 20) * MINUTE_MS) {
    const [mcc, name] = rng.pick(DIGITAL_SIGNUPS);
    const merchant: Merchant = { id: `mer-${customer.homeCountry.toLowerCase()}-${mcc}-s${rng.int(0, 0xffff).toString(36)}`, mcc, country: customer.homeCountry, name };
    writer.add(t, (id, at) => ({
      type: 'card_payment', ...envelope(id, customer, at, 'ecommerce'), amount: amountFromGbp(rng.between(0.5, 5), customer.currency),
      currency: customer.currency, merchant, device, geo: homeGeo(rng, customer), entry_mode: 'online',
    }));
  }
  return { events: writer.events, noise: { kind: 'subscription-signups', atMs } };
}

/**
 * A new phone set up on mobile data (a carrier's shared address, a network the bank has never seen),
 * and a new energy supplier paid from it the same day: by direct transfer or as a bill. The
 * look-alike of a takeover that only shows as a new device on a new network.
 */
export function newPhoneNewUtility(ctx: EpisodeContext, atMs: number): Episode {
  const { rng, customer } = ctx;
  const writer = new EpisodeWriter(ctx);
  const phone: Device = { id: `${customer.id.replace('cust-', 'dev-')}-m${rng.int(100, 999)}`, ip: `100.${rng.int(64, 127)}.${rng.int(0, 255)}.${rng.int(1, 254)}` };
  const geo = homeGeo(rng, customer);
  writer.add(atMs, (id, at) => ({ type: 'device_added', ...envelope(id, customer, at, 'mobile_app'), device: phone, geo }));
  writer.add(atMs + rng.between(0.5, 3) * MINUTE_MS, (id, at) => ({ type: 'login', ...envelope(id, customer, at, 'mobile_app'), device: phone, geo }));
  const payAt = atMs + rng.between(0.5, 6) * HOUR_MS;
  const gbp = rng.logNormal(90, 0.4) * TIER_SPEND_FACTOR[customer.tier] ** 0.5;
  const supplier = rng.pick(['Brightside Energy', 'Clearwater Utilities', 'Northern Gas Co']);
  if (rng.chance(0.5)) {
    const payee = newPayee(rng, ctx, { bank: rng.pick(OTHER_BANKS), country: customer.homeCountry, name: supplier });
    writer.add(payAt, (id, at) => transfer(ctx, payee, gbp, phone, 'mobile_app', id, at));
  } else {
    const merchant: Merchant = { id: `mer-${customer.homeCountry.toLowerCase()}-4900-u${rng.int(1, 9)}`, mcc: '4900', country: customer.homeCountry, name: supplier };
    writer.add(payAt, (id, at) => ({
      type: 'bill_payment', ...envelope(id, customer, at, 'mobile_app'), amount: amountFromGbp(gbp, customer.currency),
      currency: customer.currency, merchant, device: phone, geo: homeGeo(rng, customer),
    }));
  }
  return { events: writer.events, noise: { kind: 'new-phone-new-utility', atMs } };
}

/**
 * A whip-round: four to nine friends, most of whom never paid the customer before, chip in for a
 * present or a trip within a day or so, and the organiser pays it all on. The look-alike of a mule.
 */
export function groupCollection(ctx: EpisodeContext, atMs: number): Episode {
  const { rng, customer } = ctx;
  const writer = new EpisodeWriter(ctx);
  const share = rng.logNormal(40, 0.4) * TIER_SPEND_FACTOR[customer.tier] ** 0.5;
  const spanMs = rng.between(2, 30) * HOUR_MS;
  let collectedGbp = 0;
  let last = atMs;
  for (let i = rng.int(4, 9); i > 0; i--) {
    const friend: Payee = customer.payees.length > 0 && rng.chance(0.2)
      ? rng.pick(customer.payees)
      : newPayee(rng, ctx, { bank: rng.pick(OTHER_BANKS), country: customer.homeCountry });
    const gbp = share * rng.between(0.8, 1.25);
    collectedGbp += gbp;
    const t = atMs + rng.next() * spanMs;
    last = Math.max(last, t);
    writer.add(t, (id, at) => ({
      type: 'transfer_in', ...envelope(id, customer, at, 'core_banking'), amount: amountFromGbp(gbp, customer.currency), currency: customer.currency,
      counterparty: { id: friend.id, account: friend.account, bank: friend.bank, country: friend.country, name: friend.name },
    }));
  }
  const channel = digitalChannel(rng, customer);
  const venue = newPayee(rng, ctx, { bank: rng.pick(OTHER_BANKS), country: customer.homeCountry, name: rng.pick(['Lakeside Lodge', 'Harbour Grill Events', 'Sunway Holidays']) });
  writer.add(last + rng.between(1, 24) * HOUR_MS, (id, at) => transfer(ctx, venue, collectedGbp * rng.between(0.9, 1), deviceFor(rng, customer, channel), channel, id, at));
  return { events: writer.events, noise: { kind: 'group-collection', atMs } };
}

/**
 * Back after a long absence: a few weeks of ordinary use, six to eleven months of silence, then a
 * login, a coffee, and either the balance swept to the customer's own account at their main bank
 * or a little cash. The customer's ordinary activity is dropped: this is their forgotten account.
 * The look-alike of the dormant-account typology.
 */
export function returningCustomer(ctx: EpisodeContext, atMs: number): Episode {
  const { rng, customer } = ctx;
  const writer = new EpisodeWriter(ctx);
  const historyEnd = atMs - rng.between(183, 330) * DAY_MS;
  const historyStart = historyEnd - rng.between(20, 60) * DAY_MS;
  const { merchant } = rng.pick(customer.favouriteMerchants);
  for (let t = historyStart; t < historyEnd; t += rng.between(1, 4) * DAY_MS) {
    writer.add(t, (id, at) => ({
      type: 'card_payment', ...envelope(id, customer, at, 'pos'), amount: amountFromGbp(rng.logNormal(20, 0.6), customer.currency),
      currency: customer.currency, merchant, geo: homeGeo(rng, customer), entry_mode: 'contactless',
    }));
  }
  const channel = digitalChannel(rng, customer);
  const device = rng.chance(0.6) ? deviceFor(rng, customer, channel) : { id: `${customer.id.replace('cust-', 'dev-')}-r${rng.int(100, 999)}`, ip: customer.devices[0]!.ip };
  const geo = homeGeo(rng, customer);
  writer.add(atMs, (id, at) => ({ type: 'login', ...envelope(id, customer, at, channel), device, geo }));
  writer.add(atMs + rng.between(10, 120) * MINUTE_MS, (id, at) => ({
    type: 'card_payment', ...envelope(id, customer, at, 'pos'), amount: amountFromGbp(rng.logNormal(6, 0.4), customer.currency),
    currency: customer.currency, merchant, geo, entry_mode: 'contactless',
  }));
  const laterMs = atMs + rng.between(2, 8) * HOUR_MS;
  if (rng.chance(0.6)) {
    const own = { ...newPayee(rng, ctx, { bank: rng.pick(OTHER_BANKS), country: customer.homeCountry, name: 'Own current account' }), own: true };
    writer.add(laterMs, (id, at) => transfer(ctx, own, logUniform(rng, 300, 5000) * TIER_SPEND_FACTOR[customer.tier] ** 0.5, device, channel, id, at));
  } else {
    writer.add(laterMs, (id, at) => ({
      type: 'cash_withdrawal', ...envelope(id, customer, at, 'atm'), amount: amountFromGbp(rng.int(3, 8) * 20, customer.currency),
      currency: customer.currency, geo: homeGeo(rng, customer),
    }));
  }
  return { events: writer.events, noise: { kind: 'returning-customer', atMs }, keepBase: () => false };
}

/** Saving at another bank: every month a transfer to the customer's own savings account there. */
export function savingElsewhere(ctx: EpisodeContext, atMs: number, endMs: number): Episode {
  const { rng, customer } = ctx;
  const writer = new EpisodeWriter(ctx);
  const own = { ...newPayee(rng, ctx, { bank: rng.pick(OTHER_BANKS), country: customer.homeCountry, name: 'Own savings' }), own: true };
  const gbp = rng.logNormal(300, 0.5) * TIER_SPEND_FACTOR[customer.tier] ** 0.5;
  const channel = digitalChannel(rng, customer);
  for (let t = atMs; t < endMs; t += rng.between(28, 32) * DAY_MS) {
    writer.add(t, (id, at) => transfer(ctx, own, gbp * rng.between(0.8, 1.5), deviceFor(rng, customer, channel), channel, id, at));
  }
  return { events: writer.events, noise: { kind: 'saving-elsewhere', atMs } };
}

/** Who a customer pays a few thousand in parts: a private seller, a builder, a new landlord. */
const SPLIT_PAYEES = [
  { purpose: 'used car', names: [] }, { purpose: 'building work', names: ['Oakline Builders', 'Brickwise Renovations', 'Northgate Roofing'] },
  { purpose: 'deposit and first rent', names: ['Keystone Lettings', 'Harbourside Property Management'] },
] as const;

/**
 * A used car, a builder's invoice or a new landlord's deposit and first rent paid to a new payee
 * in two or three transfers within the hour, because of the per-transfer limit: 1,500–6,000 in
 * all (scaled by tier), from the customer's usual device at home; in half of them the customer
 * first moves money in from their own savings a few minutes before. About 4 in 100 genuine
 * customers a quarter (plan.ts), as often as a new phone with a new utility. The look-alike of an
 * authorised push payment (safe-account) scam: savings moved in, then sent on to a stranger.
 */
export function splitPaymentNewPayee(ctx: EpisodeContext, atMs: number): Episode {
  const { rng, customer } = ctx;
  const writer = new EpisodeWriter(ctx);
  const channel = digitalChannel(rng, customer);
  const device = deviceFor(rng, customer, channel);
  const { names } = rng.pick(SPLIT_PAYEES);
  const payee = newPayee(rng, ctx, { bank: rng.pick(OTHER_BANKS), country: customer.homeCountry, ...(names.length > 0 && rng.chance(0.7) ? { name: rng.pick(names) } : {}) });
  const totalGbp = logUniform(rng, 1500, 6000) * TIER_SPEND_FACTOR[customer.tier] ** 0.5;
  const parts = rng.int(2, 3);
  if (rng.chance(0.5)) {
    const own = { ...newPayee(rng, ctx, { bank: rng.pick(OTHER_BANKS), country: customer.homeCountry, name: 'Own savings' }), own: true };
    const topUpGbp = Math.ceil((totalGbp * rng.between(0.8, 1.1)) / 100) * 100;
    writer.add(atMs - rng.between(4, 20) * MINUTE_MS, (id, at) => ({
      type: 'transfer_in', ...envelope(id, customer, at, 'core_banking'), amount: amountFromGbp(topUpGbp, customer.currency), currency: customer.currency,
      counterparty: { id: own.id, account: own.account, bank: own.bank, country: own.country, name: own.name, own_account: true },
    }));
  }
  writer.add(atMs - rng.between(1, 3) * MINUTE_MS, (id, at) => ({ type: 'login', ...envelope(id, customer, at, channel), device, geo: homeGeo(rng, customer) }));
  // Round parts up to the limit, the remainder last.
  const partGbp = Math.round(totalGbp / parts / 50) * 50;
  let t = atMs;
  for (let i = 0; i < parts; i++, t += rng.between(3, 25) * MINUTE_MS) {
    const gbp = i < parts - 1 ? partGbp : totalGbp - partGbp * (parts - 1);
    writer.add(t, (id, at) => transfer(ctx, payee, gbp, device, channel, id, at));
  }
  return { events: writer.events, noise: { kind: 'split-payment-new-payee', atMs } };
}

/**
 * A builder at home paid in stages: a deposit, then four or five growing stage payments a week or
 * two apart as the work goes on (from atMs; stages after the stream's end are not in it), 4,000–20,000 in all (scaled by tier), to one new domestic payee
 * from the customer's usual device; one customer in ten pays them from a tablet bought two to six
 * weeks before, while going on using their phone (an assumption). About 3 in 100 genuine customers
 * a quarter (plan.ts). The look-alike of a romance or investment scam's growing asks (the same run,
 * to an account at home) and, with the tablet, of someone close to the customer drawing on their
 * money from a phone added to the account.
 */
export function builderStagePayments(ctx: EpisodeContext, atMs: number, endMs: number): Episode {
  const { rng, customer } = ctx;
  const writer = new EpisodeWriter(ctx);
  const channel = digitalChannel(rng, customer);
  const device = deviceFor(rng, customer, channel);
  const builder = newPayee(rng, ctx, { bank: rng.pick(OTHER_BANKS), country: customer.homeCountry, name: rng.pick(['Oakline Builders', 'Brick & Beam Ltd', 'Homewright Renovations']) });
  // Decided apart from the episode's random stream, which the look-alike had before the tablet.
  const tablet = apart(ctx, 'tablet') < 0.1 ? { id: `${device.id}-new-tablet`, ip: device.ip } : undefined;
  if (tablet) {
    const boughtMs = atMs - Math.round((14 + apart(ctx, 'tablet-bought') * 28) * DAY_MS);
    writer.add(boughtMs, (id, at) => ({ type: 'device_added', ...envelope(id, customer, at, 'mobile_app'), device: tablet }));
  }
  const totalGbp = logUniform(rng, 4000, 20000) * TIER_SPEND_FACTOR[customer.tier] ** 0.5;
  const stages = rng.int(4, 5);
  // Shares growing stage by stage (a deposit of about a tenth first), the first stage at atMs.
  const weights = Array.from({ length: stages }, (_, i) => (i + 1) * rng.between(0.8, 1.2));
  const sum = weights.reduce((a, b) => a + b, 0);
  let t = atMs;
  for (let i = 0; i < stages; i++, t += rng.between(6, 12) * DAY_MS) {
    const share = weights[i]! / sum;
    writer.add(t, (id, when) => transfer(ctx, builder, totalGbp * share, tablet ?? device, tablet ? 'mobile_app' : channel, id, when));
  }
  // Work that runs past the end of the stream is paid after it; measured at the last stage paid.
  writer.dropAfter(endMs);
  return { events: writer.events, noise: { kind: 'builder-stage-payments', atMs: lastEventMs(writer.events, atMs) } };
}

/**
 * Money sent home: a customer starts supporting family abroad, a new payee in another country paid
 * every two to four weeks, similar amounts each time (150–600, ±15 %), four to six transfers from
 * atMs (those after the stream's end are not in it). About 3 in 100 genuine customers a quarter (plan.ts). The look-alike of a romance
 * scam's run to a new payee abroad, without the growing asks.
 */
export function moneyHome(ctx: EpisodeContext, atMs: number, endMs: number): Episode {
  const { rng, customer } = ctx;
  const writer = new EpisodeWriter(ctx);
  const channel = digitalChannel(rng, customer);
  const device = deviceFor(rng, customer, channel);
  const country = rng.pick(TRAVEL_COUNTRIES.filter((code) => code !== customer.homeCountry));
  const family = newPayee(rng, ctx, { bank: rng.pick(OTHER_BANKS), country });
  const usualGbp = rng.between(150, 600) * TIER_SPEND_FACTOR[customer.tier] ** 0.5;
  const transfers = rng.int(4, 6);
  let t = atMs;
  for (let i = 0; i < transfers; i++, t += rng.between(14, 28) * DAY_MS) {
    const gbp = usualGbp * rng.between(0.85, 1.15);
    writer.add(t, (id, when) => transfer(ctx, family, gbp, device, channel, id, when));
  }
  writer.dropAfter(endMs);
  return { events: writer.events, noise: { kind: 'money-home', atMs: lastEventMs(writer.events, atMs) } };
}

/**
 * A payee changes banks: one of the customer's regular payees (a landlord, a relative, a club)
 * gives new bank details, and the next payment goes to the new account; nine times in ten at home,
 * once in ten abroad (a relative who moved). A third of customers save the payee again under the
 * same name rather than edit the saved one, so the new account comes under a new payee id. About 2
 * in 100 genuine customers a quarter (plan.ts). The look-alike of invoice redirection: a payee paid
 * before, by its id or its name, paid at an account never paid before.
 */
export function payeeChangesBank(ctx: EpisodeContext, atMs: number): Episode {
  const { rng, customer } = ctx;
  const writer = new EpisodeWriter(ctx);
  const channel = digitalChannel(rng, customer);
  const device = deviceFor(rng, customer, channel);
  let payee: Payee;
  if (customer.payees.length > 0) payee = rng.pick(customer.payees);
  else {
    // No regular payee in this customer's life: one paid twice in the two months before.
    payee = newPayee(rng, ctx, { bank: rng.pick(OTHER_BANKS), country: customer.homeCountry });
    const usual = rng.logNormal(120, 0.5);
    for (const daysBefore of [rng.between(35, 60), rng.between(5, 30)]) {
      writer.add(atMs - daysBefore * DAY_MS, (id, at) => transfer(ctx, payee, usual * rng.between(0.9, 1.1), device, channel, id, at));
    }
  }
  const abroad = rng.chance(0.1);
  const country = abroad ? rng.pick(TRAVEL_COUNTRIES.filter((code) => code !== customer.homeCountry)) : customer.homeCountry;
  const fresh = newPayee(rng, ctx, { bank: rng.pick(OTHER_BANKS), country });
  // Decided apart from the episode's random stream, which the look-alike had before the choice.
  const savedAgain = apart(ctx, 'saved-again') < 1 / 3;
  const moved = atNewBankDetails(payee, fresh, savedAgain);
  writer.add(atMs, (id, at) => transfer(ctx, moved, rng.logNormal(150, 0.6) * TIER_SPEND_FACTOR[customer.tier] ** 0.5, device, channel, id, at));
  return { events: writer.events, noise: { kind: 'payee-changes-bank', atMs } };
}

/**
 * A landlord changes banks: rent paid to the same landlord at home for the last two or three months
 * (600–1,600 a month, scaled by tier), then the landlord sends new bank details and this month's
 * rent goes to the new account, a third of the time to the landlord saved again under the same
 * name. About 2 in 100 genuine customers a quarter (an assumption: a tenant's landlord changes banks
 * every few years). The look-alike of invoice redirection at home with the sums it takes: the
 * usual payee, the usual sum, an account never paid. payee-details-changed challenges every one of
 * these in-line, which is what that rule costs.
 */
export function landlordChangesBank(ctx: EpisodeContext, atMs: number, endMs: number): Episode {
  const { rng, customer } = ctx;
  const writer = new EpisodeWriter(ctx);
  const channel = digitalChannel(rng, customer);
  const device = deviceFor(rng, customer, channel);
  const landlord = newPayee(rng, ctx, { bank: rng.pick(OTHER_BANKS), country: customer.homeCountry, name: rng.chance(0.5) ? rng.pick(LETTING_AGENTS) : undefined });
  const rentGbp = logUniform(rng, 600, 1600) * TIER_SPEND_FACTOR[customer.tier] ** 0.5;
  const months = rng.int(2, 3);
  for (let month = months; month >= 1; month--) {
    writer.add(atMs - Math.round(month * 30.44) * DAY_MS, (id, at) => transfer(ctx, landlord, rentGbp, device, channel, id, at));
  }
  const fresh = newPayee(rng, ctx, { bank: rng.pick(OTHER_BANKS), country: customer.homeCountry });
  const savedAgain = rng.chance(1 / 3);
  const moved = atNewBankDetails(landlord, fresh, savedAgain);
  writer.add(atMs, (id, at) => transfer(ctx, moved, rentGbp, device, channel, id, at));
  writer.dropAfter(endMs);
  return { events: writer.events, noise: { kind: 'landlord-changes-bank', atMs } };
}

/**
 * A payee at the new bank details `fresh` holds (its account, bank and country): the saved payee
 * edited, or, `savedAgain`, saved anew under the same name with a new id.
 */
function atNewBankDetails(payee: Payee, fresh: Payee, savedAgain: boolean): Payee {
  return { ...payee, ...(savedAgain ? { id: fresh.id } : {}), account: fresh.account, bank: fresh.bank, country: fresh.country };
}

/** Uniform in [0, 1) for one choice of an episode, from its id rather than its random stream. */
function apart(ctx: EpisodeContext, choice: string): number {
  return deriveSeed(0, `${ctx.idPrefix}:${choice}`) / 2 ** 32;
}

const LETTING_AGENTS = ['Harbour Lettings Ltd', 'Keystone Property Management', 'Greenway Estates', 'Hausverwaltung Lindner GmbH', 'Agence Immobilière du Parc'];

/**
 * A purchase from abroad, genuine: a used car, a caravan or a piece of furniture from a seller in
 * another country. A deposit of a tenth to a fifth, the balance two to ten days later (half the
 * time after bringing savings in), and six times in ten the transport to a carrier abroad, all
 * within a fortnight; a fifth of buyers then register the vehicle at home. The look-alike of a
 * purchase scam: the same new payees abroad and the same sums, but no ask after the price is paid.
 */
export function buyingAbroad(ctx: EpisodeContext, atMs: number, endMs: number): Episode {
  const { rng, customer } = ctx;
  const writer = new EpisodeWriter(ctx);
  const channel = digitalChannel(rng, customer);
  const device = deviceFor(rng, customer, channel);
  const country = rng.pick(TRAVEL_COUNTRIES.filter((code) => code !== customer.homeCountry));
  const seller = newPayee(rng, ctx, { bank: rng.pick(OTHER_BANKS), country });
  const priceGbp = logUniform(rng, 1500, 12_000) * TIER_SPEND_FACTOR[customer.tier] ** 0.5;
  const deposit = priceGbp * rng.between(0.1, 0.2);
  writer.add(atMs, (id, at) => transfer(ctx, seller, deposit, device, channel, id, at));
  let t = atMs + rng.between(2, 10) * DAY_MS;
  if (rng.chance(0.5)) {
    const savings: Payee & { own: boolean } = { ...newPayee(rng, ctx, { bank: rng.pick(OTHER_BANKS), country: customer.homeCountry, name: 'Own savings' }), own: true };
    writer.add(t - rng.between(1, 8) * HOUR_MS, (id, at) => ({
      type: 'transfer_in', ...envelope(id, customer, at, channel), amount: amountFromGbp(priceGbp, customer.currency), currency: customer.currency,
      counterparty: { id: savings.id, account: savings.account, bank: savings.bank, country: savings.country, name: savings.name, own_account: true },
    }));
  }
  writer.add(t, (id, at) => transfer(ctx, seller, priceGbp - deposit, device, channel, id, at));
  if (rng.chance(0.6)) {
    const carrier = newPayee(rng, ctx, { bank: rng.pick(OTHER_BANKS), country, name: rng.pick(['Baltic Cargo', 'EuroHaul Logistics', 'Transcar Movers']) });
    t += rng.between(0.5, 3) * DAY_MS;
    writer.add(t, (id, at) => transfer(ctx, carrier, rng.between(300, 1200), device, channel, id, at));
  }
  if (rng.chance(0.2)) {
    const office = newPayee(rng, ctx, { bank: rng.pick(OTHER_BANKS), country: customer.homeCountry, name: 'Vehicle Registration Office' });
    t += rng.between(1, 4) * DAY_MS;
    writer.add(t, (id, at) => transfer(ctx, office, rng.between(60, 400), device, channel, id, at));
  }
  writer.dropAfter(endMs);
  return { events: writer.events, noise: { kind: 'buying-abroad', atMs: lastEventMs(writer.events, atMs) } };
}

/**
 * Moving abroad for a job: from home, a deposit and the first month's rent to a landlord there,
 * an agency's fee there, and a removal firm at home, within two to three weeks; the customer is
 * not yet living there. The look-alike of a purchase scam that a rule must be measured on: new
 * payees abroad, paid again, for sums over a month's income.
 */
export function movingAbroad(ctx: EpisodeContext, atMs: number, endMs: number): Episode {
  const { rng, customer } = ctx;
  const writer = new EpisodeWriter(ctx);
  const channel = digitalChannel(rng, customer);
  const device = deviceFor(rng, customer, channel);
  const country = rng.pick(TRAVEL_COUNTRIES.filter((code) => code !== customer.homeCountry));
  const landlord = newPayee(rng, ctx, { bank: rng.pick(OTHER_BANKS), country });
  const agency = newPayee(rng, ctx, { bank: rng.pick(OTHER_BANKS), country, name: rng.pick(['Casa Lettings', 'HomeFinder Relocation', 'Urban Rentals']) });
  const movers = newPayee(rng, ctx, { bank: rng.pick(OTHER_BANKS), country: customer.homeCountry, name: rng.pick(['Swift Removals', 'Crate & Carry Movers']) });
  const rentGbp = logUniform(rng, 600, 1800) * TIER_SPEND_FACTOR[customer.tier] ** 0.5;
  let t = atMs;
  writer.add(t, (id, at) => transfer(ctx, agency, rentGbp * rng.between(0.5, 1.2), device, channel, id, at));
  t += rng.between(1, 5) * DAY_MS;
  writer.add(t, (id, at) => transfer(ctx, landlord, rentGbp * rng.pick([1, 2, 3]), device, channel, id, at));
  t += rng.between(2, 8) * DAY_MS;
  writer.add(t, (id, at) => transfer(ctx, movers, rng.between(600, 2500), device, channel, id, at));
  t += rng.between(1, 10) * DAY_MS;
  writer.add(t, (id, at) => transfer(ctx, landlord, rentGbp, device, channel, id, at));
  writer.dropAfter(endMs);
  return { events: writer.events, noise: { kind: 'moving-abroad', atMs: lastEventMs(writer.events, atMs) } };
}

const ONLINE_SHOPS: readonly (readonly [string, string])[] = [
  ['5651', 'Threadline Online'], ['5732', 'Volt Electronics Online'], ['5999', 'Marketly'], ['5942', 'Pageturn Books'],
  ['5945', 'Toybox Direct'], ['5977', 'Glow Cosmetics'], ['5712', 'Nordhem Home'], ['5941', 'Peak Outdoor Gear'],
];

/**
 * A Black Friday evening: four to seven online card payments of 30–400 each (scaled by tier; often
 * above 500 in all) within the hour, every one at a shop new to the customer and one to three of
 * them abroad, from the customer's usual device at home. About 6 in 100 genuine customers a
 * quarter (plan.ts), as often as a shopping spree in town. The look-alike of a stolen card spent
 * online: a burst of card-not-present payments at new and foreign merchants.
 */
export function onlineShoppingEvening(ctx: EpisodeContext, atMs: number): Episode {
  const { rng, customer } = ctx;
  const writer = new EpisodeWriter(ctx);
  const evening = Math.round(Math.floor(atMs / DAY_MS) * DAY_MS + rng.between(18.5, 22) * HOUR_MS);
  const device = deviceFor(rng, customer, digitalChannel(rng, customer));
  const count = rng.int(4, 7);
  const abroad = new Set<number>();
  for (let n = rng.int(1, 3); abroad.size < n;) abroad.add(rng.int(0, count - 1));
  const foreign = TRAVEL_COUNTRIES.filter((code) => code !== customer.homeCountry);
  let t = evening;
  for (let i = 0; i < count; i++, t += rng.between(2, 10) * MINUTE_MS) {
    buyOnline(ctx, writer, t, device, () => (abroad.has(i) ? rng.pick(foreign) : customer.homeCountry), 30, 'o');
  }
  return { events: writer.events, noise: { kind: 'online-shopping-evening', atMs: evening } };
}

/**
 * A night online, once: a customer who is not usually up at that hour, awake with a newborn, back
 * from a night out or waiting for a sale abroad to open, buys at four to six online shops from half
 * past eleven into the small hours, 10 to 40 minutes apart, two to four of them abroad in different
 * countries, 40–400 each (scaled by tier). About 1 in 100 genuine customers a quarter (an
 * assumption). The look-alike of a stolen card paced through the night (`velocity-burst`): the same
 * hours and foreign shops, fewer countries and smaller sums.
 */
export function nightOnline(ctx: EpisodeContext, atMs: number): Episode {
  const { rng, customer } = ctx;
  const writer = new EpisodeWriter(ctx);
  const night = Math.round(Math.floor(atMs / DAY_MS) * DAY_MS + rng.between(23.5, 25) * HOUR_MS);
  const device = deviceFor(rng, customer, digitalChannel(rng, customer));
  const count = rng.int(4, 6);
  const abroadCount = rng.int(2, Math.min(4, count));
  const foreign = TRAVEL_COUNTRIES.filter((code) => code !== customer.homeCountry);
  const countries = Array.from({ length: count }, (_, i) => (i < abroadCount ? rng.pick(foreign) : customer.homeCountry));
  let t = night;
  for (let i = 0; i < count; i++, t += rng.between(10, 40) * MINUTE_MS) buyOnline(ctx, writer, t, device, () => countries[i]!, 40, 'n');
  return { events: writer.events, noise: { kind: 'night-online', atMs: night } };
}

/**
 * One purchase at an online shop, by card from the customer's own device at home,
 * `fromGbp`–400 (scaled by tier). The shop is drawn first, then its country (`countryOf`), then the
 * merchant's id and the sum: the order an evening online always drew in, so its stream is unchanged.
 */
function buyOnline(ctx: EpisodeContext, writer: EpisodeWriter, t: number, device: Device, countryOf: () => string, fromGbp: number, tag: string): void {
  const { rng, customer } = ctx;
  const [mcc, name] = rng.pick(ONLINE_SHOPS);
  const country = countryOf();
  const merchant: Merchant = { id: `mer-${country.toLowerCase()}-${mcc}-${tag}${rng.int(0, 0xffff).toString(36)}`, mcc, country, name };
  const gbp = logUniform(rng, fromGbp, 400) * TIER_SPEND_FACTOR[customer.tier] ** 0.5;
  writer.add(t, (id, at) => ({
    type: 'card_payment', ...envelope(id, customer, at, 'ecommerce'), amount: amountFromGbp(gbp, customer.currency),
    currency: customer.currency, merchant, device, geo: homeGeo(rng, customer), entry_mode: 'online',
  }));
}

/**
 * Cash for a used car or a private sale: two to five withdrawals at one cash machine within a few
 * minutes, each at the machine's limit. The look-alike of a cloned card emptied at cash machines:
 * the same count and money, at one place.
 */
export function cashForACar(ctx: EpisodeContext, atMs: number): Episode {
  const { rng, customer } = ctx;
  const writer = new EpisodeWriter(ctx);
  const machine = homeGeo(rng, customer);
  const limitGbp = rng.pick([200, 250, 300, 400, 500]);
  let t = atMs;
  for (let i = rng.int(2, 5); i > 0; i--, t += rng.between(1, 4) * MINUTE_MS) {
    writer.add(t, (id, at) => ({
      type: 'cash_withdrawal', ...envelope(id, customer, at, 'atm'), amount: amountFromGbp(limitGbp, customer.currency), currency: customer.currency, geo: machine,
    }));
  }
  return { events: writer.events, noise: { kind: 'cash-for-a-car', atMs } };
}

const GAMES: readonly (readonly [string, string])[] = [['5816', 'Dragon Realms'], ['5816', 'Puzzle Quest Saga'], ['5817', 'Sky Racers'], ['5815', 'Anime Stream Plus']];

/**
 * A gamer's purchases in a game paid for the first time that day: two to seven in-app items at
 * the game's set prices, minutes to a quarter of an hour apart. The look-alike of card testing at
 * one site: small online payments at one new merchant, again and again, but a few, at a human pace.
 */
export function inAppPurchases(ctx: EpisodeContext, atMs: number): Episode {
  const { rng, customer } = ctx;
  const writer = new EpisodeWriter(ctx);
  const [mcc, name] = rng.pick(GAMES);
  const merchant: Merchant = { id: `mer-${customer.homeCountry.toLowerCase()}-${mcc}-g${rng.int(0, 0xffff).toString(36)}`, mcc, country: rng.pick([customer.homeCountry, 'IE', 'US']), name };
  const device = deviceFor(rng, customer, digitalChannel(rng, customer));
  const start = Math.round(Math.floor(atMs / DAY_MS) * DAY_MS + rng.between(15, 22) * HOUR_MS);
  let t = start;
  for (let i = rng.int(2, 7); i > 0; i--, t += Math.round(rng.between(2, 15) * MINUTE_MS)) {
    const gbp = rng.pick([0.99, 1.99, 2.99, 4.99]);
    writer.add(t, (id, at) => ({
      type: 'card_payment', ...envelope(id, customer, at, 'ecommerce'), amount: amountFromGbp(gbp, customer.currency), currency: customer.currency,
      merchant, device, geo: homeGeo(rng, customer), entry_mode: 'online',
    }));
  }
  return { events: writer.events, noise: { kind: 'in-app-purchases', atMs: start } };
}

const MARKET_STALLS: readonly (readonly [string, string])[] = [
  ['5814', 'Bratwurst Stand'], ['5814', 'Crêpe Corner'], ['5813', 'Glühwein Hut'], ['5947', 'Wooden Toys'], ['5947', 'Candle Stall'],
  ['5499', 'Roasted Almonds'], ['5499', 'Cheese Wagon'], ['5945', 'Carousel'], ['5970', 'Crafts Corner'],
];

/**
 * An afternoon at a Christmas market, a fair or a festival in town: six to twelve small payments
 * at stalls never paid before, over one to three hours, and cash drawn once or twice at machines
 * on the way. The look-alike of a cloned card run through many new terminals and cash machines.
 */
export function marketDay(ctx: EpisodeContext, atMs: number): Episode {
  const { rng, customer } = ctx;
  const writer = new EpisodeWriter(ctx);
  const start = Math.round(Math.floor(atMs / DAY_MS) * DAY_MS + rng.between(13, 18) * HOUR_MS);
  const spanMs = rng.between(1, 3) * HOUR_MS;
  const market = homeGeo(rng, customer);
  const count = rng.int(6, 12);
  for (let i = 0; i < count; i++) {
    const [mcc, name] = rng.pick(MARKET_STALLS);
    const merchant: Merchant = { id: `mer-${customer.homeCountry.toLowerCase()}-${mcc}-s${rng.int(0, 0xffff).toString(36)}`, mcc, country: customer.homeCountry, name };
    writer.add(start + Math.round(rng.next() * spanMs), (id, at) => ({
      type: 'card_payment', ...envelope(id, customer, at, 'pos'), amount: amountFromGbp(logUniform(rng, 3, 25), customer.currency),
      currency: customer.currency, merchant, geo: market, entry_mode: 'contactless',
    }));
  }
  for (let i = rng.int(1, 2); i > 0; i--) {
    writer.add(start + Math.round(rng.next() * spanMs), (id, at) => ({
      type: 'cash_withdrawal', ...envelope(id, customer, at, 'atm'), amount: amountFromGbp(rng.pick([20, 40, 50, 100]), customer.currency),
      currency: customer.currency, geo: homeGeo(rng, customer),
    }));
  }
  return { events: writer.events, noise: { kind: 'market-day', atMs: start } };
}

/**
 * Back after a shorter absence, to move house: a few weeks of ordinary card spending, 100 to 200
 * days of silence, then a login on the usual device or on a new phone at home (same network), and
 * within the day a flat deposit to a new letting agent or landlord, 10 to 40 times the customer's
 * former typical payment. The customer's ordinary activity is dropped, as for the returning
 * customer above. About as many in a stream as returning customers (drawn for 4 in 100 genuine
 * customers a quarter, kept only for those with nothing else going on: plan.ts). The look-alike of a dormant account taken over and emptied to a stranger.
 */
export function returningCustomerPays(ctx: EpisodeContext, atMs: number): Episode {
  const { rng, customer } = ctx;
  const writer = new EpisodeWriter(ctx);
  const historyEnd = atMs - rng.between(100, 200) * DAY_MS;
  const historyStart = historyEnd - rng.between(20, 60) * DAY_MS;
  const { merchant } = rng.pick(customer.favouriteMerchants);
  const typicalGbp = rng.logNormal(40, 0.35) * TIER_SPEND_FACTOR[customer.tier] ** 0.5;
  // Back from the last day of use, so the silence is exactly as drawn.
  for (let t = historyEnd; t > historyStart; t -= rng.between(1, 4) * DAY_MS) {
    const gbp = typicalGbp * rng.between(0.75, 1.25);
    writer.add(t, (id, at) => ({
      type: 'card_payment', ...envelope(id, customer, at, 'pos'), amount: amountFromGbp(gbp, customer.currency),
      currency: customer.currency, merchant, geo: homeGeo(rng, customer), entry_mode: gbp < 100 ? 'contactless' : 'chip',
    }));
  }
  const newPhone = rng.chance(0.4);
  const channel = newPhone ? 'mobile_app' : digitalChannel(rng, customer);
  const usual = deviceFor(rng, customer, channel);
  const device: Device = newPhone ? { id: `${customer.id.replace('cust-', 'dev-')}-h${rng.int(100, 999)}`, ip: usual.ip } : usual;
  const geo = homeGeo(rng, customer);
  let loginAt = atMs;
  if (newPhone) {
    writer.add(atMs, (id, at) => ({ type: 'device_added', ...envelope(id, customer, at, 'mobile_app'), device, geo }));
    loginAt += rng.between(0.5, 3) * MINUTE_MS;
  }
  writer.add(loginAt, (id, at) => ({ type: 'login', ...envelope(id, customer, at, channel), device, geo }));
  const landlord = newPayee(rng, ctx, {
    bank: rng.pick(OTHER_BANKS), country: customer.homeCountry,
    ...(rng.chance(0.6) ? { name: rng.pick(['Keystone Lettings', 'Harbourside Property Management', 'Oakfield Estates']) } : {}),
  });
  writer.add(loginAt + rng.between(0.2, 20) * HOUR_MS, (id, at) => transfer(ctx, landlord, typicalGbp * rng.between(10, 40), device, channel, id, at));
  return { events: writer.events, noise: { kind: 'returning-customer-pays', atMs }, keepBase: () => false };
}

/**
 * A trip to another city at home: by train, or by plane half the time when it is over 400 km.
 * Paid for at the station or the airport on the way out, in the other city on arrival and while
 * there (the day, or one to three nights and the hotel), the app on the phone there, now and then
 * on the train or just off the plane, and at the station or airport on the way back; nothing at
 * home while away. Journeys take what real ones do: a train 80 to 200 km/h over the straight line (Berlin to Hamburg
 * in 1 h 45 is 146, the TGV to Lyon 200), a flight half an hour of taxiing and climbing plus
 * 750 km/h, boarding 20 to 50 minutes after the last payment at the airport and the first payment
 * 10 to 40 minutes after landing. The look-alike of impossible travel at home: a till hundreds of
 * kilometres from the last one, hours later. About 12 in 100 genuine customers a quarter (plan.ts),
 * as often as a trip abroad: an assumption.
 */
export function domesticTrip(ctx: EpisodeContext, atMs: number, endMs: number): Episode {
  const { rng, customer } = ctx;
  const writer = new EpisodeWriter(ctx);
  const home: Place = { ...customer.city, country: customer.homeCountry };
  // Nearer than 150 km is an outing, not a journey the travel model would measure.
  const place = rng.pick(DOMESTIC_PLACES.filter((p) => p.country === customer.homeCountry && distanceKm(home, p) >= 150));
  const by = distanceKm(home, place) > 400 && rng.chance(0.5) ? 'air' : 'rail';
  const phone = customer.devices.find((d) => d.kind === 'phone') ?? customer.devices[0]!;
  const device = { id: phone.id, ip: phone.ip };
  const arrivedMs = travelBetween(ctx, writer, home, place, atMs, by, device);
  // Off the plane, into the app: the sighting nearest the flight the travel model allows.
  if (by === 'air' && rng.chance(0.3)) sessionOn(writer, ctx, device, arrivedMs + rng.between(0, 10) * MINUTE_MS, geoAround(rng, place));
  const firstThereMs = arrivedMs + (by === 'air' ? rng.between(10, 40) : rng.between(5, 40)) * MINUTE_MS;
  writer.add(firstThereMs, (id, at) => tillAt(ctx, place, rng.pick(['5814', '5812']), id, at));
  const nights = rng.chance(0.4) ? 0 : rng.int(1, 3);
  const stayHours = nights === 0 ? rng.between(3, 8) : nights * 24 + rng.between(-4, 4);
  const leaveMs = Math.max(firstThereMs + HOUR_MS, Math.min(endMs - 12 * HOUR_MS, arrivedMs + stayHours * HOUR_MS));
  const lastThereMs = leaveMs - HOUR_MS;
  for (let day = firstThereMs; day < lastThereMs; day += DAY_MS) {
    const dayEnd = Math.min(lastThereMs, day + DAY_MS);
    const at = () => day + rng.next() * (dayEnd - day);
    for (let i = rng.int(1, 3); i > 0; i--) writer.add(at(), (id, t) => tillAt(ctx, place, rng.pick(['5812', '5814', '5411', '5912']), id, t));
    if (rng.chance(0.6)) sessionOn(writer, ctx, device, at(), geoAround(rng, place));
  }
  if (nights > 0) writer.add(lastThereMs, (id, t) => tillAt(ctx, place, '7011', id, t));
  const homeMs = travelBetween(ctx, writer, place, home, leaveMs, by, device);
  if (rng.chance(0.6)) sessionOn(writer, ctx, device, homeMs + rng.between(0.5, 3) * HOUR_MS, homeGeo(rng, customer));
  return {
    events: writer.events,
    noise: { kind: 'domestic-trip', atMs },
    keepBase: (event) => !(eventMs(event) >= atMs && eventMs(event) <= homeMs && placesTheCustomer(event)),
  };
}

/**
 * One way, leaving at `departMs`: a payment at the station or airport before it, the app on the
 * phone now and then on a train (where along the line it is), and the time of arrival.
 */
function travelBetween(ctx: EpisodeContext, writer: EpisodeWriter, from: Place, to: Place, departMs: number, by: 'rail' | 'air', device: Device): number {
  const { rng } = ctx;
  const km = distanceKm(from, to);
  const beforeMs = (by === 'air' ? rng.between(20, 50) : rng.between(5, 30)) * MINUTE_MS;
  writer.add(departMs - beforeMs, (id, at) => tillAt(ctx, from, rng.pick(['5814', '5912']), id, at));
  const rideMs = (by === 'air' ? 0.5 + km / 750 : km / rng.between(80, 200)) * HOUR_MS;
  if (by === 'rail' && rng.chance(0.5)) {
    const share = rng.between(0.2, 0.8);
    const onTheLine = { country: from.country, lat: round3(from.lat + share * (to.lat - from.lat)), lon: round3(from.lon + share * (to.lon - from.lon)) };
    sessionOn(writer, ctx, device, departMs + share * rideMs, onTheLine);
  }
  return departMs + rideMs;
}

/** A card at a till in `place`, at a merchant of the customer's country. */
function tillAt(ctx: EpisodeContext, place: Place, mcc: string, id: string, at: number): EventInput {
  const { rng, customer } = ctx;
  const category = CARD_CATEGORIES.find((c) => c.mcc === mcc)!;
  const merchant = ctx.merchants.pick(rng, customer.homeCountry, category);
  const gbp = rng.logNormal(category.medianGbp, category.sigma) * TIER_SPEND_FACTOR[customer.tier] ** 0.5;
  return {
    type: 'card_payment', ...envelope(id, customer, at, 'pos'), amount: amountFromGbp(gbp, customer.currency), currency: customer.currency,
    merchant, geo: geoAround(rng, place), entry_mode: gbp < 100 ? 'contactless' : 'chip',
  };
}

const round3 = (value: number) => Math.round(value * 1000) / 1000;

function transfer(
  ctx: EpisodeContext, payee: Payee & { own?: boolean }, gbp: number, device: Device, channel: 'mobile_app' | 'web', id: string, at: number,
): EventInput {
  const { rng, customer } = ctx;
  return {
    type: 'transfer_out', ...envelope(id, customer, at, channel), amount: amountFromGbp(gbp, customer.currency), currency: customer.currency,
    counterparty: {
      id: payee.id, account: payee.account, bank: payee.bank, country: payee.country, name: payee.name, ...(payee.own ? { own_account: true } : {}),
    },
    device, geo: homeGeo(rng, customer),
  };
}

/**
 * A customer who banks much less for a few weeks and then comes back: a stay in hospital, a parent
 * to care for, exams, a long stay at a relative's. Their own payments and their days in the app thin
 * to a tenth to two fifths for two to five weeks, pay and direct debits run on, then everything is as
 * before. The look-alike of the activity-decline and fading-app churn patterns: for as long as it
 * lasts it is the start of a departure, so what a churn rule costs is measured here.
 */
export function quietSpell(ctx: EpisodeContext, atMs: number, endMs: number): Episode {
  const { rng, customer } = ctx;
  const untilMs = Math.min(endMs, atMs + rng.between(14, 35) * DAY_MS);
  const level = rng.between(0.1, 0.4);
  const seed = rng.int(0, 2 ** 31);
  return {
    events: [],
    noise: { kind: 'quiet-spell', atMs },
    keepBase: (event) => {
      const t = eventMs(event);
      if (t < atMs || t >= untilMs || isScheduled(event)) return true;
      return keptAt(seed, customer.id, t, level);
    },
  };
}

/** Only a customer paid a salary changes jobs; a pension is not a job. */
export function changesJobs(customer: SimulatedCustomer): boolean {
  return customer.employer.name !== PENSION_PAYER;
}

/**
 * A new job: no more pay from the old employer from `atMs`, then pay from the new one, a little
 * more or less, on its own payday. Between the two there is often a month or more unpaid (notice
 * served, a break between jobs, a first pay run at the end of the first month): the first new pay
 * comes 5 to 40 days after the first payday missed, so the gap since the last old pay is anything
 * from a week to ten weeks (an assumption). Past 40 days that is what `salary_stopped` looks
 * for. The look-alike of the salary-stopped churn pattern: this customer stays, spends as before.
 */
export function jobChange(ctx: EpisodeContext, atMs: number, endMs: number): Episode {
  const { rng, customer } = ctx;
  const writer = new EpisodeWriter(ctx);
  const employer = employerCalled(rng.pick(EMPLOYERS.filter((e) => e !== customer.employer.name)), rng.pick(OTHER_BANKS));
  const paid: SimulatedCustomer = { ...customer, employer, monthlySalaryMinor: Math.round(customer.monthlySalaryMinor * rng.logNormal(1, 0.12)) };
  const payTime = () => rng.between(6, 8) * HOUR_MS;
  const first = atMs + rng.between(5, 40) * DAY_MS;
  for (let month = 0; ; month++) {
    const day = Math.floor(first / DAY_MS) * DAY_MS + Math.round(month * 30.44) * DAY_MS;
    if (day + 8 * HOUR_MS >= endMs) break;
    writer.add(day + payTime(), (id, at) => salaryCredit(paid, rng.chance(0.3) ? rng.logNormal(1, 0.05) : 1, id, at));
  }
  return {
    events: writer.events,
    noise: { kind: 'job-change', atMs },
    keepBase: (event) => event.type !== 'salary_credit' || eventMs(event) < atMs,
  };
}

/** The newest event's time (the episode's measure point), or `fallback` when none is left. */
function lastEventMs(events: readonly EventInput[], fallback: number): number {
  return events.reduce((latest, event) => Math.max(latest, Date.parse(event.occurred_at)), fallback);
}
