import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

/**
 * A throwaway redis-server on its own loopback port, for tests that stop or crash Redis. A
 * persistent one writes every command to its append-only file before answering (appendfsync
 * always), so a kill -9 and a restart lose nothing it acknowledged, as a production Redis with
 * AOF would (give or take its fsync policy).
 */
export class OwnRedis {
  private process: ChildProcess | undefined;
  readonly port = 20_000 + Math.floor(Math.random() * 20_000);
  private readonly dir: string | undefined;

  constructor(opts: { persistent?: boolean } = {}) {
    this.dir = opts.persistent ? mkdtempSync(join(tmpdir(), 'vigil-redis-')) : undefined;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const persistence = this.dir
      ? ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', this.dir, '--save', '']
      : ['--save', '', '--appendonly', 'no'];
    this.process = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', ...persistence], { stdio: 'ignore' });
    const probe = new Redis(this.url, { lazyConnect: true, retryStrategy: () => 50, maxRetriesPerRequest: null });
    probe.on('error', () => undefined); // refused until the server listens; that is what we wait for
    await probe.connect().catch(() => undefined);
    // A persistent server answers LOADING while it replays its file; wait until it serves.
    for (;;) {
      try {
        await probe.ping();
        break;
      } catch (err) {
        if (!(err instanceof Error && err.message.startsWith('LOADING'))) throw err;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    probe.disconnect();
  }

  /** kill -9: no shutdown, no final save. */
  async stop(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** Stops it for good and removes its files. */
  async dispose(): Promise<void> {
    await this.stop();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}
