import type { EventInput } from '../core/events/index.js';
import { amountFromGbp, amountText, cashAmount } from './amounts.js';
import { CARD_CATEGORIES, TRAVEL_COUNTRIES, type MerchantCategory } from './catalogue.js';
import { deviceFor, digitalChannel, envelope, homeGeo, type EventContext } from './envelope.js';
import type { Merchant } from './merchants.js';
import { TIER_SPEND_FACTOR, type CustomerTier, type DirectDebit, type Loan, type SimulatedCustomer } from './population.js';

const DAY_MS = 86_400_000;
/** Share of card spend made abroad, by tier: the wealthier travel more. */
const ABROAD_SHARE: Readonly<Record<CustomerTier, number>> = { vip: 0.08, potential: 0.035, mass: 0.015 };
/** Online purchases come back more often than shopping at a till. */
const REFUND_SHARE_ONLINE = 0.05;
const REFUND_SHARE_IN_STORE = 0.008;

export function cardPayment(ctx: EventContext, customer: SimulatedCustomer, eventId: string, atMs: number): EventInput {
  const { rng } = ctx;
  const { merchant, category } = chooseMerchant(ctx, customer);
  // Abroad without a trip is a foreign web shop: a till abroad means being there (trips: scenarios/noise.ts).
  const online = rng.chance(category.ecommerceShare) || merchant.country !== customer.homeCountry;
  const gbp = rng.logNormal(category.medianGbp * Math.pow(TIER_SPEND_FACTOR[customer.tier], 0.6), category.sigma);
  const amount = amountFromGbp(gbp, customer.currency);
  const payment: EventInput = {
    type: 'card_payment',
    ...envelope(eventId, customer, atMs, online ? 'ecommerce' : 'pos'),
    amount,
    currency: customer.currency,
    merchant,
    ...(online
      ? { device: deviceFor(rng, customer, digitalChannel(rng, customer)), geo: homeGeo(rng, customer) }
      : { geo: merchant.country === customer.homeCountry ? homeGeo(rng, customer) : { country: merchant.country } }),
    entry_mode: online ? 'online' : gbp < 100 ? 'contactless' : 'chip',
  };
  if (rng.chance(online ? REFUND_SHARE_ONLINE : REFUND_SHARE_IN_STORE)) {
    ctx.followUp(atMs + rng.between(1, 14) * DAY_MS, (refundId, refundAt) => ({
      type: 'card_refund',
      ...envelope(refundId, customer, refundAt, online ? 'ecommerce' : 'pos'),
      amount,
      currency: customer.currency,
      merchant,
      attributes: { original_event_id: eventId },
    }));
  }
  return payment;
}

/** Mostly the customer's regular shops; sometimes a new one, and now and then a foreign one online. */
function chooseMerchant(ctx: EventContext, customer: SimulatedCustomer): { merchant: Merchant; category: MerchantCategory } {
  const { rng } = ctx;
  if (rng.chance(ABROAD_SHARE[customer.tier])) {
    const category = rng.weighted(CARD_CATEGORIES.map((c) => [c, c.mcc === '4111' ? 0 : c.weight] as const));
    const country = rng.pick(TRAVEL_COUNTRIES.filter((code) => code !== customer.homeCountry));
    return { merchant: ctx.merchants.pick(rng, country, category), category };
  }
  if (rng.chance(0.7)) return rng.pick(customer.favouriteMerchants);
  const category = rng.weighted(CARD_CATEGORIES.map((c) => [c, c.weight] as const));
  return { merchant: ctx.merchants.pick(rng, customer.homeCountry, category), category };
}

