import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NON_MONETARY_CODES, currencyMinorUnits, isCurrency } from '../../core/events/currencies.js';
import { compareMinorToMajor, formatMinorUnits, formatMoney, groupDecimal, minorUnitDigits, toMinorUnits } from '../../core/events/index.js';

const currencies = fc.constantFrom('EUR', 'GBP', 'USD', 'JPY', 'KWD', 'BHD', 'ISK', 'CLF', 'HUF');

describe('money in minor units', () => {
  it('round-trips every amount: minor units → text → minor units', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 999_999_999_999_999 }), currencies, (minor, currency) => {
        const text = formatMinorUnits(minor, currency);
        expect(toMinorUnits(text, currency)).toEqual({ ok: true, minor });
      }),
    );
  });

  it('sums exactly where binary floats drift (0.1 + 0.2 summed a thousand times)', () => {
    const a = toMinorUnits('0.1', 'EUR');
    const b = toMinorUnits(0.2, 'EUR');
    if (!a.ok || !b.ok) throw new Error('unexpected');
    const total = Array.from({ length: 1000 }, () => a.minor + b.minor).reduce((x, y) => x + y, 0);
    expect(formatMinorUnits(total, 'EUR')).toBe('300.00');
  });

  it('never accepts more decimals than the currency has', () => {
    fc.assert(
      fc.property(currencies, fc.integer({ min: 1, max: 9 }), (currency, digit) => {
        const text = `1.${'0'.repeat(minorUnitDigits(currency))}${digit}`;
        expect(toMinorUnits(text, currency).ok).toBe(false);
      }),
    );
  });

  it('formats negative and small amounts with the currency precision', () => {
    expect(formatMinorUnits(5, 'EUR')).toBe('0.05');
    expect(formatMinorUnits(-1234, 'KWD')).toBe('-1.234');
    expect(formatMinorUnits(42, 'JPY')).toBe('42');
  });
});

describe('the ISO 4217 currency table', () => {
  it('names exactly the codes the ISO list gives no minor unit ("N.A.") as not money', () => {
    // The package flattens "N.A." to 0; its copy of ISO's XML file still says which codes they are.
    const xml = readFileSync(createRequire(import.meta.url).resolve('currency-codes/iso-4217-list-one.xml'), 'utf8');
    const notApplicable = new Set([...xml.matchAll(/<Ccy>([A-Z]{3})<\/Ccy>\s*<CcyNbr>\d+<\/CcyNbr>\s*<CcyMnrUnts>N\.A\.<\/CcyMnrUnts>/g)].map((m) => m[1]));
    expect([...notApplicable].sort()).toEqual([...NON_MONETARY_CODES].sort());
    for (const code of NON_MONETARY_CODES) expect(isCurrency(code)).toBe(false);
  });

  it("uses ISO's minor units, where CLDR (Intl) differs", () => {
    expect([currencyMinorUnits('HUF'), currencyMinorUnits('IQD'), currencyMinorUnits('CLF'), currencyMinorUnits('ISK')]).toEqual([2, 3, 4, 0]);
    expect([currencyMinorUnits('BTC'), currencyMinorUnits('ABC'), currencyMinorUnits('HRK')]).toEqual([undefined, undefined, undefined]);
    expect(['XAF', 'XOF', 'XPF', 'XCD'].every(isCurrency)).toBe(true);
  });

  it('refuses an amount in a code that is not a currency, with the reason', () => {
    expect(toMinorUnits('1.00', 'XXX')).toEqual({ ok: false, reason: expect.stringMatching(/"XXX" is an ISO 4217 code for something that is not a currency/) });
  });
});

describe('money for people to read', () => {
  it('writes 90,071,992,547,409.91 GBP exactly, where a float would say …409.90', () => {
    const parsed = toMinorUnits('90071992547409.91', 'GBP');
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(formatMoney(parsed.minor, 'GBP')).toBe('90,071,992,547,409.91 GBP');
    expect(new Intl.NumberFormat('en-GB', { minimumFractionDigits: 2 }).format(parsed.minor / 100)).toBe('90,071,992,547,409.90');
  });

  it('groups any decimal text without changing a digit', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 20n }), fc.nat({ max: 4 }), (units, decimals) => {
        const text = String(units).padStart(decimals + 1, '0');
        const decimal = decimals === 0 ? text : `${text.slice(0, -decimals)}.${text.slice(-decimals)}`;
        expect(groupDecimal(decimal).replaceAll(',', '')).toBe(decimal);
      }),
    );
    expect(groupDecimal('1234567.5', 2)).toBe('1,234,567.50');
    expect(groupDecimal('-1000')).toBe('-1,000');
  });
});

describe('comparing an amount with a threshold', () => {
  // Issue 12, item 11: as a float quotient 9007199254740991 pence and 90,071,992,547,409.90 are one
  // double, so "more than …409.90" did not hold for …409.91.
  it('sees a penny above the threshold at the largest exact amount, where the float quotient cannot', () => {
    expect(9007199254740991 / 100 > 90071992547409.9).toBe(false);
    expect(compareMinorToMajor(9007199254740991, 2, 90071992547409.9)).toBe(1);
    expect(compareMinorToMajor(9007199254740990, 2, 90071992547409.9)).toBe(0);
  });

  it.each([
    [150_000, 2, 1500, 0], [150_001, 2, 1500, 1], [149_999, 2, 1500, -1], [1, 2, 0.01, 0], [1, 2, 0.005, 1],
    [1200, 0, 1200, 0], [1200, 0, 1199.5, 1], [1, 3, 0.001, 0], [1, 4, 0.0001, 0], [1, 2, 1e-7, 1], [1, 2, 1e21, -1], [5, 2, -1, 1],
  ])('%i minor units with %i decimals against %d: %i', (minor, digits, threshold, expected) => {
    expect(compareMinorToMajor(minor, digits, threshold)).toBe(expected);
  });

  it('orders every amount against every threshold as exact decimal arithmetic does', () => {
    fc.assert(
      fc.property(fc.nat({ max: Number.MAX_SAFE_INTEGER }), fc.nat({ max: 4 }), fc.integer({ min: 0, max: 10 ** 12 }), fc.nat({ max: 4 }), (minor, digits, units, scale) => {
        const threshold = units / 10 ** scale;
        // The threshold as the decimal it prints as, scaled to 10^12ths of a unit alongside the amount.
        const [whole = '0', fraction = ''] = String(threshold).split('.');
        const right = BigInt(whole + fraction.padEnd(12, '0'));
        const left = BigInt(minor) * 10n ** BigInt(12 - digits);
        expect(compareMinorToMajor(minor, digits, threshold)).toBe(left > right ? 1 : left < right ? -1 : 0);
      }),
      { numRuns: 2000 },
    );
  });
});
