import { verdictFor } from '../verdicts.js';

// How each rule's alerts turned out, from the archive (alerts and their resolve / reopen
// transitions), per period: pure, plain data in and out.
//
// - An alert counts in the period it was raised in (UTC day, or ISO week from Monday), once for
//   every rule it carries, grouped by (rule, model version): the models that rule fired on, as
//   the alert recorded them (`null` when it read none, and for alerts archived before model
//   versions were recorded).
// - Its outcome is its state now: resolved with the disposition of its last `resolve` if that was
//   not followed by a `reopen`, otherwise open. A reopened and re-resolved alert counts once, with
//   its last disposition; a resolved then reopened one is open.
// - The disposition gives a verdict by alert type (alerts/verdicts.ts): true positive, false
//   positive, or none (an action such as "customer contacted"). raised = true positives + false
//   positives + resolved without verdict + open; the shares are of raised.
// - Precision = true / (true + false positives), with its 95% Wilson score interval (sound for
//   small counts and at 0 or 1, where the normal approximation collapses); null with no verdict.
// - Time to disposition: from raising to the last resolve, over resolved alerts, median and p90 by
//   nearest rank (a time some alert actually took).
// - Rows archived twice (an outbox retry beyond the dedup window) count once: alerts by id,
//   transitions by (alert, seq).

export const PERFORMANCE_BUCKETS = ['day', 'week'] as const;
export type PerformanceBucket = (typeof PERFORMANCE_BUCKETS)[number];

/** An alert as archived: `modelVersions[i]` names the models `ruleIds[i]` fired on ('' none; may be shorter than ruleIds). */
export interface ArchivedAlert {
  id: string;
  type: string;
  createdAtMs: number;
  ruleIds: readonly string[];
  modelVersions: readonly string[];
}

/** A status-changing step of an alert's history; other actions are ignored. */
export interface ArchivedTransition {
  alertId: string;
  seq: number;
  atMs: number;
  action: string;
  disposition: string;
}

export interface PerformanceRange {
  fromMs: number;
  /** Exclusive. */
  toMs: number;
  bucket: PerformanceBucket;
  /** Only this rule; every rule when absent. */
  ruleId?: string;
}

export interface Interval {
  value: number;
  low: number;
  high: number;
}

export interface PerformanceFigures {
  raised: number;
  resolved: number;
  open: number;
  true_positives: number;
  false_positives: number;
  /** Resolved with a disposition that records an action, not a verdict. */
  resolved_without_verdict: number;
  share_true_positive: number;
  share_false_positive: number;
  share_open: number;
  precision: Interval | null;
  time_to_disposition_seconds: { median: number; p90: number } | null;
}

export interface PeriodFigures extends PerformanceFigures {
  /** The period's first instant, ISO (a day at 00:00Z, a week on Monday 00:00Z). */
  start: string;
}

export interface RulePerformance {
  rule_id: string;
  /** `<name>@<version>` of the models the rule fired on (comma-separated), null when none. */
  model_version: string | null;
  total: PerformanceFigures;
  periods: PeriodFigures[];
}

/** Whether an alert is resolved now, with which disposition and when. */
export type AlertOutcome = { status: 'open' } | { status: 'resolved'; disposition: string; atMs: number };

const DAY_MS = 86_400_000;
/** The 97.5th percentile of the standard normal: a two-sided 95% interval. */
const Z95 = 1.959963984540054;

/** The alert's state now from its transitions (any order, duplicates allowed): the last resolve or reopen decides. */
export function alertOutcome(transitions: readonly ArchivedTransition[]): AlertOutcome {
  let last: ArchivedTransition | undefined;
  for (const t of transitions) {
    if (t.action !== 'resolve' && t.action !== 'reopen') continue;
    if (!last || t.seq > last.seq) last = t;
  }
  if (!last || last.action === 'reopen') return { status: 'open' };
  return { status: 'resolved', disposition: last.disposition, atMs: last.atMs };
}

