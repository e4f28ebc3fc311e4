import { afterEach, describe, expect, it } from 'vitest';
import { IngestUnreachableError, postEvents, retryAfterSeconds, BankSimulator } from '../../simulator/index.js';
import { acceptAll, startIngestStub, type IngestStub } from './ingestStub.js';

const events = new BankSimulator({ customers: 20, seed: 1, start: new Date('2026-03-02T12:00:00Z') }).next(5);
let stub: IngestStub | undefined;

afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

describe('postEvents', () => {
  it('posts {"events": [...]} to /v1/events with a bearer key and JSON content type', async () => {
    stub = await startIngestStub(acceptAll);
    const result = await postEvents({ url: `${stub.url}/`, apiKey: 'key-1', events });
    expect(result).toMatchObject({ status: 202, accepted: 5, duplicates: 0, rejected: 0, retries: 0 });
    const [request] = stub.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/v1/events');
    expect(request?.headers.authorization).toBe('Bearer key-1');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request?.body ?? '')).toEqual({ events });
  });

  it('waits the Retry-After of a 503 and resends the same batch, then reports the counts', async () => {
    stub = await startIngestStub((request, index) =>
      index === 0
        ? { status: 503, headers: { 'retry-after': '1' }, body: { error: 'backpressure', message: 'busy' } }
        : { status: 202, body: { accepted: 3, duplicates: 2, rejected: [] } });
    const startedAt = performance.now();
    const result = await postEvents({ url: stub.url, apiKey: 'k', events });
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(950);
    expect(result).toMatchObject({ status: 202, accepted: 3, duplicates: 2, rejected: 0, retries: 1 });
    expect(stub.requests).toHaveLength(2);
    expect(stub.requests[1]?.body).toBe(stub.requests[0]?.body);
    expect((stub.requests[1]?.receivedAtMs ?? 0) - (stub.requests[0]?.receivedAtMs ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it('gives up after the bounded retries and returns the 503 rather than dropping the batch', async () => {
    stub = await startIngestStub(() => ({ status: 503, headers: { 'retry-after': '0' }, body: { error: 'busy', message: 'busy' } }));
    const result = await postEvents({ url: stub.url, apiKey: 'k', events, maxRetries: 2 });
    expect(result).toMatchObject({ status: 503, accepted: 0, retries: 2, retryAfterSec: 0 });
    expect(stub.requests).toHaveLength(3);
  });

  it('counts rejected events and keeps the reasons by position', async () => {
    stub = await startIngestStub(() => ({ status: 202, body: { accepted: 4, duplicates: 0, rejected: [{ index: 2, code: 'INVALID_EVENT', errors: ['amount: bad'] }] } }));
    const result = await postEvents({ url: stub.url, apiKey: 'k', events });
    expect(result).toMatchObject({ status: 202, accepted: 4, rejected: 1, rejections: [{ index: 2, errors: ['amount: bad'] }] });
  });

  it('reads a 400 for a batch of which nothing was accepted as rejections, not as a failed request', async () => {
    const rejected = events.map((_, index) => ({ index, code: 'INVALID_EVENT', errors: ['currency: "XXX" is not a currency'] }));
    stub = await startIngestStub(() => ({ status: 400, body: { error: 'NO_EVENT_ACCEPTED', message: 'none of the 5 events was accepted', accepted: 0, duplicates: 0, rejected } }));
    const result = await postEvents({ url: stub.url, apiKey: 'k', events });
    expect(result).toMatchObject({ status: 400, accepted: 0, rejected: 5, message: 'none of the 5 events was accepted', retries: 0 });
    expect(result.rejections[0]).toEqual(rejected[0]);
  });

  it('returns a refused key as a 401 with the server message, without retrying', async () => {
    stub = await startIngestStub(() => ({ status: 401, body: { error: 'unauthorized', message: 'unknown API key' } }));
    const result = await postEvents({ url: stub.url, apiKey: 'wrong', events });
    expect(result).toMatchObject({ status: 401, accepted: 0, retries: 0, message: 'unknown API key' });
    expect(stub.requests).toHaveLength(1);
  });

  it('throws IngestUnreachableError when nothing listens, after its retries', async () => {
    const closed = await startIngestStub(acceptAll);
    await closed.close();
    await expect(postEvents({ url: closed.url, apiKey: 'k', events, maxRetries: 1 })).rejects.toBeInstanceOf(IngestUnreachableError);
  });
});

describe('retryAfterSeconds', () => {
  const now = Date.parse('2026-03-02T12:00:00Z');
  it.each([
    ['7', 7],
    ['0', 0],
    [' 3 ', 3],
    [null, 1],
    ['', 1],
    ['soon', 1],
    ['3600', 60],
    ['Mon, 02 Mar 2026 12:00:05 GMT', 5],
    ['Mon, 02 Mar 2026 11:00:00 GMT', 0],
  ])('reads Retry-After %j as %d seconds, within 0–60', (header, seconds) => {
    expect(retryAfterSeconds(header, now)).toBe(seconds);
  });
});
