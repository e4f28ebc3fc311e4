import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardPayment } from '../support/events.js';
import { INGEST_KEY, RISK_KEY, eventually, startTestEngine, testConfig } from '../support/testEngine.js';

// Credit early warning through the whole pipeline with the default pack: the lending systems'
// events travel the stream (balances and limits in minor units and back), become features, and an
// instalment left unpaid is warned about by the daily review when it reaches 30 days overdue,
// with nothing arriving from the customer. Event-time sweep, so the days pass as events do.

const DAY = 86_400_000;
let engine: Awaited<ReturnType<typeof startTestEngine>>;
const as = (key: string) => ({ authorization: `Bearer ${key}` });
const tag = `credit-${process.pid}`;
const t0 = Date.now() - 40 * DAY;
const at = (days: number) => new Date(t0 + days * DAY).toISOString();

beforeAll(async () => {
  engine = await startTestEngine(testConfig({ VIGIL_PARTITIONS: '1', VIGIL_SWEEP_INTERVAL_MS: '50', VIGIL_SWEEP_CLOCK: 'events' }));
});
afterAll(async () => engine?.dispose());

const post = async (events: unknown[]) => {
  const res = await engine.app.inject({ method: 'POST', url: '/v1/events', headers: as(INGEST_KEY), payload: { events } });
  expect(res.json()).toMatchObject({ accepted: events.length, rejected: [] });
};
const featuresOf = async (customer: string) => (await engine.app.inject({ url: `/v1/customers/${customer}/features`, headers: as(RISK_KEY) })).json();
const alertsOf = async (customer: string) =>
  (await engine.app.inject({ url: `/v1/customers/${customer}/alerts`, headers: as(RISK_KEY) })).json() as {
    alerts: { type: string; severity: string; ruleIds: string[]; reasons: { text: string }[]; triggeringEvents: { type: string }[] }[];
    scores: Record<string, number>;
  };
const core = (customer: string, id: string, days: number) => ({ event_id: `${tag}-${id}`, customer_id: customer, occurred_at: at(days), channel: 'core_banking' });

describe('credit early warning end to end', () => {
  it('carries a statement with its limit through the stream into credit utilisation', async () => {
    const customer = `${tag}-card`;
    await post([{ ...core(customer, 'st-1', 0), type: 'balance_snapshot', product: { type: 'credit_card', id: 'cc-9' }, balance: '1500.00', currency: 'EUR', credit_limit: '2000.00' }]);
    const { features } = await eventually(() => featuresOf(customer), (f) => f.features?.events_total === 1);
    expect(features).toMatchObject({ credit_utilisation: 0.75, days_past_due: 0, txn_count_30d: 0 });
  });

  it('warns of 30 days in arrears on the daily review, with nothing arriving from the customer, and scores the credit risk', async () => {
    const customer = `${tag}-arrears`;
    await post([
      cardPayment({ event_id: `${tag}-pay-1`, customer_id: customer, occurred_at: at(0) }),
      { ...core(customer, 'missed-1', 1), type: 'repayment_missed', amount: '320.00', currency: 'EUR', product: { type: 'loan', id: 'loan-9' }, days_past_due: 5 },
    ]);
    // A one-off late instalment is no warning.
    const early = await eventually(() => alertsOf(customer), (a) => Array.isArray(a.alerts));
    expect(early.alerts.filter((a) => a.type === 'credit')).toEqual([]);

    // Another customer's events move the partition's clock 30 days on; this customer sends nothing.
    for (let day = 2; day <= 31; day += 3) await post([cardPayment({ event_id: `${tag}-clock-${day}`, customer_id: `${tag}-clock`, occurred_at: at(day) })]);
    const { alerts, scores } = await eventually(() => alertsOf(customer), (a) => a.alerts.some((alert) => alert.type === 'credit'), 20_000);
    const credit = alerts.filter((a) => a.type === 'credit');
    expect(credit).toHaveLength(1);
    expect(credit[0]).toMatchObject({ severity: 'high', ruleIds: ['arrears-30-days'], triggeringEvents: [{ type: 'customer_review' }] });
    expect(credit[0]!.reasons[0]!.text).toBe('an instalment 30 days past due, unpaid (threshold ≥ 30 days)');
    expect(scores.credit).toBeGreaterThan(0.3);
  });
});
