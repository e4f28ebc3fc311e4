import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

import autocannon from 'autocannon';

import { newRunId, sampleBatch, sampleEvent } from './sampleEvents.js';

// Drives POST /v1/events at full speed for a fixed time and reports what the API sustained.
// Every request carries fresh event ids, so the numbers measure real ingestion, not the
// duplicate short-circuit. Loopback only: this is a benchmark, not a tool to aim at a bank.

export type IngestMode = 'single' | 'batch';

export interface IngestLoadOptions {
  /** Base URL of a Vigil API on this machine, e.g. http://127.0.0.1:8080. */
  url: string;
  apiKey: string;
  mode: IngestMode;
  /** Events per request in batch mode (ignored in single mode). */
  batchSize?: number;
  connections?: number;
  durationSeconds?: number;
  /** Ingest route; defaults to /v1/events. */
  path?: string;
  /** Distinct customers the events spread over. */
  customers?: number;
}

export interface LoadResult {
  mode: IngestMode;
  eventsPerRequest: number;
  connections: number;
  durationSeconds: number;
  /** Requests answered (any status). */
  requests: number;
  requestsPerSecond: number;
  /** Events the API reported as accepted (new), from the 202 bodies. */
  events: number;
  eventsPerSecond: number;
  /** Events the API reported as duplicates or rejected; both should stay 0 with generated events. */
  duplicates: number;
  rejected: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  non2xx: number;
  /** Connection errors and timeouts. */
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
}

export class LoadTestOptionError extends Error {
  override readonly name = 'LoadTestOptionError';
}

