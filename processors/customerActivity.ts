import type { Redis } from 'ioredis';
import { moneyDirection, type VigilEvent } from '../core/events/index.js';
import { partitionKeys } from '../core/streams/index.js';

// Applies a batch of events to per-customer activity summaries, each event at most once: the
// applied marker (holding the stream entry that applied it) and the state change happen in one
// script. Per event it answers 1 = applied now, 2 = this same entry was applied before (a
// redelivery after a crash), 0 = another entry already carried this event_id (a duplicate event).
// KEYS: per event [applied marker, customer hash]; ARGV: [appliedTtl, customerTtl, then per event
// entry id, type, occurred_ms, direction, currency, amount_minor].
const APPLY_ONCE = `
local outcome = {}
for i = 1, #KEYS / 2 do
  local customer = KEYS[2 * i]
  local a = 2 + (i - 1) * 6
  local previous = redis.call('GET', KEYS[2 * i - 1])
  if previous then
    outcome[i] = previous == ARGV[a + 1] and 2 or 0
  else
    outcome[i] = 1
    redis.call('SET', KEYS[2 * i - 1], ARGV[a + 1], 'EX', ARGV[1])
    local at = tonumber(ARGV[a + 3])
    redis.call('HINCRBY', customer, 'events', 1)
    redis.call('HINCRBY', customer, 'type:' .. ARGV[a + 2], 1)
    if ARGV[a + 4] ~= '' then
      redis.call('HINCRBY', customer, 'money_' .. ARGV[a + 4] .. ':' .. ARGV[a + 5], ARGV[a + 6])
    end
    local last = tonumber(redis.call('HGET', customer, 'last_event_ms') or '0')
    if at > last then redis.call('HSET', customer, 'last_event_ms', at) end
    local first = redis.call('HGET', customer, 'first_event_ms')
    if not first or at < tonumber(first) then redis.call('HSET', customer, 'first_event_ms', at) end
    redis.call('EXPIRE', customer, ARGV[2])
  end
end
return outcome
`;

/** What applying did to one event. */
export type ApplyOutcome = 'applied' | 'redelivered' | 'duplicate';
const OUTCOMES: readonly ApplyOutcome[] = ['duplicate', 'applied', 'redelivered'];

type ApplyingRedis = Redis & { vigilApplyActivity(numKeys: number, ...args: (string | number)[]): Promise<number[]> };

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

  /** Applies the events (with their stream entry ids) of one partition, in order. */
  async apply(partition: number, events: readonly { id: string; event: VigilEvent }[]): Promise<ApplyOutcome[]> {
    if (events.length === 0) return [];
    const keys = partitionKeys(this.opts.prefix, partition);
    const redisKeys: string[] = [];
    const args: (string | number)[] = [this.opts.appliedTtlSeconds, this.opts.customerTtlSeconds];
    for (const { id, event: e } of events) {
      redisKeys.push(keys.appliedPrefix + e.event_id, keys.customerPrefix + e.customer_id);
      const money = 'amount_minor' in e ? e : undefined;
      args.push(id, e.type, Date.parse(e.occurred_at), moneyDirection(e), money?.currency ?? '', money?.amount_minor ?? 0);
    }
    const codes = await this.redis.vigilApplyActivity(redisKeys.length, ...redisKeys, ...args);
    return codes.map((code) => OUTCOMES[code]!);
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
