import { setTimeout as sleep } from 'node:timers/promises';
import type { EventInput } from '../core/events/index.js';
import { postEvents, type PostEventsResult } from './poster.js';
import { BankSimulator } from './simulator.js';

export interface SimulationOptions {
  url: string;
  apiKey: string;
  /** Target events per second. */
  rate: number;
  customers: number;
  durationSec: number;
  batchSize: number;
  seed: number;
  /** Simulated seconds per real second, default 1. */
  speed?: number;
  signal?: AbortSignal;
  onProgress?: (progress: SimulationProgress) => void;
  /** Batches awaiting an answer at once, default 4. */
  maxInFlight?: number;
  /** Simulated clock start, default now. */
  start?: Date;
  /** How often onProgress is called, default 1000 ms. */
  progressIntervalMs?: number;
  /** How long answers to the last batches are awaited after the duration, default 30 s. */
  drainGraceMs?: number;
}

export interface SimulationProgress {
  /** Events handed to the ingest API, answered or still in flight. */
  sent: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  /** Events in batches that never got a 202: retries exhausted, refused, unreachable or interrupted. */
  failed: number;
  /** Resends after 503/429 or network errors. */
  retries: number;
  batches: number;
  elapsedSec: number;
  /** sent / elapsedSec. */
  achievedRate: number;
  /** occurred_at of the newest event generated. */
  simulatedClock: string;
  /** The first rejection the server reported, to show what the simulator got wrong. */
  firstRejection?: { eventId: string; errors: string[] };
  /** Why the run ended before its duration, if it did. */
  stoppedEarly?: string;
}

/** Answers that will not change by resending: stop rather than fail every remaining batch. */
const FATAL_STATUSES = new Set([400, 401, 403, 404, 413, 415]);

/**
 * Posts the simulated bank's stream at `rate` events per second for `durationSec`, with up to
 * `maxInFlight` batches awaiting answers. Always ends by itself: the duration (or an abort) ends
 * sending, and `drainGraceMs` bounds waiting for the answers to batches already sent.
 */
export async function runSimulation(opts: SimulationOptions): Promise<SimulationProgress> {
  validate(opts);
  const run = new SimulationRun(opts);
  return run.execute();
}

class SimulationRun {
  private readonly simulator: BankSimulator;
  /** Ends sending: the caller's abort, or an answer that resending cannot fix. */
  private readonly stopSending = new AbortController();
  /** Ends waiting for answers, once the drain grace has run out. */
  private readonly cancelPosts = new AbortController();
  private readonly sendingStopped = new Promise<void>((resolve) => this.stopSending.signal.addEventListener('abort', () => resolve(), { once: true }));
  private readonly inFlight = new Set<Promise<void>>();
  private readonly startedAt: number;
  private readonly totalEvents: number;
  private readonly progress: SimulationProgress;

  constructor(private readonly opts: SimulationOptions) {
    this.simulator = new BankSimulator({
      customers: opts.customers, seed: opts.seed, speed: opts.speed ?? 1, rate: opts.rate, ...(opts.start ? { start: opts.start } : {}),
    });
    this.totalEvents = Math.max(1, Math.round(opts.durationSec * opts.rate));
    // The clock starts once the population is built, so a large bank does not eat the first seconds.
    this.startedAt = performance.now();
    this.progress = {
      sent: 0, accepted: 0, duplicates: 0, rejected: 0, failed: 0, retries: 0, batches: 0,
      elapsedSec: 0, achievedRate: 0, simulatedClock: this.simulator.clock.toISOString(),
    };
  }

