// npm run bench — throughput figures on this machine. Builds Vigil and starts the compiled engine
// as a separate process (api + worker, embedded ClickHouse, a fresh key prefix and data dir) so
// the load generator does not share its event loop, then measures ingest (single and batched
// posts) against the thinnest fastify + ioredis ingest measured in the same run, end-to-end
// processing, in-line decisions and event-to-alert latency at fixed rates, and engagement offers
// (decisions, caps, signed delivery to a loopback channel endpoint), what scoring the example
// fraud model costs per event in process (bench/model.ts), and the pure risk assessment replayed
// in memory against the same replay without rules (bench/riskReplay.ts). Loopback only, bounded:
// every phase stops by itself.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { formatLoadResult, runIngestLoad } from '../loadtests/ingest-autocannon.js';
import { newRunId, sampleBatch, sampleEvent } from '../loadtests/sampleEvents.js';
import { Pool } from 'undici';
import { deleteKeysMatching } from '../core/redis.js';
import { DEFAULT_RULE_PACK_URL } from '../rules/index.js';
import { EXAMPLE_CAMPAIGNS_URL } from '../offers/index.js';
import { partitionKeys } from '../core/streams/index.js';
import { benchModelScoring } from './model.js';
import { processCpuUs } from './processCpu.js';
import { benchRiskReplay } from './riskReplay.js';
import { engineMemory, formatEngineMemory, sampleEngineMemory } from './memory.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    port: { type: 'string', default: '18099' },
    'e2e-events': { type: 'string', default: '100000' },
    'offer-events': { type: 'string', default: '30000' },
    only: { type: 'string' },
    // Another build to measure (e.g. a copy of dist/ made at an earlier commit); not rebuilt.
    dist: { type: 'string' },
    // The issue's rates are the defaults; lower ones show where latency goes when the cores are not saturated.
    'decision-rate': { type: 'string', default: '1000' },
    'stream-rate': { type: 'string', default: '2000' },
  },
});
const duration = Number(values.duration);
const port = Number(values.port);
const e2eEvents = Number(values['e2e-events']);
const offerEvents = Number(values['offer-events']);
const decisionRate = Number(values['decision-rate']);
const streamRate = Number(values['stream-rate']);
const phases = new Set((values.only ?? 'model,riskreplay,ingest,reference,e2e,decisions,alerts,offers').split(','));
// The model and risk replay phases run in this process, before the engine starts, so nothing else shares the CPU.
if (phases.delete('model')) {
  await benchModelScoring();
  console.log('');
}
if (phases.delete('riskreplay')) {
  benchRiskReplay();
  console.log('');
}
if (phases.size === 0) process.exit(0);
const OFFER_CUSTOMERS = 20_000;
/** Set for the engine, so what the bench reads per partition (offer outboxes) is every partition. */
const PARTITIONS = 8;
const url = `http://127.0.0.1:${port}`;
const key = 'bench-admin-key-0123456789';
const dataDir = mkdtempSync(join(tmpdir(), 'vigil-bench-'));
const prefix = `bench${process.pid}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The environment (MALLOC_ARENA_MAX) and heap flags `npm start` and the Docker image run the engine with (docs/perf/README.md#memory). */
const START = /^((?:\w+=\S+ )*)node (.*) dist\/bin\/vigil\.js$/.exec(JSON.parse(readFileSync('package.json', 'utf8')).scripts.start);
if (!START) throw new Error("package.json's start script is not `[NAME=value ...] node <flags> dist/bin/vigil.js`");
const ENGINE_ENV = Object.fromEntries(START[1]!.trim().split(' ').filter(Boolean).map((pair) => pair.split('=') as [string, string]));
const ENGINE_NODE_FLAGS = START[2]!.split(' ');

// What production runs: the compiled JavaScript (incremental build, seconds when up to date).
if (!values.dist) {
  const built = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (built.status !== 0) throw new Error('npm run build failed');
}

// Another process on these ports (a neighbour's bench) would answer /readyz and take the load.
await assertPortsFree([port, port + 1, port + 2]);
const engine = startVigil({ port, prefix, dataDir, role: 'all' });

async function assertPortsFree(ports: number[]): Promise<void> {
  for (const candidate of ports) {
    await new Promise<void>((resolve, reject) => {
      const probe = createServer();
      probe.once('error', () => reject(new Error(`port ${candidate} is in use: choose another base with --port`)));
      probe.listen(candidate, '127.0.0.1', () => probe.close(() => resolve()));
    });
  }
}

/** The compiled engine in a process of its own, as `npm start` runs it. */
function startVigil(opts: { port: number; prefix: string; dataDir: string; role: 'all' | 'api' }): ChildProcess {
  return spawn(process.execPath, [...ENGINE_NODE_FLAGS, join(values.dist ?? 'dist', 'bin/vigil.js')], { env: {
    ...process.env, ...ENGINE_ENV, PORT: String(opts.port), VIGIL_API_KEYS: `bench:${key}:admin`, VIGIL_DATA_DIR: opts.dataDir, VIGIL_ROLE: opts.role,
    VIGIL_REDIS_PREFIX: opts.prefix, VIGIL_PARTITIONS: String(PARTITIONS), LOG_LEVEL: 'warn', VIGIL_MAX_LAG_EVENTS: '50000000',
    // Offers on from the start, as the issue measures the pipeline: the shipped example campaigns
    // (retention, birthday, payroll, travel card, …) are evaluated on every event of every phase.
    VIGIL_CAMPAIGNS_FILE: fileURLToPath(EXAMPLE_CAMPAIGNS_URL),
    // The bench publishes its own rule set for the alert-latency phase; nobody is there to approve it.
    VIGIL_APPROVALS: 'none',
    // Throughput is measured, not the per-address limit (one loopback client sends everything); the
    // offer endpoint is a loopback receiver over http.
    VIGIL_RATE_LIMIT_MAX: '0', VIGIL_OUTBOUND_ALLOW: '127.0.0.1',
    // Caps high enough that nearly every trigger is offered, so the whole path (decide, commit the
    // caps, enqueue, deliver) is measured; the cap logic itself is proven by the tests.
    VIGIL_OFFER_POLICY: JSON.stringify({ quiet_hours_channels: [], frequency_caps: { per_channel: [{ window: '1d', limit: 100_000 }], overall: [{ window: '7d', limit: 100_000 }] } }),
  }, stdio: ['ignore', 'inherit', 'inherit'] });
}

async function metric(name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${key}` } })).text();
  return text.split('\n').filter((l) => l.startsWith(name)).reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
}

