// What one in-line decision (POST /v1/decisions) costs the process that answers it, measured
// apart from the stream: the compiled engine with the API role alone takes decisions from
// closed loops (each posts the next as soon as the answer is in), and beside it, on the same
// harness, a trivial fastify route (bench/thinReference.ts: parse the body, answer approve).
// Per request it prints the server's CPU (from /proc/<pid>/stat, so other work on the shared
// cores does not count), the load generator's own CPU (process.cpuUsage), and their ratios;
// then the Redis round trips of one decision (MONITOR over sequential decisions, top-level
// commands on our key prefix) and, with --out, the engine's CPU profile as a flame graph.
//   npx tsx bench/decisionProfile.ts [--out docs/perf/decisions-after] [--dist dist] [--duration 10] [--loops 16]
// Build first (node scripts/build.mjs).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { newRunId, sampleEvent } from '../loadtests/sampleEvents.js';
import { deleteKeysMatching } from '../core/redis.js';
import { flameSvg, foldedStacks, frameTree, topSelf } from './flameGraph.js';

const { values } = parseArgs({ options: {
  out: { type: 'string' }, dist: { type: 'string', default: 'dist' }, duration: { type: 'string', default: '10' },
  port: { type: 'string', default: '18620' }, loops: { type: 'string', default: '16' },
} });
const key = 'bench-admin-key-0123456789';
const port = Number(values.port);
const prefix = `decprof${process.pid}`;
const durationMs = Number(values.duration) * 1000;
const loops = Number(values.loops);
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quantile = (sorted: readonly number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
const TICK_US = 1e6 / 100; // USER_HZ on Linux

/** CPU seconds a process has used so far (user + system), from /proc. */
function processCpuUs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_US;
}

async function waitUp(url: string, init?: RequestInit): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await fetch(url, init).then((r) => r.status < 500, () => false)) return;
    await sleep(100);
  }
  throw new Error(`${url} did not come up`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}

interface LoadResult { answered: number; perSecond: number; p50: number; p99: number; serverCpuUs: number; clientCpuUs: number; statuses: Record<string, number> }