  async execute(): Promise<SimulationProgress> {
    const { signal, onProgress } = this.opts;
    const onAbort = () => this.stop('aborted');
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) this.stop('aborted');
    const ticker = setInterval(() => onProgress?.(this.snapshot()), this.opts.progressIntervalMs ?? 1000);
    try {
      await this.dispatch();
      await this.drain();
    } finally {
      clearInterval(ticker);
      signal?.removeEventListener('abort', onAbort);
    }
    const final = this.snapshot();
    onProgress?.(final);
    return final;
  }

  /** Batch k leaves when the events before it are due at `rate`, so the stream is paced evenly. */
  private async dispatch(): Promise<void> {
    const maxInFlight = this.opts.maxInFlight ?? 4;
    const endMs = this.startedAt + this.opts.durationSec * 1000;
    while (this.progress.sent < this.totalEvents && !this.stopped()) {
      const dueMs = this.startedAt + (this.progress.sent / this.opts.rate) * 1000;
      if (!(await this.waitUntil(dueMs))) return;
      while (this.inFlight.size >= maxInFlight && !this.stopped()) await Promise.race([...this.inFlight, this.sendingStopped]);
      if (this.stopped() || performance.now() >= endMs) return;
      const size = Math.min(this.opts.batchSize, this.totalEvents - this.progress.sent);
      this.send(this.simulator.next(size));
    }
    // The last batch stands for the events due until the end, so the run lasts its duration.
    await this.waitUntil(this.startedAt + (this.totalEvents / this.opts.rate) * 1000);
  }

  private send(events: EventInput[]): void {
    this.progress.sent += events.length;
    this.progress.batches += 1;
    this.progress.simulatedClock = this.simulator.clock.toISOString();
    const posted = postEvents({ url: this.opts.url, apiKey: this.opts.apiKey, events, signal: this.cancelPosts.signal })
      .then((result) => this.record(events, result))
      .catch((error: unknown) => this.recordFailure(events, error))
      .finally(() => this.inFlight.delete(posted));
    this.inFlight.add(posted);
  }

  private record(events: EventInput[], result: PostEventsResult): void {
    const p = this.progress;
    p.retries += result.retries;
    // A 400/409 that lists rejections answered every event (none was accepted); anything else failed the batch.
    if (result.status !== 202 && result.rejections.length === 0) {
      p.failed += events.length;
      if (FATAL_STATUSES.has(result.status)) this.stop(`ingest answered ${result.status}: ${result.message ?? ''}`.trim());
      return;
    }
    p.accepted += result.accepted;
    p.duplicates += result.duplicates;
    p.rejected += result.rejected;
    const first = result.rejections[0];
    if (first && !p.firstRejection) p.firstRejection = { eventId: events[first.index]?.event_id ?? '?', errors: first.errors };
  }

  private recordFailure(events: EventInput[], error: unknown): void {
    this.progress.failed += events.length;
    if (this.cancelPosts.signal.aborted) return;
    this.stop(error instanceof Error ? error.message : String(error));
  }

  /** Waits for answers to batches in flight, for at most the drain grace, then cancels them. */
  private async drain(): Promise<void> {
    if (this.inFlight.size === 0) return;
    const grace = new AbortController();
    const allAnswered = Promise.all(this.inFlight).then(() => grace.abort());
    const graceMs = this.opts.drainGraceMs ?? 30_000;
    const expired = sleep(graceMs, true, { signal: grace.signal }).catch(() => false);
    if (await Promise.race([allAnswered.then(() => false), expired])) {
      this.progress.stoppedEarly ??= `gave up waiting for ${this.inFlight.size} batch(es) after ${graceMs} ms`;
      this.cancelPosts.abort();
    }
    await allAnswered;
  }

  /** Resolves true at `atMs`, or false at once if the run is stopped meanwhile. */
  private async waitUntil(atMs: number): Promise<boolean> {
    const waitMs = atMs - performance.now();
    if (waitMs > 0) await sleep(waitMs, undefined, { signal: this.stopSending.signal }).catch(() => undefined);
    return !this.stopped();
  }

  private stop(reason: string): void {
    this.progress.stoppedEarly ??= reason;
    this.stopSending.abort();
  }

  private stopped(): boolean {
    return this.stopSending.signal.aborted;
  }

  private snapshot(): SimulationProgress {
    const elapsedSec = (performance.now() - this.startedAt) / 1000;
    const achievedRate = elapsedSec > 0 ? this.progress.sent / elapsedSec : 0;
    return { ...this.progress, elapsedSec, achievedRate };
  }
}

function validate(opts: SimulationOptions): void {
  const positive: [string, number][] = [['rate', opts.rate], ['durationSec', opts.durationSec], ['batchSize', opts.batchSize], ['customers', opts.customers]];
  for (const [name, value] of positive) {
    if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`${name} must be a positive number, got ${value}`);
  }
  if (!Number.isInteger(opts.batchSize)) throw new RangeError(`batchSize must be an integer, got ${opts.batchSize}`);
}
