import type { Redis } from 'ioredis';
import { FailureStreak } from '../core/failureStreak.js';
import type { Logger, VigilMetrics } from '../core/observability/index.js';
import { listKeys, type ListKeys } from './keys.js';
import { ListSnapshot, type ListLookup } from './membership.js';
import type { StoredEntry, StoredList } from './schema.js';

export interface ListRegistryOptions {
  redis: Redis;
  prefix: string;
  log: Logger;
  /** How often the revision counter is polled for changes made by any process. */
  pollMs: number;
  metrics?: Pick<VigilMetrics, 'listEntries' | 'listReloads'>;
}

const CHANGE_PAGE = 1000;
const SCAN_COUNT = 1000;

/**
 * Every process's in-memory copy of all lists, so an event is matched without a Redis round trip.
 * At start the lists are loaded whole; after that the process follows the change stream: it polls
 * the revision counter and applies only the change records after the last one it applied, so a
 * change to a list of a million entries costs one record, not a reload. Records carry consecutive
 * sequence numbers: a gap (records trimmed while the process was away, or erased) means it cannot
 * know what it missed, and it loads everything again.
 */
export class ListRegistry {
  private readonly keys: ListKeys;
  private snapshot = new ListSnapshot();
  private seq = -1;
  private lastId = '0-0';
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private readonly trouble: FailureStreak;
  private readonly gauged = new Set<string>();

  constructor(private readonly opts: ListRegistryOptions) {
    this.keys = listKeys(opts.prefix);
    this.trouble = new FailureStreak(opts.log, 'list refresh');
  }

  async start(): Promise<void> {
    await this.reload();
    this.timer = setInterval(() => void this.refresh().then(() => this.trouble.succeeded(), (err: unknown) => this.trouble.failed(err)), this.opts.pollMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The lists as they stand at `nowMs`, from memory. */
  at(nowMs: number): ListLookup {
    return this.snapshot.at(nowMs);
  }

  /** The revision (change count) this copy reflects. */
  revision(): number {
    return Math.max(0, this.seq);
  }

  /** Brings the copy up to date now (one poll; runs alone, a concurrent caller waits for it). */
  refresh(): Promise<void> {
    this.polling ??= this.poll().finally(() => { this.polling = undefined; });
    return this.polling;
  }

  /** `reloadOnGap` is off while catching up after a reload: a gap then waits for the next poll. */
  private async poll(reloadOnGap = true): Promise<void> {
    const reload = () => (reloadOnGap ? this.reload() : undefined);
    const revision = Number((await this.opts.redis.get(this.keys.revision)) ?? 0);
    if (revision === this.seq) return;
    // Behind Redis's counter: Redis was emptied or replaced.
    if (revision < this.seq) return reload();
    let applied = 0;
    for (;;) {
      const page = await this.opts.redis.xrange(this.keys.changes, `(${this.lastId}`, '+', 'COUNT', CHANGE_PAGE);
      for (const [id, fields] of page) {
        const record = fieldsOf(fields);
        if (Number(record.get('seq')) !== this.seq + 1) return reload();
        this.apply(record);
        this.seq += 1;
        this.lastId = id;
        applied++;
      }
      if (page.length < CHANGE_PAGE) break;
    }
    if (this.seq < revision) return reload();
    if (applied > 0) {
      this.opts.metrics?.listReloads.inc({ kind: 'incremental' });
      this.updateGauge();
    }
  }

  /**
   * Loads everything into a new copy, then catches up with the changes made meanwhile. The counter
   * and the newest change record are read together, so replaying from that record is exact; the
   * scan may already show some later changes, and applying them again changes nothing.
   */
  private async reload(): Promise<void> {
    const results = await this.opts.redis.multi()
      .get(this.keys.revision)
      .xrevrange(this.keys.changes, '+', '-', 'COUNT', 1)
      .hgetall(this.keys.definitions)
      .exec();
    const [[e1, counter], [e2, newest], [e3, definitions]] = results as [[Error | null, string | null], [Error | null, [string, string[]][]], [Error | null, Record<string, string>]];
    if (e1 ?? e2 ?? e3) throw e1 ?? e2 ?? e3;
    const next = new ListSnapshot();
    for (const json of Object.values(definitions)) {
      const { definition } = JSON.parse(json) as StoredList;
      next.putList(definition);
      await this.loadEntries(next, definition.name);
    }
    this.snapshot = next;
    this.seq = Number(counter ?? 0);
    this.lastId = newest[0]?.[0] ?? '0-0';
    this.opts.metrics?.listReloads.inc({ kind: 'full' });
    this.opts.log.info({ revision: this.seq, lists: Object.keys(definitions).length }, 'lists loaded');
    await this.poll(false);
    this.updateGauge();
  }

  private async loadEntries(into: ListSnapshot, list: string): Promise<void> {
    let cursor = '0';
    do {
      const [next, flat] = await this.opts.redis.hscan(this.keys.entries(list), cursor, 'COUNT', SCAN_COUNT);
      for (let i = 0; i + 1 < flat.length; i += 2) putEntry(into, list, flat[i + 1]!);
      cursor = next;
    } while (cursor !== '0');
  }

  private apply(record: Map<string, string>): void {
    const list = record.get('list') ?? '';
    switch (record.get('op')) {
      case 'list': this.snapshot.putList((JSON.parse(record.get('data') ?? '{}') as StoredList).definition); break;
      case 'list_deleted': this.snapshot.deleteList(list); break;
      case 'put': putEntry(this.snapshot, list, record.get('data') ?? '{}'); break;
      case 'del': this.snapshot.deleteEntry(list, record.get('value') ?? ''); break;
      default: this.opts.log.warn({ op: record.get('op') }, 'unknown list change record ignored');
    }
  }

  private updateGauge(): void {
    const gauge = this.opts.metrics?.listEntries;
    if (!gauge) return;
    const sizes = this.snapshot.sizes();
    for (const name of this.gauged) if (!sizes.has(name)) gauge.remove({ list: name });
    this.gauged.clear();
    for (const [name, size] of sizes) {
      gauge.set({ list: name }, size);
      this.gauged.add(name);
    }
  }
}

function putEntry(into: ListSnapshot, list: string, json: string): void {
  const entry = JSON.parse(json) as StoredEntry;
  into.putEntry(list, entry.value, entry.reason, Date.parse(entry.expiresAt));
}

function fieldsOf(pairs: readonly string[]): Map<string, string> {
  const fields = new Map<string, string>();
  for (let i = 0; i + 1 < pairs.length; i += 2) fields.set(pairs[i]!, pairs[i + 1]!);
  return fields;
}
