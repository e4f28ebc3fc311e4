import type { Redis } from 'ioredis';
import type { ApprovalAction, ApprovalStatus } from './policy.js';

/** A proposed change as recorded: who proposed it, who decided it, when, and what came of it. */
export interface Proposal {
  id: string;
  action: ApprovalAction;
  status: ApprovalStatus;
  /** In words, e.g. "Publish rule set 2026-11-29.2". */
  title: string;
  /** What it changes: a rule set version, a campaign id, a list name. */
  target: string;
  /** The proposer as audit records name people, `<role>:<name>`, and their name alone. */
  proposedBy: string;
  proposedByName: string;
  proposedAt: string;
  expiresAt: string;
  decidedBy?: string;
  decidedByName?: string;
  decidedAt?: string;
  /** A rejection's reason. */
  comment?: string;
  appliedAt?: string;
  /** What applying it did (version published, entries imported…), or why it failed. */
  result?: Record<string, unknown>;
  error?: string;
  /** Facts shown with the proposal (row counts, revision). */
  details?: Record<string, unknown>;
}

const KEPT = 500;

// Decides a pending proposal in one step: only one of two approvers clicking at once wins, and
// an expired proposal cannot be approved. Only the small record is decoded here; payloads (rule
// text, CSV rows) live in their own hash and never pass through Lua's JSON.
const DECIDE = `
local json = redis.call('HGET', KEYS[1], ARGV[1])
if not json then return {0, 'NOT_FOUND'} end
local p = cjson.decode(json)
if p.status ~= 'pending' then return {0, 'NOT_PENDING', p.status} end
if tonumber(ARGV[3]) >= tonumber(p.expiresAtMs) then return {0, 'EXPIRED', p.expiresAt} end
p.status = ARGV[2]
p.decidedBy = ARGV[4]
p.decidedByName = ARGV[5]
p.decidedAt = ARGV[6]
if ARGV[7] ~= '' then p.comment = ARGV[7] end
local out = cjson.encode(p)
redis.call('HSET', KEYS[1], ARGV[1], out)
return {1, out}
`;

/** Proposals in Redis under `<prefix>:approvals` (records, payloads, an index by time). */
export class ApprovalStore {
  private readonly records: string;
  private readonly payloads: string;
  private readonly index: string;

  constructor(private readonly redis: Redis, prefix: string) {
    this.records = `${prefix}:approvals`;
    this.payloads = `${prefix}:approvals:payloads`;
    this.index = `${prefix}:approvals:index`;
  }

  async create(proposal: Proposal, payload: unknown): Promise<void> {
    const stored = { ...proposal, expiresAtMs: Date.parse(proposal.expiresAt) };
    await this.redis.multi()
      .hset(this.records, proposal.id, JSON.stringify(stored))
      .hset(this.payloads, proposal.id, JSON.stringify(payload))
      .zadd(this.index, Date.parse(proposal.proposedAt), proposal.id)
      .exec();
    await this.trim();
  }

  async get(id: string): Promise<Proposal | undefined> {
    const json = await this.redis.hget(this.records, id);
    return json ? strip(JSON.parse(json)) : undefined;
  }

  async payload(id: string): Promise<unknown> {
    const json = await this.redis.hget(this.payloads, id);
    return json === null ? undefined : JSON.parse(json);
  }

  /** Newest first. */
  async list(limit: number): Promise<Proposal[]> {
    const ids = await this.redis.zrevrange(this.index, 0, limit - 1);
    if (ids.length === 0) return [];
    const jsons = await this.redis.hmget(this.records, ...ids);
    return jsons.filter((j): j is string => j !== null).map((j) => strip(JSON.parse(j)));
  }

  /** Moves a pending, unexpired proposal to approved or rejected; otherwise says why not. */
  async decide(id: string, to: 'approved' | 'rejected', by: { actor: string; name: string }, nowMs: number, comment = ''):
  Promise<{ ok: true; proposal: Proposal } | { ok: false; reason: 'NOT_FOUND' | 'NOT_PENDING' | 'EXPIRED'; detail?: string }> {
    const [won, value, detail] = await this.redis.eval(DECIDE, 1, this.records, id, to, nowMs, by.actor, by.name, new Date(nowMs).toISOString(), comment) as [number, string, string?];
    if (won === 1) return { ok: true, proposal: strip(JSON.parse(value)) };
    return { ok: false, reason: value as 'NOT_FOUND' | 'NOT_PENDING' | 'EXPIRED', detail };
  }

  /** Records the outcome of applying an approved proposal (only its decider gets here). */
  async finish(proposal: Proposal): Promise<void> {
    await this.redis.hset(this.records, proposal.id, JSON.stringify({ ...proposal, expiresAtMs: Date.parse(proposal.expiresAt) }));
  }

  private async trim(): Promise<void> {
    const excess = (await this.redis.zcard(this.index)) - KEPT;
    if (excess <= 0) return;
    const old = await this.redis.zrange(this.index, 0, excess - 1);
    await this.redis.multi().zrem(this.index, ...old).hdel(this.records, ...old).hdel(this.payloads, ...old).exec();
  }
}

function strip(stored: Proposal & { expiresAtMs?: number }): Proposal {
  const { expiresAtMs: _ms, ...proposal } = stored;
  return proposal;
}