const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Throws unless the URL is plain http(s) to this machine. */
export function assertLoopbackUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new LoadTestOptionError(`--url "${url}" is not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new LoadTestOptionError(`--url must be http or https, got ${parsed.protocol}`);
  }
  if (!LOOPBACK_HOSTS.has(parsed.hostname)) {
    throw new LoadTestOptionError(`--url must point at 127.0.0.1, localhost or [::1]; got ${parsed.hostname}`);
  }
  return parsed;
}

interface ResolvedOptions {
  base: URL;
  apiKey: string;
  mode: IngestMode;
  eventsPerRequest: number;
  connections: number;
  durationSeconds: number;
  path: string;
  customers: number;
}

/** Checks and defaults the options; throws LoadTestOptionError naming the bad one. */
export function resolveLoadOptions(opts: IngestLoadOptions): ResolvedOptions {
  const base = assertLoopbackUrl(opts.url);
  if (opts.apiKey.length === 0) throw new LoadTestOptionError('--key (or VIGIL_API_KEY): an API key with the ingest role is required');
  if (opts.mode !== 'single' && opts.mode !== 'batch') throw new LoadTestOptionError(`--mode must be single or batch, got ${String(opts.mode)}`);
  const path = opts.path ?? '/v1/events';
  if (!path.startsWith('/')) throw new LoadTestOptionError(`--path must start with /, got ${path}`);
  return {
    base,
    apiKey: opts.apiKey,
    mode: opts.mode,
    eventsPerRequest: opts.mode === 'batch' ? positiveInt('batch', opts.batchSize ?? 100) : 1,
    connections: positiveInt('connections', opts.connections ?? 20),
    durationSeconds: positiveInt('duration', opts.durationSeconds ?? 10),
    path,
    customers: positiveInt('customers', opts.customers ?? 50_000),
  };
}

/** Runs one load test in-process and resolves when its duration has passed. */
export async function runIngestLoad(options: IngestLoadOptions): Promise<LoadResult> {
  const { base, apiKey, mode, eventsPerRequest, connections, durationSeconds, path, customers } = resolveLoadOptions(options);
  const sampleOpts = { customers };

  const runId = newRunId();
  let next = 0;
  // Called for every request on every connection; the counter is shared, so ids never repeat.
  const nextBody = (): string => {
    const first = next;
    next += eventsPerRequest;
    if (mode === 'single') return JSON.stringify(sampleEvent(runId, first, sampleOpts));
    return JSON.stringify({ events: sampleBatch(runId, first, eventsPerRequest, sampleOpts) });
  };

  const counted = { accepted: 0, duplicates: 0, rejected: 0 };
  // 202, or 400/409 when none of a request's events was accepted: both carry the counts.
  const countResponse = (status: number, body: string): void => {
    if (status !== 202 && status !== 400 && status !== 409) return;
    const reported = readIngestResult(body);
    counted.accepted += reported.accepted;
    counted.duplicates += reported.duplicates;
    counted.rejected += reported.rejected;
  };

  const result = await autocannon({
    url: base.origin,
    connections,
    duration: durationSeconds,
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    requests: [{
      method: 'POST',
      path,
      setupRequest: (request) => ({ ...request, method: 'POST', path, body: nextBody() }),
      onResponse: countResponse,
    }],
  });

  const seconds = result.duration > 0 ? result.duration : durationSeconds;
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, stat]) => [code, stat.count]));
  return {
    mode,
    eventsPerRequest,
    connections,
    durationSeconds: seconds,
    requests: result.requests.total,
    requestsPerSecond: round(result.requests.total / seconds),
    events: counted.accepted,
    eventsPerSecond: round(counted.accepted / seconds),
    duplicates: counted.duplicates,
    rejected: counted.rejected,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
  };
}

export function formatLoadResult(r: LoadResult): string {
  const codes = Object.entries(r.statusCodes).map(([code, count]) => `${code}=${count}`).join(' ') || 'none';
  return [
    `mode ${r.mode} (${r.eventsPerRequest} event(s)/request), ${r.connections} connections, ${r.durationSeconds}s`,
    `requests/s   ${r.requestsPerSecond} (${r.requests} requests)`,
    `events/s     ${r.eventsPerSecond} (${r.events} accepted, ${r.duplicates} duplicate, ${r.rejected} rejected)`,
    `latency      p50 ${r.latencyP50Ms} ms, p99 ${r.latencyP99Ms} ms`,
    `non-2xx      ${r.non2xx} (status codes: ${codes})`,
    `errors       ${r.errors} (timeouts ${r.timeouts})`,
  ].join('\n');
}

/** The counts of POST /v1/events' answer ({accepted, duplicates, rejected: [...]}, also on a 400/409 that refused every event); zeros if unreadable. */
function readIngestResult(body: string): { accepted: number; duplicates: number; rejected: number } {
  try {
    const parsed = JSON.parse(body) as { accepted?: unknown; duplicates?: unknown; rejected?: unknown };
    return {
      accepted: typeof parsed.accepted === 'number' ? parsed.accepted : 0,
      duplicates: typeof parsed.duplicates === 'number' ? parsed.duplicates : 0,
      rejected: Array.isArray(parsed.rejected) ? parsed.rejected.length : 0,
    };
  } catch {
    return { accepted: 0, duplicates: 0, rejected: 0 };
  }
}

function positiveInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new LoadTestOptionError(`--${name} must be a positive integer, got ${value}`);
  return value;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

const USAGE = `usage: npx tsx loadtests/ingest-autocannon.ts --key <ingest key> [--url http://127.0.0.1:8080]
       [--mode single|batch] [--batch 100] [--connections 20] [--duration 10] [--path /v1/events]
The key may also come from VIGIL_API_KEY.`;

function parseCli(argv: string[], env: NodeJS.ProcessEnv): IngestLoadOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: 'string', default: 'http://127.0.0.1:8080' },
      key: { type: 'string' },
      mode: { type: 'string', default: 'single' },
      batch: { type: 'string', default: '100' },
      connections: { type: 'string', default: '20' },
      duration: { type: 'string', default: '10' },
      path: { type: 'string', default: '/v1/events' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  return {
    url: values.url,
    apiKey: values.key ?? env.VIGIL_API_KEY ?? '',
    mode: values.mode as IngestMode,
    batchSize: Number(values.batch),
    connections: Number(values.connections),
    durationSeconds: Number(values.duration),
    path: values.path,
  };
}

async function main(): Promise<void> {
  let opts: IngestLoadOptions;
  try {
    opts = parseCli(process.argv.slice(2), process.env);
    resolveLoadOptions(opts);
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  const result = await runIngestLoad(opts);
  console.log(formatLoadResult(result));
  if (result.requests === 0) process.exitCode = 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
