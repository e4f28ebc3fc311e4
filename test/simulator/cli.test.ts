import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { acceptAll, startIngestStub } from './ingestStub.js';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('../../bin/simulate.ts', import.meta.url));

async function simulate(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const { VIGIL_INGEST_KEY: _ignored, ...inherited } = process.env;
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', CLI, ...args], { env: { ...inherited, ...env }, timeout: 20_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('bin/simulate.ts', () => {
  it('prints usage with --help and exits 0', async () => {
    const result = await simulate(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--rate');
  });

  it.each([
    [['--rate', '0', '--key', 'k'], '--rate must be greater than 0'],
    [['--batch', '2.5', '--key', 'k'], '--batch must be a whole number'],
    [['--customers', 'many', '--key', 'k'], '--customers must be a number'],
    [['--url', 'not a url', '--key', 'k'], '--url must be a URL'],
    [['--bogus'], "Unknown option '--bogus'"],
    [[], 'an ingest API key is required'],
  ])('rejects %j with a clear message and exit code 2', async (args, message) => {
    const result = await simulate(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it('posts to the given URL with the key from VIGIL_INGEST_KEY and prints a summary', async () => {
    const stub = await startIngestStub(acceptAll);
    try {
      const result = await simulate(['--url', stub.url, '--rate', '100', '--duration', '1', '--batch', '25', '--customers', '50'], { VIGIL_INGEST_KEY: 'env-key' });
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/accepted\s+100/);
      expect(stub.requests[0]?.headers.authorization).toBe('Bearer env-key');
    } finally {
      await stub.close();
    }
  });
});
