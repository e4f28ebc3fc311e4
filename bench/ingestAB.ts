// Ingest throughput of two builds of Vigil (API role alone) against the thin reference, in one run:
// every round runs the reference, build A and build B on the same load, in an order that alternates
// from round to round, so a neighbour's load on a shared machine falls on all three alike. Prints
// each run and the medians of events/s and of the ratios to the reference of the same round, and
// the CPU each server process spent per accepted event (from /proc, so Linux only): neighbours'
// load moves the rates a lot and the CPU per event much less.
//   npx tsx bench/ingestAB.ts --a <dist dir> --b <dist dir> [--rounds 3] [--duration 6] [--mode single,batch]
// Build A is typically a copy of dist/ from the commit before a change (cp -r dist <dir>, inside
// this checkout so its packages resolve), build B the fresh `node scripts/build.mjs`.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { runIngestLoad } from '../loadtests/ingest-autocannon.js';
import { deleteKeysMatching } from '../core/redis.js';

const { values } = parseArgs({ options: {
  a: { type: 'string' }, b: { type: 'string', default: 'dist' }, rounds: { type: 'string', default: '3' },
  duration: { type: 'string', default: '6' }, port: { type: 'string', default: '18190' }, mode: { type: 'string', default: 'single,batch' },
} });
if (!values.a) throw new Error('--a <dist dir of the old build> is required');
const key = 'bench-admin-key-0123456789';
const base = Number(values.port);
const prefix = `ab${process.pid}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => {
  const sorted = [...xs].sort((x, y) => x - y);
  const mid = sorted.length / 2;
  return Number.isInteger(mid) ? (sorted[mid - 1]! + sorted[mid]!) / 2 : sorted[Math.floor(mid)]!;
};

function startApi(dist: string, port: number, name: string): { child: ChildProcess; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-ab-'));
  const child = spawn(process.execPath, [join(dist, 'bin/vigil.js')], { env: {
    ...process.env, PORT: String(port), VIGIL_API_KEYS: `bench:${key}:admin`, VIGIL_DATA_DIR: dir, VIGIL_ROLE: 'api',
    VIGIL_REDIS_PREFIX: `${prefix}${name}`, LOG_LEVEL: 'warn', VIGIL_MAX_LAG_EVENTS: '50000000', VIGIL_APPROVALS: 'none', VIGIL_RATE_LIMIT_MAX: '0',
  }, stdio: ['ignore', 'inherit', 'inherit'] });
  return { child, dir };
}

/** User + system CPU of a process so far, in ms (Linux /proc; clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Redis's own CPU so far (INFO cpu), in ms: what the scripts and commands cost on the server. */
async function redisCpuMs(): Promise<number> {
  const info = await redis.info('cpu');
  const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return (field('used_cpu_user') + field('used_cpu_sys')) * 1000;
}

async function waitFor(url: string, init?: RequestInit): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await fetch(url, init).then(() => true, () => false)) return;
    await sleep(100);
  }
  throw new Error(`${url} did not answer`);
}

const targets = {
  reference: `http://127.0.0.1:${base}`,
  A: `http://127.0.0.1:${base + 1}`,
  B: `http://127.0.0.1:${base + 2}`,
};
const thin = spawn(process.execPath, ['--import', 'tsx', 'bench/thinReference.ts', String(base)], {
  env: { ...process.env, BENCH_THIN_PREFIX: `${prefix}thin` }, stdio: ['ignore', 'ignore', 'inherit'],
});
const apiA = startApi(values.a, base + 1, 'a');
const apiB = startApi(values.b, base + 2, 'b');
const pids = { reference: thin.pid!, A: apiA.child.pid!, B: apiB.child.pid! };
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const stop = async (child: ChildProcess) => {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
};
try {
  await waitFor(`${targets.reference}/v1/events`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
  await waitFor(`${targets.A}/readyz`);
  await waitFor(`${targets.B}/readyz`);
  const loads = { single: { mode: 'single' as const, connections: 32 }, batch: { mode: 'batch' as const, batchSize: 100, connections: 16 } };
  for (const mode of values.mode.split(',') as (keyof typeof loads)[]) {
    const figures: Record<'reference' | 'A' | 'B', number[]> = { reference: [], A: [], B: [] };
    const ratios: Record<'A' | 'B', number[]> = { A: [], B: [] };
    const cpuPerEvent: Record<'reference' | 'A' | 'B', number[]> = { reference: [], A: [], B: [] };
    const redisPerEvent: Record<'reference' | 'A' | 'B', number[]> = { reference: [], A: [], B: [] };
    for (let round = 0; round < Number(values.rounds); round++) {
      const order = (round % 2 === 0 ? ['reference', 'A', 'B'] : ['B', 'A', 'reference']) as (keyof typeof targets)[];
      const got: Partial<Record<keyof typeof targets, number>> = {};
      for (const target of order) {
        const cpuBefore = cpuMs(pids[target]);
        const redisBefore = await redisCpuMs();
        const result = await runIngestLoad({ url: targets[target], apiKey: key, ...loads[mode], durationSeconds: Number(values.duration) });
        got[target] = result.eventsPerSecond;
        figures[target].push(result.eventsPerSecond);
        cpuPerEvent[target].push(((cpuMs(pids[target]) - cpuBefore) * 1000) / Math.max(1, result.events));
        redisPerEvent[target].push((((await redisCpuMs()) - redisBefore) * 1000) / Math.max(1, result.events));
        if (result.non2xx > 0) console.log(`  ${target}: ${result.non2xx} non-2xx ${JSON.stringify(result.statusCodes)}`);
      }
      ratios.A.push(got.A! / got.reference!);
      ratios.B.push(got.B! / got.reference!);
      console.log(`${mode} round ${round + 1}: reference ${Math.round(got.reference!)} ev/s, A ${Math.round(got.A!)} (ratio ${(got.A! / got.reference!).toFixed(2)}), `
        + `B ${Math.round(got.B!)} (ratio ${(got.B! / got.reference!).toFixed(2)})`);
    }
    console.log(`${mode} medians: reference ${Math.round(median(figures.reference))} ev/s, A ${Math.round(median(figures.A))} (ratio ${median(ratios.A).toFixed(2)}), `
      + `B ${Math.round(median(figures.B))} (ratio ${median(ratios.B).toFixed(2)})`);
    const cpu = (t: keyof typeof cpuPerEvent) => median(cpuPerEvent[t]);
    console.log(`${mode} server CPU per event, medians: reference ${cpu('reference').toFixed(0)} µs, A ${cpu('A').toFixed(0)} µs, B ${cpu('B').toFixed(0)} µs; `
      + `reference / A ${(cpu('reference') / cpu('A')).toFixed(2)}, reference / B ${(cpu('reference') / cpu('B')).toFixed(2)}`);
    const redisCpu = (t: keyof typeof redisPerEvent) => median(redisPerEvent[t]).toFixed(1);
    console.log(`${mode} Redis CPU per event (the whole server, neighbours included), medians: reference ${redisCpu('reference')} µs, A ${redisCpu('A')} µs, B ${redisCpu('B')} µs\n`);
  }
} finally {
  await Promise.all([stop(thin), stop(apiA.child), stop(apiB.child)]);
  for (const api of [apiA, apiB]) rmSync(api.dir, { recursive: true, force: true });
  await deleteKeysMatching(redis, `${prefix}*`);
  redis.disconnect();
}
