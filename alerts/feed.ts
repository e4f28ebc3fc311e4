import type { FastifyReply } from 'fastify';
import type { Redis } from 'ioredis';
import type { Logger } from '../core/observability/index.js';
import { PubSubFeed } from '../core/sse/pubSubFeed.js';
import type { AlertMetrics } from './metrics.js';
import { matchesFilter, withOverdue, type AlertEvent, type AlertFilter, type StoredAlert } from './schema.js';

// The live alert feed. The store PUBLISHes every created alert and every transition on
// `<prefix>:alerts:feed` from the same Lua script that writes it; the generic pub/sub feed fans
// them out to server-sent-event clients. Pub/sub is at most once: a client that was disconnected
// re-reads GET /v1/alerts for what it missed.

export type FeedFilter = Pick<AlertFilter, 'type' | 'severity' | 'minSeverity'>;

export interface AlertFeedOptions {
  log: Logger;
  metrics?: AlertMetrics;
  /** Comment lines keep proxies and load balancers from closing an idle stream; default 15 s. */
  heartbeatMs?: number;
  now?: () => number;
}

export class AlertFeed extends PubSubFeed<AlertEvent> {
  constructor(redis: Redis, channel: string, opts: AlertFeedOptions) {
    const now = opts.now ?? Date.now;
    super(redis, channel, {
      name: 'alerts',
      log: opts.log,
      clients: opts.metrics?.feedClients,
      heartbeatMs: opts.heartbeatMs,
      // Overdue is a function of the clock, so it is computed as the message goes out.
      decode: (message) => {
        const parsed = JSON.parse(message) as Omit<AlertEvent, 'alert'> & { alert: StoredAlert };
        return { ...parsed, alert: withOverdue(parsed.alert, now()) };
      },
      describe: (event) => ({ event: event.event, id: event.id }),
    });
  }

  /** Streams alert events matching the filter as server-sent events. */
  serveFiltered(reply: FastifyReply, filter: FeedFilter): Promise<void> {
    return this.serve(reply, (event) => matchesFilter(event.alert, filter));
  }
}