/** Waits for the engine started on `base`; fails as soon as that process has exited. */
async function waitReady(base = url, child: ChildProcess = engine): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the engine for ${base} exited before it was ready (port in use? try --port)`);
    if (await fetch(`${base}/readyz`).then((r) => r.ok, () => false)) return;
    await sleep(100);
  }
  throw new Error(`${base} did not become ready`);
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}

const ratio = (vigil: number, reference: number) => (reference > 0 ? (vigil / reference).toFixed(2) : 'n/a');
const quantile = (sorted: readonly number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

async function drained(target: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let processed = await metric('vigil_events_processed_total{');
  while (processed < target && Date.now() < deadline) {
    await sleep(100);
    processed = await metric('vigil_events_processed_total{');
  }
  return processed;
}

/** Waits until no offer decision has been made for two seconds; fails if they never stop. */
async function offerDecisionsSettled(timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = await metric('vigil_offer_decisions_total{');
  let quietSince = Date.now();
  while (Date.now() - quietSince < 2_000) {
    if (Date.now() > deadline) throw new Error(`offer decisions still being made after ${timeoutMs / 1000} s`);
    await sleep(250);
    const now = await metric('vigil_offer_decisions_total{');
    if (now !== last) {
      last = now;
      quietSince = Date.now();
    }
  }
}

async function endToEnd(): Promise<{ events: number; seconds: number }> {
  const already = await metric('vigil_events_processed_total{');
  const runId = newRunId('e2e');
  const started = Date.now();
  const batch = 500;
  const inFlight = 8;
  let next = 0;
  const postNext = async (): Promise<void> => {
    while (next < e2eEvents) {
      const first = next;
      next += batch;
      const res = await fetch(`${url}/v1/events`, {
        method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ events: sampleBatch(runId, first, Math.min(batch, e2eEvents - first), { customers: 20_000 }) }),
      });
      if (res.status !== 202) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, postNext));
  const processed = await drained(already + e2eEvents, 300_000);
  // End to end includes the offer decisions the events' triggers committed (decided after the batch).
  const undecided = await offerTriggersDecided(120_000);
  if (undecided > 0) console.log(`  (${undecided} offer triggers still undecided when the e2e wait ended)`);
  return { events: processed - already, seconds: (Date.now() - started) / 1000 };
}

/** Waits (bounded) until every partition's offer outbox is empty; answers how many triggers are left. */
async function offerTriggersDecided(timeoutMs: number): Promise<number> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  try {
    const outboxes = Array.from({ length: PARTITIONS }, (_, p) => partitionKeys(prefix, p).offerOutbox);
    const left = async () => (await Promise.all(outboxes.map((key) => redis.llen(key)))).reduce((a, b) => a + b, 0);
    const deadline = Date.now() + timeoutMs;
    let n = await left();
    while (n > 0 && Date.now() < deadline) {
      await sleep(50);
      n = await left();
    }
    return n;
  } finally {
    redis.disconnect();
  }
}

/**
 * The same two ingest loads against the thinnest fastify + ioredis ingest (bench/thinReference.ts)
 * and against Vigil with the API role alone, one after the other in this run, and their ratio.
 */
async function ingestAgainstReference(): Promise<void> {
  const thinUrl = `http://127.0.0.1:${port + 1}`;
  const apiUrl = `http://127.0.0.1:${port + 2}`;
  const apiDir = mkdtempSync(join(tmpdir(), 'vigil-bench-api-'));
  const thin = spawn(process.execPath, ['--import', 'tsx', 'bench/thinReference.ts', String(port + 1)], {
    env: { ...process.env, BENCH_THIN_PREFIX: `${prefix}thin` }, stdio: ['ignore', 'ignore', 'inherit'],
  });
  const apiOnly = startVigil({ port: port + 2, prefix: `${prefix}api`, dataDir: apiDir, role: 'api' });
  try {
    for (let i = 0; i < 300 && !(await fetch(`${thinUrl}/v1/events`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } }).then(() => true, () => false)); i++) await sleep(100);
    await waitReady(apiUrl, apiOnly);
    for (const load of [{ mode: 'single' as const, connections: 32 }, { mode: 'batch' as const, batchSize: 100, connections: 16 }]) {
      const reference = await runIngestLoad({ url: thinUrl, apiKey: key, ...load, durationSeconds: duration });
      const vigil = await runIngestLoad({ url: apiUrl, apiKey: key, ...load, durationSeconds: duration });
      const label = load.mode === 'single' ? 'one event per request' : '100 events per request';
      console.log(`ingest, ${label}: thin reference ${Math.round(reference.eventsPerSecond)} ev/s (p99 ${reference.latencyP99Ms} ms), `
        + `Vigil API role alone ${Math.round(vigil.eventsPerSecond)} ev/s (p99 ${vigil.latencyP99Ms} ms, ${vigil.non2xx} non-2xx): ratio ${ratio(vigil.eventsPerSecond, reference.eventsPerSecond)}`);
    }
  } finally {
    await Promise.all([stopProcess(thin), stopProcess(apiOnly)]);
    rmSync(apiDir, { recursive: true, force: true });
  }
}

