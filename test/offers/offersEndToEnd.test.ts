import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhookSignature } from '../../core/webhooks/signature.js';
import type { EventInput } from '../../core/events/index.js';
import { cardPayment } from '../support/events.js';
import { Receiver } from '../support/receiver.js';
import { ADMIN_KEY, INGEST_KEY, MARKETING_KEY, eventually, startTestEngine, testConfig } from '../support/testEngine.js';

// The integration test: a churn signal in the stream produces a retention offer that is
// delivered, signed, to the push channel's endpoint; a second trigger inside the cooldown is
// suppressed with its reason; a customer under fraud review gets no marketing; and the whole
// funnel shows in the campaign's stats from ClickHouse.

const config = testConfig({ VIGIL_CAMPAIGNS_POLL_MS: '50' });
let engine: Awaited<ReturnType<typeof startTestEngine>>;
const receiver = new Receiver('/push');
receiver.answer = () => 202;
const received = receiver.received;
let secret = '';

const as = (key: string, extra: Record<string, string> = {}) => ({ authorization: `Bearer ${key}`, ...extra });
const marketer = as(MARKETING_KEY);

/** Quiet hours one to two hours from now (UTC), so the test never runs inside them. */
function quietHoursAwayFromNow() {
  const hour = (new Date().getUTCHours() + 2) % 24;
  const pad = (h: number) => String(h).padStart(2, '0');
  return { start: `${pad(hour)}:00`, end: `${pad((hour + 1) % 24)}:00` };
}

const profile = (extra: Record<string, unknown> = {}) => ({
  kyc_status: 'verified', preferred_channel: 'push', marketing_consent: { push: true, email: true },
  time_zone: 'UTC', quiet_hours: quietHoursAwayFromNow(), language: 'en-GB', ...extra,
});

const retentionCampaign = {
  id: 'test-retention',
  name: 'Retention offer on churn signal',
  description: 'A closed savings product lifts the churn score; offer the fee-free account before the customer leaves.',
  state: 'active',
  priority: 80,
  expected_value: 400,
  product: { id: 'fee-free-current-account', risk_level: 'low' },
  trigger: { event_types: ['product_closed'], condition: { field: 'features.score_churn', op: 'gte', value: 0.3 } },
  content: { push: { title: 'Stay with fewer fees', body: 'Your {tier} account can be fee-free for 12 months.' } },
  caps: { cooldown: '30d' },
  goal: { event_type: 'product_opened', product_type: 'current_account', within: '30d' },
};

let seq = 0;
function productClosed(customer: string, type = 'current_account'): EventInput {
  seq += 1;
  return {
    type: 'product_closed', event_id: `e2e-closed-${customer}-${seq}`, customer_id: customer,
    occurred_at: new Date(Date.now() - 1000).toISOString(), channel: 'web', product: { type, id: `p-${seq}` },
  } as EventInput;
}

async function post(events: EventInput[]) {
  const res = await engine.app.inject({ method: 'POST', url: '/v1/events', headers: as(INGEST_KEY), payload: { events } });
  expect(res.json().accepted).toBe(events.length);
}

async function decisions(customer: string) {
  return (await engine.app.inject({ url: `/v1/customers/${customer}/offers`, headers: as(MARKETING_KEY) })).json().decisions as {
    decisionId: string; offer?: { offerId: string; campaignId: string; channel: string; holdout: boolean }; suppressed: { campaignId: string; reason: string; detail: string }[]; explanation: string[];
  }[];
}

beforeAll(async () => {
  await receiver.start();
  engine = await startTestEngine(config);
  const channel = await engine.app.inject({
    method: 'PUT', url: '/v1/offers/channels/push', headers: as(ADMIN_KEY),
    payload: { url: receiver.url },
  });
  expect(channel.statusCode).toBe(200);
  secret = channel.json().secret;
  const created = await engine.app.inject({ method: 'POST', url: '/v1/campaigns', headers: marketer, payload: retentionCampaign });
  expect(created.statusCode).toBe(201);
  // Workers pick campaign changes up by polling; wait until this process's registry has it.
  await eventually(async () => engine.offers.campaigns.current().some((c) => c.id === 'test-retention'), Boolean);
});
afterAll(async () => {
  await engine?.dispose();
  await receiver.stop();
});

