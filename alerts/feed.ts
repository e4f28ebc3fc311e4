import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';
import type { Redis } from 'ioredis';
import type { Logger } from '../core/observability/index.js';
import type { AlertMetrics } from './metrics.js';
import { matchesFilter, withOverdue, type AlertEvent, type AlertFilter, type StoredAlert } from './schema.js';

// The live alert feed. The store PUBLISHes every created alert and every transition on
// `<prefix>:alerts:feed` from the same Lua script that writes it; each process holds one
// subscriber connection and fans messages out to its server-sent-event clients. Pub/sub is at
// most once: a client that was disconnected re-reads GET /v1/alerts for what it missed.

export type FeedFilter = Pick<AlertFilter, 'type' | 'severity' | 'minSeverity'>;
type Listener = (event: AlertEvent) => void;

export interface AlertFeedOptions {
  log: Logger;
  metrics?: AlertMetrics;
  /** Comment lines keep proxies and load balancers from closing an idle stream; default 15 s. */
  heartbeatMs?: number;
  now?: () => number;
}

// A client that does not read is cut off rather than buffered without bound in our memory.
const MAX_BUFFERED_BYTES = 1024 * 1024;

export class AlertFeed {
  private subscriber: Redis | undefined;
  private subscribing: Promise<void> | undefined;
  private readonly listeners = new Set<Listener>();
  private readonly streams = new Set<ServerResponse>();

  constructor(
    private readonly redis: Redis,
    readonly channel: string,
    private readonly opts: AlertFeedOptions,
  ) {}

  /** Calls the listener for every alert event from now on; answers the unsubscribe function. */
  async subscribe(listener: Listener): Promise<() => void> {
    // A failed attempt (Redis down) is forgotten so the next client tries again.
    this.subscribing ??= this.connect().catch((error: unknown) => {
      this.subscribing = undefined;
      throw error;
    });
    await this.subscribing;
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Streams events matching the filter as text/event-stream on a hijacked reply. The subscription
   * is live before the headers go out, so a client that has the response sees every later event.
   */
  async serve(reply: FastifyReply, filter: FeedFilter): Promise<void> {
    const raw = reply.raw;
    const send = (event: AlertEvent) => {
      if (raw.destroyed || raw.writableEnded || !matchesFilter(event.alert, filter)) return;
      raw.write(`event: ${event.event}\nid: ${event.id}\ndata: ${JSON.stringify(event)}\n\n`);
      if (raw.writableLength > MAX_BUFFERED_BYTES) raw.destroy();
    };
    const unsubscribe = await this.subscribe(send);
    reply.hijack();
    raw.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    raw.write(': connected\n\n');
    const heartbeat = setInterval(() => {
      if (!raw.destroyed && !raw.writableEnded) raw.write(': heartbeat\n\n');
    }, this.opts.heartbeatMs ?? 15_000);
    this.streams.add(raw);
    this.opts.metrics?.feedClients.inc();
    raw.once('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      this.streams.delete(raw);
      this.opts.metrics?.feedClients.dec();
    });
  }

  /** Ends every open stream, so the HTTP server can close (run it in fastify's preClose). */
  endStreams(): void {
    for (const raw of this.streams) raw.end();
  }

  async close(): Promise<void> {
    this.endStreams();
    this.listeners.clear();
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    this.subscribing = undefined;
    await subscriber?.quit().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const subscriber = this.redis.duplicate({ connectionName: 'vigil-alerts-feed' });
    subscriber.on('error', (err: Error) => this.opts.log.warn({ err: err.message }, 'alert feed subscriber error'));
    subscriber.on('message', (_channel: string, message: string) => this.dispatch(message));
    this.subscriber = subscriber;
    await subscriber.subscribe(this.channel);
  }

  private dispatch(message: string): void {
    let event: AlertEvent;
    try {
      const parsed = JSON.parse(message) as Omit<AlertEvent, 'alert'> & { alert: StoredAlert };
      event = { ...parsed, alert: withOverdue(parsed.alert, (this.opts.now ?? Date.now)()) };
    } catch (error) {
      this.opts.log.error({ err: error }, 'unreadable alert feed message; skipped');
      return;
    }
    for (const listener of this.listeners) listener(event);
  }
}
