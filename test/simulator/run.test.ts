import { afterEach, describe, expect, it } from 'vitest';
import { runSimulation, type SimulationProgress } from '../../simulator/index.js';
import { acceptAll, startIngestStub, type IngestStub } from './ingestStub.js';

let stub: IngestStub | undefined;

afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

const base = { apiKey: 'k', customers: 100, seed: 42, progressIntervalMs: 100 };

describe('runSimulation', () => {
  it('paces batches evenly to the target rate and stops after the duration', async () => {
    stub = await startIngestStub(acceptAll);
    // Warm the HTTP client first so the first batch is not late and followed by a catch-up burst.
    await fetch(`${stub.url}/v1/events`, { method: 'POST', body: '{"events":[]}' });
    stub.requests.length = 0;
    const result = await runSimulation({ ...base, url: stub.url, rate: 400, batchSize: 20, durationSec: 1 });
    expect(result).toMatchObject({ sent: 400, accepted: 400, batches: 20, failed: 0, rejected: 0 });
    expect(result.elapsedSec).toBeGreaterThanOrEqual(0.98);
    expect(result.elapsedSec).toBeLessThan(1.5);
    expect(result.achievedRate).toBeGreaterThan(270);
    expect(result.achievedRate).toBeLessThanOrEqual(410);
    // One batch every 50 ms: no 200 ms window sees a burst, and the last leaves near the end.
    const arrivals = stub.requests.map((request) => request.receivedAtMs);
    for (const from of arrivals) expect(arrivals.filter((at) => at >= from && at < from + 200).length).toBeLessThanOrEqual(6);
    expect((arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0)).toBeGreaterThan(850);
  });

  it('never has more batches in flight than allowed when the server is slow', async () => {
    stub = await startIngestStub((request) => ({ ...acceptAll(request), delayMs: 250 }));
    const result = await runSimulation({ ...base, url: stub.url, rate: 1000, batchSize: 10, durationSec: 1, maxInFlight: 3 });
    expect(stub.maxConcurrent).toBeLessThanOrEqual(3);
    expect(result.sent).toBeLessThan(1000);
    expect(result.accepted).toBe(result.sent);
    expect(result.elapsedSec).toBeLessThan(2);
  });

  it('counts a 503 resend as a retry and still delivers the batch', async () => {
    stub = await startIngestStub((request, index) =>
      index === 1 ? { status: 503, headers: { 'retry-after': '0' }, body: { error: 'busy', message: 'busy' } } : acceptAll(request));
    const result = await runSimulation({ ...base, url: stub.url, rate: 200, batchSize: 20, durationSec: 0.5 });
    expect(result).toMatchObject({ sent: 100, accepted: 100, retries: 1, failed: 0 });
  });

  it('stops promptly when aborted and says so', async () => {
    stub = await startIngestStub(acceptAll);
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 300);
    const result = await runSimulation({ ...base, url: stub.url, rate: 100, batchSize: 10, durationSec: 30, signal: abort.signal });
    expect(result.elapsedSec).toBeLessThan(1);
    expect(result.stoppedEarly).toBe('aborted');
    expect(result.accepted).toBe(result.sent);
  });

  it('counts a batch answered 400 because none of its events was accepted as rejected events, and goes on', async () => {
    stub = await startIngestStub((request, index) => {
      if (index !== 0) return acceptAll(request);
      const { events } = JSON.parse(request.body) as { events: unknown[] };
      const rejected = events.map((_, i) => ({ index: i, code: 'INVALID_EVENT', errors: ['amount: bad'] }));
      return { status: 400, body: { error: 'NO_EVENT_ACCEPTED', message: 'none was accepted', accepted: 0, duplicates: 0, rejected } };
    });
    const result = await runSimulation({ ...base, url: stub.url, rate: 200, batchSize: 20, durationSec: 0.5 });
    expect(result).toMatchObject({ sent: 100, accepted: 80, rejected: 20, failed: 0 });
    expect(result.stoppedEarly).toBeUndefined();
  });

  it('stops early on a refused API key instead of failing every batch', async () => {
    stub = await startIngestStub(() => ({ status: 401, body: { error: 'unauthorized', message: 'unknown API key' } }));
    const result = await runSimulation({ ...base, url: stub.url, rate: 100, batchSize: 10, durationSec: 5 });
    expect(result.stoppedEarly).toBe('ingest answered 401: unknown API key');
    expect(result.failed).toBe(result.sent);
    expect(result.elapsedSec).toBeLessThan(1);
  });

  it('gives up on unanswered batches after the drain grace, counting them as failed', async () => {
    stub = await startIngestStub((request) => ({ ...acceptAll(request), delayMs: 5_000 }));
    const result = await runSimulation({ ...base, url: stub.url, rate: 100, batchSize: 10, durationSec: 0.1, drainGraceMs: 300 });
    expect(result).toMatchObject({ sent: 10, accepted: 0, failed: 10 });
    expect(result.stoppedEarly).toMatch(/gave up waiting/);
    expect(result.elapsedSec).toBeLessThan(1.5);
  });

  it('reports progress while running and the final tally last', async () => {
    stub = await startIngestStub(acceptAll);
    const seen: SimulationProgress[] = [];
    const result = await runSimulation({ ...base, url: stub.url, rate: 200, batchSize: 20, durationSec: 0.5, onProgress: (p) => seen.push(p) });
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(seen.at(-1)).toEqual(result);
    expect(Date.parse(result.simulatedClock)).toBeGreaterThan(Date.now() - 120_000);
  });
});
