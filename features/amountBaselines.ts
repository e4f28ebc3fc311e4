import type { EventFacts } from './eventFacts.js';
import { WINDOW_SECONDS } from './windows.js';

// Robust amount baselines: what this customer usually pays, per kind of spending. Payment amounts
// are heavy-tailed (a grocery shop and a sofa differ a hundredfold), so a z-score on raw amounts
// calls every tenth electronics purchase "four standard deviations out". Here amounts are compared
// on a log scale with the median and the median absolute deviation (MAD) of the customer's own
// recent amounts of the same group: a 1,449 EUR television is measured against their electronics
// and clothing, not their coffee.
//
// Each group keeps the newest BASELINE_CAP amounts of the last 90 days as [time, log bin]. A bin is
// 1/8 of a natural-log unit (a 13% step): exact enough for "20 times the usual", and an integer, so
// the state stays small and the statistics do not depend on the order amounts arrived in.

/** Amounts kept per group: two to four weeks of an everyday card user's payments. */
export const BASELINE_CAP = 16;
/** Log bins per natural-log unit. */
export const BINS_PER_LOG_UNIT = 8;
/** Fewer amounts than this in a group, and the customer's amounts of every group stand in. */
export const MIN_AMOUNTS_FOR_BASELINE = 5;
/**
 * The smallest spread assumed, in log units (a factor of about 1.65). A customer who pays the same
 * standing order every week has a MAD of 0; without a floor a 10% rise would be "off the scale".
 */
const MIN_SPREAD_LOG = 0.5;
/** Scales a MAD to a standard deviation for normally distributed (log-)amounts. */
const MAD_TO_SIGMA = 1.4826;

/**
 * Outgoing money is grouped by what it pays for. Card payments by merchant category code, in
 * ranges of the ISO 18245 table: everyday (food, transport, fuel, pharmacy), goods (shops of every
 * kind, cars, furniture, electronics), travel (airlines, hotels, car hire, travel agents), digital
 * (telecoms, digital goods, subscriptions) and other services. Transfers, cash and bills have their
 * own groups. Transfers to the customer's own accounts are left out: they are savings moved, not spending.
 */
export type AmountGroup = 'daily' | 'goods' | 'travel' | 'digital' | 'services' | 'transfer' | 'cash' | 'bills';
export const AMOUNT_GROUPS: readonly AmountGroup[] = ['daily', 'goods', 'travel', 'digital', 'services', 'transfer', 'cash', 'bills'];

const MCC_RANGES: readonly (readonly [from: number, to: number, group: AmountGroup])[] = [
  [3000, 3999, 'travel'], [4011, 4110, 'travel'], [4111, 4131, 'daily'], [4132, 4799, 'travel'],
  [4800, 4899, 'digital'], [5411, 5499, 'daily'], [5541, 5542, 'daily'], [5811, 5814, 'daily'],
  [5815, 5818, 'digital'], [5912, 5912, 'daily'], [5960, 5969, 'digital'], [5000, 5999, 'goods'],
  [7011, 7033, 'travel'], [7512, 7519, 'travel'],
];

export function mccGroup(mcc: string | undefined): AmountGroup {
  const code = Number(mcc);
  for (const [from, to, group] of MCC_RANGES) if (code >= from && code <= to) return group;
  return 'services';
}

/** The baseline group of an outgoing amount, or undefined for money in, non-money events and own-account transfers. */
export function amountGroupOf(facts: Pick<EventFacts, 'type' | 'direction' | 'mcc' | 'ownAccount'>): AmountGroup | undefined {
  if (facts.direction !== 'out') return undefined;
  switch (facts.type) {
    case 'card_payment': return mccGroup(facts.mcc);
    case 'transfer_out': return facts.ownAccount ? undefined : 'transfer';
    case 'cash_withdrawal': return 'cash';
    default: return 'bills';
  }
}

/** [time, log bin] */
export type BaselineEntry = [t: number, bin: number];
export type AmountBaselines = Partial<Record<AmountGroup, BaselineEntry[]>>;

export function logBin(amountMilli: number): number {
  // `+ 0` turns Math.round's −0 (amounts just under 1) into 0, which JSON can store.
  return Math.round(Math.log(Math.max(amountMilli, 1) / 1000) * BINS_PER_LOG_UNIT) + 0;
}

