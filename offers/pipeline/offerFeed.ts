import type { Redis } from 'ioredis';
import type { Logger } from '../../core/observability/index.js';
import { PubSubFeed } from '../../core/sse/pubSubFeed.js';
import { outcomeOf, type DecisionRecord } from './decisionRecord.js';
import type { OfferMetrics } from '../metrics.js';

/** Decisions as they are made, for marketing's live view: server-sent events over Redis pub/sub. */
export class OfferFeed extends PubSubFeed<DecisionRecord> {
  constructor(private readonly publisher: Redis, channel: string, opts: { log: Logger; metrics?: OfferMetrics; heartbeatMs?: number }) {
    super(publisher, channel, {
      name: 'offers',
      log: opts.log,
      clients: opts.metrics?.feedClients,
      heartbeatMs: opts.heartbeatMs,
      decode: (message) => JSON.parse(message) as DecisionRecord,
      describe: (record) => ({ event: `offer.${outcomeOf(record)}`, id: record.decisionId }),
    });
  }

  async publish(record: DecisionRecord): Promise<void> {
    await this.publisher.publish(this.channel, JSON.stringify(record));
  }
}
