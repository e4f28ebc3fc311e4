import type { Redis } from 'ioredis';
import type { Logger } from '../../core/observability/index.js';
import type { PartitionKeys } from '../../core/streams/index.js';
import type { StateChange } from '../../processors/partitionCommit.js';
import type { AssessedEvent, AssessmentFollower } from '../../risk/riskEffect.js';
import type { CampaignSource, OfferDecider } from './offerDecider.js';
import { offerOutboxRecord, type OfferOutboxRecord } from '../decide/offerTriggers.js';
import type { OfferPolicy } from '../decide/policy.js';

const OUTBOX_PAGE = 100;

export interface OfferFollowerDeps {
  redis: Redis;
  campaigns: CampaignSource;
  decider: OfferDecider;
  policy: OfferPolicy;
  log: Logger;
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
      },
      this.deps.campaigns.current(),
      this.now(),
      this.deps.policy,
    );
    if (!record) return [];
    this.pending.add(keys.partition);
    return [{ op: 'rpush', key: keys.offerOutbox, value: JSON.stringify(record) }];
  }

  async afterCommit(keys: PartitionKeys): Promise<void> {
    if (!this.pending.has(keys.partition)) return;
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
      const records: OfferOutboxRecord[] = [];
      for (const json of page) {
        try {
          records.push(JSON.parse(json) as OfferOutboxRecord);
        } catch (err) {
          this.deps.log.error({ err, partition: keys.partition }, 'unreadable offer outbox record; dropped');
        }
      }
      await this.deps.decider.handle(records);
      await this.deps.redis.ltrim(keys.offerOutbox, page.length, -1);
    }
  }
}