/**
 * Adds an amount; keeps the newest BASELINE_CAP of the group by (time, bin), so arrival order does
 * not matter, and drops the group's amounts older than `oldestKept`. Other groups are left as they
 * are: reads filter by time, and each group is bounded by the cap anyway.
 */
export function recordBaselineAmount(baselines: AmountBaselines, group: AmountGroup, t: number, amountMilli: number, oldestKept: number): AmountBaselines {
  if (t < oldestKept) return baselines;
  const entry: BaselineEntry = [t, logBin(amountMilli)];
  const entries: BaselineEntry[] = [];
  for (const kept of baselines[group] ?? []) if (kept[0] >= oldestKept) entries.push(kept);
  let at = entries.length;
  while (at > 0 && compareEntries(entries[at - 1]!, entry) > 0) at--;
  entries.splice(at, 0, entry);
  return { ...baselines, [group]: entries.length > BASELINE_CAP ? entries.slice(entries.length - BASELINE_CAP) : entries };
}

export interface AmountComparison {
  /** (log amount − median) / robust spread; 0 without enough history. */
  robustZ: number;
  /** amount / the median amount; 0 without enough history. */
  ratioToMedian: number;
}

export const NO_COMPARISON: Readonly<AmountComparison> = Object.freeze({ robustZ: 0, ratioToMedian: 0 });

/**
 * How an outgoing amount at t compares with the customer's amounts of its group in the 90 days
 * before it; with fewer than MIN_AMOUNTS_FOR_BASELINE there, with their amounts of every group;
 * with fewer still, with every amount kept, however old. A customer back after months of silence
 * is measured against their habits before it: an account unused since the summer that sends
 * 6,800 to a stranger is not "without history" (a takeover of a dormant account looks exactly so).
 */
export function compareWithBaseline(baselines: AmountBaselines, group: AmountGroup, t: number, amountMilli: number): AmountComparison {
  const from = t - WINDOW_SECONDS['90d'];
  const bins: number[] = [];
  collectBins(baselines[group], from, t, bins);
  if (bins.length < MIN_AMOUNTS_FOR_BASELINE) {
    bins.length = 0;
    for (const other of AMOUNT_GROUPS) collectBins(baselines[other], from, t, bins);
  }
  if (bins.length < MIN_AMOUNTS_FOR_BASELINE) {
    bins.length = 0;
    for (const other of AMOUNT_GROUPS) collectBins(baselines[other], -Infinity, t, bins);
  }
  if (bins.length < MIN_AMOUNTS_FOR_BASELINE) return NO_COMPARISON;
  sortAscending(bins);
  const median = medianOfSorted(bins);
  for (let i = 0; i < bins.length; i++) bins[i] = Math.abs(bins[i]! - median);
  const mad = medianOfSorted(sortAscending(bins));
  const spread = Math.max(MAD_TO_SIGMA * mad / BINS_PER_LOG_UNIT, MIN_SPREAD_LOG);
  const logAmount = Math.log(Math.max(amountMilli, 1) / 1000);
  const logMedian = median / BINS_PER_LOG_UNIT;
  return { robustZ: (logAmount - logMedian) / spread, ratioToMedian: Math.exp(logAmount - logMedian) };
}

/** Appends the bins of amounts in [from, t) (strictly before the event being judged). */
function collectBins(entries: readonly BaselineEntry[] | undefined, from: number, t: number, into: number[]): void {
  if (!entries) return;
  for (const [time, bin] of entries) if (time >= from && time < t) into.push(bin);
}

/**
 * In place, by insertion: a group holds at most BASELINE_CAP amounts (every group together a few
 * times that), where Array.prototype.sort allocated a working copy on each of two sorts per payment.
 */
function sortAscending(values: number[]): number[] {
  for (let i = 1; i < values.length; i++) {
    const value = values[i]!;
    let j = i - 1;
    while (j >= 0 && values[j]! > value) {
      values[j + 1] = values[j]!;
      j--;
    }
    values[j + 1] = value;
  }
  return values;
}

function medianOfSorted(sorted: readonly number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function compareEntries(a: BaselineEntry, b: BaselineEntry): number {
  return a[0] - b[0] || a[1] - b[1];
}
