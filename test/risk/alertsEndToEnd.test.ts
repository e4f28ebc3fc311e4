import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhookSignature } from '../../alerts/index.js';
import { partitionKeys, partitionOf, readBacklog } from '../../core/streams/index.js';
import { cardPayment } from '../support/events.js';
import { Receiver } from '../support/receiver.js';
import { ADMIN_KEY, DEFAULT_PACK_VERSION, INGEST_KEY, RISK_ADMIN_KEY, RISK_KEY, eventually, startTestEngine, testConfig } from '../support/testEngine.js';

const config = testConfig();
let engine: Awaited<ReturnType<typeof startTestEngine>>;
const receiver = new Receiver('/alerts');
receiver.answer = () => 204;
const received = receiver.received;

beforeAll(async () => {
  await receiver.start();
  engine = await startTestEngine(config);
});
afterAll(async () => {
  await engine?.dispose();
  await receiver.stop();
});

const as = (key: string, extra: Record<string, string> = {}) => ({ authorization: `Bearer ${key}`, ...extra });

/** A card-testing run: small payments at merchants the customer never used, a minute apart. */
function cardTestingRun(customer: string, count: number) {
  const start = Date.now() - count * 60_000;
  return Array.from({ length: count }, (_, i) =>
    cardPayment({
      customer_id: customer, channel: 'ecommerce', amount: `${1 + (i % 3)}.00`,
      occurred_at: new Date(start + i * 50_000).toISOString(),
      merchant: { id: `m-test-${customer}-${i}`, mcc: '5999', country: 'GB' },
    }),
  );
}

