import type { NewAlert } from '../alerts/index.js';
import type { RuleSet } from '../rules/index.js';
import type { Verdict } from './labels.js';
import type { AlertSample, Comparison, RuleScore, RuleSetOutcome } from './schema.js';

// The figures of a backtest, counted as alerts come out of the replay: nothing keeps the alerts
// themselves, so memory grows with customers, rules and days, not with alerts. Pure.

const SAMPLES_KEPT = 20;

/** What one rule set's replay raised, and how it scores against officers' verdicts. */
export class RuleSetTally {
  private alerts = 0;
  private readonly customers = new Set<string>();
  private readonly byType: Record<string, number> = {};
  private readonly byRule: Record<string, number> = {};
  private readonly byDay: Record<string, number> = {};
  private readonly verdicts = new Map<string, { labelled: number; confirmed: number }>();

  constructor(private readonly ruleSet: RuleSet) {}

  add(alert: NewAlert, verdict: Verdict | undefined): void {
    this.alerts++;
    this.customers.add(alert.customerId);
    increment(this.byType, alert.type);
    // The UTC date: an event's own time may carry any offset.
    increment(this.byDay, new Date(alert.triggeringEvents[0]!.occurredAt).toISOString().slice(0, 10));
    for (const ruleId of alert.ruleIds) {
      increment(this.byRule, ruleId);
      if (!verdict) continue;
      const scored = this.verdicts.get(ruleId) ?? { labelled: 0, confirmed: 0 };
      scored.labelled++;
      if (verdict === 'confirmed') scored.confirmed++;
      this.verdicts.set(ruleId, scored);
    }
  }

  /** `confirmedByType`: confirmed live alerts in the range per alert type, the recall denominators. */
  outcome(confirmedByType: Readonly<Record<string, number>>): RuleSetOutcome {
    const scores: Record<string, RuleScore> = {};
    for (const rule of this.ruleSet.rules) {
      const { labelled, confirmed } = this.verdicts.get(rule.id) ?? { labelled: 0, confirmed: 0 };
      const known = confirmedByType[rule.alert_type] ?? 0;
      scores[rule.id] = {
        alerts: this.byRule[rule.id] ?? 0,
        labelled,
        true_positives: confirmed,
        false_positives: labelled - confirmed,
        precision: labelled > 0 ? confirmed / labelled : null,
        recall: known > 0 ? confirmed / known : null,
      };
    }
    return {
      version: this.ruleSet.version,
      alerts: this.alerts,
      customers_alerted: this.customers.size,
      by_type: { ...this.byType },
      by_rule: { ...this.byRule },
      by_day: sortedByKey(this.byDay),
      scores,
    };
  }
}

/**
 * Published against candidate, alert by alert, matched by type, customer and triggering event
 * (the alert's dedup key). Both replays assess the same events and reviews in the same order, so
 * the alerts of one event or review are compared as they come: what one side raised for it and
 * the other did not is a difference.
 */
export class ComparisonTally {
  private onlyPublished = 0;
  private onlyCandidate = 0;
  private both = 0;
  private readonly onlyPublishedByRule: Record<string, number> = {};
  private readonly onlyCandidateByRule: Record<string, number> = {};
  private readonly samples: { only_published: AlertSample[]; only_candidate: AlertSample[] } = { only_published: [], only_candidate: [] };

  /** The alerts each side raised for one assessment (one event, or one review). */
  addStep(published: readonly NewAlert[], candidate: readonly NewAlert[]): void {
    if (published.length === 0 && candidate.length === 0) return;
    const candidateKeys = new Set(candidate.map((alert) => alert.dedupKey));
    const publishedKeys = new Set(published.map((alert) => alert.dedupKey));
    for (const alert of published) {
      if (candidateKeys.has(alert.dedupKey)) this.both++;
      else this.record(alert, 'only_published');
    }
    for (const alert of candidate) {
      if (!publishedKeys.has(alert.dedupKey)) this.record(alert, 'only_candidate');
    }
  }

  outcome(): Comparison {
    return {
      only_published: this.onlyPublished,
      only_candidate: this.onlyCandidate,
      both: this.both,
      only_published_by_rule: { ...this.onlyPublishedByRule },
      only_candidate_by_rule: { ...this.onlyCandidateByRule },
      samples: { only_published: [...this.samples.only_published], only_candidate: [...this.samples.only_candidate] },
    };
  }

  private record(alert: NewAlert, side: 'only_published' | 'only_candidate'): void {
    if (side === 'only_published') this.onlyPublished++;
    else this.onlyCandidate++;
    const byRule = side === 'only_published' ? this.onlyPublishedByRule : this.onlyCandidateByRule;
    for (const ruleId of alert.ruleIds) increment(byRule, ruleId);
    if (this.samples[side].length < SAMPLES_KEPT) this.samples[side].push(sampleOf(alert));
  }
}

function sampleOf(alert: NewAlert): AlertSample {
  const trigger = alert.triggeringEvents[0]!;
  return { type: alert.type, customer: alert.customerId, event_id: trigger.eventId, occurred_at: trigger.occurredAt, rule_ids: [...alert.ruleIds] };
}

function increment(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

function sortedByKey(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}
