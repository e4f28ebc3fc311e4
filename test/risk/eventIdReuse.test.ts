import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertDedupKey, type NewAlert } from '../../alerts/index.js';
import { createLogger } from '../../core/observability/index.js';
import { globalKeys, partitionKeys, partitionOf } from '../../core/streams/index.js';
import { RiskEffect } from '../../risk/riskEffect.js';
import { cardPayment } from '../support/events.js';
import { ADMIN_KEY, INGEST_KEY, RISK_KEY, eventually, startTestEngine, testConfig } from '../support/testEngine.js';

// Issue 12, item 10: one event_id used for two customers in different partitions. Ingest dedup was
// per partition, so both events were accepted, but the alert dedup key was global (<event>:<type>),
// so the second customer's fraud alert was dropped as a "duplicate" of the first's.

const RULES = `
version: "eid-1"
rules:
  - id: large-card-payment
    name: Large card payment
    description: Any card payment of 1,000 or more, so one event raises one fraud alert.
    alert_type: fraud
    severity: high
    weight: 0.5
    mode: active
    suppress_for: 1m
    when: { event_types: [card_payment] }
    condition: { field: event.amount, op: gte, value: 1000 }
`;

const config = testConfig();
let engine: Awaited<ReturnType<typeof startTestEngine>>;
const as = (key: string) => ({ authorization: `Bearer ${key}` });

beforeAll(async () => {
  engine = await startTestEngine(config);
  const published = await engine.app.inject({ method: 'PUT', url: '/v1/rules', headers: as(ADMIN_KEY), payload: { format: 'yaml', text: RULES } });
  expect(published.statusCode).toBe(200);
});
afterAll(async () => engine?.dispose());

/** Two customer ids whose events land in different partitions. */
function customersInTwoPartitions(tag: string): [string, string] {
  const first = `${tag}-a`;
  for (let i = 0; ; i++) {
    const second = `${tag}-b${i}`;
    if (partitionOf(second, config.partitions) !== partitionOf(first, config.partitions)) return [first, second];
  }
}

const post = (event: unknown) => engine.app.inject({ method: 'POST', url: '/v1/events', headers: as(INGEST_KEY), payload: event as object });
const fraudAlertsOf = async (customer: string) =>
  (await engine.app.inject({ url: `/v1/alerts?customer_id=${customer}&type=fraud`, headers: as(RISK_KEY) })).json().alerts as { customerId: string }[];

describe('an event_id reused for another customer', () => {
  it('is refused at ingest within the dedup window, so the first customer keeps the id and its alert', async () => {
    const [a, b] = customersInTwoPartitions('reuse-now');
    const event = cardPayment({ customer_id: a, amount: '1500.00' });
    expect((await post(event)).statusCode).toBe(202);
    const reused = await post({ ...event, customer_id: b });
    expect(reused.statusCode).toBe(409);
    expect(reused.json().error).toBe('EVENT_ID_CONFLICT');
    expect(await eventually(() => fraudAlertsOf(a), (alerts) => alerts.length === 1)).toHaveLength(1);
  });

  it("still raises the second customer's fraud alert when the id comes back after the window", async () => {
    const [a, b] = customersInTwoPartitions('reuse-later');
    const event = cardPayment({ customer_id: a, amount: '1500.00' });
    expect((await post(event)).statusCode).toBe(202);
    await eventually(() => fraudAlertsOf(a), (alerts) => alerts.length === 1);
    // The dedup window has passed for the claim (b's partition never saw the id): the id may be used again.
    await engine.redis.del(globalKeys(config.redis.prefix).eventIdClaimPrefix + event.event_id);
    expect((await post({ ...event, customer_id: b })).json()).toMatchObject({ accepted: 1 });
    const alerts = await eventually(() => fraudAlertsOf(b), (found) => found.length === 1);
    expect(alerts[0]!.customerId).toBe(b);
    expect(await fraudAlertsOf(a)).toHaveLength(1);
  });

  it('counts and logs an alert raise that was deduplicated instead of dropping it silently', async () => {
    const [a] = customersInTwoPartitions('dedup-seen');
    const keys = partitionKeys(config.redis.prefix, partitionOf(a, config.partitions));
    const alert: NewAlert = {
      customerId: a, type: 'fraud', severity: 'high', score: 0.5, ruleIds: ['large-card-payment'],
      reasons: [{ ruleId: 'large-card-payment', text: 'amount 1,500.00 EUR' }],
      triggeringEvents: [{ eventId: 'evt-dedup-1', type: 'card_payment', occurredAt: new Date().toISOString() }],
      ruleSetVersion: 'eid-1', dedupKey: alertDedupKey('fraud', a, 'evt-dedup-1'),
    };
    // The same alert twice in the outbox: what a crash between raising and trimming leaves behind.
    await engine.redis.rpush(keys.alertOutbox, JSON.stringify(alert), JSON.stringify(alert));
    const logged: string[] = [];
    const log = createLogger('warn');
    log.warn = ((obj: unknown, msg?: string) => void logged.push(`${msg} ${JSON.stringify(obj)}`)) as typeof log.warn;
    const before = await counted('fraud');
    const risk = new RiskEffect({
      redis: engine.redis, alerts: engine.alerts.store, metrics: engine.metrics, log, stateTtlSeconds: 60,
      context: () => { throw new Error('not used when draining'); },
    });
    await risk.recover(keys);
    expect(await counted('fraud')).toBe(before + 1);
    expect(logged).toEqual([expect.stringMatching(/not raised again.*"eventIds":\["evt-dedup-1"\]/)]);
    expect(await fraudAlertsOf(a)).toHaveLength(1);
  });
});

async function counted(type: string): Promise<number> {
  const metric = await engine.metrics.registry.getSingleMetric('vigil_alerts_deduplicated_total')!.get();
  return metric.values.find((v) => v.labels.type === type)?.value ?? 0;
}
