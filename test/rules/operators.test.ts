import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compare } from '../../rules/operators.js';
import type { Comparison, ComparisonOp, ComparisonValue } from '../../rules/index.js';

const cmp = (op: ComparisonOp, value?: ComparisonValue): Comparison => ({ field: 'features.x', op, value });

// [op, value, actual, expected]: for each operator a true case, a false case and a missing value.
const CASES: [ComparisonOp, ComparisonValue | undefined, unknown, boolean][] = [
  ['gt', 5, 6, true], ['gt', 5, 5, false], ['gt', 5, undefined, false], ['gt', 5, '6', false],
  ['gte', 5, 5, true], ['gte', 5, 4.99, false], ['gte', 5, undefined, false],
  ['lt', 0.4, 0.39, true], ['lt', 0.4, 0.4, false], ['lt', 0.4, undefined, false], ['lt', 1, true, false],
  ['lte', 0.4, 0.4, true], ['lte', 0.4, 0.41, false], ['lte', 0.4, undefined, false], ['lte', 0.4, null, false],
  ['between', [0, 86_400], 0, true], ['between', [0, 86_400], 86_400, true], ['between', [0, 86_400], -1, false],
  ['between', [0, 86_400], undefined, false], ['between', [0, 86_400], Number.NaN, false],
  ['eq', 'opened', 'opened', true], ['eq', 'opened', 'resolved', false], ['eq', 'opened', undefined, false],
  ['eq', true, true, true], ['eq', true, false, false], ['eq', true, 1, true], ['eq', false, 0, true], ['eq', 5, '5', false],
  ['neq', 'GB', 'FR', true], ['neq', 'GB', 'GB', false], ['neq', 'GB', undefined, false],
  ['in', ['GB', 'IE'], 'IE', true], ['in', ['GB', 'IE'], 'FR', false], ['in', ['GB', 'IE'], undefined, false],
  ['in', ['behaviour:dormant', 'behaviour:declining'], ['life_stage:retired', 'behaviour:dormant'], true],
  ['in', ['behaviour:dormant'], [], false],
  ['not_in', ['GB', 'IE'], 'FR', true], ['not_in', ['GB', 'IE'], 'GB', false], ['not_in', ['GB', 'IE'], undefined, false],
  ['not_in', ['behaviour:dormant'], ['life_stage:retired'], true],
  ['contains', 'needs:travel', ['needs:travel', 'channel:web'], true], ['contains', 'needs:travel', ['channel:web'], false],
  ['contains', 'needs:travel', undefined, false], ['contains', 'ACME', 'ACME BANK', true], ['contains', 'ACME', 'OTHER', false],
  ['contains', 5, 5, false],
  ['exists', undefined, 'BARC', true], ['exists', undefined, 0, true], ['exists', undefined, false, true],
  ['exists', undefined, undefined, false], ['exists', undefined, null, false],
];

describe('comparison operators', () => {
  it.each(CASES)('%s %j on %j is %s', (op, value, actual, expected) => {
    expect(compare(cmp(op, value), actual)).toBe(expected);
  });

  it('every operator has a true, a false and a missing-value case', () => {
    const ops = new Set(CASES.map(([op]) => op));
    expect(ops.size).toBe(11);
    for (const op of ops) {
      const outcomes = CASES.filter(([o]) => o === op);
      expect(outcomes.some(([, , , e]) => e)).toBe(true);
      expect(outcomes.some(([, , , e]) => !e)).toBe(true);
      expect(outcomes.some(([, , a]) => a === undefined)).toBe(true);
    }
  });

  it('a missing value is false for every operator but exists', () => {
    const ops: [ComparisonOp, ComparisonValue | undefined][] = [
      ['gt', 1], ['gte', 1], ['lt', 1], ['lte', 1], ['between', [0, 1]], ['eq', 'a'], ['neq', 'a'], ['in', ['a']], ['not_in', ['a']], ['contains', 'a'],
    ];
    for (const [op, value] of ops) expect(compare(cmp(op, value), undefined)).toBe(false);
  });

  it('gt and lte are complements on numbers, as are gte and lt', () => {
    fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.double({ noNaN: true, noDefaultInfinity: true }), (actual, threshold) => {
      expect(compare(cmp('gt', threshold), actual)).toBe(!compare(cmp('lte', threshold), actual));
      expect(compare(cmp('gte', threshold), actual)).toBe(!compare(cmp('lt', threshold), actual));
    }));
  });

  it('between is gte low and lte high', () => {
    fc.assert(fc.property(fc.integer(), fc.integer(), fc.integer(), (actual, a, b) => {
      const [low, high] = a <= b ? [a, b] : [b, a];
      expect(compare(cmp('between', [low, high]), actual)).toBe(actual >= low && actual <= high);
    }));
  });
});
