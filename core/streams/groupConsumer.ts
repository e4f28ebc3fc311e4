import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../observability/index.js';
import { duplicateRedis } from '../redis.js';
import { FailureStreak } from '../failureStreak.js';
import { ensureGroup, isMissingGroup } from './groups.js';

// A consumer group on an outbox stream: entries are handled in batches and acked only after the
// handler's effect is durable, so a crash between "recorded" and "handled" loses nothing. Retries
// are at least once; handlers must be idempotent (job ids, insert tokens, replacing tables).
// Used by the alert outbox (webhooks, archive) and the offer log (archive).

export interface GroupConsumerOptions<E> {
  /** Duplicated: the consumer blocks on its own connection. */
  redis: Redis;
  stream: string;
  group: string;
  /** An entry as the handler wants it; undefined skips it (trimmed while pending, or not ours). */
  parse(id: string, fields: string[] | null): E | undefined;
  handle(entries: E[]): Promise<void>;
  log: Logger;
  batchSize?: number;
  blockMs?: number;
  /** Entries another consumer (a dead process) held this long are taken over. */
  claimIdleMs?: number;
  retryDelayMs?: number;
  onFailure?: () => void;
  /** The group is the stream's only reader: handled entries are deleted with their XACK, so the stream holds only what is still to do. */
  deleteHandled?: boolean;
}

const MAX_RETRY_DELAY_MS = 30_000;

/** One consumer group's reader: pending entries first (its own and claimed ones), then new ones. */
export class StreamGroupConsumer<E> {
  private readonly connection: Redis;
  private readonly consumer = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly opts: GroupConsumerOptions<E>) {
    this.connection = duplicateRedis(opts.redis, `outbox-${opts.group}`, opts.log);
  }

  async start(): Promise<void> {
    // From 0: a group created after alerts already exist still sees every retained entry.
    await ensureGroup(this.connection, this.opts.stream, this.opts.group);
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.connection.quit().catch(() => undefined);
  }

  private async run(): Promise<void> {
    const { stream, group } = this.opts;
    const claimIdleMs = this.opts.claimIdleMs ?? 60_000;
    const baseMs = this.opts.retryDelayMs ?? 1000;
    const trouble = new FailureStreak(this.opts.log, 'outbox consumer', { group }, { baseMs, maxMs: MAX_RETRY_DELAY_MS });
    let backlog = true;
    let nextClaimAt = 0;
    while (this.running) {
      try {
        if (Date.now() >= nextClaimAt) {
          await this.connection.xautoclaim(stream, group, this.consumer, claimIdleMs, '0-0', 'COUNT', 100, 'JUSTID');
          await this.forgetDepartedConsumers(claimIdleMs * 10);
          nextClaimAt = Date.now() + claimIdleMs / 2;
          backlog = true;
        }
        const entries = await this.read(backlog ? '0' : '>');
        if (entries === undefined) continue;
        if (entries.length === 0) {
          backlog = false;
          continue;
        }
        const parsed = entries.map(([id, fields]) => this.opts.parse(id, fields)).filter((e) => e !== undefined);
        if (parsed.length > 0) await this.opts.handle(parsed);
        const ids = entries.map(([id]) => id);
        if (this.opts.deleteHandled) await this.connection.multi().xack(stream, group, ...ids).xdel(stream, ...ids).exec();
        else await this.connection.xack(stream, group, ...ids);
        trouble.succeeded();
      } catch (error) {
        if (!this.running) break;
        this.opts.onFailure?.();
        // The same entries are retried: they stay pending until handled.
        backlog = true;
        const wait = trouble.failed(error);
        if (isMissingGroup(error)) await ensureGroup(this.connection, stream, group).catch(() => undefined);
        await this.sleep(wait);
      }
    }
  }

  /**
   * Consumer names are per process, so every restart leaves one behind in the group. Names with
   * nothing pending and no read for a long time are removed; a live one would simply reappear.
   */
  private async forgetDepartedConsumers(idleMs: number): Promise<void> {
    const consumers = (await this.connection.xinfo('CONSUMERS', this.opts.stream, this.opts.group)) as (string | number)[][];
    for (const fields of consumers) {
      const info = new Map<string, string | number>();
      for (let i = 0; i + 1 < fields.length; i += 2) info.set(String(fields[i]), fields[i + 1]!);
      if (info.get('name') === this.consumer || Number(info.get('pending')) > 0 || Number(info.get('idle')) < idleMs) continue;
      await this.connection.xgroup('DELCONSUMER', this.opts.stream, this.opts.group, String(info.get('name')));
    }
  }

  /** Own pending entries for '0' (never blocks), new ones for '>'; undefined when a block timed out. */
  private async read(from: '0' | '>'): Promise<[string, string[] | null][] | undefined> {
    const count = this.opts.batchSize ?? 100;
    const block = from === '>' ? ['BLOCK', this.opts.blockMs ?? 1000] : [];
    const reply = (await this.connection.call('XREADGROUP', 'GROUP', this.opts.group, this.consumer,
      'COUNT', count, ...block, 'STREAMS', this.opts.stream, from)) as [string, [string, string[] | null][]][] | null;
    if (reply === null) return from === '>' ? undefined : [];
    return reply[0]?.[1] ?? [];
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
