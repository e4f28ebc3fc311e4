import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLES } from '../../aggregates/index.js';
import type { EventInput } from '../../core/events/index.js';
import { cardPayment } from '../support/events.js';
import { redisReady } from '../../core/redis.js';
import { OwnRedis } from '../support/ownRedis.js';
import { INGEST_KEY, RISK_KEY, eventually, startTestEngine, testConfig } from '../support/testEngine.js';

// A bank's authorisation system asks before it executes a payment; the rules answer, the event
// then flows through the pipeline once.

const RULES = `
version: "decisions-test-1"
rules:
  - id: very-large-payment
    name: Very large payment
    description: A test rule that declines card payments of 5,000 or more.
    alert_type: fraud
    severity: critical
    weight: 0.9
    mode: active
    suppress_for: 0s
    decision: decline
    when: { event_types: [card_payment] }
    condition: { field: event.amount, op: gte, value: 5000 }
  - id: third-payment-in-an-hour
    name: Third card payment in an hour
    description: A test rule that sends the third card payment within an hour to review; it needs the payment counted as if it had happened.
    alert_type: fraud
    severity: medium
    weight: 0.3
    mode: active
    suppress_for: 0s
    decision: review
    when: { event_types: [card_payment] }
    condition: { field: features.card_payment_count_1h, op: gte, value: 3 }
  - id: alert-only
    name: Alert only
    description: A test rule without a decision; it alerts on payments of 1,000 or more and never holds one up.
    alert_type: fraud
    severity: low
    weight: 0.1
    mode: active
    suppress_for: 0s
    when: { event_types: [card_payment] }
    condition: { field: event.amount, op: gte, value: 1000 }
`;

function rulesFile(): string {
  const path = join(tmpdir(), `vigil-decision-rules-${process.pid}-${Date.now()}.yaml`);
  writeFileSync(path, RULES);
  return path;
}

const as = (key: string) => ({ authorization: `Bearer ${key}` });
let engine: Awaited<ReturnType<typeof startTestEngine>>;
beforeAll(async () => {
  // A generous deadline: these tests are about what is decided, not how fast (the bench measures that).
  engine = await startTestEngine(testConfig({ VIGIL_RULES_FILE: rulesFile(), VIGIL_DECISION_DEADLINE_MS: '5000' }));
});
afterAll(() => engine?.dispose());

const decide = (event: unknown) => engine.app.inject({ method: 'POST', url: '/v1/decisions', headers: as(INGEST_KEY), payload: event as object });
const rows = async (eventId: string) => (await engine.store.query<{ n: number }>(
  `SELECT count() AS n FROM ${engine.store.database}.${TABLES.events} WHERE event_id = {id:String}`, { id: eventId },
))[0]?.n ?? 0;

