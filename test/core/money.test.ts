import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatMinorUnits, minorUnitDigits, toMinorUnits } from '../../core/events/index.js';

const currencies = fc.constantFrom('EUR', 'GBP', 'USD', 'JPY', 'KWD', 'BHD', 'ISK');

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
