import type { Redis } from 'ioredis';
import type { CustomerDataHolder } from '../core/privacy/index.js';
import { partitionKeys, partitionOf } from '../core/streams/index.js';
import { featuresAt } from '../features/index.js';
import { decodeRiskState } from './riskState.js';

/** The customer's risk state (rolling features, fraud and churn scores, suppression), for subject access and erasure. */
export function riskData(redis: Redis, opts: { prefix: string; partitions: number; now?: () => number }): CustomerDataHolder {
  const keysOf = (customerId: string) => partitionKeys(opts.prefix, partitionOf(customerId, opts.partitions));
  const keyOf = (customerId: string) => keysOf(customerId).riskStatePrefix + customerId;
  return {
    name: 'risk',
    async export(customerId) {
      const [stored, nextReview] = await Promise.all([redis.get(keyOf(customerId)), redis.zscore(keysOf(customerId).reviewDue, customerId)]);
      if (stored === null) return null;
      const state = decodeRiskState(stored);
      const asOf = (opts.now ?? Date.now)();
      return {
        as_of: new Date(asOf).toISOString(),
        features: featuresAt(state.features, asOf),
        scores: { fraud: state.scores.fraud, churn: state.scores.churn, credit: state.scores.credit, scored_at: state.scores.atMs ? new Date(state.scores.atMs).toISOString() : null },
        // When each rule last raised an alert for the customer (its suppression window runs from there).
        rules_last_raised: Object.fromEntries(Object.entries(state.lastRaised).map(([rule, ms]) => [rule, new Date(ms).toISOString()])),
        // When Vigil next looks at the customer unprompted (a scheduled review), if it will.
        next_review_at: nextReview === null ? null : new Date(Number(nextReview)).toISOString(),
        // While a challenger rule set runs: its own scores and suppression for the customer (risk/challengerRegistry.ts).
        ...(state.challenger ? {
          challenger: {
            version: state.challenger.version,
            scores: { fraud: state.challenger.scores.fraud, churn: state.challenger.scores.churn, credit: state.challenger.scores.credit },
            rules_last_raised: Object.fromEntries(Object.entries(state.challenger.lastRaised).map(([rule, ms]) => [rule, new Date(ms).toISOString()])),
          },
        } : {}),
      };
    },
    async erase(customerId) {
      const keys = keysOf(customerId);
      const [removed] = await Promise.all([redis.del(keys.riskStatePrefix + customerId), redis.zrem(keys.reviewDue, customerId)]);
      return { risk_state: removed };
    },
  };
}
