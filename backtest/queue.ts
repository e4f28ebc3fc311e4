import { Queue, WaitingError, Worker } from 'bullmq';
import { closeWithin, type QueueConnections } from '../core/redis.js';
import type { Logger } from '../core/observability/index.js';

// Backtests run as BullMQ jobs in a queue of their own, one at a time per process (concurrency 1):
// a backtest is minutes of CPU on the event loop the live pipeline shares, so however many are
// asked for, a process gives them at most one job's worth of its time. A process that dies
// mid-job leaves it stalled; BullMQ hands it to another processing process, which starts it over
// (a backtest has no side effect but its record, so running it again is safe). A process shutting
// down interrupts its job between two pages and puts it back in the queue at once.

/** How long a shutdown waits for the running backtest; it is started over elsewhere if it gives up. */
const CLOSE_WAIT_MS = 5000;

export interface BacktestJobData {
  id: string;
}

/** Runs one backtest; 'interrupted' when the signal (shutdown) stopped it before the end. */
export type BacktestProcessor = (id: string, signal: AbortSignal) => Promise<'finished' | 'interrupted'>;

export class BacktestQueue {
  readonly queue: Queue<BacktestJobData>;
  private worker: Worker<BacktestJobData> | undefined;
  private readonly stopping = new AbortController();
  private readonly name: string;
  private readonly bullPrefix: string;

  constructor(private readonly opts: { queues: QueueConnections; prefix: string; log: Logger }) {
    // One hash tag for all of the queue's keys, as the other queues: BullMQ's scripts touch several.
    this.name = `${opts.prefix}-backtests`;
    this.bullPrefix = `${opts.prefix}:backtests:{${opts.prefix}:backtests-bull}`;
    this.queue = new Queue<BacktestJobData>(this.name, { connection: opts.queues.forQueue(), prefix: this.bullPrefix });
    this.queue.on('error', (err) => opts.log.warn({ err }, 'backtest queue connection error'));
  }

  async enqueue(id: string): Promise<void> {
    await this.queue.add('backtest', { id }, {
      jobId: id,
      // Failures are recorded on the backtest itself; asking again is a new backtest.
      attempts: 1,
      removeOnComplete: { age: 86_400, count: 1000 },
      removeOnFail: { age: 7 * 86_400, count: 1000 },
    });
  }

  /** Processes backtests in this process, one at a time; `failed` is told of jobs BullMQ gave up (e.g. stalled too often). */
  start(process: BacktestProcessor, failed: (id: string, reason: string) => Promise<void>): void {
    if (this.worker) return;
    const worker = new Worker<BacktestJobData>(this.name, async (job, token) => {
      const outcome = await process(job.data.id, this.stopping.signal);
      if (outcome !== 'interrupted') return;
      await job.moveToWait(token);
      throw new WaitingError();
    }, {
      connection: this.opts.queues.forWorker(),
      prefix: this.bullPrefix,
      concurrency: 1,
    });
    worker.on('error', (err) => this.opts.log.warn({ err }, 'backtest worker error'));
    worker.on('failed', (job, err) => {
      if (job) void failed(job.data.id, err.message).catch((error: unknown) => this.opts.log.warn({ err: error, backtest: job.data.id }, 'could not record a failed backtest'));
    });
    this.worker = worker;
  }

  async close(): Promise<void> {
    this.stopping.abort();
    if (this.worker) await closeWithin(this.worker, CLOSE_WAIT_MS, this.opts.log, 'backtest worker');
    this.worker = undefined;
    await closeWithin(this.queue, CLOSE_WAIT_MS, this.opts.log, 'backtest queue');
  }
}