describe('engagement offers end to end', () => {
  it('turns a churn signal into a signed retention offer, then suppresses the second trigger inside the cooldown', async () => {
    const customer = 'offer-churn-1';
    expect((await engine.app.inject({ method: 'PUT', url: `/v1/customers/${customer}`, headers: marketer, payload: profile() })).statusCode).toBe(201);

    await post([productClosed(customer)]);
    const first = await eventually(() => decisions(customer), (d) => d.length === 1);
    expect(first[0]!.offer).toMatchObject({ campaignId: 'test-retention', channel: 'push', holdout: false });
    expect(first[0]!.explanation[0]).toMatch(/Offered "Retention offer on churn signal".*score_churn/);

    const delivery = await eventually(async () => received.find((r) => r.body.includes(first[0]!.offer!.offerId)), Boolean);
    expect(delivery!.headers['x-vigil-event']).toBe('offer.send');
    expect(delivery!.headers['idempotency-key']).toBe(first[0]!.offer!.offerId);
    expect(verifyWebhookSignature({ secret, header: String(delivery!.headers['x-vigil-signature']), body: delivery!.body })).toBe(true);
    const body = JSON.parse(delivery!.body);
    expect(body).toMatchObject({ customer_id: customer, campaign_id: 'test-retention', channel: 'push', title: 'Stay with fewer fees' });
    expect(body.body).toMatch(/^Your (mass|potential|vip) account can be fee-free/);

    await post([productClosed(customer, 'credit_card')]);
    const both = await eventually(() => decisions(customer), (d) => d.length === 2);
    expect(both[0]!.offer).toBeUndefined();
    expect(both[0]!.suppressed).toEqual([expect.objectContaining({ campaignId: 'test-retention', reason: 'cooldown' })]);
    expect(both[0]!.suppressed[0]!.detail).toMatch(/once per 30d for test-retention: 1 already in the window/);
    // Give a wrongly sent second offer time to arrive before counting.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(received.filter((r) => JSON.parse(r.body).customer_id === customer)).toHaveLength(1);

    // The customer accepts: the response closes the loop in the campaign's stats.
    await post([{
      type: 'offer_response', event_id: `e2e-response-${customer}`, customer_id: customer, occurred_at: new Date().toISOString(),
      channel: 'mobile_app', offer: { offer_id: first[0]!.offer!.offerId, campaign_id: 'test-retention', response: 'accepted' },
    } as EventInput]);
    const stats = await eventually(
      async () => (await engine.app.inject({ url: '/v1/campaigns/test-retention/stats', headers: as(MARKETING_KEY) })).json(),
      (s) => s.responses?.accepted === 1 && s.delivery?.delivered === 1 && s.triggered >= 2,
      15_000,
    );
    expect(stats).toMatchObject({
      triggered: 2, sent: 1, holdout: 0, suppressed: { total: 1, byReason: { cooldown: 1 } },
      delivery: { delivered: 1, cancelled: 0, deadLettered: 0 }, responses: { accepted: 1 }, conversion: 1,
    });
    expect(stats.uplift).toMatchObject({ treated: { customers: 1 }, control: { customers: 0 }, ci: null });
  });

  it('sends no marketing to a customer under fraud review, nor on a channel without consent', async () => {
    const suspect = 'offer-fraud-1';
    const quiet = 'offer-noconsent-1';
    await engine.app.inject({ method: 'PUT', url: `/v1/customers/${suspect}`, headers: marketer, payload: profile() });
    await engine.app.inject({ method: 'PUT', url: `/v1/customers/${quiet}`, headers: marketer, payload: profile({ marketing_consent: { sms: true } }) });
    // A card-testing run raises a fraud alert on the suspect.
    const start = Date.now() - 10 * 60_000;
    await post(Array.from({ length: 8 }, (_, i) => cardPayment({
      customer_id: suspect, channel: 'ecommerce', amount: '1.00', occurred_at: new Date(start + i * 50_000).toISOString(),
      merchant: { id: `m-offer-${i}`, mcc: '5999', country: 'GB' },
    })));
    await eventually(() => engine.alerts.store.hasUnresolved(suspect, 'fraud'), Boolean);

    await post([productClosed(suspect), productClosed(quiet)]);
    const [suspectDecision] = await eventually(() => decisions(suspect), (d) => d.length === 1);
    expect(suspectDecision!.suppressed[0]).toMatchObject({ campaignId: 'test-retention', reason: 'not_eligible:fraud_review' });
    const [quietDecision] = await eventually(() => decisions(quiet), (d) => d.length === 1);
    expect(quietDecision!.suppressed[0]).toMatchObject({ campaignId: 'test-retention', reason: 'no_consented_channel' });
    expect(received.some((r) => [suspect, quiet].includes(JSON.parse(r.body).customer_id))).toBe(false);
  });

  it('refuses a campaign with an unknown feature, naming it, and audits who changed what', async () => {
    const bad = await engine.app.inject({
      method: 'POST', url: '/v1/campaigns', headers: marketer,
      payload: { ...retentionCampaign, id: 'test-bad', trigger: { event_types: ['login'], condition: { field: 'features.score_churns', op: 'gte', value: 0.5 } } },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/unknown feature "score_churns".*score_churn/);
    const paused = await engine.app.inject({ method: 'POST', url: '/v1/campaigns/test-retention/state', headers: marketer, payload: { state: 'paused' } });
    expect(paused.statusCode).toBe(200);
    const audit = (await engine.app.inject({ url: '/v1/campaigns/audit?campaign_id=test-retention', headers: as(MARKETING_KEY) })).json();
    const entries = Array.isArray(audit) ? audit : audit.entries;
    expect(entries[0]).toMatchObject({ actor: 'marketing:anna.marketing', action: 'state_changed', fromState: 'active', toState: 'paused' });
  });
});

describe('the live offer feed', () => {
  it('streams each decision as a server-sent event, filtered by outcome', async () => {
    const paused = engine.offers.campaigns.current().find((c) => c.id === 'test-retention')!;
    if (paused.state !== 'active') {
      await engine.app.inject({ method: 'POST', url: '/v1/campaigns/test-retention/state', headers: marketer, payload: { state: 'active' } });
      await eventually(async () => engine.offers.campaigns.current().find((c) => c.id === 'test-retention')?.state, (s) => s === 'active');
    }
    const base = await engine.app.listen({ host: '127.0.0.1', port: 0 });
    const res = await fetch(`${base}/v1/offers/feed?outcome=offered`, { headers: as(MARKETING_KEY) });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    let text = '';
    const received = (async () => {
      while (!text.includes('event: offer.offered')) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
    })();

    const customer = 'offer-feed-1';
    await engine.app.inject({ method: 'PUT', url: `/v1/customers/${customer}`, headers: marketer, payload: profile() });
    // A customer without consent is decided too, but as suppressed: the filter keeps it out.
    await engine.app.inject({ method: 'PUT', url: '/v1/customers/offer-feed-2', headers: marketer, payload: profile({ marketing_consent: {} }) });
    await post([productClosed('offer-feed-2'), productClosed(customer)]);
    await Promise.race([received, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    const data = text.split('\n').find((line) => line.startsWith('data: '));
    expect(data).toBeDefined();
    const record = JSON.parse(data!.slice(6));
    expect(record).toMatchObject({ customerId: customer, offer: { campaignId: 'test-retention', channel: 'push' } });
    expect(text).not.toContain('offer-feed-2');
    await reader.cancel();
  });
});

describe('profiles feed tiers and channels', () => {
  it('makes a customer with large assets VIP, and their offer becomes a task for their relationship manager', async () => {
    const campaignWithRm = { ...retentionCampaign, id: 'test-retention-rm', priority: 90,
      content: { ...retentionCampaign.content, rm_task: { title: 'Retention call', body: 'Call this {tier} customer about the fee-free account.' } } };
    expect((await engine.app.inject({ method: 'POST', url: '/v1/campaigns', headers: marketer, payload: campaignWithRm })).statusCode).toBe(201);
    await eventually(async () => engine.offers.campaigns.current().some((c) => c.id === 'test-retention-rm'), Boolean);
    const customer = 'offer-vip-1';
    await engine.app.inject({
      method: 'PUT', url: `/v1/customers/${customer}`, headers: marketer,
      payload: profile({ assets_under_management: 2_500_000, relationship_manager: 'rm-42', marketing_consent: { push: true, rm_task: true } }),
    });
    await post([productClosed(customer)]);
    const [decision] = await eventually(() => decisions(customer), (d) => d.length === 1);
    expect(decision!.offer).toMatchObject({ campaignId: 'test-retention-rm', channel: 'rm_task', relationshipManager: 'rm-42' });
    const features = (await engine.app.inject({ url: `/v1/customers/${customer}/features`, headers: as(ADMIN_KEY) })).json();
    expect(features.tier).toBe('vip');
    expect(features.segmentReasons.join(' ')).toMatch(/assets under management/);
  });
});
