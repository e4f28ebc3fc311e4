import { bucketIndex, DAY_FIELD, DAY_TIER, type Bucket, type Buckets } from './buckets.js';
import { majorUnits } from './eventFacts.js';

// Statistics of outgoing amounts (major units) over 90 days, from day buckets. Each day keeps its
// count, exact sum (thousandths) and M2 (sum of squared deviations from the day's mean, updated
// Welford-style); days merge with Chan's formula. Unlike sum-of-squares minus square-of-sum, this
// gives exactly 0 for identical amounts and stays accurate for large ones. Floating M2 depends on
// the order amounts were added in, in its last digits only (tests allow 1e-6 relative).

export interface AmountStats {
  count: number;
  mean: number;
  /** Population standard deviation. */
  stddev: number;
}

/** Fewer prior amounts than this give no z-score: too little history to call anything unusual. */
export const MIN_AMOUNTS_FOR_ZSCORE = 5;

/** M2 is stored to 7 significant digits: ample for a standard deviation, and a third of the JSON. */
const M2_DIGITS = 7;

/** Adds one outgoing amount to a day bucket (a fresh copy owned by the caller). */
export function addOutgoingAmount(day: Bucket, amountMilli: number): void {
  const count = day[DAY_FIELD.outCount] ?? 0;
  const sumMilli = day[DAY_FIELD.amountOutMilli] ?? 0;
  const x = majorUnits(amountMilli);
  const meanBefore = count === 0 ? x : majorUnits(sumMilli / count);
  const meanAfter = majorUnits((sumMilli + amountMilli) / (count + 1));
  const m2 = (day[DAY_FIELD.outM2] ?? 0) + (x - meanBefore) * (x - meanAfter);
  day[DAY_FIELD.outCount] = count + 1;
  day[DAY_FIELD.amountOutMilli] = sumMilli + amountMilli;
  day[DAY_FIELD.outM2] = Number(Math.max(0, m2).toPrecision(M2_DIGITS));
}

/**
 * Outgoing-amount statistics over the days of [t − W, t] (whole days, see windows.ts), newest day
 * first. A plain loop over local variables: this runs twice per payment, and running totals kept
 * in a closure were boxed on every update.
 */
export function outgoingStats(days: Readonly<Buckets>, t: number, window: number): AmountStats {
  const stride = DAY_TIER.fields + 1;
  const lo = bucketIndex(DAY_TIER, t - window);
  const hi = bucketIndex(DAY_TIER, t);
  let count = 0;
  let mean = 0;
  let m2 = 0;
  for (let day = days.length - stride; day >= 0; day -= stride) {
    const index = days[day]!;
    if (index < lo) break;
    const dayCount = days[day + DAY_FIELD.outCount]!;
    if (index > hi || dayCount === 0) continue;
    const dayMean = majorUnits(days[day + DAY_FIELD.amountOutMilli]! / dayCount);
    const merged = count + dayCount;
    const delta = dayMean - mean;
    mean += (delta * dayCount) / merged;
    m2 += days[day + DAY_FIELD.outM2]! + (delta * delta * count * dayCount) / merged;
    count = merged;
  }
  return { count, mean, stddev: count === 0 ? 0 : Math.sqrt(m2 / count) };
}

/**
 * How unusual an amount is against the prior statistics: 0 without enough history or when every
 * prior amount was the same (a deviation below a thousandth of a unit is rounding, not spread).
 */
export function amountZScore(amountMilli: number, prior: AmountStats): number {
  if (prior.count < MIN_AMOUNTS_FOR_ZSCORE || prior.stddev < 0.001) return 0;
  return (majorUnits(amountMilli) - prior.mean) / prior.stddev;
}