export function transferOut(ctx: EventContext, customer: SimulatedCustomer, eventId: string, atMs: number): EventInput {
  const { rng } = ctx;
  const payee = rng.pick(customer.payees);
  // A tenth are standing orders the core system executes without the customer being online.
  const standingOrder = rng.chance(0.1);
  const channel = standingOrder ? 'core_banking' : digitalChannel(rng, customer);
  return {
    type: 'transfer_out',
    ...envelope(eventId, customer, atMs, channel),
    amount: amountFromGbp(rng.logNormal(60 * TIER_SPEND_FACTOR[customer.tier], 1.0), customer.currency),
    currency: customer.currency,
    counterparty: { id: payee.id, account: payee.account, bank: payee.bank, country: payee.country, name: payee.name },
    ...(channel === 'core_banking' ? {} : { device: deviceFor(rng, customer, channel), geo: homeGeo(rng, customer) }),
  };
}

export function transferIn(ctx: EventContext, customer: SimulatedCustomer, eventId: string, atMs: number): EventInput {
  const { rng } = ctx;
  const payer = rng.pick(customer.payees);
  return {
    type: 'transfer_in',
    ...envelope(eventId, customer, atMs, 'core_banking'),
    amount: amountFromGbp(rng.logNormal(45 * TIER_SPEND_FACTOR[customer.tier], 1.0), customer.currency),
    currency: customer.currency,
    counterparty: { id: payer.id, account: payer.account, bank: payer.bank, country: payer.country, name: payer.name },
  };
}

export function cashWithdrawal(ctx: EventContext, customer: SimulatedCustomer, eventId: string, atMs: number): EventInput {
  const { rng } = ctx;
  return {
    type: 'cash_withdrawal',
    ...envelope(eventId, customer, atMs, 'atm'),
    amount: cashAmount(rng, customer.currency, TIER_SPEND_FACTOR[customer.tier]),
    currency: customer.currency,
    geo: homeGeo(rng, customer),
  };
}

export function cashDeposit(ctx: EventContext, customer: SimulatedCustomer, eventId: string, atMs: number, atBranch: boolean): EventInput {
  const { rng } = ctx;
  return {
    type: 'cash_deposit',
    ...envelope(eventId, customer, atMs, atBranch ? 'branch' : 'atm'),
    amount: cashAmount(rng, customer.currency, TIER_SPEND_FACTOR[customer.tier] * 2),
    currency: customer.currency,
    geo: homeGeo(rng, customer),
  };
}

/** A one-off bill paid in the app or online, as opposed to the monthly direct debits. */
export function adHocBillPayment(ctx: EventContext, customer: SimulatedCustomer, eventId: string, atMs: number): EventInput {
  const { rng } = ctx;
  const channel = digitalChannel(rng, customer);
  return {
    type: 'bill_payment',
    ...envelope(eventId, customer, atMs, channel),
    amount: amountFromGbp(rng.logNormal(70, 0.8), customer.currency),
    currency: customer.currency,
    counterparty: { name: rng.pick(['Council Tax', 'TV Licence', 'Parking Services', 'Water Board']), country: customer.homeCountry },
    device: deviceFor(rng, customer, channel),
  };
}

export function directDebit(customer: SimulatedCustomer, debit: DirectDebit, variation: number, eventId: string, atMs: number): EventInput {
  return {
    type: 'bill_payment',
    ...envelope(eventId, customer, atMs, 'core_banking'),
    amount: amountText(debit.varies ? debit.amountMinor * variation : debit.amountMinor, customer.currency),
    currency: customer.currency,
    merchant: debit.merchant,
    attributes: { mandate: 'direct_debit' },
  };
}

export function salaryCredit(customer: SimulatedCustomer, variation: number, eventId: string, atMs: number): EventInput {
  const { employer } = customer;
  return {
    type: 'salary_credit',
    ...envelope(eventId, customer, atMs, 'core_banking'),
    amount: amountText(customer.monthlySalaryMinor * variation, customer.currency),
    currency: customer.currency,
    counterparty: { id: employer.id, name: employer.name, bank: employer.bank },
  };
}

export function loanRepayment(customer: SimulatedCustomer, loan: Loan, eventId: string, atMs: number): EventInput {
  return {
    type: 'loan_repayment',
    ...envelope(eventId, customer, atMs, 'core_banking'),
    amount: amountText(loan.amountMinor, customer.currency),
    currency: customer.currency,
    product: { type: loan.product, id: loan.id },
  };
}
