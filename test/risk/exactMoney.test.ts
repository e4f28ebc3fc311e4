import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardPayment } from '../support/events.js';
import { ADMIN_KEY, INGEST_KEY, RISK_KEY, eventually, startTestEngine, testConfig } from '../support/testEngine.js';

// Issue 12, item 11: 90,071,992,547,409.91 GBP (9007199254740991 pence, the largest safe integer)
// showed as …409.90 in an alert reason: the amount went through a double on its way to the text.

const RULES = `
version: "money-1"
rules:
  - id: large-payment
    name: Large payment
    description: Any card payment of 1,000 or more.
    alert_type: fraud
    severity: high
    weight: 0.5
    mode: active
    suppress_for: 1m
    condition: { field: event.amount, op: gte, value: 1000 }
`;

let engine: Awaited<ReturnType<typeof startTestEngine>>;
const as = (key: string) => ({ authorization: `Bearer ${key}` });

beforeAll(async () => {
  engine = await startTestEngine(testConfig());
  expect((await engine.app.inject({ method: 'PUT', url: '/v1/rules', headers: as(ADMIN_KEY), payload: { format: 'yaml', text: RULES } })).statusCode).toBe(200);
});
afterAll(async () => engine?.dispose());

describe('an amount at the edge of exact integers, from event to alert', () => {
  it('is written to the penny in the alert reason, its text and the data behind it', async () => {
    const event = cardPayment({ customer_id: 'money-edge-1', amount: '90071992547409.91', currency: 'GBP' });
    expect((await engine.app.inject({ method: 'POST', url: '/v1/events', headers: as(INGEST_KEY), payload: event })).statusCode).toBe(202);
    const list = () => engine.app.inject({ url: '/v1/alerts?customer_id=money-edge-1', headers: as(RISK_KEY) });
    const [alert] = (await eventually(list, (r) => r.json().alerts?.length === 1)).json().alerts;
    expect(alert.reasons).toEqual([{
      ruleId: 'large-payment', field: 'event.amount', actual: '90071992547409.91', threshold: 1000,
      text: 'amount 90,071,992,547,409.91 GBP (threshold ≥ 1,000.00 GBP)',
    }]);
    expect(JSON.stringify(alert)).not.toContain('409.9 ');
    expect(JSON.stringify(alert)).not.toContain('409.90');
  });
});
