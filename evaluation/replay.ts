import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { Alert } from '../alerts/index.js';
import { loadConfig } from '../config/index.js';
import type { EventInput } from '../core/events/index.js';
import { createLogger } from '../core/observability/index.js';
import { partitionKeys, readBacklog } from '../core/streams/index.js';
import { startEngine, type Engine } from '../server/engine.js';
import { deleteKeysMatching } from '../core/redis.js';

// Replays a stream through a real Vigil in this process: API, worker, rules and alerts, on a
// fresh data directory and a key prefix of its own, both removed afterwards. chdb binds one data
// directory per process, so one process runs one replay.

export interface ReplayConfig {
  redisUrl: string;
  /** Default 8, as deployed. */
  partitions?: number;
  /** Events per POST, default 500. */
  batchSize?: number;
  /** Posting pauses while more than this many events wait in the streams, default 20,000: the replay runs at the engine's pace. */
  maxBacklog?: number;
  /** The engine's log level, default 'warn'. */
  logLevel?: string;
  /** Give up waiting for the engine to drain after this long, default 15 min. */
  drainTimeoutMs?: number;
  /** Stops the replay early (Ctrl-C); the engine is still closed and its workspace removed. */
  signal?: AbortSignal;
  onProgress?: (progress: ReplayProgress) => void;
  /** A rule set to publish instead of the default pack (VIGIL_RULES_FILE). */
  rulesFile?: string;
  /** Models to load (VIGIL_MODEL_FILES); the rule set may read them as model.<name>. */
  modelFiles?: readonly string[];
}

export interface ReplayProgress {
  phase: 'posting' | 'draining';
  posted: number;
  total: number;
  backlog: number;
  elapsedSec: number;
}

export interface ReplayResult {
  alerts: Alert[];
  posted: number;
  /** From the first post until every event is processed and every alert raised. */
  seconds: number;
  /** Where the engine ran; both are removed before the replay returns. */
  workspace: { redisPrefix: string; dataDir: string };
}

export class ReplayError extends Error {
  override readonly name = 'ReplayError';
}

const PROGRESS_EVERY_MS = 2000;

