import { z } from 'zod';
import { ruleSetDocumentSchema } from '../risk/ruleSetDocument.js';

// The one definition of the backtest API's shapes: the routes validate and document with them,
// the job writes results that satisfy them, the CLI reads them. Field names are snake_case, as the
// request's `rule_set` and `events_read` are.

const INSTANT_EXPECTED = 'an ISO date such as "2026-03-01" (midnight UTC) or an RFC 3339 date-time with offset such as "2026-03-01T12:00:00Z"';
// ClickHouse's DateTime64 ends in 2299; events before 1970 were never stored.
const LAST_INSTANT_MS = Date.parse('2299-12-31T23:59:59.999Z');

/**
 * A day (`2026-03-01`, midnight UTC) or an instant with its offset, within what the history can
 * hold: the range of a backtest and of a training export (models/historyExportSchema.ts). zod's
 * word for a failed union is a bare "Invalid input"; this says what is expected.
 */
export const historyInstant = z.union([z.iso.date(), z.iso.datetime({ offset: true })], {
  error: (issue) => (issue.input === undefined ? `required, ${INSTANT_EXPECTED}` : `must be ${INSTANT_EXPECTED}`),
}).refine((text) => { const ms = instantMs(text); return ms >= 0 && ms <= LAST_INSTANT_MS; }, 'must be a real date from 1970 to 2299')
  .describe('ISO date (midnight UTC) or RFC 3339 date-time with offset');

/**
 * The longest history one backtest replays: the events' default retention
 * (VIGIL_RETENTION_EVENTS_DAYS, 400), and a job of bounded length; a longer question is asked
 * as several backtests.
 */
export const MAX_BACKTEST_DAYS = 400;
const DAY_MS = 86_400_000;

export const backtestRequestSchema = z.strictObject({
  from: historyInstant.describe('first event time replayed (inclusive)'),
  to: historyInstant.describe(`end of the history (exclusive); quiet customers are reviewed up to it; at most ${MAX_BACKTEST_DAYS} days after from`),
  rule_set: ruleSetDocumentSchema.optional().describe('a candidate rule set, as PUT /v1/rules takes it; compared with the published one'),
}).superRefine((body, ctx) => {
  const span = instantMs(body.to) - instantMs(body.from);
  if (!(span > 0)) ctx.addIssue({ code: 'custom', path: ['to'], message: 'to must be later than from' });
  else if (span > MAX_BACKTEST_DAYS * DAY_MS) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: `a backtest replays at most ${MAX_BACKTEST_DAYS} days (the events' default retention); split a longer range into several backtests` });
  }
});
export type BacktestRequest = z.infer<typeof backtestRequestSchema>;

/** Milliseconds of a date (midnight UTC) or a date-time. */
export function instantMs(text: string): number {
  return Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
}

export const BACKTEST_STATES = ['queued', 'running', 'done', 'failed'] as const;
export type BacktestState = (typeof BACKTEST_STATES)[number];

export const backtestProgressSchema = z.object({
  events_total: z.number().int().nullable().describe('events stored in the range, counted when the job started'),
  events_read: z.number().int(),
  pages_read: z.number().int(),
  reviews: z.number().int().describe('quiet-customer reviews taken in the replay'),
  replayed_until: z.string().nullable().describe('event time reached'),
});
export type BacktestProgress = z.infer<typeof backtestProgressSchema>;

const ratio = z.number().min(0).max(1).nullable();
const counts = z.record(z.string(), z.number().int());

export const ruleScoreSchema = z.object({
  alerts: z.number().int().describe("alerts carrying the rule"),
  labelled: z.number().int().describe('of those, matched to a live alert an officer resolved with a verdict'),
  true_positives: z.number().int(),
  false_positives: z.number().int(),
  precision: ratio.describe('true / labelled; null when none is labelled'),
  recall: ratio.describe("true positives / confirmed live alerts of the rule's alert type in the range; null when there are none"),
});
export type RuleScore = z.infer<typeof ruleScoreSchema>;

