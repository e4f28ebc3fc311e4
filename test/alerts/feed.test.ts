import { get } from 'node:http';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RISK_KEY, auth, eventually, fraudAlert, openTestAggregates, startAlertHarness, type AlertHarness } from './harness.js';

let aggregates: Awaited<ReturnType<typeof openTestAggregates>>;
let h: AlertHarness;
let base: string;

beforeAll(async () => {
  aggregates = await openTestAggregates();
});
afterAll(async () => aggregates?.close());
beforeEach(async () => {
  h = await startAlertHarness(aggregates.store, { background: false, feed: { heartbeatMs: 100 } });
  base = await h.app.listen({ host: '127.0.0.1', port: 0 });
});
afterEach(async () => h?.dispose());

interface SseMessage { event?: string; id?: string; data?: string; comment?: string }

/**
 * Opens the feed over real HTTP with fetch and parses server-sent events as they arrive. Tests let
 * the server end the stream (dispose closes the app): undici answers an aborted fetch by opening a
 * fresh pooled connection, which would hold app.close() until the client's keep-alive expires.
 */
async function openFeed(query = '') {
  const res = await fetch(`${base}/v1/alerts/feed${query}`, { headers: auth(RISK_KEY) });
  const messages: SseMessage[] = [];
  let ended = false;
  const reading = (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body!) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const message: SseMessage = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) message.comment = line.slice(1).trim();
            else {
              const [field, ...rest] = line.split(': ');
              (message as Record<string, string>)[field!] = rest.join(': ');
            }
          }
          messages.push(message);
        }
      }
    } finally {
      ended = true;
    }
  })();
  return { res, messages, reading, isEnded: () => ended };
}

const alertEvents = (messages: SseMessage[]) => messages.filter((m) => m.event);

describe('GET /v1/alerts/feed', () => {
  it('streams alert.created within a second of raising, then alert.updated, as text/event-stream', async () => {
    const feed = await openFeed();
    expect(feed.res.status).toBe(200);
    expect(feed.res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const raisedAt = Date.now();
    const [alert] = await h.service.store.raise([fraudAlert()]);
    await eventually(async () => alertEvents(feed.messages), (m) => m.length === 1, 1000);
    expect(Date.now() - raisedAt).toBeLessThan(1000);
    const [created] = alertEvents(feed.messages);
    expect(created).toMatchObject({ event: 'alert.created', id: expect.stringMatching(/^\d+-\d+$/) });
    expect(JSON.parse(created!.data!)).toMatchObject({ event: 'alert.created', id: created!.id, alert: { id: alert!.id, overdue: false } });

    await h.service.store.transition(alert!.id, { action: 'acknowledge' }, 'risk:ana');
    await eventually(async () => alertEvents(feed.messages), (m) => m.length === 2, 1000);
    const updated = alertEvents(feed.messages)[1]!;
    expect(updated.event).toBe('alert.updated');
    expect(JSON.parse(updated.data!).alert.status).toBe('acknowledged');
    expect(updated.id! > created!.id!).toBe(true);
  });

  it('sends only the alerts matching the type and severity filters', async () => {
    const feed = await openFeed('?type=fraud&min_severity=high');
    await h.service.store.raise([fraudAlert({ type: 'churn' }), fraudAlert({ severity: 'low' }), fraudAlert({ severity: 'critical' })]);
    await eventually(async () => alertEvents(feed.messages), (m) => m.length >= 1, 1000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const received = alertEvents(feed.messages).map((m) => JSON.parse(m.data!).alert);
    expect(received.map((a: { type: string; severity: string }) => `${a.type}/${a.severity}`)).toEqual(['fraud/critical']);
  });

  it('leaves advisory (low) alerts out of the feed unless asked for', async () => {
    const queue = await openFeed();
    const everything = await openFeed('?min_severity=low');
    await h.service.store.raise([fraudAlert({ severity: 'low' }), fraudAlert({ severity: 'medium' })]);
    await eventually(async () => alertEvents(everything.messages), (m) => m.length === 2, 1000);
    await eventually(async () => alertEvents(queue.messages), (m) => m.length >= 1, 1000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(alertEvents(queue.messages).map((m) => JSON.parse(m.data!).alert.severity)).toEqual(['medium']);
  });

  it('keeps the stream alive with heartbeat comments', async () => {
    const feed = await openFeed();
    const beats = await eventually(async () => feed.messages.filter((m) => m.comment === 'heartbeat').length, (n) => n >= 2, 2000);
    expect(beats).toBeGreaterThanOrEqual(2);
  });

  it('forgets a client that went away', async () => {
    const gauge = async () => (await h.metrics.registry.getSingleMetricAsString('vigil_alert_feed_clients')).split('\n').at(-1);
    const request = get(`${base}/v1/alerts/feed`, { headers: auth(RISK_KEY), agent: false });
    await new Promise((resolve) => request.once('response', resolve));
    expect(await eventually(gauge, (v) => v === 'vigil_alert_feed_clients 1', 1000)).toBe('vigil_alert_feed_clients 1');
    request.destroy();
    expect(await eventually(gauge, (v) => v === 'vigil_alert_feed_clients 0', 2000)).toBe('vigil_alert_feed_clients 0');
  });

  it('ends open streams cleanly when the server closes, so app.close() does not hang', async () => {
    const feeds = await Promise.all([openFeed(), openFeed()]);
    const started = Date.now();
    await h.app.close();
    expect(Date.now() - started).toBeLessThan(2000);
    await Promise.all(feeds.map((f) => f.reading));
    expect(feeds.every((f) => f.isEnded())).toBe(true);
  });
});
