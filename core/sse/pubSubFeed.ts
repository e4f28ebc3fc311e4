import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';
import type { Redis } from 'ioredis';
import { duplicateRedis } from '../redis.js';
import type { Gauge } from 'prom-client';
import type { Logger } from '../observability/index.js';

// A live feed over Redis pub/sub served as server-sent events. Whoever changes state PUBLISHes
// (alerts from their Lua script, offers after the decision commits); each process holds one
// subscriber connection and fans messages out to its SSE clients. Pub/sub is at most once: a
// client that was disconnected re-reads the list endpoint for what it missed.

export interface PubSubFeedOptions<T> {
  log: Logger;
  /** Open SSE streams, for the metrics page. */
  clients?: Pick<Gauge, 'inc' | 'dec'>;
  /** Comment lines keep proxies and load balancers from closing an idle stream; default 15 s. */
  heartbeatMs?: number;
  /** A published message as listeners see it; throws on an unreadable one (it is logged and skipped). */
  decode(message: string): T;
  /** SSE `event:` and `id:` lines of a message. */
  describe(message: T): { event: string; id: string };
  /** Names the subscriber connection and the log lines. */
  name: string;
}

type Listener<T> = (message: T) => void;

// A client that does not read is cut off rather than buffered without bound in our memory.
const MAX_BUFFERED_BYTES = 1024 * 1024;

export class PubSubFeed<T> {
  private subscriber: Redis | undefined;
  private subscribing: Promise<void> | undefined;
  private readonly listeners = new Set<Listener<T>>();
  private readonly streams = new Set<ServerResponse>();

  constructor(
    private readonly redis: Redis,
    readonly channel: string,
    private readonly opts: PubSubFeedOptions<T>,
  ) {}

  /** Calls the listener for every message from now on; answers the unsubscribe function. */
  async subscribe(listener: Listener<T>): Promise<() => void> {
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
   * Streams messages the filter accepts as text/event-stream on a hijacked reply. The subscription
   * is live before the headers go out, so a client that has the response sees every later message.
   */
  async serve(reply: FastifyReply, accept: (message: T) => boolean): Promise<void> {
    const raw = reply.raw;
    const send = (message: T) => {
      if (raw.destroyed || raw.writableEnded || !accept(message)) return;
      const { event, id } = this.opts.describe(message);
      raw.write(`event: ${event}\nid: ${id}\ndata: ${JSON.stringify(message)}\n\n`);
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
    this.opts.clients?.inc();
    raw.once('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      this.streams.delete(raw);
      this.opts.clients?.dec();
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
    const subscriber = duplicateRedis(this.redis, `${this.opts.name}-feed`, this.opts.log);
    subscriber.on('message', (_channel: string, message: string) => this.dispatch(message));
    this.subscriber = subscriber;
    await subscriber.subscribe(this.channel);
  }

  private dispatch(text: string): void {
    let message: T;
    try {
      message = this.opts.decode(text);
    } catch (error) {
      this.opts.log.error({ err: error }, `unreadable ${this.opts.name} feed message; skipped`);
      return;
    }
    for (const listener of this.listeners) listener(message);
  }
}
