import { describe, expect, it } from 'vitest';
import type { VigilEvent } from '../../core/events/index.js';
import { DEFAULT_OFFER_POLICY, offerOutboxRecord, offerPolicySchema, type TriggerInput } from '../../offers/index.js';
import { CONSENTING_PROFILE, NOON, campaign } from './fixtures.js';

const transferIn = (occurredAtMs: number): VigilEvent => ({
  type: 'transfer_in', event_id: 'e-1', customer_id: 'cust-1', occurred_at: new Date(occurredAtMs).toISOString(), channel: 'web',
  amount: '2500.00', amount_minor: 250_000, currency: 'EUR',
} as VigilEvent);

const input = (event: VigilEvent, features: Record<string, number | boolean> = {}): TriggerInput => ({
  entryId: `${NOON}-0`, event, profile: CONSENTING_PROFILE, tier: 'mass', tags: ['behaviour:saver'], features, scores: { churn: 0.7, fraud: 0.1 },
});

describe('offerOutboxRecord: what the batch loop hands to the offer decider', () => {
  it('records the campaigns that fired, with why, and the customer as the trigger saw them', () => {
    const record = offerOutboxRecord(input(transferIn(NOON - 1000)), [
      campaign({ id: 'fires' }),
      campaign({ id: 'other-event', trigger: { event_types: ['login'] } }),
      campaign({ id: 'churn-high', trigger: { event_types: ['transfer_in'], condition: { field: 'features.score_churn', op: 'gte', value: 0.6 } } }),
    ], NOON, DEFAULT_OFFER_POLICY);
    expect(record?.kind).toBe('trigger');
    if (record?.kind !== 'trigger') return;
    expect(record.fired.map((f) => f.campaignId)).toEqual(['fires', 'churn-high']);
    expect(record.fired[1]!.because.join(' ')).toMatch(/score_churn/);
    expect(record.customer).toMatchObject({ customerId: 'cust-1', tier: 'mass', tags: ['behaviour:saver'], scores: { churn: 0.7, fraud: 0.1 } });
    expect(record.entryId).toBe(`${NOON}-0`);
  });

  it('records nothing when no campaign fires, and ignores drafts but keeps paused ones (their suppression shows)', () => {
    expect(offerOutboxRecord(input(transferIn(NOON)), [campaign({ trigger: { event_types: ['login'] } })], NOON, DEFAULT_OFFER_POLICY)).toBeUndefined();
    expect(offerOutboxRecord(input(transferIn(NOON)), [campaign({ state: 'draft' })], NOON, DEFAULT_OFFER_POLICY)).toBeUndefined();
    const paused = offerOutboxRecord(input(transferIn(NOON)), [campaign({ state: 'paused' })], NOON, DEFAULT_OFFER_POLICY);
    expect(paused?.kind === 'trigger' && paused.fired.map((f) => f.campaignId)).toEqual(['savings-boost']);
  });

  it('fires nothing on an event older than max_trigger_age: a replay or backfill must not market a moment that has passed', () => {
    const campaigns = [campaign()];
    expect(offerOutboxRecord(input(transferIn(NOON - 3_600_000)), campaigns, NOON, DEFAULT_OFFER_POLICY)?.kind).toBe('trigger');
    expect(offerOutboxRecord(input(transferIn(NOON - 3_600_001)), campaigns, NOON, DEFAULT_OFFER_POLICY)).toBeUndefined();
    const replayPolicy = offerPolicySchema.parse({ max_trigger_age: '400d' });
    expect(offerOutboxRecord(input(transferIn(NOON - 100 * 86_400_000)), campaigns, NOON, replayPolicy)?.kind).toBe('trigger');
  });

  it('passes every offer_response on, however old, to close the loop', () => {
    const response = {
      type: 'offer_response', event_id: 'r-1', customer_id: 'cust-1', occurred_at: new Date(NOON - 30 * 86_400_000).toISOString(), channel: 'mobile_app',
      offer: { offer_id: 'off_1', response: 'accepted' },
    } as VigilEvent;
    expect(offerOutboxRecord(input(response), [], NOON, DEFAULT_OFFER_POLICY)).toEqual({ kind: 'response', entryId: `${NOON}-0`, event: response });
  });
});
