import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// The Prometheus alert rules as Prometheus itself reads them: `promtool check rules` (syntax,
// PromQL, templates) and `promtool test rules` on the unit tests in test/ops/prometheus/ (series
// in, alerts out). promtool comes with Debian's `prometheus` package, which .ci/run installs; a
// machine without it fails here rather than skipping, so the rules are never shipped unchecked.

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const PROMTOOL = process.env.PROMTOOL ?? '/usr/bin/promtool';
const RULES = 'config/prometheus/alerts.yml';
const UNIT_TESTS = readdirSync(new URL('./prometheus/', import.meta.url)).filter((f) => f.endsWith('.test.yml')).map((f) => `test/ops/prometheus/${f}`);

async function promtool(...args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(PROMTOOL, args, { cwd: root, timeout: 60_000 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : 1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

describe('Prometheus alert rules under promtool', () => {
  it('has promtool to check them with (apt-get install prometheus)', () => {
    expect(existsSync(PROMTOOL), `${PROMTOOL} is missing: apt-get install -y prometheus, or set PROMTOOL`).toBe(true);
  });

  it('parse, with valid PromQL and templates', async () => {
    const { code, output } = await promtool('check', 'rules', RULES);
    expect(output).toContain('SUCCESS');
    expect(code, output).toBe(0);
  });

  it.each(UNIT_TESTS)('pass the unit tests in %s', async (file) => {
    const { code, output } = await promtool('test', 'rules', file);
    expect(code, output).toBe(0);
    expect(output).toContain('SUCCESS');
  });

  it('has unit tests to run', () => {
    expect(UNIT_TESTS).toContain('test/ops/prometheus/rulePerformance.test.yml');
  });
});
