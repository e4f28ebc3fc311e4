import { z } from 'zod';
import { PERFORMANCE_BUCKETS } from './rulePerformance.js';

// The one definition of GET /v1/rules/performance's shapes: the route validates and documents
// with them. snake_case, as the backtest's figures (the same measures on a replay) are.

/** The longest range one request may cover: a year and a month, as the alerts-per-day chart. */
export const MAX_RANGE_DAYS = 400;
const DAY_MS = 86_400_000;

const instant = z.iso.datetime({ offset: true });

export const rulePerformanceQuerySchema = z.strictObject({
  from: instant.describe('first alert creation time counted (inclusive)'),
  to: instant.describe('end of the range (exclusive)'),
  bucket: z.enum(PERFORMANCE_BUCKETS).default('day').describe('periods: UTC days, or ISO weeks from Monday 00:00Z'),
  rule_id: z.string().min(1).max(128).optional().describe('only this rule'),
}).superRefine((query, ctx) => {
  const span = Date.parse(query.to) - Date.parse(query.from);
  if (span <= 0) ctx.addIssue({ code: 'custom', path: ['to'], message: 'to must be later than from' });
  if (span > MAX_RANGE_DAYS * DAY_MS) ctx.addIssue({ code: 'custom', path: ['to'], message: `the range may cover at most ${MAX_RANGE_DAYS} days` });
});
export type RulePerformanceQuery = z.infer<typeof rulePerformanceQuerySchema>;

const interval = z.object({
  value: z.number().min(0).max(1),
  low: z.number().min(0).max(1),
  high: z.number().min(0).max(1),
}).describe('a proportion with its 95% Wilson score interval');

const figures = {
  raised: z.number().int().describe('alerts raised carrying the rule (an alert with several rules counts for each)'),
  resolved: z.number().int(),
  open: z.number().int().describe('not resolved now (never resolved, or reopened)'),
  true_positives: z.number().int().describe('resolved as confirmed fraud, churn or credit risk'),
  false_positives: z.number().int().describe('resolved as false_positive (the customer was genuine)'),
  resolved_without_verdict: z.number().int().describe('resolved with a disposition that records an action (customer contacted, no action needed, …)'),
  share_true_positive: z.number().min(0).max(1).describe('true_positives / raised'),
  share_false_positive: z.number().min(0).max(1).describe('false_positives / raised'),
  share_open: z.number().min(0).max(1).describe('open / raised'),
  precision: interval.nullable().describe('true / (true + false positives); null without a verdict'),
  time_to_disposition_seconds: z.object({ median: z.number(), p90: z.number() }).nullable()
    .describe('raising to the last resolve, over resolved alerts, nearest rank; null when none is resolved'),
};
export const performanceFiguresSchema = z.object(figures);

export const rulePerformanceResponseSchema = z.object({
  from: z.string(),
  to: z.string(),
  bucket: z.enum(PERFORMANCE_BUCKETS),
  rules: z.array(z.object({
    rule_id: z.string(),
    model_version: z.string().nullable().describe('<name>@<version> of the models the rule fired on (comma-separated); null when it read none'),
    total: performanceFiguresSchema,
    periods: z.array(z.object({ start: z.string().describe('the period\'s first instant (UTC)'), ...figures })),
  })),
});
export type RulePerformanceResponse = z.infer<typeof rulePerformanceResponseSchema>;
