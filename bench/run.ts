// npm run bench — throughput figures on this machine. Starts Vigil as a separate process (api +
// worker, embedded ClickHouse, a fresh key prefix and data dir) so the load generator does not
// share its event loop, then measures ingest (single and batched posts) and end-to-end
// processing. Loopback only, bounded: every phase stops by itself.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatLoadResult, runIngestLoad } from '../loadtests/ingest-autocannon.js';
import { newRunId, sampleBatch } from '../loadtests/sampleEvents.js';
import { deleteKeysMatching } from '../core/redis.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    port: { type: 'string', default: '18099' },
    'e2e-events': { type: 'string', default: '100000' },
  },
});
const duration = Number(values.duration);
const port = Number(values.port);
const e2eEvents = Number(values['e2e-events']);
const url = `http://127.0.0.1:${port}`;
const key = 'bench-admin-key-0123456789';
const dataDir = mkdtempSync(join(tmpdir(), 'vigil-bench-'));
const prefix = `bench${process.pid}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const engine = spawn(process.execPath, ['--import', 'tsx', 'bin/vigil.ts'], {
  env: {
    ...process.env, PORT: String(port), VIGIL_API_KEYS: `${key}:admin`, VIGIL_DATA_DIR: dataDir,
    VIGIL_REDIS_PREFIX: prefix, LOG_LEVEL: 'warn', VIGIL_MAX_LAG_EVENTS: '5000000',
  },
  stdio: ['ignore', 'inherit', 'inherit'],
});

async function metric(name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text.split('\n').filter((l) => l.startsWith(name)).reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
}

async function waitReady(): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await fetch(`${url}/readyz`).then((r) => r.ok, () => false)) return;
    await sleep(100);
  }
  throw new Error('engine did not become ready');
}

async function drained(target: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let processed = await metric('vigil_events_processed_total{');
  while (processed < target && Date.now() < deadline) {
    await sleep(100);
    processed = await metric('vigil_events_processed_total{');
  }
  return processed;
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
  return { events: processed - already, seconds: (Date.now() - started) / 1000 };
}

try {
  await waitReady();
  const cpu = cpus();
  console.log(`machine: ${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}`);
  console.log('engine: one process, api + worker, 8 partitions, embedded ClickHouse (chdb), local Redis\n');

  const single = await runIngestLoad({ url, apiKey: key, mode: 'single', connections: 32, durationSeconds: duration });
  console.log(`ingest, one event per request:\n${formatLoadResult(single)}\n`);
  await drained((await metric('vigil_events_ingested_total{result="accepted"}')), 120_000);

  const batched = await runIngestLoad({ url, apiKey: key, mode: 'batch', batchSize: 100, connections: 16, durationSeconds: duration });
  console.log(`ingest, 100 events per request:\n${formatLoadResult(batched)}\n`);
  await drained((await metric('vigil_events_ingested_total{result="accepted"}')), 300_000);

  const e2e = await endToEnd();
  console.log(`end to end (post in batches of 500 → processed and written to ClickHouse): ${e2e.events} events in ${e2e.seconds.toFixed(1)} s = ${Math.round(e2e.events / e2e.seconds)} events/s`);
  const p99 = await fetch(`${url}/metrics`).then((r) => r.text());
  const flushes = /vigil_aggregates_flush_seconds_count (\d+)/.exec(p99)?.[1];
  console.log(`ClickHouse flushes: ${flushes}, resident memory: ${((await metric('vigil_process_resident_memory_bytes')) / 2 ** 20).toFixed(0)} MiB`);
} finally {
  engine.kill('SIGTERM');
  await new Promise((r) => engine.once('exit', r));
  rmSync(dataDir, { recursive: true, force: true });
  const { Redis } = await import('ioredis');
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  await deleteKeysMatching(redis, `${prefix}*`);
  redis.disconnect();
}
