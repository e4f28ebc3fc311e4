import { CREDIT_TYPES, type VigilEvent } from './schema.js';

/** Where an event happened, for rollups: the device's geo first, then the merchant, then the payee. */
export function eventCountry(event: VigilEvent): string {
  if (event.geo) return event.geo.country;
  if ('merchant' in event && event.merchant) return event.merchant.country;
  if ('counterparty' in event && event.counterparty?.country) return event.counterparty.country;
  return '';
}

const MONEY_IN: ReadonlySet<string> = new Set(['card_refund', 'transfer_in', 'cash_deposit', 'salary_credit']);
// A missed instalment or a returned debit names an amount that did not move.
const NO_MONEY_MOVED: ReadonlySet<string> = new Set(CREDIT_TYPES);

/** Whether money moved into or out of the customer's accounts; '' for events that moved none. */
export function moneyDirection(event: VigilEvent): 'in' | 'out' | '' {
  if (!('amount_minor' in event) || NO_MONEY_MOVED.has(event.type)) return '';
  return MONEY_IN.has(event.type) ? 'in' : 'out';
}

/** The event as it is stored on a stream and in dead letters: what was posted, amount normalised. */
export function toWireEvent(event: VigilEvent): string {
  if ('balance_minor' in event) {
    const { balance_minor: _balance, credit_limit_minor: _limit, ...wire } = event;
    return JSON.stringify(wire);
  }
  if (!('amount_minor' in event)) return JSON.stringify(event);
  const { amount_minor: _minor, ...wire } = event;
  return JSON.stringify(wire);
}
