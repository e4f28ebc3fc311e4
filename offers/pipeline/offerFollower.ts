import type { Redis } from 'ioredis';
import type { Logger } from '../../core/observability/index.js';
import type { PartitionKeys } from '../../core/streams/index.js';
import type { StateChange } from '../../processors/partitionCommit.js';
import type { AssessedEvent, AssessmentFollower } from '../../risk/riskEffect.js';
import type { OfferMetrics } from '../metrics.js';
import type { DeadTriggers } from './deadTriggers.js';
import type { CampaignSource, OfferDecider } from './offerDecider.js';
import { offerOutboxRecord, type OfferOutboxRecord } from '../decide/offerTriggers.js';
import type { OfferPolicy } from '../decide/policy.js';
import { decisionInstant, type OfferClock } from '../decide/offerClock.js';

const OUTBOX_PAGE = 100;
/** Attempts at one trigger that fails on its own before it is set aside as a dead trigger. */
const MAX_ATTEMPTS = 5;
/** Even with nothing planned, a partition's outbox is looked at this often (records put back by hand). */
const IDLE_CHECK_MS = 5_000;

export interface OfferFollowerDeps {
  redis: Redis;
  campaigns: CampaignSource;
  decider: OfferDecider;
  policy: OfferPolicy;
  /** The clock triggers are judged by (trigger age, birthday); the decider's, so both agree. */
  clock?: OfferClock;
  log: Logger;
  /** Where triggers that fail on their own MAX_ATTEMPTS times are set aside (a capped stream). */
  deadTriggers: DeadTriggers;
  metrics?: OfferMetrics;
  now?: () => number;
}

/**
 * Offers follow the risk assessment of every event: campaign triggers are evaluated in the batch
 * (pure, on the event's own features and scores) and the records that fired go to the
 * partition's offer outbox in the batch's commit. After the commit, and on takeover by another
 * worker, the outbox is decided page by page and trimmed only once a page is decided, so a crash
 * between commit and decision loses no trigger and, the decider being idempotent, sends nothing twice.
 */
export class OfferFollower implements AssessmentFollower {
  /** Partitions whose outbox may hold records: filled this batch, or a drain that failed. */
  private readonly pending = new Set<number>();
  private readonly lastLooked = new Map<number, number>();
  /** `<partition>:<event id>` → failed attempts of a trigger that failed alone. */
  private readonly attempts = new Map<string, number>();
  private readonly now: () => number;

  constructor(private readonly deps: OfferFollowerDeps) {
    this.now = deps.now ?? Date.now;
  }

  follow(keys: PartitionKeys, assessed: AssessedEvent): StateChange[] {
    const { assessment } = assessed;
    const record = offerOutboxRecord(
      {
        entryId: assessed.entryId,
        event: assessed.event,
        profile: assessed.profile,
        tier: assessment.tier,
        tags: assessment.tags,
        features: assessment.features,
        scores: { churn: assessment.state.scores.churn, fraud: assessment.state.scores.fraud },
        lists: assessed.lists,
      },
      this.deps.campaigns.current(),
      decisionInstant(this.deps.clock ?? 'wall', assessed.event, this.now()),
      this.deps.policy,
    );
    if (!record) return [];
    this.pending.add(keys.partition);
    return [{ op: 'rpush', key: keys.offerOutbox, value: JSON.stringify(record) }];
  }

  async afterCommit(keys: PartitionKeys): Promise<void> {
    const now = this.now();
    if (!this.pending.has(keys.partition) && now - (this.lastLooked.get(keys.partition) ?? 0) < IDLE_CHECK_MS) return;
    this.lastLooked.set(keys.partition, now);
    await this.drain(keys);
  }

  recover(keys: PartitionKeys): Promise<void> {
    return this.drain(keys);
  }

  /** Decides everything in the partition's outbox (also what a crashed worker left). */
  async drain(keys: PartitionKeys): Promise<void> {
    this.pending.add(keys.partition);
    for (;;) {
      const page = await this.deps.redis.lrange(keys.offerOutbox, 0, OUTBOX_PAGE - 1);
      if (page.length === 0) {
        this.pending.delete(keys.partition);
        return;
      }
      const records = page.map(parseRecord);
      try {
        await this.deps.decider.handle(records.filter((r) => r !== undefined));
        if (this.attempts.size > 0) for (const r of records) if (r) this.attempts.delete(`${keys.partition}:${r.event.event_id}`);
      } catch (error) {
        this.deps.log.warn({ err: error, partition: keys.partition }, 'offer outbox page failed as a whole; deciding its records one by one');
        await this.oneByOne(keys, page, records);
      }
      for (const [i, record] of records.entries()) {
        if (record === undefined) await this.setAside(keys, page[i]!, new Error('unreadable offer outbox record'));
      }
      await this.deps.redis.ltrim(keys.offerOutbox, page.length, -1);
    }
  }

  /**
   * A page failed: decide its records one at a time, so one bad trigger cannot hold back the
   * partition's offers for ever. A record that fails alone is retried on later drains and set aside
   * after MAX_ATTEMPTS; until then it and the records after it stay for the next drain (Redis may
   * simply be away), and those before it, decided, are trimmed.
   */
  private async oneByOne(keys: PartitionKeys, page: readonly string[], records: readonly (OfferOutboxRecord | undefined)[]): Promise<void> {
    for (const [index, record] of records.entries()) {
      if (record === undefined) continue;
      const key = `${keys.partition}:${record.event.event_id}`;
      try {
        await this.deps.decider.handle([record]);
        this.attempts.delete(key);
      } catch (error) {
        const attempts = (this.attempts.get(key) ?? 0) + 1;
        this.attempts.set(key, attempts);
        if (attempts < MAX_ATTEMPTS) {
          for (const [i, earlier] of records.slice(0, index).entries()) {
            if (earlier === undefined) await this.setAside(keys, page[i]!, new Error('unreadable offer outbox record'));
          }
          if (index > 0) await this.deps.redis.ltrim(keys.offerOutbox, index, -1);
          throw error;
        }
        this.attempts.delete(key);
        await this.setAside(keys, page[index]!, error);
      }
    }
  }

  private async setAside(keys: PartitionKeys, raw: string, error: unknown): Promise<void> {
    await this.deps.deadTriggers.add(keys.partition, raw, error);
    this.deps.metrics?.deadTriggers.inc();
    this.deps.log.error({ err: error, partition: keys.partition }, 'offer trigger set aside as a dead trigger; see GET /v1/offers/dead-triggers');
  }
}

function parseRecord(json: string): OfferOutboxRecord | undefined {
  try {
    return JSON.parse(json) as OfferOutboxRecord;
  } catch {
    return undefined;
  }
}