describe('POST /v1/decisions', () => {
  it('declines a payment a deciding rule catches, with reasons and score, and the event enters the pipeline once', async () => {
    const event = cardPayment({ customer_id: `dec-big-${Date.now()}`, amount: '7500.00' });
    const res = await decide(event);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      event_id: event.event_id, decision: 'decline', rule_set_version: 'decisions-test-1',
      reasons: [{ rule_id: 'very-large-payment', decision: 'decline', text: expect.stringMatching(/7,500\.00/) }],
    });
    expect(res.json().score).toBeGreaterThan(0.8);
    expect(res.json().reasons.map((r: { rule_id: string }) => r.rule_id)).not.toContain('alert-only');

    // The pipeline processes it like any event: one row, one alert carrying both rules that fired.
    expect(await eventually(() => rows(event.event_id as string), (n) => n === 1)).toBe(1);
    const alerts = await eventually(async () => (await engine.app.inject({ url: `/v1/alerts?customer_id=${event.customer_id}&min_severity=low`, headers: as(RISK_KEY) })).json().alerts, (a) => a.length >= 1);
    expect(alerts).toHaveLength(1);
    expect(alerts[0].ruleIds.sort()).toEqual(['alert-only', 'very-large-payment']);

    // A retry gets the same answer and adds nothing.
    const again = await decide(event);
    expect(again.json()).toEqual({ ...res.json(), replayed: true });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await rows(event.event_id as string)).toBe(1);
  });

  it('decides on the features as if the payment had happened: the third in an hour goes to review, a lone small one is approved', async () => {
    const customer = `dec-third-${Date.now()}`;
    const ingest = await engine.app.inject({ method: 'POST', url: '/v1/events', headers: as(INGEST_KEY), payload: { events: [cardPayment({ customer_id: customer }), cardPayment({ customer_id: customer })] } });
    expect(ingest.statusCode).toBe(202);
    await eventually(async () => (await engine.app.inject({ url: `/v1/customers/${customer}/activity`, headers: as(RISK_KEY) })).json().events, (n) => n === 2);

    expect((await decide(cardPayment({ customer_id: customer }))).json()).toMatchObject({ decision: 'review', reasons: [{ rule_id: 'third-payment-in-an-hour' }] });
    expect((await decide(cardPayment({ customer_id: `dec-lone-${Date.now()}` }))).json()).toMatchObject({ decision: 'approve', reasons: [] });
  });

  it('counts an event that came through /v1/events first once, and refuses an event id of another customer with 409', async () => {
    const event = cardPayment({ customer_id: `dec-first-${Date.now()}` });
    expect((await engine.app.inject({ method: 'POST', url: '/v1/events', headers: as(INGEST_KEY), payload: event })).statusCode).toBe(202);
    expect((await decide(event)).statusCode).toBe(200);
    await eventually(() => rows(event.event_id as string), (n) => n === 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await rows(event.event_id as string)).toBe(1);

    const conflict = await decide({ ...event, customer_id: `${event.customer_id}-other` });
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json().error).toBe('EVENT_ID_CONFLICT');
  });

  it.each([
    ['an invalid event', { type: 'card_payment' }, 'INVALID_EVENT'],
    ['a batch', { events: [cardPayment()] }, 'BAD_REQUEST'],
    ['an event from year 1899', cardPayment({ occurred_at: '1899-12-31T00:00:00Z' }), 'INVALID_EVENT'],
  ])('refuses %s with 400', async (_name, body, error) => {
    const res = await decide(body);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe(error);
  });
});

describe('when Vigil cannot decide in time', () => {
  const redis = new OwnRedis({ persistent: true });
  afterAll(() => redis.dispose());

  it('answers the configured fallback, marked, at once when Redis is down and at the deadline when it hangs', async () => {
    await redis.start();
    const own = await startTestEngine(testConfig({ REDIS_URL: redis.url, VIGIL_RULES_FILE: rulesFile(), VIGIL_DECISION_ON_FAILURE: 'review', VIGIL_DECISION_DEADLINE_MS: '1000' }));
    const ask = (event: EventInput) => own.app.inject({ method: 'POST', url: '/v1/decisions', headers: as(INGEST_KEY), payload: event });
    try {
      expect((await ask(cardPayment())).json().decision).toBe('approve');

      // Frozen: the connection stays open and nothing answers, so only the deadline can end the wait.
      redis.pause();
      const hung = await ask(cardPayment({ amount: '9000.00' }));
      redis.resume();
      expect(hung.statusCode).toBe(200);
      expect(hung.json()).toMatchObject({ decision: 'review', fallback: 'deadline', score: null, reasons: [] });

      await redis.stop();
      await eventually(async () => own.redis.status, (status) => status !== 'ready');
      const started = Date.now();
      const down = await ask(cardPayment({ amount: '9000.00' }));
      expect(down.statusCode).toBe(200);
      expect(down.json()).toMatchObject({ decision: 'review', fallback: 'unavailable' });
      expect(Date.now() - started).toBeLessThan(1000);
      const counted = await own.metrics.registry.getSingleMetricAsString('vigil_inline_decisions_total');
      expect(counted).toMatch(/source="fallback_deadline"\} 1/);
      expect(counted).toMatch(/source="fallback_unavailable"\} 1/);
    } finally {
      await redis.start();
      await redisReady(own.redis);
      await own.dispose();
    }
  }, 60_000);
});
