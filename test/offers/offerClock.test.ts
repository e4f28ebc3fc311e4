import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { EventInput } from '../../core/events/index.js';
import { Receiver } from '../support/receiver.js';
import { ADMIN_KEY, INGEST_KEY, MARKETING_KEY, startTestEngine, testConfig } from '../support/testEngine.js';

// A replay of history on the events clock (VIGIL_OFFER_CLOCK=events, as the demo runs): each
// trigger is decided as of its event's time. Months of one customer's history, replayed in a
// second, must contact them as they would have been contacted live: a payroll offer on their first
// salary does not take the push slot from a retention offer a hundred days later (on the wall
// clock both fall on today, and the second was refused by the 1-a-day push cap), caps and cooldowns
// still hold inside the history's own days, and a birthday campaign fires on the birthday only,
// not on every login of the history.

const DAY_MS = 86_400_000;
const config = testConfig({ VIGIL_CAMPAIGNS_POLL_MS: '50', VIGIL_OFFER_CLOCK: 'events' });
let engine: Awaited<ReturnType<typeof startTestEngine>>;
const receiver = new Receiver('/push');
receiver.answer = () => 202;

const as = (key: string) => ({ authorization: `Bearer ${key}` });
/** Noon UTC `days` ago: outside the customer's quiet hours (22:00–06:00 UTC) in the history's time. */
const noon = (days: number, hour = 12) => {
  const at = new Date(Date.now() - days * DAY_MS);
  at.setUTCHours(hour, 0, 0, 0);
  return at.toISOString();
};

const push = (title: string) => ({ push: { title, body: `${title}: an offer for you.` } });
const campaigns = [
  {
    id: 'clock-payroll', name: 'Payroll package', description: 'The first salary credit decides where the money lives.',
    state: 'active', priority: 50, expected_value: 300,
    trigger: { event_types: ['salary_credit'], condition: { field: 'features.salary_credits_90d', op: 'eq', value: 1 } },
    content: push('Payroll package'), caps: { cooldown: '180d' },
  },
  {
    id: 'clock-retention', name: 'Retention offer', description: 'A closed product lifts the churn score; offer the fee-free account.',
    state: 'active', priority: 80, expected_value: 400,
    trigger: { event_types: ['product_closed'], condition: { field: 'features.score_churn', op: 'gte', value: 0.3 } },
    content: push('Stay with fewer fees'), caps: { cooldown: '30d' },
  },
  {
    id: 'clock-birthday', name: 'Birthday greeting', description: 'Care, not sales: a greeting on the first login of the birthday.',
    state: 'active', priority: 85, expected_value: 20,
    trigger: { event_types: ['login'], condition: { field: 'features.birthday_today', op: 'eq', value: true } },
    content: push('Happy birthday'), caps: { cooldown: '300d' },
  },
];

let seq = 0;
function event(customer: string, type: string, occurredAt: string, extra: Record<string, unknown>): EventInput {
  seq += 1;
  return { type, event_id: `clock-${customer}-${seq}`, customer_id: customer, occurred_at: occurredAt, ...extra } as EventInput;
}
const salaryCredit = (customer: string, at: string) => event(customer, 'salary_credit', at, { channel: 'core_banking', amount: '3200.00', currency: 'EUR' });
const productClosed = (customer: string, at: string) => event(customer, 'product_closed', at, { channel: 'web', product: { type: 'current_account', id: `p-${seq}` } });
const login = (customer: string, at: string) => event(customer, 'login', at, { channel: 'mobile_app', device: { id: 'dev-1' } });

async function replay(events: EventInput[]): Promise<void> {
  const res = await engine.app.inject({ method: 'POST', url: '/v1/events', headers: as(INGEST_KEY), payload: { events } });
  expect(res.json().accepted).toBe(events.length);
}

interface Decision {
  event: { eventId: string; occurredAt: string };
  offer?: { offerId: string; campaignId: string; holdout: boolean };
  suppressed: { campaignId: string; reason: string }[];
}
async function decisionsOf(customer: string): Promise<Decision[]> {
  const res = await engine.app.inject({ url: `/v1/customers/${customer}/offers`, headers: as(MARKETING_KEY) });
  return (res.json().decisions as Decision[]).sort((a, b) => a.event.occurredAt.localeCompare(b.event.occurredAt));
}
const outcome = (d: Decision) => (d.offer ? `offered ${d.offer.campaignId}` : d.suppressed.map((s) => `${s.campaignId} ${s.reason}`).join(', '));

beforeAll(async () => {
  await receiver.start();
  engine = await startTestEngine(config);
  expect((await engine.app.inject({ method: 'PUT', url: '/v1/offers/channels/push', headers: as(ADMIN_KEY), payload: { url: receiver.url } })).statusCode).toBe(200);
  for (const campaign of campaigns) {
    expect((await engine.app.inject({ method: 'POST', url: '/v1/campaigns', headers: as(MARKETING_KEY), payload: campaign })).statusCode).toBe(201);
  }
  await vi.waitFor(() => expect(engine.offers.campaigns.current().map((c) => c.id)).toEqual(expect.arrayContaining(campaigns.map((c) => c.id))));
});
afterAll(async () => {
  await engine?.dispose();
  await receiver.stop();
});

describe('offers on the events clock (a replay of history)', () => {
  it('contacts a customer through months of history as often as the caps allow in the history\'s time, not once per wall-clock day', async () => {
    const customer = 'clock-churner-1';
    const birthday = `1980-${noon(50).slice(5, 10)}`;
    const profile = {
      kyc_status: 'verified', preferred_channel: 'push', marketing_consent: { push: true },
      time_zone: 'UTC', quiet_hours: { start: '22:00', end: '06:00' }, birthday,
    };
    expect((await engine.app.inject({ method: 'PUT', url: `/v1/customers/${customer}`, headers: as(MARKETING_KEY), payload: profile })).statusCode).toBe(201);

    await replay([
      salaryCredit(customer, noon(200)),
      productClosed(customer, noon(200, 15)), // same day: the push slot is the payroll offer's
      productClosed(customer, noon(100)), // a hundred days later: the retention offer goes out
      productClosed(customer, noon(99)), // inside the retention cooldown
      login(customer, noon(60)), // not the birthday: nothing fires
      login(customer, noon(50, 9)), // the birthday's first login
      login(customer, noon(50, 18)), // inside the birthday cooldown
    ]);

    const decisions = await vi.waitFor(async () => {
      const all = await decisionsOf(customer);
      expect(all).toHaveLength(6);
      return all;
    }, { timeout: 15_000, interval: 100 });
    expect(decisions.map(outcome)).toEqual([
      'offered clock-payroll',
      'clock-retention cap:channel',
      'offered clock-retention',
      'clock-retention cooldown',
      'offered clock-birthday',
      'clock-birthday cooldown',
    ]);
    const offerIds = decisions.flatMap((d) => (d.offer ? [d.offer.offerId] : []));
    await vi.waitFor(() => {
      const delivered = receiver.received.map((r) => JSON.parse(r.body) as { offer_id: string });
      expect(delivered.map((d) => d.offer_id).sort()).toEqual([...offerIds].sort());
    }, { timeout: 15_000, interval: 100 });
  });
});
