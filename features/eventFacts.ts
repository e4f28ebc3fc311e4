import { addressNetwork, minorUnitDigits, moneyDirection, type Channel, type EventType, type VigilEvent } from '../core/events/index.js';
import type { FeatureConfig } from './config.js';
import { creditFact, type CreditFact } from './credit.js';
import { eventSeconds } from './windows.js';

/**
 * Stable numeric codes for event types, stored in feature state. Explicit (not the index in
 * EVENT_TYPES) so a new event type never shifts the meaning of stored codes; the Record type makes
 * the compiler ask for a code whenever a type is added.
 */
export const EVENT_KIND: Readonly<Record<EventType, number>> = {
  card_payment: 0, card_refund: 1, transfer_out: 2, transfer_in: 3, cash_withdrawal: 4,
  cash_deposit: 5, salary_credit: 6, bill_payment: 7, loan_repayment: 8,
  login: 20, login_failed: 21, password_reset: 22, device_added: 23, profile_change: 24,
  app_session: 25, branch_visit: 26, call_centre_contact: 27, complaint: 28,
  product_opened: 29, product_closed: 30, offer_response: 31,
  repayment_missed: 40, direct_debit_returned: 41, balance_snapshot: 42,
};

/** Card payments at or below this (5 major units, in thousandths) count as "small": card testing. */
export const SMALL_CARD_PAYMENT_MILLI = 5_000;

/** What the feature engine needs from one event, extracted once. */
export interface EventFacts {
  /** occurred_at in epoch seconds. */
  t: number;
  type: EventType;
  kind: number;
  channel: Channel;
  direction: 'in' | 'out' | '';
  /**
   * Amount in thousandths of a major unit: every ISO currency has at most 3 minor digits, so this
   * is an exact integer whatever the currency, and sums of it do not depend on addition order.
   */
  amountMilli: number;
  merchant: string | undefined;
  mcc: string | undefined;
  /** The merchant's country as the sender gave it (card payments), wherever the customer was. */
  merchantCountry: string | undefined;
  /**
   * Where the customer was: the event's geo, else the merchant's country when the card was at its
   * till. A web shop, a refund or a direct debit abroad says nothing about where the customer is.
   */
  country: string | undefined;
  device: string | undefined;
  payee: string | undefined;
  /** The payee's country as the sender gave it (transfers out). */
  payeeCountry: string | undefined;
  /** The payee's account (hashed, normalised IBAN or number) and its country: the IBAN's, else the payee's (transfers out). */
  payeeAccount: string | undefined;
  payeeAccountCountry: string | undefined;
  /** The payee's name, legal form and punctuation aside, hashed (transfers to someone else): a payee saved again under another id keeps it. */
  payeeName: string | undefined;
  /** Who sent an incoming transfer (hashed, as payees). */
  payer: string | undefined;
  /** The account an incoming transfer came from (hashed as payee accounts): a lender paid back at its account under another id. */
  payerAccount: string | undefined;
  /** An incoming transfer from an account the bank verified as the customer's own: savings moved, not income, and nobody lent it. */
  fromOwnAccount: boolean;
  geo: readonly [lat: number, lon: number] | undefined;
  toOtherBank: boolean;
  /** A transfer to an account the bank verified as the customer's own (counterparty.own_account). */
  ownAccount: boolean;
  /** The card was at the terminal; undefined for events without a card. */
  cardPresent: boolean | undefined;
  /** The network the device came from (hashed IPv4 /24 or IPv6 /48). */
  network: string | undefined;
  /** A profile change of the phone number or e-mail address. */
  contactChange: boolean;
  complaint: { key: string; resolved: boolean } | undefined;
  /** What the event says about the customer's credit (credit.ts). */
  credit: CreditFact | undefined;
  /** Money out at a betting shop, casino or lottery (merchant category). */
  gambling: boolean;
}

/** Betting, casinos, lotteries and online gambling: a growing share of spending is a credit warning. */
export const GAMBLING_MCCS: ReadonlySet<string> = new Set(['7800', '7801', '7802', '7995']);

/**
 * Identifiers (merchant, device, payee, complaint ids) are kept only as 32-bit FNV-1a hashes:
 * shorter, and no account numbers sit in feature state. With at most 64 keys per set a collision
 * is about one in ten million.
 */
export function hashKey(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(36);
}

export function majorUnits(amountMilli: number): number {
  return amountMilli / 1000;
}

