import type { Logger } from './observability/logger.js';

export interface Backoff {
  baseMs: number;
  maxMs: number;
}

/**
 * A loop's run of consecutive failures. The first failure is logged with its error and the return
 * to health with how long it took, so an outage costs two log lines rather than one per attempt;
 * in between it says how long to wait (capped exponential backoff). Loops that must outlive any
 * outage (partition consumers, lease renewal, outbox consumers) retry through one of these.
 */
export class FailureStreak {
  private failures = 0;
  private since = 0;

  constructor(
    private readonly log: Logger,
    private readonly what: string,
    private readonly context: Record<string, unknown> = {},
    private readonly backoff: Backoff = { baseMs: 100, maxMs: 5000 },
  ) {}

  get failing(): boolean {
    return this.failures > 0;
  }

  /** Records a failure; returns the wait before the next attempt. */
  failed(err: unknown): number {
    if (this.failures === 0) {
      this.since = Date.now();
      this.log.warn({ ...this.context, err }, `${this.what} failed; retrying until it works`);
    }
    this.failures += 1;
    return Math.min(this.backoff.maxMs, this.backoff.baseMs * 2 ** Math.min(this.failures - 1, 20));
  }

  succeeded(): void {
    if (this.failures === 0) return;
    this.log.info({ ...this.context, failures: this.failures, seconds: (Date.now() - this.since) / 1000 }, `${this.what} works again`);
    this.failures = 0;
  }
}