export async function replayThroughEngine(events: readonly EventInput[], config: ReplayConfig): Promise<ReplayResult> {
  const dataDir = await mkdtemp(join(tmpdir(), 'vigil-eval-'));
  const prefix = `eval${randomBytes(6).toString('hex')}`;
  const apiKey = `eval_${randomBytes(18).toString('hex')}`;
  const partitions = config.partitions ?? 8;
  const logLevel = config.logLevel ?? 'warn';
  const engineConfig = loadConfig({
    REDIS_URL: config.redisUrl,
    VIGIL_REDIS_PREFIX: prefix,
    VIGIL_DATA_DIR: dataDir,
    VIGIL_API_KEYS: `${apiKey}:admin`,
    VIGIL_ROLE: 'all',
    LOG_LEVEL: logLevel,
    VIGIL_PARTITIONS: String(partitions),
    // Pacing is ours (maxBacklog); the engine must never shed the replay.
    VIGIL_MAX_LAG_EVENTS: '100000000',
    VIGIL_MAX_BATCH_EVENTS: String(Math.max(1000, config.batchSize ?? 500)),
    VIGIL_LAG_POLL_MS: '100',
    VIGIL_READ_BLOCK_MS: '100',
    // A labelled stream is history: ingest must take its oldest event, however long ago it starts.
    VIGIL_MAX_EVENT_AGE_DAYS: String(maxEventAgeDays(events)),
    // Quiet customers are reviewed as the replay's event time passes their due time, not at the
    // wall clock's "now", which lies after the whole history.
    VIGIL_SWEEP_CLOCK: 'events',
    VIGIL_SWEEP_INTERVAL_MS: '100',
    ...(config.rulesFile ? { VIGIL_RULES_FILE: config.rulesFile } : {}),
    ...(config.modelFiles?.length ? { VIGIL_MODEL_FILES: config.modelFiles.join(',') } : {}),
  });
  let engine: Engine | undefined;
  try {
    engine = await startEngine(engineConfig, { logger: createLogger(logLevel) });
    const started = performance.now();
    const run = new ReplayRun(engine, apiKey, prefix, partitions, config, started);
    await run.post(events);
    await run.drain(events.length);
    const seconds = (performance.now() - started) / 1000;
    return { alerts: await engine.alerts.store.listAll(), posted: events.length, seconds, workspace: { redisPrefix: prefix, dataDir } };
  } finally {
    await engine?.close();
    await dropKeys(config.redisUrl, prefix);
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Days back to the stream's oldest event, plus one, within the setting's bounds (1–3650). */
function maxEventAgeDays(events: readonly EventInput[]): number {
  const oldest = events.reduce((min, e) => Math.min(min, Date.parse(e.occurred_at)), Date.now());
  return Math.min(3650, Math.max(400, Math.ceil((Date.now() - oldest) / 86_400_000) + 1));
}

class ReplayRun {
  private lastProgress = 0;

  constructor(
    private readonly engine: Engine,
    private readonly apiKey: string,
    private readonly prefix: string,
    private readonly partitions: number,
    private readonly config: ReplayConfig,
    private readonly startedMs: number,
  ) {}

  async post(events: readonly EventInput[]): Promise<void> {
    const batchSize = this.config.batchSize ?? 500;
    const maxBacklog = this.config.maxBacklog ?? 20_000;
    for (let from = 0; from < events.length; from += batchSize) {
      this.throwIfAborted();
      while (this.engine.backlog.totalBacklog > maxBacklog) await sleep(25);
      const batch = events.slice(from, from + batchSize);
      const res = await this.engine.app.inject({
        method: 'POST', url: '/v1/events', headers: { authorization: `Bearer ${this.apiKey}` }, payload: { events: batch },
      });
      if (res.statusCode !== 202) throw new ReplayError(`ingest answered ${res.statusCode} at event ${from}: ${res.body.slice(0, 300)}`);
      const answer = res.json() as { accepted: number; duplicates: number; rejected: { index: number; errors: string[] }[] };
      const firstRejected = answer.rejected[0];
      if (firstRejected) {
        throw new ReplayError(`ingest rejected ${answer.rejected.length} event(s), first ${batch[firstRejected.index]?.event_id}: ${firstRejected.errors.join('; ')}`);
      }
      const posted = from + batch.length;
      this.report('posting', posted, events.length, this.engine.backlog.totalBacklog, posted === events.length);
    }
  }

  /** Done when the streams hold nothing unacknowledged and every partition's alert outbox is empty, twice in a row. */
  async drain(total: number): Promise<void> {
    const deadline = Date.now() + (this.config.drainTimeoutMs ?? 15 * 60_000);
    let quietPolls = 0;
    while (quietPolls < 2) {
      this.throwIfAborted();
      if (Date.now() > deadline) throw new ReplayError('the engine did not drain the replay in time');
      await sleep(250);
      const backlog = (await readBacklog(this.engine.redis, this.prefix, this.partitions)).reduce((sum, p) => sum + p.lag + p.pending, 0);
      const pipeline = this.engine.redis.pipeline();
      for (let p = 0; p < this.partitions; p++) pipeline.llen(partitionKeys(this.prefix, p).alertOutbox);
      const outboxes = ((await pipeline.exec()) ?? []).reduce((sum, [, length]) => sum + Number(length ?? 0), 0);
      quietPolls = backlog === 0 && outboxes === 0 ? quietPolls + 1 : 0;
      this.report('draining', total, total, backlog);
    }
  }

  private throwIfAborted(): void {
    if (this.config.signal?.aborted) throw new ReplayError('replay aborted');
  }

  private report(phase: ReplayProgress['phase'], posted: number, total: number, backlog: number, force = false): void {
    const now = performance.now();
    if (now - this.lastProgress < PROGRESS_EVERY_MS && !force) return;
    this.lastProgress = now;
    this.config.onProgress?.({ phase, posted, total, backlog, elapsedSec: (now - this.startedMs) / 1000 });
  }
}

/** Removes every key of the replay's prefix (streams, markers, states, alerts, BullMQ queue). */
async function dropKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true });
  try {
    await redis.connect();
    await deleteKeysMatching(redis, `${prefix}:*`);
  } finally {
    redis.disconnect();
  }
}
