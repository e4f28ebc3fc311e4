// What one in-line decision (POST /v1/decisions) costs the process that answers it, measured
// apart from the stream: the compiled engine with the API role alone takes decisions from
// closed loops (each posts the next as soon as the answer is in), and beside it, on the same
// harness, a trivial fastify route (bench/thinReference.ts: parse the body, answer approve).
// Per request it prints the server's CPU (from /proc/<pid>/stat, so other work on the shared
// cores does not count), the load generator's own CPU (process.cpuUsage), and their ratios;
// then the Redis round trips of one decision (MONITOR over sequential decisions, top-level
// commands on our key prefix) and, with --out, the engine's CPU profile as a flame graph.
// The client is an undici Pool (keep-alive, one connection per loop); `--client fetch` uses the
// global fetch instead, which costs the load generator 5-8 times the CPU per request.
//   npx tsx bench/decisionProfile.ts [--out docs/perf/decisions-after] [--dist dist] [--compare <older dist>] [--rounds 1]
//                                     [--duration 10] [--loops 16] [--client fetch] [--ingest]
// --ingest also posts the same events one per request to /v1/events: what any authenticated post
// with one script call costs, beside which the decision's own share shows.
// Build first (node scripts/build.mjs).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { Pool } from 'undici';
import { newRunId, sampleEvent } from '../loadtests/sampleEvents.js';
import { deleteKeysMatching } from '../core/redis.js';
import { processCpuUs } from './processCpu.js';
import { flameSvg, foldedStacks, frameTree, topSelf } from './flameGraph.js';

