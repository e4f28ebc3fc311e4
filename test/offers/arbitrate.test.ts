import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CustomerProfile } from '../../customers/profile.js';
import {
  decideOffers, holdoutBucket, type Campaign, type CampaignInput, type CapCounters, type OfferCustomer,
  type SuppressionReason, type TriggeredCampaign,
} from '../../offers/index.js';
import { vigilEvent } from '../rules/fixtures.js';
import { campaign, customer, NOON } from './fixtures.js';

const DAY = 86_400_000;
const event = vigilEvent({ type: 'transfer_in', amount: '500.00', currency: 'EUR', counterparty: { account: 'DE02120300000000202051' } });
const fired = (...campaigns: Campaign[]): TriggeredCampaign[] => campaigns.map((c) => ({ campaign: c, because: ['transfer in'] }));
const decide = (triggered: TriggeredCampaign[], who: OfferCustomer = customer(), counters: CapCounters = {}, nowMs = NOON) =>
  decideOffers(triggered, { event, customer: who }, counters, nowMs);

const best = campaign({ id: 'best', priority: 90 });
const fallback = campaign({ id: 'fallback', priority: 10 });

describe('decideOffers', () => {
  it('picks the highest priority and records every other campaign as lower priority', () => {
    const decision = decide(fired(fallback, best, campaign({ id: 'middle', priority: 50 })));
    expect(decision.chosen?.campaign.id).toBe('best');
    expect(decision.chosen).toMatchObject({ channel: 'push', holdout: false, content: { title: 'Save more', body: 'Open Savings Plus today.' } });
    expect(decision.suppressed).toEqual([
      { campaignId: 'middle', reason: 'lower_priority', detail: 'best (priority 90, expected value 100) outranks middle (priority 50, expected value 100)' },
      { campaignId: 'fallback', reason: 'lower_priority', detail: 'best (priority 90, expected value 100) outranks fallback (priority 10, expected value 100)' },
    ]);
  });

  it('breaks a priority tie by expected value, then by id, whatever the order they fired in', () => {
    const rich = campaign({ id: 'rich', priority: 50, expected_value: 900 });
    const poor = campaign({ id: 'poor', priority: 50, expected_value: 100 });
    expect(decide(fired(poor, rich)).chosen?.campaign.id).toBe('rich');
    expect(decide(fired(campaign({ id: 'b-tie' }), campaign({ id: 'a-tie' }))).chosen?.campaign.id).toBe('a-tie');
    expect(decide(fired(campaign({ id: 'a-tie' }), campaign({ id: 'b-tie' }))).chosen?.campaign.id).toBe('a-tie');
  });

  // These hold for the customer, not the campaign, so the fallback is suppressed for the same reason.
  const CUSTOMER_WIDE: ReadonlySet<SuppressionReason> = new Set(['not_eligible:opted_out', 'not_eligible:kyc', 'cap:overall']);
  type Case = [SuppressionReason, Partial<CampaignInput>, Partial<OfferCustomer>, Partial<CustomerProfile>, CapCounters, number, string];
  it.each<Case>([
    ['not_active', { state: 'paused' }, {}, {}, {}, NOON, 'campaign is paused'],
    ['not_active', { state: 'draft' }, {}, {}, {}, NOON, 'campaign is draft'],
    ['not_eligible:opted_out', {}, {}, { opted_out: true }, {}, NOON, 'opted out'],
    ['not_eligible:kyc', {}, {}, { kyc_status: 'pending' }, {}, NOON, 'KYC pending'],
    ['not_eligible:suitability', { product: { id: 'equity-fund', risk_level: 'high' } }, {}, {}, {}, NOON, 'equity-fund is high risk'],
    ['no_consented_channel', { content: { rm_task: { title: 't', body: 'b' } } }, {}, { marketing_consent: { email: true } }, {}, NOON, 'campaign has rm_task; the customer consented to email'],
    ['content_incomplete', { content: { push: { title: 'Hi', body: 'Your RM {profile.relationship_manager} will call' } } }, {}, { relationship_manager: undefined }, {}, NOON, 'profile.relationship_manager'],
    ['quiet_hours', {}, {}, {}, {}, Date.parse('2026-03-10T21:30:00Z'), 'push inside quiet hours 21:00–08:00 Europe/Berlin; next allowed 2026-03-11T07:00:00.000Z'],
    ['cooldown', {}, {}, {}, { 'campaign:best:customer:cust-1': [NOON - 5 * DAY] }, NOON, 'once per 30d for best: 1 already in the window'],
    ['cap:channel', {}, {}, {}, { 'customer:cust-1:channel:push': [NOON - 3_600_000] }, NOON, '1 push per 1 d'],
    ['cap:overall', {}, {}, {}, { 'customer:cust-1:all': [NOON - DAY, NOON - 2 * DAY, NOON - 3 * DAY] }, NOON, '3 offers per 7 d: 3 already'],
    ['budget_exhausted', { budget: { max_offers_per_day: 1 } }, {}, {}, { 'campaign:best:budget:2026-03-10': [NOON - 60_000] }, NOON, '1 offers on 2026-03-10'],
  ])('records %s and offers the next campaign instead', (reason, changes, who, profile, counters, nowMs, detail) => {
    // The fallback goes by e-mail, outside quiet hours and the push cap, so it survives the campaign-level screens.
    const survivor = campaign({ id: 'fallback', priority: 10, content: { email: { title: 'Still here', body: 'b' } } });
    const decision = decide(fired(campaign({ id: 'best', priority: 90, ...changes }), survivor), customer(who, profile), counters, nowMs);
    expect(decision.suppressed[0]).toMatchObject({ campaignId: 'best', reason });
    expect(decision.suppressed[0]?.detail).toContain(detail);
    if (CUSTOMER_WIDE.has(reason)) {
      expect(decision.chosen).toBeUndefined();
      expect(decision.suppressed[1]).toMatchObject({ campaignId: 'fallback', reason });
    } else {
      expect(decision.suppressed).toHaveLength(1);
      expect(decision.chosen?.campaign.id).toBe('fallback');
    }
  });

  it('says when a customer in quiet hours may be contacted again', () => {
    const decision = decide(fired(best), customer(), {}, Date.parse('2026-03-10T21:30:00Z'));
    expect(decision.suppressed[0]).toMatchObject({ reason: 'quiet_hours', retryAtMs: Date.parse('2026-03-11T07:00:00Z') });
  });

  it('defers, rather than drops, a campaign that says so: sent when the quiet hours end, counted against the caps then', () => {
    const lateEvening = Date.parse('2026-03-10T21:30:00Z'); // 22:30 in Berlin
    const morning = Date.parse('2026-03-11T07:00:00Z'); // 08:00 in Berlin
    const deferring = campaign({ id: 'best', priority: 90, quiet_hours: 'defer' });
    const decision = decide(fired(deferring), customer(), {}, lateEvening);
    expect(decision.chosen).toMatchObject({ channel: 'push', sendAtMs: morning });
    expect(decision.explanation[0]).toContain('held until 2026-03-11T07:00:00.000Z');
    // A push sent at 09:00 yesterday is more than a day before the morning send, so it does not count...
    const yesterdayMorning = { 'customer:cust-1:channel:push': [Date.parse('2026-03-10T06:59:00Z')] };
    expect(decide(fired(deferring), customer(), yesterdayMorning, lateEvening).chosen?.sendAtMs).toBe(morning);
    // ...but one sent this afternoon does.
    const thisAfternoon = { 'customer:cust-1:channel:push': [Date.parse('2026-03-10T14:00:00Z')] };
    expect(decide(fired(deferring), customer(), thisAfternoon, lateEvening).suppressed[0]).toMatchObject({ reason: 'cap:channel' });
  });

  it('runs a campaign only inside its schedule, and does not defer past its end', () => {
    const seasonal = (schedule: { starts_at?: string; ends_at?: string }) => campaign({ id: 'best', priority: 90, quiet_hours: 'defer', schedule });
    expect(decide(fired(seasonal({ starts_at: '2026-03-11T00:00:00Z' })), customer(), {}, NOON).suppressed[0])
      .toMatchObject({ reason: 'not_active', detail: 'campaign starts at 2026-03-11T00:00:00Z' });
    expect(decide(fired(seasonal({ ends_at: '2026-03-10T12:00:00Z' })), customer(), {}, NOON).suppressed[0])
      .toMatchObject({ reason: 'not_active', detail: 'campaign ended at 2026-03-10T12:00:00Z' });
    expect(decide(fired(seasonal({ starts_at: '2026-03-01T00:00:00Z', ends_at: '2026-04-01T00:00:00Z' })), customer(), {}, NOON).chosen?.campaign.id).toBe('best');
    const endsTonight = decide(fired(seasonal({ ends_at: '2026-03-11T00:00:00Z' })), customer(), {}, Date.parse('2026-03-10T21:30:00Z'));
    expect(endsTonight.suppressed[0]).toMatchObject({ reason: 'quiet_hours' });
    expect(endsTonight.suppressed[0]!.detail).toMatch(/after the campaign ends/);
  });

  it('sends an e-mail during quiet hours: only interrupting channels are held back', () => {
    const decision = decide(fired(best), customer({}, { preferred_channel: 'email' }), {}, Date.parse('2026-03-10T23:30:00Z'));
    expect(decision.chosen).toMatchObject({ channel: 'email', holdout: false });
  });

  it("uses the customer's own quiet hours and time zone", () => {
    const nightOwl = customer({}, { quiet_hours: { start: '02:00', end: '06:00' }, time_zone: 'America/New_York' });
    // 21:30Z is 17:30 in New York: fine for them, though quiet in Berlin.
    expect(decide(fired(best), nightOwl, {}, Date.parse('2026-03-10T21:30:00Z')).chosen?.campaign.id).toBe('best');
  });

  it('flags a control-group customer: decided, not sent, and recorded for the cooldown only', () => {
    const held = campaign({ id: 'best', priority: 90, holdout_share: 0.5 });
    const controlId = Array.from({ length: 50 }, (_, i) => `cust-${i}`).find((id) => holdoutBucket('best', id) < 0.5) ?? '';
    const decision = decide(fired(held, fallback), customer({ customerId: controlId }));
    expect(decision.chosen).toMatchObject({ campaign: { id: 'best' }, holdout: true });
    expect(decision.chosen?.capChecks.filter((c) => c.record).map((c) => c.reason)).toEqual(['cooldown']);
    expect(decision.suppressed).toMatchObject([{ campaignId: 'fallback', reason: 'lower_priority' }]);
    expect(decision.explanation.join(' ')).toContain('control group (50% held out): decided, not sent');
  });

  it('returns the cap checks the store must commit with the offer', () => {
    const decision = decide(fired(best));
    expect(decision.chosen?.capChecks.map((c) => c.key)).toEqual([
      'campaign:best:customer:cust-1', 'customer:cust-1:channel:push', 'customer:cust-1:all',
    ]);
  });

  it('explains the decision in words for the customer record', () => {
    const decision = decide(fired(best, campaign({ id: 'closed', state: 'paused' }), fallback));
    expect(decision.explanation).toEqual([
      'Offered "Savings boost" (best) by push: it fired because transfer in; eligible; the customer\'s preferred channel (push); best (priority 90, expected value 100).',
      'Not offered closed: not_active (campaign is paused).',
      'Not offered fallback: lower_priority (best (priority 90, expected value 100) outranks fallback (priority 10, expected value 100)).',
    ]);
  });

  it('offers nothing when nothing fired, and says so', () => {
    expect(decide([])).toEqual({ suppressed: [], explanation: ['No campaign fired on this event.'] });
  });

  it('offers nothing when every campaign is suppressed', () => {
    const decision = decide(fired(best, fallback), customer({ openFraudAlert: true }));
    expect(decision.chosen).toBeUndefined();
    expect(decision.suppressed.map((s) => s.reason)).toEqual(['not_eligible:fraud_review', 'not_eligible:fraud_review']);
    expect(decision.explanation[0]).toBe('No offer: every campaign that fired was suppressed.');
  });

  it('chooses the best survivor and accounts for every campaign exactly once, for any set', () => {
    const spec = fc.record({
      priority: fc.integer({ min: 0, max: 5 }), value: fc.integer({ min: 0, max: 3 }), paused: fc.boolean(), highRisk: fc.boolean(),
    });
    fc.assert(fc.property(fc.array(spec, { maxLength: 8 }), (specs) => {
      const campaigns = specs.map((s, i) => campaign({
        id: `c${i}`, priority: s.priority, expected_value: s.value, state: s.paused ? 'paused' : 'active',
        product: { id: 'p', risk_level: s.highRisk ? 'high' : 'low' },
      }));
      const decision = decide(fired(...campaigns));
      const accounted = [...decision.suppressed.map((s) => s.campaignId), ...(decision.chosen ? [decision.chosen.campaign.id] : [])];
      expect(accounted.sort()).toEqual(campaigns.map((c) => c.id).sort());
      const survivors = campaigns.filter((c) => c.state === 'active' && c.product?.risk_level === 'low');
      expect(decision.chosen === undefined).toBe(survivors.length === 0);
      const chosen = decision.chosen?.campaign;
      for (const other of chosen ? survivors : []) {
        const outranks = chosen!.priority > other.priority || (chosen!.priority === other.priority && chosen!.expected_value >= other.expected_value);
        expect(outranks).toBe(true);
      }
      expect(decision.suppressed.filter((s) => s.reason === 'lower_priority')).toHaveLength(Math.max(0, survivors.length - 1));
    }));
  });

  it('is pure: the same inputs give the same decision and the counters are not touched', () => {
    const counters: CapCounters = Object.freeze({ 'customer:cust-1:all': Object.freeze([NOON - DAY]) });
    expect(decide(fired(best, fallback), customer(), counters)).toEqual(decide(fired(best, fallback), customer(), counters));
  });
});
