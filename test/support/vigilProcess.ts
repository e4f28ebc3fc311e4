import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ENTRY = fileURLToPath(new URL('../../bin/vigil.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Vigil as an operator runs it: `bin/vigil.ts` in a process of its own, so a test can kill -9 it.
 * Output is kept for the test to read; `started` resolves with the address it listens on.
 */
export class VigilProcess {
  readonly output: string[] = [];
  private readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  readonly started: Promise<string>;

  constructor(env: Record<string, string>) {
    this.child = spawn(process.execPath, ['--import', 'tsx', ENTRY], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
    this.started = new Promise((resolve, reject) => {
      const onLine = (line: string) => {
        this.output.push(line);
        if (!line.includes('"vigil started"')) return;
        resolve(String((JSON.parse(line) as { address: string }).address));
      };
      let pending = '';
      const read = (chunk: Buffer) => {
        pending += chunk.toString();
        let at;
        while ((at = pending.indexOf('\n')) >= 0) {
          onLine(pending.slice(0, at));
          pending = pending.slice(at + 1);
        }
      };
      this.child.stdout!.on('data', read);
      this.child.stderr!.on('data', read);
      void this.exited.then((code) => reject(new Error(`vigil exited with ${code} before it started:\n${this.output.slice(-20).join('\n')}`)));
    });
    this.started.catch(() => undefined);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** kill -9: no graceful close, leases and pending entries left as a crash leaves them. */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM, then kill -9 if it has not stopped after the grace period. */
  async stop(graceMs = 15_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}
