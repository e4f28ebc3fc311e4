import type { Redis } from 'ioredis';
import type { DecisionRecord } from './decisionRecord.js';
import { customerOfferKeys } from '../keys.js';

// The customer's decision record: their last decisions, newest first, each with its reasons, so
// marketing and the customer's adviser can answer "why did I get this offer, and why not that
// one?". Saving is idempotent on the decision id (a replayed trigger overwrites its own record).
// KEYS[1] = index (zset), KEYS[2] = docs (hash); ARGV: id, score, json, keep, ttl seconds.
const SAVE_DECISION = `
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
local keep = tonumber(ARGV[4])
local excess = redis.call('ZCARD', KEYS[1]) - keep
if excess > 0 then
  local old = redis.call('ZRANGE', KEYS[1], 0, excess - 1)
  redis.call('ZREMRANGEBYRANK', KEYS[1], 0, excess - 1)
  redis.call('HDEL', KEYS[2], unpack(old))
end
redis.call('EXPIRE', KEYS[1], ARGV[5])
redis.call('EXPIRE', KEYS[2], ARGV[5])
return 1
`;

type ScriptedRedis = Redis & { vigilSaveDecision(numKeys: number, ...args: (string | number)[]): Promise<number> };

export interface DecisionStoreOptions {
  prefix: string;
  /** Decisions kept per customer; default 100. */
  keep?: number;
  /** The record expires this long after the customer's last decision; default 400 days. */
  ttlSeconds?: number;
}

export class DecisionStore {
  private readonly redis: ScriptedRedis;

  constructor(redis: Redis, private readonly opts: DecisionStoreOptions) {
    redis.defineCommand('vigilSaveDecision', { lua: SAVE_DECISION });
    this.redis = redis as ScriptedRedis;
  }

  async save(record: DecisionRecord): Promise<void> {
    const keys = customerOfferKeys(this.opts.prefix, record.customerId);
    await this.redis.vigilSaveDecision(2, keys.decisions, keys.decisionDocs,
      record.decisionId, Date.parse(record.decidedAt), JSON.stringify(record), this.opts.keep ?? 100, this.opts.ttlSeconds ?? 400 * 86_400);
  }

  async get(customerId: string, decisionId: string): Promise<DecisionRecord | undefined> {
    const raw = await this.redis.hget(customerOfferKeys(this.opts.prefix, customerId).decisionDocs, decisionId);
    return raw === null ? undefined : (JSON.parse(raw) as DecisionRecord);
  }

  /** Newest first. */
  async list(customerId: string, limit: number): Promise<DecisionRecord[]> {
    const keys = customerOfferKeys(this.opts.prefix, customerId);
    const ids = await this.redis.zrevrange(keys.decisions, 0, limit - 1);
    if (ids.length === 0) return [];
    const raws = await this.redis.hmget(keys.decisionDocs, ...ids);
    return raws.filter((raw): raw is string => raw !== null).map((raw) => JSON.parse(raw) as DecisionRecord);
  }
}
