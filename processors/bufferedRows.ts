import type { VigilMetrics } from '../core/observability/index.js';

/**
 * Processed events a worker holds in memory until their rows are in ClickHouse, over all its
 * partitions: VIGIL_MAX_BUFFERED_EVENTS bounds the process, so what a ClickHouse outage costs in
 * heap does not grow with the partitions a worker happens to hold. Each partition stops reading
 * while the total is at the limit (it may pass it by one read batch per partition).
 */
export class BufferedRows {
  #held = 0;

  constructor(
    readonly limit: number,
    private readonly metrics: VigilMetrics,
  ) {}

  get held(): number {
    return this.#held;
  }

  get full(): boolean {
    return this.#held >= this.limit;
  }

  add(count: number): void {
    this.#held += count;
    this.metrics.aggregatesBuffered.inc(count);
  }

  remove(count: number): void {
    this.#held -= count;
    this.metrics.aggregatesBuffered.dec(count);
  }
}
