import type { Comparison } from './condition.js';

// Comparison semantics. A missing value (undefined or null) makes every op false except that it
// is what `not: { exists }` detects: a rule never fires because a feature was not computed.
// Types must match: a number never equals "5", and numeric ops on non-numbers are false. Flags
// stored as 1/0 compare equal to true/false, since feature stores differ in how they keep them.

export function compare(comparison: Comparison, actual: unknown): boolean {
  const { op, value } = comparison;
  if (op === 'exists') return actual !== undefined && actual !== null;
  if (actual === undefined || actual === null) return false;
  switch (op) {
    case 'gt': return isNumber(actual) && isNumber(value) && actual > value;
    case 'gte': return isNumber(actual) && isNumber(value) && actual >= value;
    case 'lt': return isNumber(actual) && isNumber(value) && actual < value;
    case 'lte': return isNumber(actual) && isNumber(value) && actual <= value;
    case 'between': {
      if (!isNumber(actual) || !Array.isArray(value)) return false;
      const [low, high] = value;
      return isNumber(low) && isNumber(high) && actual >= low && actual <= high;
    }
    case 'eq': return equals(actual, value);
    case 'neq': return !equals(actual, value);
    // A list actual (tags) is "in" when any of its items is; "not_in" when none is.
    case 'in': return Array.isArray(value) && items(actual).some((item) => value.some((v) => equals(item, v)));
    case 'not_in': return Array.isArray(value) && !items(actual).some((item) => value.some((v) => equals(item, v)));
    case 'contains': return contains(actual, value);
    // List membership needs the lists (the rule context), not just the two values: see evaluate.ts.
    case 'in_list': case 'not_in_list': return false;
  }
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function equals(actual: unknown, expected: unknown): boolean {
  if (typeof expected === 'boolean' && (actual === 0 || actual === 1)) return (actual === 1) === expected;
  return actual === expected;
}

function items(actual: unknown): unknown[] {
  return Array.isArray(actual) ? actual : [actual];
}

function contains(actual: unknown, expected: unknown): boolean {
  if (Array.isArray(actual)) return actual.some((item) => equals(item, expected));
  if (typeof actual === 'string' && (typeof expected === 'string' || typeof expected === 'number')) {
    return actual.includes(String(expected));
  }
  return false;
}
