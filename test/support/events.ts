import type { EventInput } from '../../core/events/index.js';

let counter = 0;

/** A valid card payment; fields can be overridden per test. */
export function cardPayment(overrides: Partial<Record<string, unknown>> = {}): EventInput {
  counter++;
  return {
    event_id: `evt-${process.pid}-${Date.now()}-${counter}`,
    customer_id: 'cust-1',
    type: 'card_payment',
    occurred_at: new Date().toISOString(),
    channel: 'pos',
    amount: '12.50',
    currency: 'EUR',
    merchant: { id: 'm-1', mcc: '5411', country: 'DE' },
    ...overrides,
  } as EventInput;
}

export function login(overrides: Partial<Record<string, unknown>> = {}): EventInput {
  counter++;
  return {
    event_id: `evt-${process.pid}-${Date.now()}-${counter}`,
    customer_id: 'cust-1',
    type: 'login',
    occurred_at: new Date().toISOString(),
    channel: 'mobile_app',
    device: { id: 'dev-1', ip: '10.0.0.1' },
    ...overrides,
  } as EventInput;
}