describe('from an HTTP event to an explained alert, a signed webhook and a worked case', () => {
  it('raises one explained card-testing alert, delivers it signed, and lets a risk officer work it', async () => {
    const hook = await engine.app.inject({
      method: 'POST', url: '/v1/webhooks', headers: as(ADMIN_KEY),
      payload: { url: receiver.url, alert_types: ['fraud'] },
    });
    expect(hook.statusCode).toBe(201);
    const { secret } = hook.json();

    const events = cardTestingRun('fraud-ct-1', 8);
    expect((await engine.app.inject({ method: 'POST', url: '/v1/events', headers: as(INGEST_KEY), payload: { events } })).json().accepted).toBe(8);

    const list = () => engine.app.inject({ url: '/v1/alerts?customer_id=fraud-ct-1', headers: as(RISK_KEY) });
    const alerts = (await eventually(list, (r) => r.json().alerts?.length >= 1)).json().alerts;
    expect(alerts).toHaveLength(1);
    const [alert] = alerts;
    expect(alert).toMatchObject({ customerId: 'fraud-ct-1', type: 'fraud', severity: 'critical', status: 'open', ruleIds: ['card-testing'], ruleSetVersion: DEFAULT_PACK_VERSION });
    expect(alert.reasons[0].text).toMatch(/card payments at new merchants in 10 min/);
    expect(alert.score).toBeGreaterThan(0.5);

    const delivery = await eventually(async () => received.find((r) => r.body.includes(alert.id)), Boolean);
    expect(delivery!.headers['x-vigil-event']).toBe('alert.created');
    expect(verifyWebhookSignature({ secret, header: String(delivery!.headers['x-vigil-signature']), body: delivery!.body })).toBe(true);
    expect(verifyWebhookSignature({ secret, header: String(delivery!.headers['x-vigil-signature']), body: delivery!.body.replace('fraud', 'churn') })).toBe(false);

    const transition = (payload: Record<string, string>) => engine.app.inject({
      method: 'POST', url: `/v1/alerts/${alert.id}/transitions`, headers: as(RISK_KEY), payload,
    });
    expect((await transition({ action: 'acknowledge' })).statusCode).toBe(200);
    expect((await transition({ action: 'assign', assignee: 'officer.jones' })).statusCode).toBe(200);
    const wrongDisposition = await transition({ action: 'resolve', disposition: 'churn_confirmed' });
    expect(wrongDisposition.statusCode).toBe(400);
    expect(wrongDisposition.json().message).toMatch(/confirmed_fraud/);
    expect((await transition({ action: 'resolve', disposition: 'confirmed_fraud', comment: 'customer confirmed the card was stolen' })).statusCode).toBe(200);
    const worked = (await engine.app.inject({ url: `/v1/alerts/${alert.id}`, headers: as(RISK_KEY) })).json();
    expect(worked.status).toBe('resolved');
    expect(worked.disposition).toBe('confirmed_fraud');
    expect(worked.history.map((h: { action: string }) => h.action)).toEqual(['raised', 'acknowledge', 'assign', 'resolve']);
    expect(worked.history[3]).toMatchObject({ actor: 'risk:officer.jones', comment: 'customer confirmed the card was stolen' });
  });

  it('shows the customer features and scores behind the alert', async () => {
    const res = await engine.app.inject({ url: '/v1/customers/fraud-ct-1/features', headers: as(RISK_KEY) });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.features.card_payment_count_24h).toBe(8);
    expect(body.scores.fraud).toBeGreaterThan(0.5);
    expect(['vip', 'potential', 'mass']).toContain(body.tier);
  });

  it("lists the customer's alerts with the scores the pipeline computed (faded only by the minutes since)", async () => {
    const features = (await engine.app.inject({ url: '/v1/customers/fraud-ct-1/features', headers: as(RISK_KEY) })).json();
    const res = await engine.app.inject({ url: '/v1/customers/fraud-ct-1/alerts', headers: as(RISK_KEY) });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.alerts.map((a: { ruleIds: string[] }) => a.ruleIds)).toEqual([['card-testing']]);
    expect(body.scores.fraud).toBeGreaterThan(0.5);
    expect(body.scores.fraud).toBeCloseTo(features.scores.fraud, 1);
    expect(body.scores.fraud).toBeLessThanOrEqual(features.scores.fraud);
    expect(body.scores).toHaveProperty('churn');
  });

  it('never doubles a feature or an alert when the same events reach the stream again', async () => {
    const customer = 'fraud-ct-2';
    const events = cardTestingRun(customer, 8);
    await engine.app.inject({ method: 'POST', url: '/v1/events', headers: as(INGEST_KEY), payload: { events } });
    const list = () => engine.app.inject({ url: `/v1/alerts?customer_id=${customer}`, headers: as(RISK_KEY) });
    await eventually(list, (r) => r.json().alerts?.length === 1);

    const { stream } = partitionKeys(config.redis.prefix, partitionOf(customer, config.partitions));
    for (const event of events) await engine.redis.xadd(stream, '*', 'event', JSON.stringify(event));
    const backlog = async () => (await readBacklog(engine.redis, config.redis.prefix, config.partitions)).reduce((s, p) => s + p.lag + p.pending, 0);
    expect(await eventually(backlog, (n) => n === 0)).toBe(0);

    const features = (await engine.app.inject({ url: `/v1/customers/${customer}/features`, headers: as(RISK_KEY) })).json().features;
    expect(features.card_payment_count_24h).toBe(8);
    expect((await list()).json().alerts).toHaveLength(1);
  });

  it('lets a risk admin, not a risk officer, publish a new rule set version that reaches every worker without a restart, and refuses an invalid one', async () => {
    const current = (await engine.app.inject({ url: '/v1/rules', headers: as(RISK_KEY) })).json();
    // Officers work alerts; publishing rules is the risk admin's duty.
    const officer = await engine.app.inject({ method: 'PUT', url: '/v1/rules', headers: as(RISK_KEY), payload: { format: 'yaml', text: current.text.replace(`version: "${DEFAULT_PACK_VERSION}"`, 'version: "2026.9"') } });
    expect(officer.statusCode).toBe(403);
    expect((await engine.app.inject({ url: '/v1/rules/history', headers: as(RISK_KEY) })).json().versions.map((v: { version: string }) => v.version)).not.toContain('2026.9');

    const bad = await engine.app.inject({
      method: 'PUT', url: '/v1/rules', headers: as(RISK_ADMIN_KEY), payload: { format: 'yaml', text: current.text.replace(`version: "${DEFAULT_PACK_VERSION}"`, 'version: "e2e-stricter"').replace('card_payment_new_merchant_count_10m, op: gt', 'card_payment_new_merchnt_count_10m, op: gt') },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/unknown feature "card_payment_new_merchnt_count_10m"/);

    const same = await engine.app.inject({ method: 'PUT', url: '/v1/rules', headers: as(RISK_ADMIN_KEY), payload: { format: 'yaml', text: current.text } });
    expect(same.statusCode).toBe(409);

    const stricter = current.text.replace(`version: "${DEFAULT_PACK_VERSION}"`, 'version: "e2e-stricter"').replace(/mode: active(\n    decision: \w+)?\n    suppress_for: 1h/, 'mode: shadow$1\n    suppress_for: 1h');
    const ok = await engine.app.inject({ method: 'PUT', url: '/v1/rules', headers: as(RISK_ADMIN_KEY, { 'x-vigil-actor': 'admin:chief-risk-officer' }), payload: { format: 'yaml', text: stricter } });
    expect(ok.statusCode).toBe(200);
    await eventually(async () => engine.rules.current().version, (v) => v === 'e2e-stricter');

    // card-testing now runs in shadow: evaluated and counted, no alert.
    await engine.app.inject({ method: 'POST', url: '/v1/events', headers: as(INGEST_KEY), payload: { events: cardTestingRun('fraud-ct-3', 8) } });
    await eventually(async () => (await engine.metrics.registry.getSingleMetricAsString('vigil_rule_matches_total')), (t) => /rule="card-testing",mode="shadow"/.test(t));
    expect((await engine.app.inject({ url: '/v1/alerts?customer_id=fraud-ct-3', headers: as(RISK_KEY) })).json().alerts).toHaveLength(0);
    const history = (await engine.app.inject({ url: '/v1/rules/history', headers: as(RISK_KEY) })).json().versions;
    expect(history[0]).toMatchObject({ version: 'e2e-stricter', updatedBy: 'risk-admin:head.of.fraud' });
  });
});
