import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { partitionKeys } from '../../core/streams/index.js';
import { cardPayment } from '../support/events.js';
import { INGEST_KEY, RISK_KEY, eventually, startTestEngine, testConfig } from '../support/testEngine.js';

// A quiet customer sends nothing; only Vigil's own review of them can notice the silence.

const DAY = 86_400_000;
const QUIET_RULES = `
version: "review-test-1"
rules:
  - id: quiet-two-days
    name: Quiet for two days
    description: A test rule on reviews only, so a customer who stops using the bank is seen without an event.
    alert_type: churn
    severity: medium
    weight: 0.4
    mode: active
    suppress_for: 30d
    when: { event_types: [customer_review] }
    condition: { field: features.seconds_since_last_activity, op: gte, value: 172800 }
`;

function rulesFile(): string {
  const path = join(tmpdir(), `vigil-review-rules-${process.pid}-${Date.now()}.yaml`);
  writeFileSync(path, QUIET_RULES);
  return path;
}

let dispose: (() => Promise<void>) | undefined;
afterEach(async () => {
  await dispose?.();
  dispose = undefined;
});

async function engineWith(overrides: Record<string, string>) {
  const engine = await startTestEngine(testConfig({ VIGIL_PARTITIONS: '1', VIGIL_SWEEP_INTERVAL_MS: '50', VIGIL_RULES_FILE: rulesFile(), ...overrides }));
  dispose = () => engine.dispose();
  const post = async (events: unknown[]) => {
    const res = await engine.app.inject({ method: 'POST', url: '/v1/events', headers: { authorization: `Bearer ${INGEST_KEY}` }, payload: { events } });
    expect(res.statusCode).toBe(202);
  };
  const alertsOf = async (customer: string) =>
    (await engine.app.inject({ url: `/v1/alerts?customer_id=${customer}&min_severity=low`, headers: { authorization: `Bearer ${RISK_KEY}` } })).json().alerts as
      { ruleIds: string[]; triggeringEvents: { eventId: string; type: string; occurredAt: string }[]; reasons: { text: string }[] }[];
  const reviews = async () => (await engine.metrics.registry.getSingleMetric('vigil_customer_reviews_total')!.get()).values[0]?.value ?? 0;
  return { engine, post, alertsOf, reviews };
}

describe('scheduled customer reviews', () => {
  it('on event time (replays): reviews a quiet customer daily at the right moments and alerts on the silence once; a busy customer is never reviewed', async () => {
    const { engine, post, alertsOf, reviews } = await engineWith({ VIGIL_SWEEP_CLOCK: 'events' });
    const tag = `rev-${Date.now()}`;
    const t0 = Date.now() - 10 * DAY;
    await post([cardPayment({ customer_id: `${tag}-quiet`, occurred_at: new Date(t0).toISOString() })]);
    // The busy customer's events move the partition's clock five days on, twelve hours at a time.
    for (let h = 12; h <= 120; h += 12) await post([cardPayment({ customer_id: `${tag}-busy`, occurred_at: new Date(t0 + h * 3_600_000).toISOString() })]);

    // Reviews at t0 + 1, 2, 3, 4 and 5 days; the silence rule fires at the second, then stays suppressed.
    expect(await eventually(reviews, (n) => n >= 5)).toBe(5);
    const [alert, ...others] = await eventually(() => alertsOf(`${tag}-quiet`), (a) => a.length >= 1);
    expect(others).toEqual([]);
    expect(alert!.ruleIds).toEqual(['quiet-two-days']);
    expect(alert!.triggeringEvents).toEqual([{ eventId: `review:${tag}-quiet:${t0 + 2 * DAY}`, type: 'customer_review', occurredAt: new Date(t0 + 2 * DAY).toISOString() }]);
    expect(await alertsOf(`${tag}-busy`)).toEqual([]);
    // Next review of the quiet customer: a day after the last one; the busy one, a day after their last event.
    const due = partitionKeys(engine.config.redis.prefix, 0).reviewDue;
    expect(Number(await engine.redis.zscore(due, `${tag}-quiet`))).toBe(t0 + 6 * DAY);
    expect(Number(await engine.redis.zscore(due, `${tag}-busy`))).toBe(t0 + 6 * DAY);
  });

  it('on the wall clock: reviews what fell due while nobody was looking, once each', async () => {
    const { engine, post, alertsOf, reviews } = await engineWith({});
    const tag = `revw-${Date.now()}`;
    const t0 = Date.now() - 3 * DAY + 60_000;
    await post([cardPayment({ customer_id: `${tag}-quiet`, occurred_at: new Date(t0).toISOString() })]);

    // Due at t0 + 1 day and t0 + 2 days (both past); t0 + 3 days is a minute ahead.
    expect(await eventually(reviews, (n) => n >= 2)).toBe(2);
    const alerts = await eventually(() => alertsOf(`${tag}-quiet`), (a) => a.length >= 1);
    expect(alerts.map((a) => a.triggeringEvents[0]!.eventId)).toEqual([`review:${tag}-quiet:${t0 + 2 * DAY}`]);
    const due = partitionKeys(engine.config.redis.prefix, 0).reviewDue;
    expect(Number(await engine.redis.zscore(due, `${tag}-quiet`))).toBe(t0 + 3 * DAY);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await reviews()).toBe(2);
  });

  it('takes a review that fell due between two of the customer\'s events at its moment, before the later one, even within one batch', async () => {
    const { engine, post, alertsOf, reviews } = await engineWith({ VIGIL_SWEEP_CLOCK: 'events' });
    const tag = `revb-${Date.now()}`;
    const t0 = Date.now() - 10 * DAY;
    // One post, one batch: the sweep cannot run between the two events. Reviews fall due at t0 + 1
    // and t0 + 2 days, before the second event at t0 + 2.5 days; the second is quiet for two days.
    await post([
      cardPayment({ customer_id: `${tag}-c`, occurred_at: new Date(t0).toISOString() }),
      cardPayment({ customer_id: `${tag}-c`, occurred_at: new Date(t0 + 2.5 * DAY).toISOString() }),
    ]);
    expect(await eventually(reviews, (n) => n >= 2)).toBe(2);
    const alerts = await eventually(() => alertsOf(`${tag}-c`), (a) => a.length >= 1);
    expect(alerts.map((a) => a.triggeringEvents[0]!.eventId)).toEqual([`review:${tag}-c:${t0 + 2 * DAY}`]);
    const due = partitionKeys(engine.config.redis.prefix, 0).reviewDue;
    expect(Number(await engine.redis.zscore(due, `${tag}-c`))).toBe(t0 + 3.5 * DAY);
  });
});
