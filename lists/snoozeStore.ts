import type { Redis } from 'ioredis';
import { partitionKeys, partitionOf } from '../core/streams/index.js';
import { didYouMean } from '../rules/index.js';
import { InvalidListInputError, SnoozeConflictError, SnoozeNotFoundError, UnknownRuleError } from './errors.js';
import {
  activeSnoozes, decodeSnoozes, encodeSnoozes, snoozeInputSchema, untilProblem, type Snooze, type SnoozeChange,
} from './snooze.js';

export interface SnoozeStoreOptions {
  redis: Redis;
  prefix: string;
  partitions: number;
  /** The rule ids of the published set: only those can be snoozed. */
  ruleIds: () => readonly string[];
  /** The latest `until`, in days from now (VIGIL_SNOOZE_MAX_DAYS). */
  maxDays: number;
  /** How long a customer's snooze history is kept after its last change. */
  historyTtlSeconds: number;
  now?: () => number;
}

type ScriptedRedis = Redis & { vigilWriteSnoozes(n: number, ...args: (string | number)[]): Promise<number> };

/**
 * Compare-and-set of a customer's snoozes: writes only if the stored document is still what the
 * caller read, so two officers snoozing two rules at once both land. The value expires with its
 * last snooze; the history record goes in with the change.
 * KEYS: snoozes, history. ARGV: expected ('' = absent), new ('' = delete), expire at (ms), history record, history cap, history TTL (s).
 */
const WRITE_SNOOZES = `
local current = redis.call('GET', KEYS[1]) or ''
if current ~= ARGV[1] then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2], 'PXAT', ARGV[3]) end
redis.call('LPUSH', KEYS[2], ARGV[4])
redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[5]) - 1)
redis.call('EXPIRE', KEYS[2], ARGV[6])
return 1
`;

const HISTORY_KEPT = 100;
const MAX_CAS_ATTEMPTS = 20;

/** Snoozed rules per customer, stored in the customer's partition so the risk batch reads them with the risk state. */
export class SnoozeStore {
  private readonly redis: ScriptedRedis;
  private readonly now: () => number;

  constructor(private readonly opts: SnoozeStoreOptions) {
    this.now = opts.now ?? Date.now;
    opts.redis.defineCommand('vigilWriteSnoozes', { lua: WRITE_SNOOZES });
    this.redis = opts.redis as ScriptedRedis;
  }

  keysOf(customerId: string): { snoozes: string; history: string } {
    const snoozes = partitionKeys(this.opts.prefix, partitionOf(customerId, this.opts.partitions)).snoozePrefix + customerId;
    return { snoozes, history: `${snoozes}#history` };
  }

  /** The snoozes in force and the history of changes, newest first. */
  async get(customerId: string): Promise<{ active: Snooze[]; history: SnoozeChange[] }> {
    const keys = this.keysOf(customerId);
    const [stored, history] = await Promise.all([this.redis.get(keys.snoozes), this.redis.lrange(keys.history, 0, -1)]);
    return {
      active: activeSnoozes(decodeSnoozes(stored), this.now()),
      history: history.map((json) => JSON.parse(json) as SnoozeChange),
    };
  }

  /** Snoozes a rule (or replaces its snooze) for the customer; answers the snooze and whether it is new. */
  async snooze(customerId: string, input: unknown, actor: string): Promise<{ snooze: Snooze; created: boolean }> {
    const parsed = snoozeInputSchema.safeParse(input);
    if (!parsed.success) throw new InvalidListInputError(parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`));
    const { rule_id: ruleId, reason, until } = parsed.data;
    const ruleIds = this.opts.ruleIds();
    if (!ruleIds.includes(ruleId)) throw new UnknownRuleError(ruleId, didYouMean(ruleId, ruleIds));
    const nowMs = this.now();
    const problem = untilProblem(until, nowMs, this.opts.maxDays);
    if (problem) throw new InvalidListInputError([`until: ${problem}`]);
    const at = new Date(nowMs).toISOString();
    const snooze: Snooze = { ruleId, reason, until: new Date(Date.parse(until)).toISOString(), snoozedAt: at, snoozedBy: actor };
    let created = false;
    await this.change(customerId, (current) => {
      created = !current.has(ruleId);
      current.set(ruleId, snooze);
      return { at, actor, action: 'snoozed', ruleId, reason, until: snooze.until };
    });
    return { snooze, created };
  }

  async unsnooze(customerId: string, ruleId: string, actor: string): Promise<void> {
    await this.change(customerId, (current) => {
      if (!current.has(ruleId)) throw new SnoozeNotFoundError(customerId, ruleId);
      current.delete(ruleId);
      return { at: new Date(this.now()).toISOString(), actor, action: 'unsnoozed', ruleId };
    });
  }

  /** Subject access: everything held, expired snoozes not yet gone included. */
  async export(customerId: string): Promise<{ snoozes: Snooze[]; history: SnoozeChange[] } | null> {
    const keys = this.keysOf(customerId);
    const [stored, history] = await Promise.all([this.redis.get(keys.snoozes), this.redis.lrange(keys.history, 0, -1)]);
    if (stored === null && history.length === 0) return null;
    return { snoozes: [...decodeSnoozes(stored).values()], history: history.map((json) => JSON.parse(json) as SnoozeChange) };
  }

  async erase(customerId: string): Promise<{ snoozes: number; history: number }> {
    const keys = this.keysOf(customerId);
    const [stored, history] = await Promise.all([this.redis.get(keys.snoozes), this.redis.llen(keys.history)]);
    await this.redis.del(keys.snoozes, keys.history);
    return { snoozes: decodeSnoozes(stored).size, history };
  }

  /** Read, change (dropping expired snoozes), compare-and-set; on a race read again. */
  private async change(customerId: string, edit: (current: Map<string, Snooze>) => SnoozeChange): Promise<void> {
    const keys = this.keysOf(customerId);
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const raw = await this.redis.get(keys.snoozes);
      const nowMs = this.now();
      const current = new Map(activeSnoozes(decodeSnoozes(raw), nowMs).map((s) => [s.ruleId, s]));
      const record = edit(current);
      const remaining = [...current.values()];
      const expireAt = Math.max(0, ...remaining.map((s) => Date.parse(s.until)));
      const written = await this.redis.vigilWriteSnoozes(2, keys.snoozes, keys.history,
        raw ?? '', remaining.length > 0 ? encodeSnoozes(remaining) : '', expireAt, JSON.stringify(record), HISTORY_KEPT, this.opts.historyTtlSeconds);
      if (written === 1) return;
    }
    throw new SnoozeConflictError(customerId);
  }
}
