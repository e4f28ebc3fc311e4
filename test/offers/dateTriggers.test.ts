import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { EventInput } from '../../core/events/index.js';
import { Receiver } from '../support/receiver.js';
import { ADMIN_KEY, INGEST_KEY, MARKETING_KEY, startTestEngine, testConfig } from '../support/testEngine.js';

// A date-triggered campaign reaches a customer who does not log in on the day: the review schedule
// brings the customer's review forward to noon UTC of their birthday or of a product's
// anniversary, and a campaign that names
// customer_review fires from it. Replayed on the events clocks (reviews and offers), as the demo
// and the evaluation run: another customer's later activity moves the partition's clock past the
// birthday, with nothing arriving from the customer themselves.

const DAY_MS = 86_400_000;
const config = testConfig({
  VIGIL_CAMPAIGNS_POLL_MS: '50', VIGIL_OFFER_CLOCK: 'events', VIGIL_SWEEP_CLOCK: 'events', VIGIL_SWEEP_INTERVAL_MS: '100',
  // One partition: the other customer's events move the clock of the partition the quiet one is in.
  VIGIL_PARTITIONS: '1',
});
let engine: Awaited<ReturnType<typeof startTestEngine>>;
const receiver = new Receiver('/push');
receiver.answer = () => 202;
const as = (key: string) => ({ authorization: `Bearer ${key}` });
const at = (daysAgo: number, hour = 12) => {
  const t = new Date(Date.now() - daysAgo * DAY_MS);
  t.setUTCHours(hour, 0, 0, 0);
  return t.toISOString();
};

const greeting = {
  id: 'review-birthday', name: 'Birthday greeting', description: 'Care, not sales: a greeting on the birthday, logged in or not.',
  state: 'active', priority: 85, expected_value: 20,
  trigger: { event_types: ['login', 'customer_review'], condition: { field: 'features.birthday_today', op: 'eq', value: true } },
  content: { push: { title: 'Happy birthday', body: 'All of us wish you a wonderful day.' } }, caps: { cooldown: '300d' },
};

const anniversary = {
  id: 'review-anniversary', name: 'Product anniversary', description: 'Thanks for the years with a product, logged in or not.',
  state: 'active', priority: 60, expected_value: 30,
  trigger: { event_types: ['login', 'customer_review'], condition: { field: 'features.product_anniversary_years', op: 'gte', value: 1 } },
  content: { push: { title: 'Thank you', body: 'Another year together.' } }, caps: { cooldown: '300d' },
};

let seq = 0;
const cardPayment = (customer: string, occurredAt: string): EventInput => ({
  type: 'card_payment', event_id: `bday-${customer}-${++seq}`, customer_id: customer, occurred_at: occurredAt, channel: 'pos',
  amount: '12.50', currency: 'EUR', merchant: { id: 'm-1', mcc: '5411', country: 'DE' },
} as EventInput);

beforeAll(async () => {
  await receiver.start();
  engine = await startTestEngine(config);
  expect((await engine.app.inject({ method: 'PUT', url: '/v1/offers/channels/push', headers: as(ADMIN_KEY), payload: { url: receiver.url } })).statusCode).toBe(200);
  for (const campaign of [greeting, anniversary]) {
    expect((await engine.app.inject({ method: 'POST', url: '/v1/campaigns', headers: as(MARKETING_KEY), payload: campaign })).statusCode).toBe(201);
  }
  await vi.waitFor(() => expect(engine.offers.campaigns.current().map((c) => c.id)).toEqual(expect.arrayContaining([greeting.id, anniversary.id])));
});
afterAll(async () => {
  await engine?.dispose();
  await receiver.stop();
});

/**
 * The quiet customer pays on two days, 60 and 59 days ago, then nothing; another customer shops
 * every day until 10 days ago, moving the partition's clock. Quiet for more than 30 days, the
 * customer is reviewed weekly (22 and 15 days ago), so only the date brings a review to the day
 * 20 days ago. The one decision on the quiet customer must be `campaign`'s, taken at that
 * review, and delivered.
 */
async function quietCustomerReachedOnTheDay(quiet: string, other: string, dates: Record<string, unknown>, campaign: { id: string }): Promise<void> {
  const profile = {
    kyc_status: 'verified', preferred_channel: 'push', marketing_consent: { push: true }, time_zone: 'UTC',
    quiet_hours: { start: '22:00', end: '06:00' }, ...dates,
  };
  expect((await engine.app.inject({ method: 'PUT', url: `/v1/customers/${quiet}`, headers: as(MARKETING_KEY), payload: profile })).statusCode).toBe(201);
  const events = [cardPayment(quiet, at(60)), cardPayment(quiet, at(59)), ...Array.from({ length: 51 }, (_, i) => cardPayment(other, at(60 - i, 15)))];
  const res = await engine.app.inject({ method: 'POST', url: '/v1/events', headers: as(INGEST_KEY), payload: { events } });
  expect(res.json().accepted).toBe(events.length);

  const decisions = await vi.waitFor(async () => {
    const answer = await engine.app.inject({ url: `/v1/customers/${quiet}/offers`, headers: as(MARKETING_KEY) });
    const all = answer.json().decisions as { event: { type: string; occurredAt: string }; offer?: { campaignId: string; offerId: string } }[];
    expect(all.length).toBeGreaterThanOrEqual(1);
    return all;
  }, { timeout: 15_000, interval: 100 });
  expect(decisions).toHaveLength(1);
  const [decision] = decisions;
  expect(decision!.event.type).toBe('customer_review');
  expect(decision!.event.occurredAt.slice(0, 10)).toBe(at(20).slice(0, 10));
  expect(decision!.offer?.campaignId).toBe(campaign.id);
  await vi.waitFor(() => {
    expect(receiver.received.map((r) => (JSON.parse(r.body) as { offer_id: string }).offer_id)).toContain(decision!.offer!.offerId);
  }, { timeout: 15_000, interval: 100 });
}

describe('date-triggered campaigns from the customer review', () => {
  it('greet a customer who does nothing on their birthday, once, at the review brought forward to that day', async () => {
    await quietCustomerReachedOnTheDay('bday-quiet-1', 'bday-other-1', { birthday: `1975-${at(20).slice(5, 10)}` }, greeting);
  });

  it('thank a customer who does nothing on the anniversary of a product, once, at the review brought forward to that day', async () => {
    const openedOn = `${Number(at(20).slice(0, 4)) - 3}-${at(20).slice(5, 10)}`;
    await quietCustomerReachedOnTheDay('anniv-quiet-1', 'anniv-other-1', { products_opened: [{ product: 'savings', opened_on: openedOn }] }, anniversary);
  });
});
