import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePorts } from './freePort.js';

/**
 * A throwaway redis-server on its own loopback port, for tests that stop or crash Redis. A
 * persistent one writes every command to its append-only file before answering (appendfsync
 * always), so a kill -9 and a restart lose nothing it acknowledged, as a production Redis with
 * AOF would (give or take its fsync policy).
 */
export class OwnRedis {
  private process: ChildProcess | undefined;
  private chosenPort: number | undefined;
  private readonly dir: string | undefined;

  constructor(opts: { persistent?: boolean } = {}) {
    this.dir = opts.persistent ? mkdtempSync(join(tmpdir(), 'vigil-redis-')) : undefined;
  }

  /** Chosen at the first start and kept, so a restart comes back where clients look for it. */
  get port(): number {
    if (this.chosenPort === undefined) throw new Error('start() the server first');
    return this.chosenPort;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.chosenPort ??= (await freePorts(1))[0]!;
    const persistence = this.dir
      ? ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', this.dir, '--save', '']
      : ['--save', '', '--appendonly', 'no'];
    this.process = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', ...persistence], { stdio: 'ignore' });
    await waitUntilServing(this.port, this.process);
  }

  /** kill -9: no shutdown, no final save. */
  async stop(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** SIGSTOP: the server keeps its connections but answers nothing, like a hung host. */
  pause(): void {
    this.process?.kill('SIGSTOP');
  }

  resume(): void {
    this.process?.kill('SIGCONT');
  }

  /** Stops it for good and removes its files. */
  async dispose(): Promise<void> {
    await this.stop();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Resolves once the server on `port` answers PING (a persistent one answers LOADING while it
 * replays its file); throws when its process exits first or after 15 s, never waits for ever.
 */
export async function waitUntilServing(port: number, child: ChildProcess | undefined, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!child || child.exitCode !== null || child.signalCode !== null) throw new Error(`redis-server on port ${port} exited before it served`);
    const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined); // refused until the server listens; that is what we wait for
    try {
      await probe.connect();
      if ((await probe.ping()) === 'PONG') return;
    } catch {
      // not yet listening, or LOADING
    } finally {
      probe.disconnect();
    }
    if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