/** The 95% Wilson score interval of a proportion of `successes` in `trials`; null without trials. */
export function wilsonInterval(successes: number, trials: number, z = Z95): Interval | null {
  if (trials <= 0) return null;
  const p = successes / trials;
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / denominator;
  return { value: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** The nearest-rank quantile of sorted values: the smallest value with at least q of them at or below it. */
export function nearestRank(sorted: readonly number[], q: number): number {
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1]!;
}

/** The start of the period holding `atMs`: its UTC day, or the Monday 00:00Z of its ISO week. */
export function periodStart(atMs: number, bucket: PerformanceBucket): number {
  const day = Math.floor(atMs / DAY_MS) * DAY_MS;
  if (bucket === 'day') return day;
  const sinceMonday = (new Date(day).getUTCDay() + 6) % 7;
  return day - sinceMonday * DAY_MS;
}

interface Tally {
  raised: number;
  open: number;
  truePositives: number;
  falsePositives: number;
  withoutVerdict: number;
  dispositionMs: number[];
}

const emptyTally = (): Tally => ({ raised: 0, open: 0, truePositives: 0, falsePositives: 0, withoutVerdict: 0, dispositionMs: [] });

function count(tally: Tally, type: string, createdAtMs: number, outcome: AlertOutcome): void {
  tally.raised++;
  if (outcome.status === 'open') {
    tally.open++;
    return;
  }
  tally.dispositionMs.push(Math.max(0, outcome.atMs - createdAtMs));
  const verdict = verdictFor(type, outcome.disposition);
  if (verdict === 'confirmed') tally.truePositives++;
  else if (verdict === 'false_positive') tally.falsePositives++;
  else tally.withoutVerdict++;
}

function figures(tally: Tally): PerformanceFigures {
  const { raised, open, truePositives, falsePositives } = tally;
  const times = [...tally.dispositionMs].sort((a, b) => a - b);
  return {
    raised,
    resolved: raised - open,
    open,
    true_positives: truePositives,
    false_positives: falsePositives,
    resolved_without_verdict: tally.withoutVerdict,
    share_true_positive: raised > 0 ? truePositives / raised : 0,
    share_false_positive: raised > 0 ? falsePositives / raised : 0,
    share_open: raised > 0 ? open / raised : 0,
    precision: wilsonInterval(truePositives, truePositives + falsePositives),
    time_to_disposition_seconds: times.length === 0 ? null : { median: nearestRank(times, 0.5) / 1000, p90: nearestRank(times, 0.9) / 1000 },
  };
}

/**
 * Per rule and model version, the figures of the alerts raised in [fromMs, toMs), in total and
 * per period (periods without alerts are left out), sorted by rule, then model version.
 */
export function rulePerformance(
  alerts: readonly ArchivedAlert[], transitions: readonly ArchivedTransition[], range: PerformanceRange,
): RulePerformance[] {
  const transitionsOf = new Map<string, ArchivedTransition[]>();
  for (const t of transitions) transitionsOf.set(t.alertId, [...(transitionsOf.get(t.alertId) ?? []), t]);

  const groups = new Map<string, { ruleId: string; modelVersion: string | null; total: Tally; periods: Map<number, Tally> }>();
  const seen = new Set<string>();
  for (const alert of alerts) {
    if (seen.has(alert.id) || alert.createdAtMs < range.fromMs || alert.createdAtMs >= range.toMs) continue;
    seen.add(alert.id);
    const outcome = alertOutcome(transitionsOf.get(alert.id) ?? []);
    const period = periodStart(alert.createdAtMs, range.bucket);
    // A rule listed twice on one alert still counts the alert once for it.
    const counted = new Set<string>();
    alert.ruleIds.forEach((ruleId, i) => {
      if (range.ruleId !== undefined && ruleId !== range.ruleId) return;
      const modelVersion = alert.modelVersions[i] ? alert.modelVersions[i]! : null;
      const key = `${ruleId}\u0000${modelVersion ?? ''}`;
      if (counted.has(key)) return;
      counted.add(key);
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { ruleId, modelVersion, total: emptyTally(), periods: new Map() }));
      count(group.total, alert.type, alert.createdAtMs, outcome);
      let tally = group.periods.get(period);
      if (!tally) group.periods.set(period, (tally = emptyTally()));
      count(tally, alert.type, alert.createdAtMs, outcome);
    });
  }

  return [...groups.values()]
    .sort((a, b) => compare(a.ruleId, b.ruleId) || compare(a.modelVersion ?? '', b.modelVersion ?? ''))
    .map((group) => ({
      rule_id: group.ruleId,
      model_version: group.modelVersion,
      total: figures(group.total),
      periods: [...group.periods].sort(([a], [b]) => a - b).map(([start, tally]) => ({ start: new Date(start).toISOString(), ...figures(tally) })),
    }));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