/** Posts a fixed-rate stream (batches every 50 ms) until `until`; answers how many events it posted. */
async function steadyStream(runId: string, eventsPerSecond: number, until: number, customize?: (n: number) => Record<string, unknown> | undefined): Promise<number> {
  const perTick = Math.max(1, Math.round(eventsPerSecond / 20));
  let n = 0;
  while (Date.now() < until) {
    const tick = Date.now();
    const events = sampleBatch(runId, n, perTick, { customers: 20_000 }).map((event, i) => customize?.(n + i) ?? event);
    const res = await api('/v1/events', { method: 'POST', body: JSON.stringify({ events }) });
    if (res.status !== 202) throw new Error(`ingest answered ${res.status}`);
    n += perTick;
    await sleep(Math.max(0, 50 - (Date.now() - tick)));
  }
  return n;
}

interface DecisionLoad { answered: number; perSecond: number; p50: number; p99: number; max: number; fallbacks: number; byDecision: Record<string, number>; serverCores: number; clientCores: number; streamed: number }

/**
 * Decisions at a fixed rate to `target` (20 loops, each posting every 20 ms unless the answer is
 * later) while the stream runs into Vigil: client-side latency of every answer, and the CPU the
 * answering process (`pid`) and this load generator used. The client is an undici Pool (keep-alive):
 * the global fetch cost this process 400-700 µs of CPU per request, more than Vigil spent answering.
 */
