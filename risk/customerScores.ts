import type { Redis } from 'ioredis';
import { partitionKeys, partitionOf } from '../core/streams/index.js';
import { decayScore, DEFAULT_SCORING_CONFIG, SCORED_TYPES } from '../rules/index.js';
import { decodeRiskState } from './riskState.js';

/** A customer's current scores by model ({ fraud, churn, credit }, 0–1); {} for a customer never assessed. */
export type CustomerScoreReader = (customerId: string) => Promise<Record<string, number>>;

/**
 * Reads the scores where the risk pipeline keeps them (the customer's risk state, written in the
 * same commit as the features and alerts) and fades them to `now` with the scoring half-lives, as
 * the next event would: a fraud score of 0.9 from last month reads as about 0 today.
 */
export function customerScoreReader(redis: Redis, opts: { prefix: string; partitions: number; now?: () => number }): CustomerScoreReader {
  const now = opts.now ?? Date.now;
  return async (customerId): Promise<Record<string, number>> => {
    const keys = partitionKeys(opts.prefix, partitionOf(customerId, opts.partitions));
    const stored = await redis.get(keys.riskStatePrefix + customerId);
    if (!stored) return {};
    const { scores } = decodeRiskState(stored);
    const elapsed = now() - scores.atMs;
    return Object.fromEntries(SCORED_TYPES.map((type) => [type, shown(decayScore(scores[type], elapsed, DEFAULT_SCORING_CONFIG.half_life[type]))]));
  };
}

/**
 * To four decimals: a score faded for days is 3.85e-71 in floating point, which a person reads as
 * noise, and nothing below a ten-thousandth changes what an officer does.
 */
function shown(score: number): number {
  return Math.round(score * 10_000) / 10_000;
}
