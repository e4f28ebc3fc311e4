// npm run bench — throughput figures on this machine. Starts Vigil as a separate process (api +
// worker, embedded ClickHouse, a fresh key prefix and data dir) so the load generator does not
// share its event loop, then measures ingest (single and batched posts) and end-to-end
// processing, then engagement offers (decisions, caps, signed delivery to a loopback channel
// endpoint). Loopback only, bounded: every phase stops by itself.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
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
    'offer-events': { type: 'string', default: '30000' },
    only: { type: 'string' },
  },
});
const duration = Number(values.duration);
const port = Number(values.port);
const e2eEvents = Number(values['e2e-events']);
const offerEvents = Number(values['offer-events']);
const phases = new Set((values.only ?? 'ingest,e2e,offers').split(','));
const OFFER_CUSTOMERS = 20_000;
const url = `http://127.0.0.1:${port}`;
const key = 'bench-admin-key-0123456789';
const dataDir = mkdtempSync(join(tmpdir(), 'vigil-bench-'));
const prefix = `bench${process.pid}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const engine = spawn(process.execPath, ['--import', 'tsx', 'bin/vigil.ts'], {
  env: {
    ...process.env, PORT: String(port), VIGIL_API_KEYS: `bench:${key}:admin`, VIGIL_DATA_DIR: dataDir,
    VIGIL_REDIS_PREFIX: prefix, LOG_LEVEL: 'warn', VIGIL_MAX_LAG_EVENTS: '5000000',
    // Throughput is measured, not the per-address limit (one loopback client sends everything); the
    // offer endpoint is a loopback receiver over http.
    VIGIL_RATE_LIMIT_MAX: '0', VIGIL_OUTBOUND_ALLOW: '127.0.0.1',
    // Caps high enough that nearly every trigger is offered, so the whole path (decide, commit the
    // caps, enqueue, deliver) is measured; the cap logic itself is proven by the tests.
    VIGIL_OFFER_POLICY: JSON.stringify({ quiet_hours_channels: [], frequency_caps: { per_channel: [{ window: '1d', limit: 100_000 }], overall: [{ window: '7d', limit: 100_000 }] } }),
  },
  stdio: ['ignore', 'inherit', 'inherit'],
});

async function metric(name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${key}` } })).text();
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

    // Latency is measured below saturation: 500 events/s for 10 s, 50 every 100 ms.
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
  } finally {
    receiver.close();
  }
}

try {
  await waitReady();
  const cpu = cpus();
  console.log(`machine: ${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}`);
  console.log('engine: one process, api + worker, 8 partitions, embedded ClickHouse (chdb), local Redis\n');

  if (phases.has('ingest')) {
    const single = await runIngestLoad({ url, apiKey: key, mode: 'single', connections: 32, durationSeconds: duration });
    console.log(`ingest, one event per request:\n${formatLoadResult(single)}\n`);
    await drained((await metric('vigil_events_ingested_total{result="accepted"}')), 120_000);

    const batched = await runIngestLoad({ url, apiKey: key, mode: 'batch', batchSize: 100, connections: 16, durationSeconds: duration });
    console.log(`ingest, 100 events per request:\n${formatLoadResult(batched)}\n`);
    await drained((await metric('vigil_events_ingested_total{result="accepted"}')), 300_000);
  }

  if (phases.has('e2e')) {
    const e2e = await endToEnd();
    console.log(`end to end (post in batches of 500 → processed and written to ClickHouse): ${e2e.events} events in ${e2e.seconds.toFixed(1)} s = ${Math.round(e2e.events / e2e.seconds)} events/s`);
  }
  if (phases.has('offers')) await offers();
  const p99 = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${key}` } }).then((r) => r.text());
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