async function decisionLoad(target: string, pid: number, decisionsPerSecond: number, streamPerSecond: number): Promise<DecisionLoad> {
  const until = Date.now() + duration * 1000;
  const runId = newRunId('decide');
  const latencies: number[] = [];
  const byDecision: Record<string, number> = {};
  let fallbacks = 0;
  const loops = 20;
  const gapMs = (1000 * loops) / decisionsPerSecond;
  const pool = new Pool(target, { connections: loops });
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const decide = async (loop: number) => {
    for (let i = 0; Date.now() < until; i++) {
      const started = performance.now();
      const res = await pool.request({ path: '/v1/decisions', method: 'POST', headers, body: JSON.stringify(sampleEvent(runId, loop * 1_000_000 + i, { customers: 20_000 })) });
      const answer = (await res.body.json()) as { decision?: string; fallback?: string };
      latencies.push(performance.now() - started);
      const label = answer.decision ?? `HTTP ${res.statusCode}`;
      byDecision[label] = (byDecision[label] ?? 0) + 1;
      if (answer.fallback) fallbacks++;
      await sleep(Math.max(0, gapMs - (performance.now() - started)));
    }
  };
  const server0 = processCpuUs(pid);
  const client0 = process.cpuUsage();
  const wall0 = performance.now();
  const [streamed] = await Promise.all([steadyStream(newRunId('decide-stream'), streamPerSecond, until), ...Array.from({ length: loops }, (_, k) => decide(k))]);
  const wallUs = (performance.now() - wall0) * 1000;
  const client = process.cpuUsage(client0);
  const serverCores = (processCpuUs(pid) - server0) / wallUs;
  await pool.close();
  latencies.sort((a, b) => a - b);
  return {
    answered: latencies.length, perSecond: latencies.length / duration, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), max: latencies.at(-1) ?? NaN,
    fallbacks, byDecision, serverCores, clientCores: (client.user + client.system) / wallUs, streamed,
  };
}

/**
 * In-line decisions at a fixed rate while the stream runs: the same load first against a trivial
 * route (bench/thinReference.ts: parse the body, answer approve) with the stream still going into
 * Vigil, then against Vigil, and their ratio: what Vigil adds to what this harness and machine cost.
 */
