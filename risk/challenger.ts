import type { NewAlert } from '../alerts/index.js';
import { TABLES, toClickHouseDateTime64 } from '../aggregates/index.js';
import type { VigilEvent } from '../core/events/index.js';
import type { ChallengerOutcome } from './assess.js';

// What a challenger rule set would have done on one event, as rows of `challenger_alerts`: one per
// alert type either set alerts on, so the comparison counts "both", "champion only" and
// "challenger only" over exactly the events both sets saw, from one table. Pure.

/** One row of `challenger_alerts`; the customer id is pseudonymised at the insert gate. */
export type ChallengerAlertRow = {
  event_id: string;
  customer_id: string;
  occurred_at: string;
  type: string;
  challenger_version: string;
  champion_version: string;
  /** 1 when the challenger would have raised an alert of this type on the event. */
  challenger_alerted: 0 | 1;
  /** The challenger's would-be alert ('' / [] / 0 on a champion-only row). */
  severity: string;
  rule_ids: string[];
  score: number;
  /** 1 when the champion raised (decided to raise) an alert of this type on the same event. */
  champion_alerted: 0 | 1;
  champion_rule_ids: string[];
  recorded_at: string;
};

export const CHALLENGER_TABLE = TABLES.challengerAlerts;

export function challengerAlertRows(
  event: VigilEvent, champion: { version: string; alerts: readonly NewAlert[] }, challenger: ChallengerOutcome, recordedAtMs: number,
): ChallengerAlertRow[] {
  const types = [...new Set([...challenger.alerts.map((a) => a.type), ...champion.alerts.map((a) => a.type)])];
  return types.map((type) => {
    const would = challenger.alerts.find((a) => a.type === type);
    const raised = champion.alerts.find((a) => a.type === type);
    return {
      event_id: event.event_id,
      customer_id: event.customer_id,
      occurred_at: toClickHouseDateTime64(Date.parse(event.occurred_at)),
      type,
      challenger_version: challenger.version,
      champion_version: champion.version,
      challenger_alerted: would ? 1 : 0,
      severity: would?.severity ?? '',
      rule_ids: would?.ruleIds ?? [],
      score: would?.score ?? 0,
      champion_alerted: raised ? 1 : 0,
      champion_rule_ids: raised?.ruleIds ?? [],
      recorded_at: toClickHouseDateTime64(recordedAtMs),
    };
  });
}

/** The field of the per-partition hash counting events a challenger version was assessed on, by UTC day. */
export function assessedField(version: string, occurredAt: string): string {
  return `${version}|${new Date(Date.parse(occurredAt)).toISOString().slice(0, 10)}`;
}