export function eventFacts(event: VigilEvent, cfg: FeatureConfig): EventFacts {
  const merchant = 'merchant' in event ? event.merchant : undefined;
  const geo = event.geo;
  const cardPresent = cardPresence(event);
  // Every field is always present: one object shape keeps the hot path monomorphic.
  const facts: EventFacts = {
    t: eventSeconds(event.occurred_at),
    type: event.type,
    kind: EVENT_KIND[event.type],
    channel: event.channel,
    direction: moneyDirection(event),
    amountMilli: 'amount_minor' in event ? toMilli(event.amount_minor, event.currency) : 0,
    merchant: merchant ? hashKey(merchant.id) : undefined,
    mcc: merchant?.mcc,
    merchantCountry: merchant?.country,
    country: geo?.country ?? (cardPresent && event.type === 'card_payment' ? merchant?.country : undefined),
    device: event.device ? hashKey(event.device.id) : undefined,
    payee: undefined,
    payeeCountry: undefined,
    payeeAccount: undefined,
    payeeAccountCountry: undefined,
    payeeName: undefined,
    payer: event.type === 'transfer_in' ? payeeKey(event.counterparty) : undefined,
    payerAccount: event.type === 'transfer_in' ? accountKey(event.counterparty.account) : undefined,
    fromOwnAccount: event.type === 'transfer_in' && event.counterparty.own_account === true,
    geo: geo?.lat !== undefined && geo.lon !== undefined ? [geo.lat, geo.lon] : undefined,
    toOtherBank: false,
    ownAccount: false,
    cardPresent,
    network: event.device?.ip ? networkKey(event.device.ip) : undefined,
    contactChange: event.type === 'profile_change' && (event.changed_fields ?? []).some((field) => field === 'phone' || field === 'email'),
    complaint: undefined,
    credit: creditFact(event, (product) => hashKey(`${product.type}:${product.id ?? ''}`), toMilli),
    gambling: merchant !== undefined && GAMBLING_MCCS.has(merchant.mcc),
  };
  if (event.type === 'transfer_out') {
    facts.payee = payeeKey(event.counterparty);
    facts.payeeCountry = event.counterparty.country;
    const account = normalisedAccount(event.counterparty.account);
    if (account) {
      facts.payeeAccount = accountKey(account);
      facts.payeeAccountCountry = /^[A-Z]{2}\d{2}/.test(account) ? account.slice(0, 2) : event.counterparty.country;
    }
    const bank = event.counterparty.bank?.trim().toUpperCase();
    facts.toOtherBank = bank !== undefined && bank !== '' && bank !== cfg.ownBankId.trim().toUpperCase();
    facts.ownAccount = event.counterparty.own_account === true;
    if (!facts.ownAccount) facts.payeeName = payeeNameKey(event.counterparty.name);
  }
  if (event.type === 'complaint') {
    facts.complaint = { key: hashKey(event.complaint.id), resolved: event.complaint.status === 'resolved' };
  }
  return facts;
}

const PRESENT_ENTRY_MODES: ReadonlySet<string> = new Set(['chip', 'contactless', 'magstripe']);

/**
 * Whether the card was at the terminal: the entry mode when the acquirer sends one, else the
 * channel (a till or a cash machine reads the card; a web shop does not).
 */
function cardPresence(event: VigilEvent): boolean | undefined {
  if (event.type === 'cash_withdrawal') return event.channel === 'atm' || event.channel === 'branch';
  if (event.type !== 'card_payment' && event.type !== 'card_refund') return undefined;
  if (event.entry_mode) return PRESENT_ENTRY_MODES.has(event.entry_mode);
  return event.channel === 'pos' || event.channel === 'atm';
}

/** The network an address belongs to (IPv4 /24, IPv6 /48), hashed: a new phone at home comes from a known network; a fraudster's proxy does not. */
export function networkKey(ip: string): string {
  return hashKey(addressNetwork(ip));
}

function toMilli(minor: number, currency: string): number {
  return Math.round(minor * 10 ** (3 - minorUnitDigits(currency)));
}

/** A payee is known by its id, else its account; a name alone is too loose to call it "the same". */
function payeeKey(counterparty: { id?: string | undefined; account?: string | undefined }): string | undefined {
  if (counterparty.id) return hashKey(`id:${counterparty.id}`);
  return accountKey(counterparty.account);
}

/**
 * Posted by the bank's own systems (pay, standing orders, direct debits, statements), not done by
 * the customer: these run on at the bank's hours whatever the customer does.
 */
export function postedByTheBank(facts: Pick<EventFacts, 'channel'>): boolean {
  return facts.channel === 'core_banking';
}

/** Words that say what kind of company a payee is, not which: "Acme Ltd" and "ACME Limited" are one payee. */
const LEGAL_FORMS: ReadonlySet<string> = new Set([
  'ltd', 'limited', 'plc', 'llp', 'llc', 'inc', 'co', 'company', 'corp', 'gmbh', 'ag', 'kg', 'ug', 'ohg', 'ev',
  'sa', 'sas', 'sarl', 'srl', 'spa', 'sl', 'bv', 'nv', 'vof', 'ab', 'as', 'oy', 'aps', 'sp', 'zoo', 'the', 'and',
]);

/**
 * A payee's name as people write it the same: case, accents, punctuation and legal form aside
 * ("Müller & Söhne GmbH" and "MULLER SOHNE"), hashed. Undefined for a name too short to tell payees
 * apart (initials, "Mum"): two payees called that are not one payee.
 */
export function payeeNameKey(name: string | undefined): string | undefined {
  if (!name) return undefined;
  const words = name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word !== '' && !LEGAL_FORMS.has(word));
  const normalised = words.join(' ');
  return normalised.replace(/ /g, '').length >= 4 ? hashKey(`name:${normalised}`) : undefined;
}

/** An account number or IBAN, spaces and case aside; undefined when there is none. */
function normalisedAccount(account: string | undefined): string | undefined {
  return account?.replace(/\s+/g, '').toUpperCase() || undefined;
}

/** An account number or IBAN, spaces and case aside, hashed: the same for a payee and a payer. */
function accountKey(account: string | undefined): string | undefined {
  const normalised = normalisedAccount(account);
  return normalised ? hashKey(`account:${normalised}`) : undefined;
}
