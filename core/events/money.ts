import { currencyMinorUnits, currencyProblem } from './currencies.js';

// Money never passes through binary floats: amounts arrive as decimal strings (or JSON numbers,
// which are re-read through their shortest decimal text) and live as integer minor units. Shown to
// a person they are written from those integers (or the normalised decimal text), never from a
// float: 90071992547409.91 is not a double, and a reason saying "…409.90" would be wrong.

/** Decimal places of the currency's minor unit, from the ISO 4217 table (currencies.ts). */
export function minorUnitDigits(currency: string): number {
  const digits = currencyMinorUnits(currency);
  // Events are validated against the same table, so only code that skipped validation gets here.
  if (digits === undefined) throw new Error(`unknown currency ${JSON.stringify(currency)}: ${currencyProblem(currency)}`);
  return digits;
}

// ISO 4217's largest minor unit is 4 decimals (CLF, UYW); the currency's own count is checked below.
const DECIMAL = /^(\d{1,15})(?:\.(\d{1,4}))?$/;

export type MinorUnitsResult = { ok: true; minor: number } | { ok: false; reason: string };

/**
 * Converts a positive decimal amount into integer minor units of its currency.
 * Rejects more decimals than the currency has, so 10.005 EUR is an error, not a silent rounding.
 */
export function toMinorUnits(amount: string | number, currency: string): MinorUnitsResult {
  const digits = currencyMinorUnits(currency);
  if (digits === undefined) return { ok: false, reason: `currency ${currencyProblem(currency)}` };
  const text = typeof amount === 'number' ? numberToPlainDecimal(amount) : amount;
  if (text === undefined) return { ok: false, reason: 'amount must be a finite decimal number' };
  const spaced = spacedProblem(text);
  if (spaced) return { ok: false, reason: spaced };
  const match = DECIMAL.exec(text);
  if (!match) return { ok: false, reason: `amount "${text}" is not a plain positive decimal such as "125.40"` };
  const whole = match[1] ?? '0';
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length > digits) {
    return { ok: false, reason: `${currency} has ${digits} decimal places; "${text}" has more` };
  }
  const minor = Number(whole + fraction.padEnd(digits, '0'));
  if (!Number.isSafeInteger(minor)) return { ok: false, reason: `amount "${text}" is too large` };
  return { ok: true, minor };
}

/** Like toMinorUnits, for a balance: zero and a leading minus (an overdrawn account) are allowed. */
export function toSignedMinorUnits(amount: string | number, currency: string): MinorUnitsResult {
  const text = typeof amount === 'number' ? numberToPlainDecimal(amount) : amount;
  if (text === undefined) return { ok: false, reason: 'amount must be a finite decimal number' };
  const spaced = spacedProblem(text);
  if (spaced) return { ok: false, reason: spaced.replace('such as "125.40"', 'such as "-125.40"') };
  const negative = text.startsWith('-');
  const magnitude = toMinorUnits(negative ? text.slice(1) : text, currency);
  if (!magnitude.ok) return { ok: false, reason: magnitude.reason.replace('plain positive decimal such as "125.40"', 'plain decimal such as "-125.40"') };
  return { ok: true, minor: negative ? -magnitude.minor || 0 : magnitude.minor };
}

/**
 * Spaces around an amount are refused, not trimmed: a sender that pads its amounts has a bug (a
 * fixed-width field, a column cut wrong) that may have cut digits too, and money is not guessed at.
 */
function spacedProblem(text: string): string | undefined {
  if (text === text.trim()) return undefined;
  return `amount ${JSON.stringify(text)} has spaces around it; send the decimal alone, such as "125.40"`;
}

function numberToPlainDecimal(value: number): string | undefined {
  if (!Number.isFinite(value)) return undefined;
  // String(1e21) is exponent notation; such amounts are rejected by the pattern anyway.
  return String(value);
}

/** Formats minor units back to the decimal text of the currency, for storage and display. */
export function formatMinorUnits(minor: number, currency: string): string {
  const digits = minorUnitDigits(currency);
  if (digits === 0) return String(minor);
  const sign = minor < 0 ? '-' : '';
  const text = String(Math.abs(minor)).padStart(digits + 1, '0');
  return `${sign}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

const PLAIN_DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/**
 * Exact decimal text with thousands separators and at least `minFractionDigits` decimals:
 * "90071992547409.91" → "90,071,992,547,409.91". Digits are moved as text, so nothing rounds;
 * anything that is not a plain decimal is returned unchanged.
 */
export function groupDecimal(decimal: string, minFractionDigits = 0): string {
  const match = PLAIN_DECIMAL.exec(decimal);
  if (!match) return decimal;
  const [, sign = '', whole = '0', fraction = ''] = match;
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const decimals = fraction.padEnd(minFractionDigits, '0');
  return `${sign}${grouped}${decimals ? `.${decimals}` : ''}`;
}

/** An amount in minor units for a person to read: "2,500.00 EUR", "1,200 JPY", exact. */
export function formatMoney(minor: number, currency: string): string {
  return `${groupDecimal(formatMinorUnits(minor, currency))} ${currency}`;
}

const DECIMAL_NUMBER = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i;

/**
 * The sign of (an amount in minor units) − (a threshold in major units, as a rule writes it),
 * exactly: both sides become integers of the same scale as BigInt, so an amount a cent above
 * the threshold is above it at any size (a float quotient of 90,071,992,547,409.91 is not).
 * The threshold is taken at the decimal its number prints as, which is the literal its author
 * wrote for every threshold a double can hold.
 */
export function compareMinorToMajor(minor: number, digits: number, threshold: number): -1 | 0 | 1 {
  const match = DECIMAL_NUMBER.exec(String(threshold));
  if (!match) throw new RangeError(`threshold ${threshold} is not a finite number`);
  const [, sign = '', whole = '0', fraction = '', exponent = '0'] = match;
  // threshold = mantissa × 10^(exponent − fraction digits)
  const mantissa = BigInt(`${sign}${whole}${fraction}`);
  const shift = Number(exponent) - fraction.length;
  // In minor units the threshold is mantissa × 10^(digits + shift); scale both sides by 10^k so
  // that power is never negative.
  const k = Math.max(0, -(digits + shift));
  const left = BigInt(minor) * 10n ** BigInt(k);
  const right = mantissa * 10n ** BigInt(digits + shift + k);
  return left > right ? 1 : left < right ? -1 : 0;
}
