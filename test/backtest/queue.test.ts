import { afterAll, describe, expect, it, vi } from 'vitest';
import { BacktestQueue } from '../../backtest/queue.js';
import { createLogger } from '../../core/observability/index.js';
import { QueueConnections } from '../../core/redis.js';
import { REDIS_URL, dropPrefix, uniquePrefix } from '../support/testEngine.js';

// The backtest queue on real Redis: one job at a time per process, and a process shutting down
// hands its running backtest back to the queue for another process to start over.

const log = createLogger('silent');
const prefixes: string[] = [];
const connections: QueueConnections[] = [];
afterAll(async () => {
  await Promise.all(connections.map((c) => c.close()));
  await Promise.all(prefixes.map(dropPrefix));
});

function queueFor(prefix: string): BacktestQueue {
  const queues = new QueueConnections({ url: REDIS_URL });
  connections.push(queues);
  return new BacktestQueue({ queues, prefix, log });
}

describe('BacktestQueue', () => {
  it('runs one backtest at a time in a process however many are queued', async () => {
    const prefix = uniquePrefix('btq');
    prefixes.push(prefix);
    const queue = queueFor(prefix);
    let running = 0;
    let most = 0;
    const done: string[] = [];
    queue.start(async (id) => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 50));
      running--;
      done.push(id);
      return 'finished';
    }, async () => undefined);
    for (const id of ['a', 'b', 'c']) await queue.enqueue(id);
    await vi.waitFor(() => expect(done.sort()).toEqual(['a', 'b', 'c']), { timeout: 10_000 });
    expect(most).toBe(1);
    await queue.close();
  });

  it('puts a backtest interrupted by shutdown back in the queue, where another process takes it', async () => {
    const prefix = uniquePrefix('btq');
    prefixes.push(prefix);
    const first = queueFor(prefix);
    let started = false;
    first.start(async (_id, signal) => {
      started = true;
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      return 'interrupted';
    }, async () => undefined);
    await first.enqueue('bt-long');
    await vi.waitFor(() => expect(started).toBe(true), { timeout: 10_000 });
    await first.close();

    const failed: string[] = [];
    const second = queueFor(prefix);
    const taken: string[] = [];
    second.start(async (id) => {
      taken.push(id);
      return 'finished';
    }, async (id) => void failed.push(id));
    await vi.waitFor(() => expect(taken).toEqual(['bt-long']), { timeout: 10_000 });
    expect(failed).toEqual([]);
    await second.close();
  });
});
