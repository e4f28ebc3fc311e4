import currencyCodes from 'currency-codes';

// The one currency table: ISO 4217's list of active codes with each currency's minor unit, as
// published by ISO and shipped by `currency-codes` (its publish date is ISO_4217_PUBLISHED). Node's
// Intl data is not used: it follows CLDR, whose digits differ from ISO's for HUF, IDR, COP, IQD and
// a dozen more, and it still lists withdrawn codes (HRK, SLL).

/**
 * Codes ISO lists with minor unit "N.A.": precious metals, bond-market units, the SDR and other
 * units of account, the testing code and "no currency". They are not money a customer pays with;
 * the package flattens their "N.A." to 0, so they are named here (a test checks this list against
 * the package's copy of the ISO file).
 */
export const NON_MONETARY_CODES: readonly string[] = [
  'XAG', 'XAU', 'XBA', 'XBB', 'XBC', 'XBD', 'XDR', 'XPD', 'XPT', 'XSU', 'XTS', 'XUA', 'XXX',
];

export const ISO_4217_PUBLISHED: string = currencyCodes.publishDate;

const nonMonetary = new Set(NON_MONETARY_CODES);
const MINOR_UNITS: ReadonlyMap<string, number> = new Map(
  currencyCodes.data.filter((entry) => !nonMonetary.has(entry.code)).map((entry) => [entry.code, entry.digits]),
);

/** Decimal places of a currency's minor unit (2 for EUR, 0 for JPY, 3 for KWD), or undefined for a code that is not a currency. */
export function currencyMinorUnits(code: string): number | undefined {
  return MINOR_UNITS.get(code);
}

export function isCurrency(code: string): boolean {
  return MINOR_UNITS.has(code);
}

/** Why a code is not accepted as a currency, or undefined when it is one. */
export function currencyProblem(code: string): string | undefined {
  if (MINOR_UNITS.has(code)) return undefined;
  if (nonMonetary.has(code)) return `"${code}" is an ISO 4217 code for something that is not a currency (metal, unit of account, testing or "no currency")`;
  return `"${code}" is not an active ISO 4217 currency code (ISO list of ${ISO_4217_PUBLISHED}); use one such as "EUR"`;
}