const { values } = parseArgs({ options: {
  out: { type: 'string' }, dist: { type: 'string', default: 'dist' }, duration: { type: 'string', default: '10' },
  port: { type: 'string', default: '18620' }, loops: { type: 'string', default: '16' }, client: { type: 'string', default: 'undici' },
  compare: { type: 'string' }, rounds: { type: 'string', default: '1' }, ingest: { type: 'boolean', default: false },
} });
const key = 'bench-admin-key-0123456789';
const port = Number(values.port);
const prefix = `decprof${process.pid}`;
const durationMs = Number(values.duration) * 1000;
const loops = Number(values.loops);
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quantile = (sorted: readonly number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
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

interface LoadResult { answered: number; perSecond: number; p50: number; p99: number; serverCpuUs: number; clientCpuUs: number; statuses: Record<string, number>; redisRtt: { p50: number; p99: number } }

/**
 * A PING every 10 ms on a connection of its own until `until`: what one Redis round trip takes on
 * this machine meanwhile, whoever else is using its cores (each decision waits for two).
 */
async function pingRedis(until: number): Promise<{ p50: number; p99: number }> {
  const redis = new Redis(redisUrl);
  const rtts: number[] = [];
  while (Date.now() < until) {
    const sent = performance.now();
    await redis.ping();
    rtts.push(performance.now() - sent);
    await sleep(10);
  }
  redis.disconnect();
  rtts.sort((a, b) => a - b);
  return { p50: quantile(rtts, 0.5), p99: quantile(rtts, 0.99) };
}

/** CPU the process uses doing nothing asked of it (timers, polls, the embedded ClickHouse's threads), per second. */
async function idleCpuUsPerSecond(pid: number, ms = 3000): Promise<number> {
  const before = processCpuUs(pid);
  await sleep(ms);
  return (processCpuUs(pid) - before) / (ms / 1000);
}

/** One decision posted and its answer read: status and body. */
type Post = (body: string) => Promise<{ status: number; answer: { decision?: string; fallback?: string } }>;

function client(url: string, path: string): { post: Post; close: () => Promise<void> } {
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  if (values.client === 'fetch') {
    return {
      post: async (body) => {
        const res = await fetch(`${url}${path}`, { method: 'POST', headers, body });
        return { status: res.status, answer: (await res.json()) as { decision?: string } };
      },
      close: async () => {},
    };
  }
  const pool = new Pool(url, { connections: loops });
  return {
    post: async (body) => {
      const res = await pool.request({ path, method: 'POST', headers, body });
      return { status: res.statusCode, answer: (await res.body.json()) as { decision?: string } };
    },
    close: () => pool.close(),
  };
}

/** Closed loops posting decisions for the duration; CPU per answered request, server and client. */
async function load(url: string, pid: number, runId: string, path = '/v1/decisions'): Promise<LoadResult> {
  const { post, close } = client(url, path);
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const until = Date.now() + durationMs;
  const pings = pingRedis(until);
  const server0 = processCpuUs(pid);
  const client0 = process.cpuUsage();
  const started = performance.now();
  await Promise.all(Array.from({ length: loops }, async (_, loop) => {
    for (let i = 0; Date.now() < until; i++) {
      const sent = performance.now();
      const { status, answer } = await post(JSON.stringify(sampleEvent(runId, loop * 1_000_000 + i, { customers: 20_000 })));
      latencies.push(performance.now() - sent);
      const label = status !== 200 && status !== 202 ? `HTTP ${status}` : answer.fallback ? `fallback_${answer.fallback}` : answer.decision ?? (status === 202 ? 'accepted' : '?');
      statuses[label] = (statuses[label] ?? 0) + 1;
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(client0);
  await close();
  const redisRtt = await pings;
  latencies.sort((a, b) => a - b);
  const n = latencies.length;
  return {
    answered: n, perSecond: n / seconds, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99),
    serverCpuUs: (processCpuUs(pid) - server0) / n, clientCpuUs: (used.user + used.system) / n, statuses, redisRtt,
  };
}

const show = (name: string, r: LoadResult) => `${name}: ${r.answered} answers, ${Math.round(r.perSecond)}/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms; `
  + `server CPU ${Math.round(r.serverCpuUs)} µs/request, load generator CPU ${Math.round(r.clientCpuUs)} µs/request; `
  + `Redis PING meanwhile p50 ${r.redisRtt.p50.toFixed(1)} ms, p99 ${r.redisRtt.p99.toFixed(1)} ms; ${JSON.stringify(r.statuses)}`;

/** Top-level Redis commands on our prefix per decision, over sequential decisions (each one's commands are its round trips). */
async function roundTrips(url: string, keyPrefix: string, runId: string, decisions = 200): Promise<{ perDecision: number; commands: Record<string, number> }> {
  const monitor = new Redis(redisUrl);
  const commands: Record<string, number> = {};
  const m = await monitor.monitor();
  // Lines still arriving while the monitor disconnects make ioredis emit an error; a monitor
  // failing while it counts makes the count wrong, so that one is reported.
  let counting = true;
  m.on('error', (err: Error) => {
    if (counting) console.error(`MONITOR failed while counting: ${err.message}`);
  });
  m.on('monitor', (_time: string, args: string[], source: string) => {
    if (source === 'lua') return;
    if (!args.some((a) => a.includes(`${keyPrefix}:`))) return;
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
  counting = false;
  m.disconnect();
  monitor.disconnect();
  // The API role's own polls (backlog, rules, workers) ride along a few times a second; a
  // decision's commands come once (or more) per decision.
  const perDecision = Object.entries(commands).filter(([, n]) => n >= decisions / 2).reduce((sum, [, n]) => sum + n, 0) / decisions;
  return { perDecision, commands };
}

const profileDir = mkdtempSync(join(tmpdir(), 'vigil-decprof-cpu-'));
const thinUrl = `http://127.0.0.1:${port + 1}`;
const thin = spawn(process.execPath, ['--import', 'tsx', 'bench/thinReference.ts', String(port + 1)], {
  env: { ...process.env, BENCH_THIN_PREFIX: `${prefix}thin` }, stdio: ['ignore', 'ignore', 'inherit'],
});

/** The compiled engine of `dist` with the API role alone; profiled when asked. */
function startEngine(dist: string, enginePort: number, enginePrefix: string, dataDir: string, profiled: boolean): ChildProcess {
  return spawn(process.execPath, [...(profiled ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), join(dist, 'bin/vigil.js')], { env: {
    ...process.env, PORT: String(enginePort), VIGIL_API_KEYS: `bench:${key}:admin`, VIGIL_DATA_DIR: dataDir, VIGIL_ROLE: 'api',
    VIGIL_REDIS_PREFIX: enginePrefix, LOG_LEVEL: 'warn', VIGIL_MAX_LAG_EVENTS: '50000000', VIGIL_APPROVALS: 'none', VIGIL_RATE_LIMIT_MAX: '0',
  }, stdio: ['ignore', 'inherit', 'inherit'] });
}

// With --compare <dist> a second engine (an older build) takes the same loads, alternating with
// this one, so both are measured under the same neighbours.
const engines = [{ name: `Vigil (${values.dist})`, dist: values.dist, port, prefix, dataDir: mkdtempSync(join(tmpdir(), 'vigil-decprof-')) }];
if (values.compare) engines.unshift({ name: `Vigil (${values.compare})`, dist: values.compare, port: port + 2, prefix: `${prefix}b`, dataDir: mkdtempSync(join(tmpdir(), 'vigil-decprof-')) });
const running = engines.map((e) => ({ ...e, url: `http://127.0.0.1:${e.port}`, child: startEngine(e.dist, e.port, e.prefix, e.dataDir, Boolean(values.out) && e.dist === values.dist) }));
try {
  for (const e of running) await waitUp(`${e.url}/readyz`);
  await waitUp(`${thinUrl}/v1/decisions`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
  const runId = newRunId('decprof');
  await load(thinUrl, thin.pid!, `${runId}-warm-thin`);
  for (const e of running) await load(e.url, e.child.pid!, `${runId}-warm-${e.port}`);
  for (const e of running) console.log(`${e.name} idle (API role, no requests): ${Math.round(await idleCpuUsPerSecond(e.child.pid!))} µs of CPU per second`);
  console.log(`${loops} closed loops (${values.client} client), ${durationMs / 1000} s each, on the same harness:`);
  for (let round = 1; round <= Number(values.rounds); round++) {
    const reference = await load(thinUrl, thin.pid!, `${runId}-thin-${round}`);
    console.log(show(`round ${round}, trivial fastify route`, reference));
    for (const e of running) {
      const vigil = await load(e.url, e.child.pid!, `${runId}-${e.port}-${round}`);
      console.log(show(`round ${round}, ${e.name} POST /v1/decisions (API role)`, vigil));
      console.log(`  ratio to trivial: server CPU per request ${(vigil.serverCpuUs / reference.serverCpuUs).toFixed(1)}×, `
        + `answers per second ${(vigil.perSecond / reference.perSecond).toFixed(2)}; load generator CPU is ${Math.round(100 * vigil.clientCpuUs / (vigil.clientCpuUs + vigil.serverCpuUs))} % of client + server`);
    }
    if (values.ingest) {
      // The same events posted to ingest, one per request: the same HTTP stack, parse and one
      // script, without the assessment and the second round trip.
      const last = running.at(-1)!;
      const ingest = await load(last.url, last.child.pid!, `${runId}-ingest-${round}`, '/v1/events');
      console.log(show(`round ${round}, ${last.name} POST /v1/events, one event (API role)`, ingest));
    }
  }
  for (const e of running) {
    const trips = await roundTrips(e.url, e.prefix, `${runId}-trips-${e.port}`);
    console.log(`${e.name}: Redis round trips per decision (sequential, top-level commands on its prefix, background polls left out): ${trips.perDecision.toFixed(2)} ${JSON.stringify(trips.commands)}`);
  }
} finally {
  await Promise.all([stop(thin), ...running.map((e) => stop(e.child))]);
  const redis = new Redis(redisUrl);
  for (const e of running) {
    rmSync(e.dataDir, { recursive: true, force: true });
    await deleteKeysMatching(redis, `${e.prefix}*`);
  }
  await deleteKeysMatching(redis, `${prefix}thin*`);
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
