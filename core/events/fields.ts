import type { VigilEvent } from './schema.js';

/** Where an event happened, for rollups: the device's geo first, then the merchant, then the payee. */
export function eventCountry(event: VigilEvent): string {
  if (event.geo) return event.geo.country;
  if ('merchant' in event && event.merchant) return event.merchant.country;
  if ('counterparty' in event && event.counterparty?.country) return event.counterparty.country;
  return '';
}