/** Closed loops posting decisions for the duration; CPU per answered request, server and client. */
async function load(url: string, pid: number, runId: string): Promise<LoadResult> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const until = Date.now() + durationMs;
  const server0 = processCpuUs(pid);
  const client0 = process.cpuUsage();
  const started = performance.now();
  await Promise.all(Array.from({ length: loops }, async (_, loop) => {
    for (let i = 0; Date.now() < until; i++) {
      const sent = performance.now();
      const res = await fetch(`${url}/v1/decisions`, {
        method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(sampleEvent(runId, loop * 1_000_000 + i, { customers: 20_000 })),
      });
      const answer = (await res.json()) as { decision?: string; fallback?: string };
      latencies.push(performance.now() - sent);
      const label = res.status !== 200 ? `HTTP ${res.status}` : answer.fallback ? `fallback_${answer.fallback}` : answer.decision ?? '?';
      statuses[label] = (statuses[label] ?? 0) + 1;
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  const client = process.cpuUsage(client0);
  latencies.sort((a, b) => a - b);
  const n = latencies.length;
  return {
    answered: n, perSecond: n / seconds, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99),
    serverCpuUs: (processCpuUs(pid) - server0) / n, clientCpuUs: (client.user + client.system) / n, statuses,
  };
}

const show = (name: string, r: LoadResult) => `${name}: ${r.answered} answers, ${Math.round(r.perSecond)}/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms; `
  + `server CPU ${Math.round(r.serverCpuUs)} µs/request, load generator CPU ${Math.round(r.clientCpuUs)} µs/request; ${JSON.stringify(r.statuses)}`;

/** Top-level Redis commands on our prefix per decision, over sequential decisions (each one's commands are its round trips). */
async function roundTrips(url: string, runId: string, decisions = 200): Promise<{ perDecision: number; commands: Record<string, number> }> {
  const monitor = new Redis(redisUrl);
  const commands: Record<string, number> = {};
  const m = await monitor.monitor();
  m.on('monitor', (_time: string, args: string[], source: string) => {
    if (source === 'lua') return;
    if (!args.some((a) => a.includes(prefix))) return;
    const name = args[0]!.toLowerCase();
    commands[name] = (commands[name] ?? 0) + 1;
  });
  await sleep(200);
  for (let i = 0; i < decisions; i++) {
    await fetch(`${url}/v1/decisions`, {
      method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(sampleEvent(runId, 5_000_000 + i, { customers: 20_000 })),
    }).then((r) => r.arrayBuffer());
  }
  await sleep(200);
  m.disconnect();
  monitor.disconnect();
  // The API role's own polls (backlog, rules, workers) ride along a few times a second; a
  // decision's commands come once (or more) per decision.
  const perDecision = Object.entries(commands).filter(([, n]) => n >= decisions / 2).reduce((sum, [, n]) => sum + n, 0) / decisions;
  return { perDecision, commands };
}

const dataDir = mkdtempSync(join(tmpdir(), 'vigil-decprof-'));
const profileDir = mkdtempSync(join(tmpdir(), 'vigil-decprof-cpu-'));
const thinUrl = `http://127.0.0.1:${port + 1}`;
const thin = spawn(process.execPath, ['--import', 'tsx', 'bench/thinReference.ts', String(port + 1)], {
  env: { ...process.env, BENCH_THIN_PREFIX: `${prefix}thin` }, stdio: ['ignore', 'ignore', 'inherit'],
});
const url = `http://127.0.0.1:${port}`;
const engine = spawn(process.execPath, [...(values.out ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), join(values.dist, 'bin/vigil.js')], { env: {
  ...process.env, PORT: String(port), VIGIL_API_KEYS: `bench:${key}:admin`, VIGIL_DATA_DIR: dataDir, VIGIL_ROLE: 'api',
  VIGIL_REDIS_PREFIX: prefix, LOG_LEVEL: 'warn', VIGIL_MAX_LAG_EVENTS: '50000000', VIGIL_APPROVALS: 'none', VIGIL_RATE_LIMIT_MAX: '0',
}, stdio: ['ignore', 'inherit', 'inherit'] });
try {
  await waitUp(`${url}/readyz`);
  await waitUp(`${thinUrl}/v1/decisions`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
  const runId = newRunId('decprof');
  await load(thinUrl, thin.pid!, `${runId}-warm-thin`);
  const reference = await load(thinUrl, thin.pid!, `${runId}-thin`);
  await load(url, engine.pid!, `${runId}-warm`);
  const vigil = await load(url, engine.pid!, runId);
  console.log(`${loops} closed loops, ${durationMs / 1000} s each, on the same harness:`);
  console.log(show('trivial fastify route', reference));
  console.log(show('Vigil POST /v1/decisions (API role)', vigil));
  console.log(`ratio Vigil / trivial: server CPU per request ${(vigil.serverCpuUs / reference.serverCpuUs).toFixed(1)}×, `
    + `answers per second ${(vigil.perSecond / reference.perSecond).toFixed(2)}; load generator CPU per request is ${Math.round(100 * vigil.clientCpuUs / (vigil.clientCpuUs + vigil.serverCpuUs))} % of client + server`);
  const trips = await roundTrips(url, `${runId}-trips`);
  console.log(`Redis round trips per decision (sequential, top-level commands on the prefix, background polls left out): ${trips.perDecision.toFixed(2)} ${JSON.stringify(trips.commands)}`);
} finally {
  await Promise.all([stop(thin), stop(engine)]);
  rmSync(dataDir, { recursive: true, force: true });
  const redis = new Redis(redisUrl);
  await deleteKeysMatching(redis, `${prefix}*`);
  redis.disconnect();
}
if (values.out) {
  const file = readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no profile written in ${profileDir}`);
  const root = frameTree(JSON.parse(readFileSync(join(profileDir, file), 'utf8')));
  writeFileSync(`${values.out}.svg`, flameSvg(root, `Vigil API role, POST /v1/decisions, ${loops} closed loops (${values.dist})`));
  writeFileSync(`${values.out}.folded`, foldedStacks(root));
  console.log('| function | self ms | share of busy |\n| --- | ---: | ---: |');
  for (const row of topSelf(root)) console.log(`| \`${row.name}\` | ${row.ms.toFixed(0)} | ${(100 * row.share).toFixed(1)}% |`);
}
rmSync(profileDir, { recursive: true, force: true });