export const ruleSetOutcomeSchema = z.object({
  version: z.string(),
  alerts: z.number().int(),
  customers_alerted: z.number().int(),
  by_type: counts,
  by_rule: counts.describe('an alert carrying two rules counts for both'),
  by_day: counts.describe('UTC date of the triggering event → alerts'),
  scores: z.record(z.string(), ruleScoreSchema).describe('per rule of the set, against officers\' dispositions'),
});
export type RuleSetOutcome = z.infer<typeof ruleSetOutcomeSchema>;

export const alertSampleSchema = z.object({
  type: z.string(),
  customer: z.string().describe('the customer pseudonym, as ClickHouse holds it'),
  event_id: z.string(),
  occurred_at: z.string(),
  rule_ids: z.array(z.string()),
});
export type AlertSample = z.infer<typeof alertSampleSchema>;

export const comparisonSchema = z.object({
  only_published: z.number().int(),
  only_candidate: z.number().int(),
  both: z.number().int(),
  only_published_by_rule: counts,
  only_candidate_by_rule: counts,
  samples: z.object({ only_published: z.array(alertSampleSchema), only_candidate: z.array(alertSampleSchema) })
    .describe('the first alerts of each side, in event time (at most 20 each)'),
});
export type Comparison = z.infer<typeof comparisonSchema>;

export const liveDifferenceSchema = z.object({
  kind: z.enum(['only_live', 'only_replayed', 'rules_differ']),
  type: z.string(),
  customer: z.string().describe('the customer pseudonym, as ClickHouse holds it'),
  event_id: z.string().describe('the triggering event, or review:<pseudonym>:<ms> for a review'),
  live_rule_ids: z.array(z.string()).optional(),
  replayed_rule_ids: z.array(z.string()).optional(),
});
export type LiveDifference = z.infer<typeof liveDifferenceSchema>;

export const liveComparisonSchema = z.object({
  source: z.literal('clickhouse:alerts'),
  live: z.number().int().describe('live alerts whose triggering event the backtest replayed, or whose review moment lies in the range'),
  replayed: z.number().int().describe('alerts the published set raised in the replay'),
  identical: z.number().int().describe('same type, customer, triggering event (or review moment) and rule ids on both sides'),
  rules_differ: z.number().int().describe('the same alert on both sides, carrying other rules'),
  only_live: z.number().int(),
  only_replayed: z.number().int(),
  replayed_digest: z.string().describe("XOR of SHA-256 over each replayed alert's line type|pseudonym|event id|sorted rule ids (hex)"),
  differences: z.array(liveDifferenceSchema).describe('the first differences (at most 100): replayed ones in event time, then the live alerts never replayed'),
}).describe('the published set against what the live pipeline raised over the same events, alert for alert');
export type LiveComparison = z.infer<typeof liveComparisonSchema>;

export const backtestResultSchema = z.object({
  events_read: z.number().int(),
  events_unreadable: z.number().int().describe('stored rows whose payload is not an event; skipped'),
  reviews: z.number().int(),
  seconds: z.number().describe('wall time of the job, reading included'),
  events_per_second: z.number(),
  labels: z.object({
    source: z.literal('clickhouse:alerts+alert_transitions'),
    labelled_in_range: z.number().int().describe('resolved live alerts with a verdict whose triggering event the backtest replayed'),
    confirmed_in_range: counts.describe('alert type → confirmed live alerts in the range (the recall denominators)'),
  }),
  published: ruleSetOutcomeSchema,
  live: liveComparisonSchema,
  candidate: ruleSetOutcomeSchema.optional(),
  comparison: comparisonSchema.optional(),
});
export type BacktestResult = z.infer<typeof backtestResultSchema>;

export const backtestStatusSchema = z.object({
  id: z.string(),
  state: z.enum(BACKTEST_STATES),
  requested_by: z.string().describe('<role>:<name> of the verified identity that asked'),
  requested_at: z.string(),
  from: z.string(),
  to: z.string(),
  published_version: z.string(),
  candidate_version: z.string().optional(),
  started_at: z.string().optional(),
  finished_at: z.string().optional(),
  progress: backtestProgressSchema,
  result: backtestResultSchema.optional(),
  error: z.string().optional(),
});
export type BacktestStatus = z.infer<typeof backtestStatusSchema>;
