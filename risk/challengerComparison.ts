import type { Redis } from 'ioredis';
import { z } from 'zod';
import { TABLES, type AggregateStore } from '../aggregates/index.js';
import { partitionKeys } from '../core/streams/index.js';
import { ClickHouseHistory } from '../backtest/history.js';
import { LabelIndex } from '../backtest/labels.js';

// The challenger against the champion over a range of event days: how many events it saw, what
// each set alerted on (per type, rule and day), where they agree, and precision against the
// verdicts officers gave the champion's live alerts. Read from `challenger_alerts` (one row per
// event and type either set alerted on) and the partitions' counts of events the challenger saw.

const DAY_MS = 86_400_000;
export const MAX_COMPARISON_DAYS = 400;

// Date.parse takes 2026-02-30 for March 2nd: a day is valid only when it reads back the same.
const isCalendarDay = (text: string) => {
  const ms = Date.parse(`${text}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === text;
};
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date, YYYY-MM-DD (UTC days)').refine(isCalendarDay, 'not a calendar date');

export const comparisonQuerySchema = z.strictObject({
  version: z.string().min(1).max(64).optional().describe('the challenger version; the running one when absent'),
  from: day.optional().describe('first UTC day of event time (inclusive); the day the version was first started when absent'),
  to: day.optional().describe('UTC day the range ends before (exclusive); tomorrow when absent'),
});
export type ComparisonQuery = z.infer<typeof comparisonQuerySchema>;

const tally = z.object({ champion: z.number().int(), challenger: z.number().int(), both: z.number().int(), champion_only: z.number().int(), challenger_only: z.number().int() });
const precision = z.object({
  alerts: z.number().int(),
  labelled: z.number().int().describe('alerts whose live alert an officer resolved with a verdict'),
  true_positives: z.number().int(),
  false_positives: z.number().int(),
  precision: z.number().nullable().describe('true / labelled; null without labels'),
  unlabelled: z.number().int().describe('alerts without a verdict; every challenger-only alert is one (nobody worked it)'),
});

export const comparisonSchema = z.object({
  challenger_version: z.string(),
  running: z.boolean().describe('whether this version is the running challenger'),
  champion_versions: z.array(z.string()).describe('published versions the challenger ran beside in the range'),
  from: z.string(),
  to: z.string(),
  events_assessed: z.number().int().describe('events both sets were evaluated on (scheduled reviews are the champion\'s alone)'),
  alerts: tally.describe('per event and alert type: one alert per type and event, as live'),
  by_type: z.record(z.string(), tally),
  by_rule: z.object({ champion: z.record(z.string(), precision), challenger: z.record(z.string(), precision) }).describe('an alert carrying two rules counts for both'),
  by_day: z.array(z.object({ day: z.string(), events_assessed: z.number().int(), champion: z.number().int(), challenger: z.number().int(), both: z.number().int() })),
  precision: z.object({ champion: precision, challenger: precision }),
  labels_note: z.string(),
});
export type ChallengerComparison = z.infer<typeof comparisonSchema>;

interface CountRow { type: string; day: string; challenger_alerted: number; champion_alerted: number; n: number }
interface AlertedRow { event_id: string; customer_id: string; type: string; challenger_alerted: number; champion_alerted: number; rule_ids: string[]; champion_rule_ids: string[] }

export async function compareChallenger(
  deps: { store: AggregateStore; redis: Redis; prefix: string; partitions: number },
  range: { version: string; fromDay: string; toDay: string; running: boolean },
): Promise<ChallengerComparison> {
  const fromMs = Date.parse(`${range.fromDay}T00:00:00Z`);
  const toMs = Date.parse(`${range.toDay}T00:00:00Z`);
  const table = `${deps.store.database}.${TABLES.challengerAlerts}`;
  // One row per (event, customer, type) even were a batch ever stored twice outside the dedup window.
  const rows = `SELECT * FROM ${table}
    WHERE challenger_version = {version:String}
      AND occurred_at >= fromUnixTimestamp64Milli({from:Int64}, 'UTC') AND occurred_at < fromUnixTimestamp64Milli({to:Int64}, 'UTC')
    LIMIT 1 BY event_id, customer_id, type`;
  const params = { version: range.version, from: fromMs, to: toMs };
  const [counts, alerted, champions, assessed, labels] = await Promise.all([
    deps.store.query<CountRow>(
      `SELECT type, toString(toDate(occurred_at)) AS day, challenger_alerted, champion_alerted, count() AS n FROM (${rows})
       GROUP BY type, day, challenger_alerted, champion_alerted`, params,
    ),
    deps.store.query<AlertedRow>(`SELECT event_id, customer_id, type, challenger_alerted, champion_alerted, rule_ids, champion_rule_ids FROM (${rows})`, params),
    deps.store.query<{ v: string }>(`SELECT DISTINCT champion_version AS v FROM (${rows}) ORDER BY v`, params),
    assessedByDay(deps, range.version, range.fromDay, range.toDay),
    new ClickHouseHistory(deps.store).labelledAlerts({ fromMs, toMs }),
  ]);
  const index = new LabelIndex(labels);

  const total = emptyTally();
  const byType: Record<string, z.infer<typeof tally>> = {};
  const days = new Map<string, { champion: number; challenger: number; both: number }>();
  for (const row of counts) {
    const n = Number(row.n);
    for (const t of [total, (byType[row.type] ??= emptyTally())]) addTo(t, Number(row.champion_alerted) === 1, Number(row.challenger_alerted) === 1, n);
    const d = days.get(row.day) ?? { champion: 0, challenger: 0, both: 0 };
    if (Number(row.champion_alerted) === 1) d.champion += n;
    if (Number(row.challenger_alerted) === 1) d.challenger += n;
    if (Number(row.champion_alerted) === 1 && Number(row.challenger_alerted) === 1) d.both += n;
    days.set(row.day, d);
  }

  const sets = { champion: emptyPrecision(), challenger: emptyPrecision() };
  const byRule = { champion: {} as Record<string, z.infer<typeof precision>>, challenger: {} as Record<string, z.infer<typeof precision>> };
  for (const row of alerted) {
    // Only the champion's alerts were raised, so only they were worked. The challenger's alert on
    // the same event and type is judged by that verdict; one the champion did not raise has none.
    const verdict = Number(row.champion_alerted) === 1 ? index.verdict(row.type as never, row.customer_id, row.event_id) : undefined;
    if (Number(row.champion_alerted) === 1) {
      score(sets.champion, verdict);
      for (const rule of row.champion_rule_ids) score((byRule.champion[rule] ??= emptyPrecision()), verdict);
    }
    if (Number(row.challenger_alerted) === 1) {
      score(sets.challenger, verdict);
      for (const rule of row.rule_ids) score((byRule.challenger[rule] ??= emptyPrecision()), verdict);
    }
  }

  const allDays = [...new Set([...days.keys(), ...assessed.byDay.keys()])].sort();
  return {
    challenger_version: range.version,
    running: range.running,
    champion_versions: champions.map((c) => c.v),
    from: range.fromDay,
    to: range.toDay,
    events_assessed: assessed.total,
    alerts: total,
    by_type: byType,
    by_rule: byRule,
    by_day: allDays.map((d) => ({ day: d, events_assessed: assessed.byDay.get(d) ?? 0, ...(days.get(d) ?? { champion: 0, challenger: 0, both: 0 }) })),
    precision: sets,
    labels_note: 'Verdicts are those officers gave the champion\'s live alerts (confirmed_fraud, churn_confirmed, credit_risk_confirmed: true; '
      + 'false_positive: false). A challenger alert on the same event and type shares that verdict; challenger-only alerts were never raised, '
      + 'so nobody judged them: they are unlabelled, and the challenger\'s precision is over its labelled alerts only.',
  };
}

/** Events the version was assessed on, per UTC day in [from, to), summed over every partition. */
async function assessedByDay(deps: { redis: Redis; prefix: string; partitions: number }, version: string, fromDay: string, toDay: string) {
  // One command per partition, not a pipeline: on a Redis Cluster the partitions live in other slots.
  const hashes = await Promise.all(Array.from({ length: deps.partitions }, (_, p) => deps.redis.hgetall(partitionKeys(deps.prefix, p).challengerAssessed)));
  const byDay = new Map<string, number>();
  let total = 0;
  for (const hash of hashes) {
    for (const [field, count] of Object.entries(hash)) {
      const cut = field.lastIndexOf('|');
      const [v, d] = [field.slice(0, cut), field.slice(cut + 1)];
      if (v !== version || d < fromDay || d >= toDay) continue;
      byDay.set(d, (byDay.get(d) ?? 0) + Number(count));
      total += Number(count);
    }
  }
  return { byDay, total };
}

/** The UTC day after `ms`'s day. */
export function nextDay(ms: number): string {
  return new Date(Math.floor(ms / DAY_MS) * DAY_MS + DAY_MS).toISOString().slice(0, 10);
}

function emptyTally(): z.infer<typeof tally> {
  return { champion: 0, challenger: 0, both: 0, champion_only: 0, challenger_only: 0 };
}

function addTo(t: z.infer<typeof tally>, champion: boolean, challenger: boolean, n: number): void {
  if (champion) t.champion += n;
  if (challenger) t.challenger += n;
  if (champion && challenger) t.both += n;
  else if (champion) t.champion_only += n;
  else if (challenger) t.challenger_only += n;
}

function emptyPrecision(): z.infer<typeof precision> {
  return { alerts: 0, labelled: 0, true_positives: 0, false_positives: 0, precision: null, unlabelled: 0 };
}

function score(p: z.infer<typeof precision>, verdict: 'confirmed' | 'false_positive' | undefined): void {
  p.alerts++;
  if (verdict === undefined) p.unlabelled++;
  else {
    p.labelled++;
    if (verdict === 'confirmed') p.true_positives++;
    else p.false_positives++;
  }
  p.precision = p.labelled === 0 ? null : p.true_positives / p.labelled;
}
