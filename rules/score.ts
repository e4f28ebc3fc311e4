import { z } from 'zod';
import { durationTextSchema, parseDuration } from './duration.js';
import type { RuleMatch } from './evaluate.js';

// A customer's fraud, churn and credit scores, each in [0, 1].
//
// Within one event, the weights of the active rules that fired combine as a noisy-OR,
// 1 − Π(1 − w): each rule is treated as an independent chance that something is wrong, so two
// medium signals outrank one, no number of rules exceeds 1, and adding or raising a weight never
// lowers the score.
//
// Across events, the previous score fades with a half-life (fraud in hours: an attack is now or
// never; churn in weeks: drift is slow; credit in a month: arrears and maxed cards last) and the new score is the larger of the faded one and this
// event's. Taking the maximum, rather than OR-ing the two, matters: a standing condition such as
// "salary stopped" fires on every event, and OR-ing it with itself would drive any customer to 1
// by mere activity. Shadow matches never count.

const halfLife = durationTextSchema.transform((text) => parseDuration(text) ?? 0);

export const scoringConfigSchema = z.strictObject({
  /** Durations as text ('6h', '14d'); parsed to milliseconds. */
  half_life: z.strictObject({
    fraud: halfLife.prefault('6h'),
    churn: halfLife.prefault('14d'),
    credit: halfLife.prefault('30d'),
  }).prefault({}),
}).prefault({});
export type ScoringConfig = z.output<typeof scoringConfigSchema>;
export type ScoringConfigInput = z.input<typeof scoringConfigSchema>;

export const DEFAULT_SCORING_CONFIG: ScoringConfig = scoringConfigSchema.parse(undefined);

export const SCORED_TYPES = ['fraud', 'churn', 'credit'] as const;
export type ScoredType = (typeof SCORED_TYPES)[number];

export type CustomerScores = Record<ScoredType, number>;
export interface PreviousScores extends CustomerScores {
  /** When the previous scores were computed (epoch ms). */
  atMs: number;
}

/** 1 − Π(1 − w) over weights clamped to [0, 1]; 0 for no weights. */
export function noisyOr(weights: readonly number[]): number {
  const miss = weights.reduce((product, w) => product * (1 - clamp01(w)), 1);
  return clamp01(1 - miss);
}

/** A score after `elapsedMs`: halved every `halfLifeMs`. Negative elapsed time (events out of order) does not grow it. */
export function decayScore(score: number, elapsedMs: number, halfLifeMs: number): number {
  if (halfLifeMs <= 0) return 0;
  return clamp01(score) * 0.5 ** (Math.max(0, elapsedMs) / halfLifeMs);
}

/**
 * Scores after one event's matches at `nowMs`, carrying `previous` forward. Pure; the caller keeps
 * `{ ...result, atMs: nowMs }` as the next `previous`.
 */
export function scoreCustomer(
  matches: readonly RuleMatch[],
  previous: PreviousScores | undefined,
  nowMs: number,
  cfg: ScoringConfig = DEFAULT_SCORING_CONFIG,
): CustomerScores {
  // Scores stored before credit was scored have none: 0.
  const carried = (type: ScoredType): number =>
    previous ? decayScore(previous[type] ?? 0, nowMs - previous.atMs, cfg.half_life[type]) : 0;
  const score = (type: ScoredType) => Math.max(carried(type), currentScore(matches, type));
  return { fraud: score('fraud'), churn: score('churn'), credit: score('credit') };
}

/** This event's score of a type: the noisy-OR of its active matches' weights, in match order, without copying them out. */
function currentScore(matches: readonly RuleMatch[], type: ScoredType): number {
  let miss = 1;
  for (const match of matches) if (match.mode === 'active' && match.alertType === type) miss *= 1 - clamp01(match.weight);
  return clamp01(1 - miss);
}

function clamp01(value: number): number {
  if (Number.isNaN(value)) return 0;
  return Math.min(1, Math.max(0, value));
}
