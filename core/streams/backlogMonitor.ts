import type { Redis } from 'ioredis';
import type { Logger } from '../observability/logger.js';
import type { VigilMetrics } from '../observability/metrics.js';
import { readBacklog, type PartitionBacklog } from './backlog.js';

/**
 * Polls the processor backlog on an interval so request handlers read a number, not Redis.
 * Ingest sheds load from it; the lag gauges SREs watch come from it too.
 */
export class BacklogMonitor {
  private timer: NodeJS.Timeout | undefined;
  private latest: PartitionBacklog[] = [];
  private failing = false;

  constructor(
    private readonly redis: Redis,
    private readonly opts: { prefix: string; partitions: number; pollMs: number },
    private readonly metrics: VigilMetrics,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    await this.poll();
    this.timer = setInterval(() => void this.poll(), this.opts.pollMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Undelivered plus unacknowledged entries over all partitions. */
  get totalBacklog(): number {
    return this.latest.reduce((sum, p) => sum + p.lag + p.pending, 0);
  }

  get partitions(): readonly PartitionBacklog[] {
    return this.latest;
  }

  async poll(): Promise<void> {
    try {
      this.latest = await readBacklog(this.redis, this.opts.prefix, this.opts.partitions);
      for (const p of this.latest) {
        this.metrics.streamLag.set({ partition: String(p.partition) }, p.lag);
        this.metrics.streamPending.set({ partition: String(p.partition) }, p.pending);
      }
      if (this.failing) this.log.info('backlog readable again');
      this.failing = false;
    } catch (err) {
      if (!this.failing) this.log.warn({ err }, 'cannot read stream backlog; keeping the last reading');
      this.failing = true;
    }
  }
}
