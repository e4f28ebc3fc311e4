import { compareMinorToMajor } from '../core/events/index.js';
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

/**
 * `compare` with the comparison fixed, for rules compiled once per rule set: numeric thresholds
 * (most of a rule pack) become one type check and one comparison; every other op defers to
 * `compare`, so the semantics stay written once.
 */
export function comparator(comparison: Comparison): (actual: unknown) => boolean {
  const { op, value } = comparison;
  if (isNumber(value)) {
    switch (op) {
      case 'gt': return (actual) => isNumber(actual) && actual > value;
      case 'gte': return (actual) => isNumber(actual) && actual >= value;
      case 'lt': return (actual) => isNumber(actual) && actual < value;
      case 'lte': return (actual) => isNumber(actual) && actual <= value;
      default: break;
    }
  }
  if (op === 'between' && Array.isArray(value)) {
    const [low, high] = value;
    if (isNumber(low) && isNumber(high)) return (actual) => isNumber(actual) && actual >= low && actual <= high;
  }
  return (actual) => compare(comparison, actual);
}

/** An event's amount as the integer it is held in: minor units and its currency's decimal places. */
export interface ExactAmount {
  minor: number;
  digits: number;
}

/**
 * The ordering ops on an amount, decided on its integer minor units so that no float rounds the
 * money (a cent above a threshold is above it at any size); other ops see the amount in major units.
 */
export function compareAmount(comparison: Comparison, amount: ExactAmount): boolean {
  const { op, value } = comparison;
  const order = (threshold: unknown) => (isNumber(threshold) ? compareMinorToMajor(amount.minor, amount.digits, threshold) : undefined);
  const at = (threshold: unknown, holds: (o: number) => boolean) => {
    const o = order(threshold);
    return o !== undefined && holds(o);
  };
  switch (op) {
    case 'gt': return at(value, (o) => o > 0);
    case 'gte': return at(value, (o) => o >= 0);
    case 'lt': return at(value, (o) => o < 0);
    case 'lte': return at(value, (o) => o <= 0);
    case 'between': return Array.isArray(value) && at(value[0], (o) => o >= 0) && at(value[1], (o) => o <= 0);
    case 'eq': return at(value, (o) => o === 0);
    case 'neq': return !at(value, (o) => o === 0);
    default: return compare(comparison, amount.minor / 10 ** amount.digits);
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
