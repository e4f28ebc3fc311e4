import type { Redis } from 'ioredis';
import type { RuleSetDocument } from '../risk/ruleSetDocument.js';
import type { BacktestProgress, BacktestResult, BacktestState, BacktestStatus } from './schema.js';

// Each backtest is one JSON document in Redis, under one hash tag: what was asked (by whom, the
// range, the published set as it stood when asked, the candidate), its state and progress, and
// its result. Every document expires VIGIL_BACKTEST_RESULT_TTL_HOURS after its last state change:
// a result is for looking at, not an archive (the request can be run again).
//
// One writer at a time: the API creates the document, then only the job holding it writes it.

export interface StoredRuleSet extends RuleSetDocument {
  version: string;
}

export interface BacktestRecord {
  id: string;
  state: BacktestState;
  requested_by: string;
  requested_at: string;
  from: string;
  to: string;
  published: StoredRuleSet;
  candidate?: StoredRuleSet;
  started_at?: string;
  finished_at?: string;
  progress: BacktestProgress;
  result?: BacktestResult;
  error?: string;
}

export const EMPTY_PROGRESS: BacktestProgress = { events_total: null, events_read: 0, pages_read: 0, reviews: 0, replayed_until: null };

export class BacktestStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlSeconds: number,
  ) {}

  async create(record: BacktestRecord): Promise<void> {
    await this.redis.set(this.key(record.id), JSON.stringify(record), 'EX', this.ttlSeconds);
  }

  async get(id: string): Promise<BacktestRecord | undefined> {
    const json = await this.redis.get(this.key(id));
    return json ? (JSON.parse(json) as BacktestRecord) : undefined;
  }

  /** Changes the record, restarting its time to live; undefined when it has expired meanwhile. */
  async update(id: string, change: (record: BacktestRecord) => BacktestRecord): Promise<BacktestRecord | undefined> {
    const record = await this.get(id);
    if (!record) return undefined;
    const next = change(record);
    await this.redis.set(this.key(id), JSON.stringify(next), 'EX', this.ttlSeconds);
    return next;
  }

  private key(id: string): string {
    return `${this.prefix}:backtests:{${this.prefix}:backtests}:${id}`;
  }
}

/** What GET /v1/rules/backtests/{id} shows: the record without the rule sets' texts. */
export function statusOf(record: BacktestRecord): BacktestStatus {
  const { published, candidate, ...rest } = record;
  return { ...rest, published_version: published.version, ...(candidate ? { candidate_version: candidate.version } : {}) };
}
