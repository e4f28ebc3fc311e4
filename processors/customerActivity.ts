import type { Redis } from 'ioredis';
import { moneyDirection, type VigilEvent } from '../core/events/index.js';
import { partitionKeys } from '../core/streams/index.js';

// Applies a batch of events to per-customer activity summaries, each at most once: the applied
// marker and the state change happen in one script, so a redelivered event changes nothing.
// KEYS: per event [applied marker, customer hash]; ARGV: [appliedTtl, customerTtl, then per event
// type, occurred_ms, direction, currency, amount_minor].
const APPLY_ONCE = `
local applied = 0
for i = 1, #KEYS / 2 do
  local customer = KEYS[2 * i]
  local a = 2 + (i - 1) * 5
  if redis.call('SET', KEYS[2 * i - 1], '1', 'NX', 'EX', ARGV[1]) then
    applied = applied + 1
    local at = tonumber(ARGV[a + 2])
    redis.call('HINCRBY', customer, 'events', 1)
    redis.call('HINCRBY', customer, 'type:' .. ARGV[a + 1], 1)
    if ARGV[a + 3] ~= '' then
      redis.call('HINCRBY', customer, 'money_' .. ARGV[a + 3] .. ':' .. ARGV[a + 4], ARGV[a + 5])
    end
    local last = tonumber(redis.call('HGET', customer, 'last_event_ms') or '0')
    if at > last then redis.call('HSET', customer, 'last_event_ms', at) end
    local first = redis.call('HGET', customer, 'first_event_ms')
    if not first or at < tonumber(first) then redis.call('HSET', customer, 'first_event_ms', at) end
    redis.call('EXPIRE', customer, ARGV[2])
  end
end
return applied
`;

type ApplyingRedis = Redis & { vigilApplyActivity(numKeys: number, ...args: (string | number)[]): Promise<number> };

export interface CustomerActivity {
  events: number;
  byType: Record<string, number>;
  /** Minor units per currency. */
  moneyIn: Record<string, number>;
  moneyOut: Record<string, number>;
  firstEventAt?: string;
  lastEventAt?: string;
}

/**
 * The running activity summary of each customer (counts by type, money in and out, first and
 * last activity): the first piece of the unified customer view, kept exactly once per event.
 */
export class CustomerActivityStore {
  private readonly redis: ApplyingRedis;

  constructor(
    redis: Redis,
    private readonly opts: { prefix: string; appliedTtlSeconds: number; customerTtlSeconds: number },
  ) {
    redis.defineCommand('vigilApplyActivity', { lua: APPLY_ONCE });
    this.redis = redis as ApplyingRedis;
  }

  /** Applies the events of one partition; returns how many were new (the rest were redeliveries). */
  async apply(partition: number, events: readonly VigilEvent[]): Promise<number> {
    if (events.length === 0) return 0;
    const keys = partitionKeys(this.opts.prefix, partition);
    const redisKeys: string[] = [];
    const args: (string | number)[] = [this.opts.appliedTtlSeconds, this.opts.customerTtlSeconds];
    for (const e of events) {
      redisKeys.push(keys.appliedPrefix + e.event_id, keys.customerPrefix + e.customer_id);
      const money = 'amount_minor' in e ? e : undefined;
      args.push(e.type, Date.parse(e.occurred_at), moneyDirection(e), money?.currency ?? '', money?.amount_minor ?? 0);
    }
    return this.redis.vigilApplyActivity(redisKeys.length, ...redisKeys, ...args);
  }

  async get(partition: number, customerId: string): Promise<CustomerActivity | undefined> {
    const hash = await this.redis.hgetall(partitionKeys(this.opts.prefix, partition).customerPrefix + customerId);
    if (!hash.events) return undefined;
    const activity: CustomerActivity = { events: Number(hash.events), byType: {}, moneyIn: {}, moneyOut: {} };
    for (const [field, value] of Object.entries(hash)) {
      const [kind, name] = field.split(':') as [string, string | undefined];
      if (kind === 'type' && name) activity.byType[name] = Number(value);
      if (kind === 'money_in' && name) activity.moneyIn[name] = Number(value);
      if (kind === 'money_out' && name) activity.moneyOut[name] = Number(value);
    }
    if (hash.first_event_ms) activity.firstEventAt = new Date(Number(hash.first_event_ms)).toISOString();
    if (hash.last_event_ms) activity.lastEventAt = new Date(Number(hash.last_event_ms)).toISOString();
    return activity;
  }
}
