import { BadRequestError } from '../../core/errors.js';

// Uplift of a campaign: the conversion rate of the treated customers minus that of the holdout
// (control) group, with a confidence interval for that difference. The interval is Newcombe's
// hybrid score interval (Newcombe 1998, "Interval estimation for the difference between
// independent proportions", method 10): a Wilson score interval per group, no continuity
// correction, combined by "square-and-add". Unlike the textbook Wald interval it stays inside
// [-1, 1], is not degenerate at 0 or 100 % conversions, and keeps close to its nominal coverage
// for the small holdout groups campaigns have.

export interface ConversionCounts {
  /** Customers in the group. */
  n: number;
  /** Of them, how many converted. */
  converted: number;
}

export interface Uplift {
  /** null when the group is empty: a rate of nobody is unknown, not 0. */
  treatedRate: number | null;
  controlRate: number | null;
  /** Absolute difference treated − control; null when either group is empty. */
  uplift: number | null;
  /** Interval for the difference at the requested confidence; null when either group is empty. */
  ci: { low: number; high: number } | null;
  /** uplift / controlRate; null when it is undefined (empty group or no control conversions). */
  relativeUplift: number | null;
  /** The interval excludes 0. */
  significant: boolean;
  method: 'newcombe-wilson';
}

export function upliftOf(treated: ConversionCounts, control: ConversionCounts, confidence = 0.95): Uplift {
  assertCounts('treated', treated);
  assertCounts('control', control);
  if (!(confidence > 0 && confidence < 1)) throw new BadRequestError(`confidence must be between 0 and 1 (exclusive), got ${confidence}`);

  const treatedRate = rateOf(treated);
  const controlRate = rateOf(control);
  if (treatedRate === null || controlRate === null) {
    return { treatedRate, controlRate, uplift: null, ci: null, relativeUplift: null, significant: false, method: 'newcombe-wilson' };
  }
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const t = wilsonInterval(treated, z);
  const c = wilsonInterval(control, z);
  const uplift = treatedRate - controlRate;
  const low = uplift - Math.hypot(treatedRate - t.low, c.high - controlRate);
  const high = uplift + Math.hypot(t.high - treatedRate, controlRate - c.low);
  const ci = { low: Math.max(-1, low), high: Math.min(1, high) };
  return {
    treatedRate,
    controlRate,
    uplift,
    ci,
    relativeUplift: controlRate === 0 ? null : uplift / controlRate,
    significant: ci.low > 0 || ci.high < 0,
    method: 'newcombe-wilson',
  };
}

function rateOf(counts: ConversionCounts): number | null {
  return counts.n === 0 ? null : counts.converted / counts.n;
}

function assertCounts(group: string, counts: ConversionCounts): void {
  const { n, converted } = counts;
  if (!Number.isSafeInteger(n) || n < 0) throw new BadRequestError(`${group}.n must be a non-negative integer, got ${n}`);
  if (!Number.isSafeInteger(converted) || converted < 0 || converted > n) {
    throw new BadRequestError(`${group}.converted must be an integer from 0 to ${group}.n (${n}), got ${converted}`);
  }
}

/** Wilson score interval of one proportion (n > 0), without continuity correction. */
export function wilsonInterval(counts: ConversionCounts, z: number): { low: number; high: number } {
  const { n, converted } = counts;
  const p = converted / n;
  const z2 = z * z;
  const centre = 2 * n * p + z2;
  const spread = z * Math.sqrt(z2 + 4 * n * p * (1 - p));
  const denominator = 2 * (n + z2);
  // Rounding can put a limit a hair past p or outside [0, 1] at 0 or n conversions; the interval
  // must contain p for the combined interval to contain the difference.
  return {
    low: Math.min(p, Math.max(0, (centre - spread) / denominator)),
    high: Math.max(p, Math.min(1, (centre + spread) / denominator)),
  };
}

/**
 * Inverse of the standard normal distribution function (Acklam's rational approximation,
 * relative error below 1.2e-9: far finer than the 4 decimals an interval is reported with).
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile needs 0 < p < 1, got ${p}`);
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const tail = (q: number) =>
    (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  const lowBreak = 0.02425;
  if (p < lowBreak) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - lowBreak) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}