async function inlineDecisions(decisionsPerSecond = 1000, streamPerSecond = 2000): Promise<void> {
  const thinUrl = `http://127.0.0.1:${port + 1}`;
  const thin = spawn(process.execPath, ['--import', 'tsx', 'bench/thinReference.ts', String(port + 1)], {
    env: { ...process.env, BENCH_THIN_PREFIX: `${prefix}thin` }, stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    for (let i = 0; i < 300 && !(await fetch(`${thinUrl}/v1/decisions`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } }).then(() => true, () => false)); i++) await sleep(100);
    const show = (r: DecisionLoad) => `${r.answered} decisions (${Math.round(r.perSecond)}/s), p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, max ${r.max.toFixed(1)} ms, `
      + `fallbacks ${r.fallbacks}; ${JSON.stringify(r.byDecision)}; answering process ${r.serverCores.toFixed(2)} cores, load generator ${r.clientCores.toFixed(2)} cores`;
    const reference = await decisionLoad(thinUrl, thin.pid!, decisionsPerSecond, streamPerSecond);
    console.log(`in-line decisions at ${decisionsPerSecond}/s while the stream runs at ${streamPerSecond} ev/s (${reference.streamed} events), trivial route: ${show(reference)}`);
    await drained(await metric('vigil_events_ingested_total{result="accepted"}'), 60_000);
    // Each scrape resets the event-loop delay histogram: the one after the load covers the load.
    const loopDelay = async (base: string) => {
      const text = await (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${key}` } })).text();
      const value = (name: string) => 1000 * Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
      return `event-loop delay meanwhile p99 ${value('vigil_nodejs_eventloop_lag_p99_seconds').toFixed(0)} ms, max ${value('vigil_nodejs_eventloop_lag_max_seconds').toFixed(0)} ms`;
    };
    await loopDelay(url);
    const vigil = await decisionLoad(url, engine.pid!, decisionsPerSecond, streamPerSecond);
    console.log(`in-line decisions at ${decisionsPerSecond}/s while the stream runs at ${streamPerSecond} ev/s (${vigil.streamed} events), Vigil (api + worker in one process): ${show(vigil)}; `
      + `${await loopDelay(url)} (a request waits that long to be read)`);
    console.log(`in-line decisions, Vigil / trivial route: answered ${ratio(vigil.perSecond, reference.perSecond)}, p50 ${ratio(vigil.p50, reference.p50)}, p99 ${ratio(vigil.p99, reference.p99)}`);

    // The same decisions answered by an API-role process of the same deployment (same prefix),
    // while the engine above processes the stream: what the decision path costs without sharing its
    // event loop with the partition consumers' batches, as API nodes apart from workers would run.
    const apiUrl = `http://127.0.0.1:${port + 2}`;
    const apiDir = mkdtempSync(join(tmpdir(), 'vigil-bench-decide-api-'));
    const apiOnly = startVigil({ port: port + 2, prefix, dataDir: apiDir, role: 'api' });
    try {
      await waitReady(apiUrl);
      await drained(await metric('vigil_events_ingested_total{result="accepted"}'), 60_000);
      await loopDelay(apiUrl);
      const apart = await decisionLoad(apiUrl, apiOnly.pid!, decisionsPerSecond, streamPerSecond);
      console.log(`in-line decisions at ${decisionsPerSecond}/s while the stream runs at ${streamPerSecond} ev/s (${apart.streamed} events), Vigil API role apart from the worker: ${show(apart)}; `
        + `${await loopDelay(apiUrl)}; ratio to the trivial route: answered ${ratio(apart.perSecond, reference.perSecond)}, p99 ${ratio(apart.p99, reference.p99)}`);
    } finally {
      await stopProcess(apiOnly);
      rmSync(apiDir, { recursive: true, force: true });
    }
  } finally {
    await stopProcess(thin);
  }
}

/**
 * The default pack with one rule added that alerts on every event the bench marks and on nothing
 * else, so each marked event raises one alert while every other event is assessed by the pack as
 * in production (the pack alone alerts at random on the bench's synthetic stream).
 */
function benchAlertRules(): string {
  const pack = parseYaml(readFileSync(fileURLToPath(DEFAULT_RULE_PACK_URL), 'utf8')) as { version: string; rules: unknown[] };
  const marker = {
    id: 'bench-marker', name: 'Bench marker', description: 'Alerts on every event the bench marks, and on nothing else.',
    alert_type: 'fraud', severity: 'high', weight: 0.5, mode: 'active', suppress_for: '0s',
    condition: { field: 'event.attributes.bench_marker', op: 'eq', value: 'alert' },
  };
  return stringifyYaml({ ...pack, version: `${pack.version}-bench-marker`, rules: [...pack.rules, marker] });
}

let steadyMemory: Awaited<ReturnType<ReturnType<typeof sampleEngineMemory>['stop']>>;

/**
 * From an event being posted to its alert being stored and visible, at a fixed rate (1 % of events
 * alert). The engine's memory is sampled every second of this stream: the bench's steady state.
 */
async function alertLatency(streamPerSecond = 2000): Promise<void> {
  const published = await api('/v1/rules', { method: 'PUT', body: JSON.stringify({ format: 'yaml', text: benchAlertRules() }) });
  if (published.status !== 200) throw new Error(`rule set not published: ${published.status} ${await published.text()}`);
  await sleep(2500); // the rules poll interval: every worker has it
  const sentAt = new Map<string, number>();
  const runId = newRunId('alerts');
  const until = Date.now() + duration * 1000;
  const memory = sampleEngineMemory(url, key, engine.pid);
  // What the engine spent on the stream, and in how many reads: latency at a fixed rate is queueing
  // behind the engine's own work, so its share of a core and its per-read overhead explain it.
  const cpu0 = processCpuUs(engine.pid!);
  const reads0 = await metric('vigil_processing_batch_size_count');
  const streamStart = Date.now();
  await steadyStream(runId, streamPerSecond, until, (n) => {
    if (n % 100 !== 0) return undefined;
    const eventId = `${runId}-marked-${n}`;
    sentAt.set(eventId, Date.now());
    return {
      event_id: eventId, customer_id: `bench-alert-${n}`, type: 'card_payment', occurred_at: new Date().toISOString(), channel: 'pos',
      amount: '12.00', currency: 'EUR', merchant: { id: 'bench-m', mcc: '5411', country: 'GB' }, attributes: { bench_marker: 'alert' },
    };
  });
  const engineCores = (processCpuUs(engine.pid!) - cpu0) / ((Date.now() - streamStart) * 1000);
  const reads = (await metric('vigil_processing_batch_size_count')) - reads0;
  steadyMemory = await memory.stop();
  await drained(await metric('vigil_events_ingested_total{result="accepted"}'), 120_000);
  const latencies: number[] = [];
  let cursor: string | null = null;
  do {
    const res = await api(`/v1/alerts?min_severity=low&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    if (res.status !== 200) throw new Error(`listing alerts answered ${res.status}: ${await res.text()}`);
    const page = (await res.json()) as { alerts: { createdAt: string; triggeringEvents: { eventId: string }[] }[]; nextCursor: string | null };
    for (const alert of page.alerts) {
      const sent = sentAt.get(alert.triggeringEvents[0]?.eventId ?? '');
      if (sent !== undefined) latencies.push(Date.parse(alert.createdAt) - sent);
    }
    cursor = page.nextCursor;
  } while (cursor && latencies.length < sentAt.size);
  latencies.sort((a, b) => a - b);
  console.log(`event posted → alert stored, at ${streamPerSecond} ev/s: ${latencies.length} of ${sentAt.size} marked events alerted, `
    + `p50 ${quantile(latencies, 0.5)} ms, p99 ${quantile(latencies, 0.99)} ms, max ${latencies.at(-1)} ms; `
    + `the engine used ${engineCores.toFixed(2)} cores meanwhile (ClickHouse's threads included) and read the stream ${reads} times `
    + `(${(streamPerSecond * duration / Math.max(1, reads)).toFixed(1)} events a read)`);
}

const api = (path: string, init: { method?: string; body?: string; type?: string } = {}) => fetch(`${url}${path}`, {
  method: init.method ?? 'GET',
  headers: { authorization: `Bearer ${key}`, 'content-type': init.type ?? 'application/json' },
  ...(init.body !== undefined && { body: init.body }),
});

/** Offers: every event of OFFER_CUSTOMERS consenting customers fires a campaign; delivered to a loopback endpoint. */
async function offers(): Promise<void> {
  let delivered = 0;
  const receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      delivered += 1;
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  try {
    const endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/push`;
    await api('/v1/offers/channels/push', { method: 'PUT', body: JSON.stringify({ url: endpoint }) });
    const profile = (i: number) => JSON.stringify({
      customer_id: `cust-${String(i).padStart(6, '0')}`, kyc_status: 'verified', preferred_channel: 'push', marketing_consent: { push: true },
    });
    let started = Date.now();
    let imported = 0;
    for (let first = 0; first < OFFER_CUSTOMERS; first += 5000) {
      const rows = Array.from({ length: Math.min(5000, OFFER_CUSTOMERS - first) }, (_, i) => profile(first + i)).join('\n');
      const res = await api('/v1/customers/import', { method: 'POST', type: 'application/x-ndjson', body: rows });
      if (res.status !== 200) throw new Error(`profile import answered ${res.status}: ${await res.text()}`);
      imported += ((await res.json()) as { imported: number }).imported;
    }
    console.log(`profile import (NDJSON, 5,000 per request): ${imported} profiles in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const created = await api('/v1/campaigns', { method: 'POST', body: JSON.stringify({
      id: 'bench-every-event', name: 'Bench: every event', description: 'fires on every event of the bench mix', state: 'active',
      priority: 10, expected_value: 1, trigger: { event_types: ['card_payment', 'login', 'transfer_in', 'transfer_out', 'app_session', 'cash_withdrawal', 'bill_payment'] },
      eligibility: { exclude_open_fraud_alert: true }, content: { push: { title: 'Hello', body: 'An offer for a {tier} customer.' } }, caps: { cooldown: '1s' },
    }) });
    if (created.status !== 201) throw new Error(`campaign not created: ${created.status} ${await created.text()}`);
    await sleep(2500); // the campaign poll interval: every worker has it

    const decisionsBefore = await metric('vigil_offer_decisions_total{');
    const runId = newRunId('offers');
    started = Date.now();
    for (let first = 0; first < offerEvents; first += 500) {
      const res = await api('/v1/events', { method: 'POST', body: JSON.stringify({ events: sampleBatch(runId, first, Math.min(500, offerEvents - first), { customers: OFFER_CUSTOMERS }) }) });
      if (res.status !== 202) throw new Error(`ingest answered ${res.status}`);
    }
    const processedTarget = (await metric('vigil_events_ingested_total{result="accepted"}'));
    await drained(processedTarget, 300_000);
    const decisions = (await metric('vigil_offer_decisions_total{')) - decisionsBefore;
    const decidedSeconds = (Date.now() - started) / 1000;
    const offered = await metric('vigil_offer_decisions_total{outcome="offered"');
    for (let i = 0; i < 600 && delivered < offered; i++) await sleep(100);
    const deliveredSeconds = (Date.now() - started) / 1000;
    console.log(`offers, events posted as fast as they are taken: ${offerEvents} events → ${decisions} decisions in ${decidedSeconds.toFixed(1)} s = ${Math.round(decisions / decidedSeconds)} decisions/s; ` +
      `${offered} offered, ${delivered} delivered (signed POST) in ${deliveredSeconds.toFixed(1)} s = ${Math.round(delivered / deliveredSeconds)} offers/s`);

    // Latency is measured below saturation: 500 events/s for 10 s, 50 every 100 ms. The outboxes
    // are decided after each batch's commit, so decisions on the saturated phase's events go on
    // after its events are processed: counted from here they would be read as the steady phase's
    // and their minutes in the backlog as its latency. Measured only once no decision is left.
    await offerDecisionsSettled(120_000);
    const steadyFrom = new Date().toISOString();
    const steadyBefore = await metric('vigil_offer_decisions_total{');
    const steadyRun = newRunId('steady');
    for (let tick = 0; tick < 100; tick++) {
      const tickStart = Date.now();
      await api('/v1/events', { method: 'POST', body: JSON.stringify({ events: sampleBatch(steadyRun, tick * 50, 50, { customers: OFFER_CUSTOMERS }) }) });
      await sleep(Math.max(0, 100 - (Date.now() - tickStart)));
    }
    await drained(await metric('vigil_events_ingested_total{result="accepted"}'), 60_000);
    const steadyDecisions = (await metric('vigil_offer_decisions_total{')) - steadyBefore;
    type Stats = { decisionLatencyMs: { p50: number; p95: number } | null; triggered: number };
    const readStats = async () => (await (await api(`/v1/campaigns/bench-every-event/stats?from=${encodeURIComponent(steadyFrom)}`)).json()) as Stats;
    // The offer log reaches ClickHouse through its archive consumer; wait until it has them all.
    let stats = await readStats();
    for (let i = 0; i < 60 && stats.triggered < steadyDecisions; i++) {
      await sleep(500);
      stats = await readStats();
    }
    console.log(`offer decision latency at 500 events/s (event in stream → decision committed, ${stats.triggered} decisions): p50 ${stats.decisionLatencyMs?.p50} ms, p95 ${stats.decisionLatencyMs?.p95} ms`);
    // The steady phase's offers are still on their way: the receiver stays up until they arrive
    // (bounded), or the engine retries them against a closed port and logs every attempt.
    // The campaign fires on every event: left active, it would make the phases after this one
    // measure offers too, delivered to a receiver that is gone. Paused first, then the offers
    // already decided are awaited (bounded) before the receiver closes.
    const paused = await api('/v1/campaigns/bench-every-event/state', { method: 'POST', body: JSON.stringify({ state: 'paused' }) });
    if (paused.status !== 200) throw new Error(`campaign not paused: ${paused.status} ${await paused.text()}`);
    await sleep(2500); // the campaign poll interval: every worker has it
    const offeredInAll = await metric('vigil_offer_decisions_total{outcome="offered"');
    for (let i = 0; i < 300 && delivered < offeredInAll; i++) await sleep(100);
  } finally {
    receiver.close();
  }
}

try {
  await waitReady();
  const cpu = cpus();
  console.log(`machine: ${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}`);
  console.log(`engine: one process, api + worker, ${PARTITIONS} partitions, embedded ClickHouse (chdb), local Redis`);
  console.log(`memory after start-up, idle: ${formatEngineMemory(await engineMemory(url, key, engine.pid))}\n`);

  if (phases.has('ingest')) {
    const single = await runIngestLoad({ url, apiKey: key, mode: 'single', connections: 32, durationSeconds: duration });
    console.log(`ingest, one event per request:\n${formatLoadResult(single)}\n`);
    await drained((await metric('vigil_events_ingested_total{result="accepted"}')), 120_000);

    const batched = await runIngestLoad({ url, apiKey: key, mode: 'batch', batchSize: 100, connections: 16, durationSeconds: duration });
    console.log(`ingest, 100 events per request:\n${formatLoadResult(batched)}\n`);
    await drained((await metric('vigil_events_ingested_total{result="accepted"}')), 300_000);
  }

  if (phases.has('reference')) await ingestAgainstReference();
  if (phases.has('e2e')) {
    const e2e = await endToEnd();
    console.log(`end to end (post in batches of 500 → processed, written to ClickHouse, offer triggers decided; example campaigns active): ${e2e.events} events in ${e2e.seconds.toFixed(1)} s = ${Math.round(e2e.events / e2e.seconds)} events/s`);
  }
  if (phases.has('decisions')) await inlineDecisions(decisionRate, streamRate);
  // Alert latency before offers: the offers phase's campaign fires on every event, and paused
  // campaigns are still decided for the record (offers/README.md), so after it every event of
  // the alert phase also made an offer decision (27 % of the engine's busy time, profiled).
  if (phases.has('alerts')) await alertLatency(streamRate);
  if (phases.has('offers')) await offers();
  const p99 = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${key}` } }).then((r) => r.text());
  const flushes = /vigil_aggregates_flush_seconds_count (\d+)/.exec(p99)?.[1];
  console.log(`ClickHouse flushes: ${flushes}`);
  if (steadyMemory) {
    console.log(`memory at steady state (${streamRate.toLocaleString("en-GB")} ev/s, median of ${steadyMemory.samples} samples, one a second; largest ${(steadyMemory.max / 2 ** 20).toFixed(0)} MiB): ${formatEngineMemory(steadyMemory.median)}`);
  }
  console.log(`memory at the end: ${formatEngineMemory(await engineMemory(url, key, engine.pid))}`);
} finally {
  await stopProcess(engine);
  rmSync(dataDir, { recursive: true, force: true });
  const { Redis } = await import('ioredis');
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  await deleteKeysMatching(redis, `${prefix}*`);
  redis.disconnect();
}
