import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../core/errors.js';
import { normalQuantile, upliftOf, wilsonInterval } from '../../offers/index.js';

const group = (converted: number, n: number) => ({ n, converted });

describe('upliftOf: Newcombe (1998) method 10, the hybrid score interval', () => {
  // Table II of Newcombe, "Interval estimation for the difference between independent
  // proportions: comparison of eleven methods", Stat Med 17:873–890, examples (a)–(h).
  it.each([
    ['(a)', 56, 70, 48, 80, 0.2, 0.0524, 0.3339],
    ['(b)', 9, 10, 3, 10, 0.6, 0.1705, 0.8090],
    ['(c)', 6, 7, 2, 7, 0.5714, 0.0582, 0.8062],
    ['(d)', 5, 56, 0, 29, 0.0893, -0.0381, 0.1926],
    ['(e)', 0, 10, 0, 20, 0, -0.1611, 0.2775],
    ['(f)', 0, 10, 0, 10, 0, -0.2775, 0.2775],
    ['(g)', 10, 10, 0, 20, 1, 0.6791, 1],
    ['(h)', 10, 10, 0, 10, 1, 0.6075, 1],
  ])('example %s: %i/%i vs %i/%i', (_name, x1, n1, x2, n2, difference, low, high) => {
    const result = upliftOf(group(x1, n1), group(x2, n2));
    expect(result.uplift).toBeCloseTo(difference, 4);
    expect(result.ci!.low).toBeCloseTo(low, 4);
    expect(result.ci!.high).toBeCloseTo(high, 4);
    expect(result.method).toBe('newcombe-wilson');
  });

  it('reports rates, the relative uplift and significance', () => {
    expect(upliftOf(group(56, 70), group(48, 80))).toMatchObject({
      treatedRate: 0.8, controlRate: 0.6, relativeUplift: expect.closeTo(1 / 3, 10), significant: true,
    });
    expect(upliftOf(group(5, 56), group(0, 29))).toMatchObject({ significant: false, relativeUplift: null });
  });

  it('is significant in the other direction when the campaign hurts conversion', () => {
    const result = upliftOf(group(20, 400), group(60, 400));
    expect(result.uplift).toBeCloseTo(-0.1, 10);
    expect(result.ci!.high).toBeLessThan(0);
    expect(result.significant).toBe(true);
  });

  it('widens with the confidence level: 1.95996 at 95 %, 2.57583 at 99 %', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 6);
    expect(normalQuantile(0.995)).toBeCloseTo(2.575829, 6);
    expect(normalQuantile(0.025)).toBeCloseTo(-1.959964, 6);
    const at95 = upliftOf(group(30, 200), group(18, 200)).ci!;
    const at99 = upliftOf(group(30, 200), group(18, 200), 0.99).ci!;
    expect(at99.low).toBeLessThan(at95.low);
    expect(at99.high).toBeGreaterThan(at95.high);
  });

  it('gives a Wilson interval per group (Newcombe Table I: 81/263 → 0.2553 to 0.3662)', () => {
    const { low, high } = wilsonInterval(group(81, 263), normalQuantile(0.975));
    expect(low).toBeCloseTo(0.2553, 4);
    expect(high).toBeCloseTo(0.3662, 4);
  });
});

describe('upliftOf at the edges', () => {
  it('handles no conversions in either group: no uplift, not significant', () => {
    const result = upliftOf(group(0, 500), group(0, 500));
    expect(result).toMatchObject({ treatedRate: 0, controlRate: 0, uplift: 0, relativeUplift: null, significant: false });
    expect(result.ci!.low).toBeLessThan(0);
    expect(result.ci!.high).toBeGreaterThan(0);
  });

  it('handles every customer converting: the interval reaches 1 but not beyond', () => {
    const result = upliftOf(group(50, 50), group(0, 50));
    expect(result.uplift).toBe(1);
    expect(result.ci!.high).toBe(1);
    // Wilson gives 50/50 the lower limit 1 − δ and 0/50 the upper limit δ, with δ = z²/(n + z²).
    const z2 = normalQuantile(0.975) ** 2;
    expect(result.ci!.low).toBeCloseTo(1 - Math.SQRT2 * (z2 / (50 + z2)), 12);
    expect(result.significant).toBe(true);
  });

  it('has no rate, uplift or interval for an empty group', () => {
    expect(upliftOf(group(0, 0), group(3, 10))).toEqual({
      treatedRate: null, controlRate: 0.3, uplift: null, ci: null, relativeUplift: null, significant: false, method: 'newcombe-wilson',
    });
    expect(upliftOf(group(3, 10), group(0, 0))).toMatchObject({ treatedRate: 0.3, controlRate: null, uplift: null, ci: null, significant: false });
  });

  it.each([
    ['a fractional n', group(1, 2.5), group(1, 10), /treated\.n must be a non-negative integer/],
    ['a negative n', group(0, 10), group(0, -1), /control\.n must be a non-negative integer/],
    ['more conversions than customers', group(11, 10), group(1, 10), /treated\.converted must be an integer from 0 to treated\.n \(10\)/],
    ['negative conversions', group(1, 10), group(-1, 10), /control\.converted/],
    ['NaN', group(Number.NaN, 10), group(1, 10), /treated\.converted/],
  ])('refuses %s with a BadRequestError saying what is wrong', (_name, treated, control, message) => {
    expect(() => upliftOf(treated, control)).toThrow(BadRequestError);
    expect(() => upliftOf(treated, control)).toThrow(message);
  });

  it.each([0, 1, 1.5, Number.NaN])('refuses confidence %s', (confidence) => {
    expect(() => upliftOf(group(1, 10), group(1, 10), confidence)).toThrow(/confidence must be between 0 and 1/);
  });
});

describe('upliftOf properties', () => {
  const counts = fc.integer({ min: 1, max: 100_000 }).chain((n) => fc.record({ n: fc.constant(n), converted: fc.integer({ min: 0, max: n }) }));
  const confidence = fc.double({ min: 0.5, max: 0.999, noNaN: true });

  it('always gives an interval that contains the point estimate and lies within [-1, 1]', () => {
    fc.assert(fc.property(counts, counts, confidence, (treated, control, level) => {
      const { uplift, ci, significant } = upliftOf(treated, control, level);
      expect(ci).not.toBeNull();
      expect(ci!.low).toBeLessThanOrEqual(uplift!);
      expect(ci!.high).toBeGreaterThanOrEqual(uplift!);
      expect(ci!.low).toBeGreaterThanOrEqual(-1);
      expect(ci!.high).toBeLessThanOrEqual(1);
      expect(significant).toBe(ci!.low > 0 || ci!.high < 0);
    }), { numRuns: 2000 });
  });

  it('is antisymmetric: swapping the groups mirrors the interval', () => {
    fc.assert(fc.property(counts, counts, (treated, control) => {
      const forward = upliftOf(treated, control).ci!;
      const backward = upliftOf(control, treated).ci!;
      expect(backward.low).toBeCloseTo(-forward.high, 12);
      expect(backward.high).toBeCloseTo(-forward.low, 12);
    }));
  });
});
