import { archivedAlertOutcomes, type AggregateStore } from '../../aggregates/index.js';
import type { Logger } from '../../core/observability/index.js';
import type { AlertMetrics } from '../metrics.js';
import { rulePerformance, type ArchivedAlert, type ArchivedTransition } from './rulePerformance.js';

// Per-rule gauges for drift alerts (config/prometheus/alerts.yml, group vigil-rule-performance):
// each rule's alerts per day and precision over the last 7 days against the 28 days before them.
// Recomputed every VIGIL_RULE_PERFORMANCE_REFRESH_MS by the process that owns ClickHouse (the API
// process beside an embedded one; every API process with a ClickHouse server, which export the
// same values: the alert rules take max by rule). Alerts are judged by their state at the
// refresh, as GET /v1/rules/performance judges them.

const DAY_MS = 86_400_000;
export const PERFORMANCE_WINDOWS = [
  { label: 'last_7d', startDaysAgo: 7, endDaysAgo: 0 },
  { label: 'previous_28d', startDaysAgo: 35, endDaysAgo: 7 },
] as const;

/** A rule's figures in one window, summed over the model versions it fired on. */
export interface RuleWindowFigures {
  ruleId: string;
  window: (typeof PERFORMANCE_WINDOWS)[number]['label'];
  alertsPerDay: number;
  verdicts: number;
  /** Null without a verdict. */
  precision: number | null;
}

/**
 * Pure: every rule's figures in each window ending at `nowMs`, from the alerts of the last 35
 * days. A rule with alerts in one window only is given 0 alerts per day in the other, so a rule
 * that fell silent shows as a drop to 0 rather than as a missing series; its precision there is
 * absent (null).
 */
export function windowFigures(alerts: readonly ArchivedAlert[], transitions: readonly ArchivedTransition[], nowMs: number): RuleWindowFigures[] {
  const sums = PERFORMANCE_WINDOWS.map((window) => {
    const range = { fromMs: nowMs - window.startDaysAgo * DAY_MS, toMs: nowMs - window.endDaysAgo * DAY_MS, bucket: 'day' as const };
    const byRule = new Map<string, { raised: number; truePositives: number; falsePositives: number }>();
    for (const row of rulePerformance(alerts, transitions, range)) {
      const sum = byRule.get(row.rule_id) ?? { raised: 0, truePositives: 0, falsePositives: 0 };
      sum.raised += row.total.raised;
      sum.truePositives += row.total.true_positives;
      sum.falsePositives += row.total.false_positives;
      byRule.set(row.rule_id, sum);
    }
    return { window, byRule };
  });
  const rules = [...new Set(sums.flatMap(({ byRule }) => [...byRule.keys()]))].sort();
  return sums.flatMap(({ window, byRule }) => rules.map((ruleId) => {
    const sum = byRule.get(ruleId) ?? { raised: 0, truePositives: 0, falsePositives: 0 };
    const verdicts = sum.truePositives + sum.falsePositives;
    const days = window.startDaysAgo - window.endDaysAgo;
    return { ruleId, window: window.label, alertsPerDay: sum.raised / days, verdicts, precision: verdicts > 0 ? sum.truePositives / verdicts : null };
  }));
}

export interface RulePerformanceGaugesOptions {
  store: AggregateStore;
  metrics: AlertMetrics;
  log: Logger;
  refreshMs: number;
  maxAlerts: number;
  now?: () => number;
}

export class RulePerformanceGauges {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly now: () => number;

  constructor(private readonly opts: RulePerformanceGaugesOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** Computes the gauges now and then every refreshMs; a failed refresh is logged and counted, never thrown. */
  start(): void {
    void this.refreshQuietly();
    this.timer = setInterval(() => void this.refreshQuietly(), this.opts.refreshMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One recomputation; rejects when ClickHouse fails or the window holds more than maxAlerts alerts. */
  async refresh(): Promise<RuleWindowFigures[]> {
    const nowMs = this.now();
    const oldest = Math.max(...PERFORMANCE_WINDOWS.map((w) => w.startDaysAgo));
    const archived = await archivedAlertOutcomes(this.opts.store, { fromMs: nowMs - oldest * DAY_MS, toMs: nowMs }, this.opts.maxAlerts);
    if (archived.truncated) throw new Error(`more than ${this.opts.maxAlerts} alerts in the last ${oldest} days (VIGIL_RULE_PERFORMANCE_MAX_ALERTS)`);
    const figures = windowFigures(archived.alerts, archived.transitions, nowMs);
    const { ruleAlertsPerDay, rulePrecision, ruleVerdicts, rulePerformanceRefreshed } = this.opts.metrics;
    // Reset first: a rule that raised nothing in 35 days (or was removed) leaves the gauges.
    ruleAlertsPerDay.reset();
    rulePrecision.reset();
    ruleVerdicts.reset();
    for (const f of figures) {
      const labels = { rule_id: f.ruleId, window: f.window };
      ruleAlertsPerDay.set(labels, f.alertsPerDay);
      ruleVerdicts.set(labels, f.verdicts);
      if (f.precision !== null) rulePrecision.set(labels, f.precision);
    }
    rulePerformanceRefreshed.set(nowMs / 1000);
    return figures;
  }

  private async refreshQuietly(): Promise<void> {
    if (this.running) return;
    this.running = this.refresh().then(
      () => undefined,
      (error: unknown) => {
        this.opts.metrics.rulePerformanceFailures.inc();
        this.opts.log.warn({ err: error }, 'rule performance gauges not refreshed; they keep their last values');
      },
    ).finally(() => {
      this.running = undefined;
    });
    await this.running;
  }
}
