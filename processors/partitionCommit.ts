import type { Redis } from 'ioredis';
import type { PartitionKeys } from '../core/streams/index.js';

/** One state change of a batch; all of a batch's changes are written by a single script. */
export type StateChange =
  | { op: 'set'; key: string; value: string; ttlSeconds: number }
  | { op: 'hincrby'; key: string; field: string; by: number }
  | { op: 'hmax'; key: string; field: string; value: number }
  | { op: 'hmin'; key: string; field: string; value: number }
  | { op: 'expire'; key: string; ttlSeconds: number }
  | { op: 'rpush'; key: string; value: string }
  | { op: 'zadd'; key: string; member: string; score: number }
  | { op: 'zrem'; key: string; member: string };

// Applies a batch's state changes atomically, and only while the caller still holds the
// partition lease: a worker that lost its lease (paused, partitioned) cannot overwrite its
// successor's state. KEYS[1] = lease, KEYS[2..] = one key per change; ARGV[1] = owner, then per
// change: op, a, b (meaning by op).
const COMMIT_IF_LEASED = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
for i = 2, #KEYS do
  local key, op, a, b = KEYS[i], ARGV[3 * i - 4], ARGV[3 * i - 3], ARGV[3 * i - 2]
  if op == 'set' then redis.call('SET', key, a, 'EX', b)
  elseif op == 'hincrby' then redis.call('HINCRBY', key, a, b)
  elseif op == 'hmax' then
    local current = tonumber(redis.call('HGET', key, a) or '-1')
    if tonumber(b) > current then redis.call('HSET', key, a, b) end
  elseif op == 'hmin' then
    local current = redis.call('HGET', key, a)
    if not current or tonumber(b) < tonumber(current) then redis.call('HSET', key, a, b) end
  elseif op == 'expire' then redis.call('EXPIRE', key, a)
  elseif op == 'rpush' then redis.call('RPUSH', key, a)
  elseif op == 'zadd' then redis.call('ZADD', key, b, a)
  elseif op == 'zrem' then redis.call('ZREM', key, a)
  end
end
return 1
`;

type CommittingRedis = Redis & { vigilCommitIfLeased(numKeys: number, ...args: (string | number)[]): Promise<number> };

function argsOf(change: StateChange): [string | number, string | number] {
  switch (change.op) {
    case 'set': return [change.value, change.ttlSeconds];
    case 'hincrby': return [change.field, change.by];
    case 'hmax':
    case 'hmin': return [change.field, change.value];
    case 'expire': return [change.ttlSeconds, ''];
    case 'rpush': return [change.value, ''];
    case 'zadd': return [change.member, change.score];
    case 'zrem': return [change.member, ''];
  }
}

export class PartitionCommitter {
  private readonly redis: CommittingRedis;

  constructor(redis: Redis) {
    redis.defineCommand('vigilCommitIfLeased', { lua: COMMIT_IF_LEASED });
    this.redis = redis as CommittingRedis;
  }

  /** Writes every change or none; false when the lease is no longer this owner's. */
  async commit(keys: PartitionKeys, owner: string, changes: readonly StateChange[]): Promise<boolean> {
    if (changes.length === 0) return true;
    const redisKeys = [keys.lease, ...changes.map((c) => c.key)];
    const args: (string | number)[] = [owner];
    for (const change of changes) args.push(change.op, ...argsOf(change));
    return (await this.redis.vigilCommitIfLeased(redisKeys.length, ...redisKeys, ...args)) === 1;
  }

  /** Which entry (if any) already applied each event id; a `null` means not yet applied. */
  async appliedBy(keys: PartitionKeys, eventIds: readonly string[]): Promise<(string | null)[]> {
    if (eventIds.length === 0) return [];
    return this.redis.mget(...eventIds.map((id) => keys.appliedPrefix + id));
  }
}
