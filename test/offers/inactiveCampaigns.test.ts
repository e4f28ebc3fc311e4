import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { AlertStore } from '../../alerts/alertStore.js';
import type { VigilEvent } from '../../core/events/index.js';
import { createLogger } from '../../core/observability/index.js';
import { deleteKeysMatching } from '../../core/redis.js';
import {
  CapStore, DecisionStore, OfferDecider, OfferLog, offerKeys, offerPolicySchema, type Campaign, type Offer, type OfferOutboxRecord,
} from '../../offers/index.js';
import { REDIS_URL, uniquePrefix } from '../support/testEngine.js';
import { CONSENTING_PROFILE, campaign } from './fixtures.js';

// A paused campaign (or one outside its schedule) is still decided, so marketing sees what it would
// have done, but its answer is known before any counter is read: `not_active`. Deciding it must
// cost no cap read and no fraud review, and must not change what an active campaign beside it gets.

const prefix = uniquePrefix('inactive');
const redis = new Redis(REDIS_URL);
afterAll(async () => {
  await deleteKeysMatching(redis, `${prefix}*`);
  await redis.quit();
});
const policy = offerPolicySchema.parse({ quiet_hours_channels: [] });

function deciderFor(campaigns: Campaign[]) {
  const reads: string[][] = [];
  let fraudReviews = 0;
  const sent: Offer[] = [];
  const caps = new CapStore(redis, prefix);
  const alerts = new AlertStore(redis, { prefix });
  const decider = new OfferDecider({
    campaigns: { current: () => campaigns, revision: () => 1 },
    caps: {
      read: (customerId, campaignIds, checks, nowMs, exclude) => { reads.push([...campaignIds]); return caps.read(customerId, campaignIds, checks, nowMs, exclude); },
      commit: (customerId, decisionId, checks, nowMs) => caps.commit(customerId, decisionId, checks, nowMs),
    },
    fraudReview: { hasUnresolved: (customerId, type) => { fraudReviews += 1; return alerts.hasUnresolved(customerId, type); } },
    sender: { enqueue: async (offers) => void sent.push(...offers) },
    decisions: new DecisionStore(redis, { prefix }), log: new OfferLog(redis, offerKeys(prefix).log),
    publish: async () => {}, policy, logger: createLogger('silent'),
  });
  return { decider, reads, sent, fraudReviews: () => fraudReviews };
}

function trigger(customerId: string, fired: readonly Campaign[]): Extract<OfferOutboxRecord, { kind: 'trigger' }> {
  const event = {
    type: 'transfer_in', event_id: `${customerId}-e1`, customer_id: customerId, occurred_at: new Date().toISOString(), channel: 'web',
    amount: '100.00', amount_minor: 10_000, currency: 'EUR',
  } as VigilEvent;
  return {
    kind: 'trigger', entryId: `${Date.now()}-0`, event,
    customer: { customerId, profile: CONSENTING_PROFILE, tier: 'mass', tags: [], features: {}, scores: { churn: 0, fraud: 0 } },
    fired: fired.map((c) => ({ campaignId: c.id, because: ['transfer_in event'] })),
  };
}

const guarded = { eligibility: { exclude_open_fraud_alert: true } };
const paused = campaign({ id: 'paused-one', state: 'paused', ...guarded });
const ended = campaign({ id: 'ended-one', schedule: { ends_at: '2020-01-01T00:00:00Z' }, ...guarded });
const active = campaign({ id: 'active-one', priority: 10, ...guarded });

describe('deciding a trigger of campaigns that cannot be offered now', () => {
  it('records them as not active without reading caps or the fraud review', async () => {
    const { decider, reads, sent, fraudReviews } = deciderFor([paused, ended]);
    const record = await decider.decide(trigger('only-inactive', [paused, ended]));
    expect(record.offer).toBeUndefined();
    expect(record.suppressed.map((s) => [s.campaignId, s.reason])).toEqual([['paused-one', 'not_active'], ['ended-one', 'not_active']]);
    expect(record.explanation.join(' ')).toMatch(/campaign is paused.*campaign ended at 2020-01-01/);
    expect(reads).toEqual([]);
    expect(fraudReviews()).toBe(0);
    expect(sent).toEqual([]);
  });

  it('reads the counters of the active campaign beside them only, and offers it', async () => {
    const { decider, reads, sent, fraudReviews } = deciderFor([paused, ended, active]);
    const record = await decider.decide(trigger('mixed', [paused, ended, active]));
    expect(record.offer?.campaignId).toBe('active-one');
    expect(record.suppressed.map((s) => [s.campaignId, s.reason])).toEqual([['paused-one', 'not_active'], ['ended-one', 'not_active']]);
    expect(reads).toEqual([['active-one']]);
    expect(fraudReviews()).toBe(1);
    expect(sent.map((o) => o.campaignId)).toEqual(['active-one']);
  });
});
