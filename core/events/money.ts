// Money never passes through binary floats: amounts arrive as decimal strings (or JSON numbers,
// which are re-read through their shortest decimal text) and live as integer minor units.

/** ISO 4217 currencies whose minor unit is not 2 decimal places. */
const MINOR_UNIT_EXCEPTIONS: Readonly<Record<string, number>> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0,
  UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
};

export function minorUnitDigits(currency: string): number {
  return MINOR_UNIT_EXCEPTIONS[currency] ?? 2;
}

const DECIMAL = /^(\d{1,15})(?:\.(\d{1,3}))?$/;

export type MinorUnitsResult = { ok: true; minor: number } | { ok: false; reason: string };

/**
 * Converts a positive decimal amount into integer minor units of its currency.
 * Rejects more decimals than the currency has, so 10.005 EUR is an error, not a silent rounding.
 */
export function toMinorUnits(amount: string | number, currency: string): MinorUnitsResult {
  const text = typeof amount === 'number' ? numberToPlainDecimal(amount) : amount.trim();
  if (text === undefined) return { ok: false, reason: 'amount must be a finite decimal number' };
  const match = DECIMAL.exec(text);
  if (!match) return { ok: false, reason: `amount "${text}" is not a plain positive decimal such as "125.40"` };
  const digits = minorUnitDigits(currency);
  const whole = match[1] ?? '0';
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length > digits) {
    return { ok: false, reason: `${currency} has ${digits} decimal places; "${text}" has more` };
  }
  const minor = Number(whole + fraction.padEnd(digits, '0'));
  if (!Number.isSafeInteger(minor)) return { ok: false, reason: `amount "${text}" is too large` };
  return { ok: true, minor };
}

function numberToPlainDecimal(value: number): string | undefined {
  if (!Number.isFinite(value)) return undefined;
  // String(1e21) is exponent notation; such amounts are rejected by the pattern anyway.
  return String(value);
}

/** Formats minor units back to the decimal text of the currency, for display and reasons. */
export function formatMinorUnits(minor: number, currency: string): string {
  const digits = minorUnitDigits(currency);
  if (digits === 0) return String(minor);
  const sign = minor < 0 ? '-' : '';
  const text = String(Math.abs(minor)).padStart(digits + 1, '0');
  return `${sign}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}
