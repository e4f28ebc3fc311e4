// CPU profile of the worker path alone: events are posted first to an engine with the API role
// alone (not profiled), which is then stopped; the compiled engine is started again on the same
// Redis prefix and data directory with the whole role (`all`) under `node --cpu-prof`, and its
// workers drain the backlog: decode, stages, risk, commit, alert outbox, ClickHouse flush and XACK.
// The API part of that process only answers the drain's polls of /metrics. Reports the process's
// CPU (user + system, /proc, chdb's threads included) and Redis's (INFO cpu) per 1,000 events, and
// writes a flame graph (bench/flameGraph.ts) with the self-time table.
//   npx tsx bench/workerProfile.ts --out docs/perf/worker-before [--dist dist] [--events 50000]
// writes <out>.svg and <out>.folded; build first (node scripts/build.mjs). --no-profile measures
// the CPU without the profiler's own cost.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { newRunId, sampleBatch } from '../loadtests/sampleEvents.js';
import { deleteKeysMatching } from '../core/redis.js';
import { flameSvg, foldedStacks, frameTree, topSelf } from './flameGraph.js';

const { values } = parseArgs({ options: {
  out: { type: 'string' }, dist: { type: 'string', default: 'dist' }, events: { type: 'string', default: '50000' },
  port: { type: 'string', default: '18190' }, 'no-profile': { type: 'boolean', default: false },
} });
const profiling = !values['no-profile'];
if (profiling && !values.out) throw new Error('--out <path without extension> is required (or --no-profile)');
const events = Number(values.events);
const key = 'bench-admin-key-0123456789';
const url = `http://127.0.0.1:${values.port}`;
const prefix = `wprof${process.pid}`;
const dataDir = mkdtempSync(join(tmpdir(), 'vigil-wprof-'));
const profileDir = mkdtempSync(join(tmpdir(), 'vigil-wcpuprof-'));
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function start(role: 'api' | 'all', profile: boolean): ChildProcess {
  const flags = profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  return spawn(process.execPath, [...flags, join(values.dist, 'bin/vigil.js')], { env: {
    ...process.env, PORT: values.port, VIGIL_API_KEYS: `bench:${key}:admin`, VIGIL_DATA_DIR: dataDir, VIGIL_ROLE: role,
    VIGIL_REDIS_PREFIX: prefix, LOG_LEVEL: 'warn', VIGIL_MAX_LAG_EVENTS: '50000000', VIGIL_APPROVALS: 'none', VIGIL_RATE_LIMIT_MAX: '0',
  }, stdio: ['ignore', 'inherit', 'inherit'] });
}

async function ready(): Promise<void> {
  for (let i = 0; !(await fetch(`${url}/readyz`).then((r) => r.ok, () => false)); i++) {
    if (i > 600) throw new Error('the engine did not become ready');
    await sleep(100);
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}

async function metric(prefix: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${key}` } })).text();
  return text.split('\n').filter((l) => l.startsWith(prefix)).reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
}
const processed = () => metric('vigil_events_processed_total{');

/** User + system CPU of a process in ms (Linux /proc; clock ticks of 10 ms). */
function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function redisCpuMs(): Promise<number> {
  const info = await redis.info('cpu');
  const read = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return (read('used_cpu_sys') + read('used_cpu_user')) * 1000;
}

let engine = start('api', false);
try {
  await ready();
  const runId = newRunId('wprof');
  for (let first = 0; first < events; first += 500) {
    const res = await fetch(`${url}/v1/events`, {
      method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ events: sampleBatch(runId, first, Math.min(500, events - first), { customers: 20_000 }) }),
    });
    if (res.status !== 202) throw new Error(`ingest answered ${res.status}`);
  }
  await stop(engine);

  engine = start('all', profiling);
  await ready();
  // From ready on: start-up (module loading, migrations) is not the worker path.
  const cpu0 = processCpuMs(engine.pid!);
  const redis0 = await redisCpuMs();
  const t0 = Date.now();
  let done = await processed();
  while (done < events && Date.now() - t0 < 600_000) {
    await sleep(200);
    done = await processed();
  }
  const cpuEvents = processCpuMs(engine.pid!) - cpu0;
  const secondsEvents = (Date.now() - t0) / 1000;
  // What the alert outbox's consumers (webhook fan-out, ClickHouse archive) still have to do then,
  // and the CPU until they are done too: the same process does it, and the next load waits behind it.
  const outbox = `${prefix}:alerts:{${prefix}:alerts}:outbox`;
  const behind = async () => {
    const groups = (await redis.xinfo('GROUPS', outbox).catch(() => [])) as (string | number)[][];
    return groups.map((g) => Number(g[g.indexOf('lag') + 1]) + Number(g[g.indexOf('pending') + 1])).reduce((a, b) => a + b, 0);
  };
  const behindAtEvents = await behind();
  while ((await behind()) > 0 && Date.now() - t0 < 900_000) await sleep(200);
  const cpu = processCpuMs(engine.pid!) - cpu0;
  const redisCpu = (await redisCpuMs()) - redis0;
  const seconds = (Date.now() - t0) / 1000;
  const alerts = await metric('vigil_alerts_raised_total{');
  const flushes = await metric('vigil_aggregates_flush_seconds_count');
  const per1k = (ms: number) => (1000 * ms / done).toFixed(0);
  console.log(`worker processed ${done} of ${events} events in ${secondsEvents.toFixed(1)} s (${Math.round(done / secondsEvents)} ev/s wall), engine CPU ${per1k(cpuEvents)} ms per 1,000 events; `
    + `${alerts} alerts raised, outbox consumers ${behindAtEvents} entries behind then, done after ${seconds.toFixed(1)} s: engine CPU ${cpu} ms = ${per1k(cpu)} ms per 1,000 events, `
    + `Redis ${per1k(redisCpu)} ms per 1,000 events (whole server); ${flushes} ClickHouse flushes${profiling ? '; under the profiler' : ''}`);
} finally {
  await stop(engine);
  rmSync(dataDir, { recursive: true, force: true });
  await deleteKeysMatching(redis, `${prefix}*`);
  redis.disconnect();
}
if (profiling) {
  const file = readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no profile written in ${profileDir}`);
  const root = frameTree(JSON.parse(readFileSync(join(profileDir, file), 'utf8')));
  rmSync(profileDir, { recursive: true, force: true });
  writeFileSync(`${values.out}.svg`, flameSvg(root, `Vigil worker path, draining ${events} events (${values.dist})`));
  writeFileSync(`${values.out}.folded`, foldedStacks(root));
  console.log('| function | self ms | share of busy |\n| --- | ---: | ---: |');
  for (const row of topSelf(root)) console.log(`| \`${row.name}\` | ${row.ms.toFixed(0)} | ${(100 * row.share).toFixed(1)}% |`);
}
