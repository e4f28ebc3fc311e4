import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { AlertStore } from '../../alerts/alertStore.js';
import type { VigilEvent } from '../../core/events/index.js';
import { createLogger } from '../../core/observability/index.js';
import { deleteKeysMatching } from '../../core/redis.js';
import { partitionKeys } from '../../core/streams/index.js';
import {
  CapStore, DeadTriggers, DecisionStore, OfferDecider, OfferFollower, OfferLog, customerOfferKeys, offerKeys, offerPolicySchema,
  type DecisionRecord, type Offer, type OfferOutboxRecord,
} from '../../offers/index.js';
import { REDIS_URL, uniquePrefix } from '../support/testEngine.js';
import { CONSENTING_PROFILE, campaign } from './fixtures.js';

// The concurrency test at the level of whole decisions: many workers (each with its own
// Redis connection, cap store and decider, as separate processes would have) decide triggers for
// ONE customer at the same time. In production one partition has one owner, but a takeover after
// a lease expiry can overlap two; whatever the overlap, the customer is never contacted more than
// the caps allow, and every decision is recorded with its reason.

const WORKERS = 8;
const TRIGGERS_PER_WORKER = 40;
const prefix = uniquePrefix('decstorm');
const admin = new Redis(REDIS_URL);
const connections: Redis[] = [];
afterAll(async () => {
  await deleteKeysMatching(admin, `${prefix}*`);
  await admin.quit();
  await Promise.all(connections.map((c) => c.quit()));
});

// One push a day, three offers a week (the bank's default caps); a 30-day cooldown per campaign.
// Quiet hours are another test's subject: here no channel has them, so the hour of the run cannot matter.
const policy = offerPolicySchema.parse({ quiet_hours_channels: [] });
const CAMPAIGNS = [
  campaign({ id: 'savings', priority: 60, caps: { cooldown: '30d' } }),
  campaign({ id: 'pension', priority: 50, caps: { cooldown: '30d' } }),
  // E-mail only: it can still reach the customer after the day's push is used.
  campaign({ id: 'newsletter', priority: 40, caps: { cooldown: '30d' }, content: { email: { title: 'News', body: 'Our news.' } } }),
];
const source = { current: () => CAMPAIGNS, revision: () => 1 };

/** One worker as a separate process would have it: its own connection, stores and decider; offers it sends land in `sent`. */
function worker(sent: Offer[]) {
  const redis = new Redis(REDIS_URL);
  connections.push(redis);
  const decisions = new DecisionStore(redis, { prefix });
  const decider = new OfferDecider({
    campaigns: source, caps: new CapStore(redis, prefix), sender: { enqueue: async (offers) => void sent.push(...offers) },
    fraudReview: new AlertStore(redis, { prefix }), decisions, log: new OfferLog(redis, offerKeys(prefix).log),
    publish: async () => {}, policy, logger: createLogger('silent'),
  });
  return { redis, decider, decisions };
}

const customerKeysOf = (customer: string) => customerOfferKeys(prefix, customer);

function trigger(workerNo: number, i: number): Extract<OfferOutboxRecord, { kind: 'trigger' }> {
  const event = {
    type: 'transfer_in', event_id: `w${workerNo}-t${i}`, customer_id: 'hammered', occurred_at: new Date().toISOString(), channel: 'web',
    amount: '100.00', amount_minor: 10_000, currency: 'EUR',
  } as VigilEvent;
  return {
    kind: 'trigger', entryId: `${Date.now()}-0`, event,
    customer: { customerId: 'hammered', profile: CONSENTING_PROFILE, tier: 'mass', tags: [], features: {}, scores: { churn: 0, fraud: 0 } },
    fired: CAMPAIGNS.map((c) => ({ campaignId: c.id, because: ['transfer_in event'] })),
  };
}

describe('deciding for one customer from many workers at once', () => {
  it('never contacts the customer beyond the caps, and records every decision', async () => {
    const sent: Offer[] = [];
    const deciders = Array.from({ length: WORKERS }, () => worker(sent).decider);
    const records: DecisionRecord[] = await Promise.all(deciders.flatMap((decider, worker) =>
      Array.from({ length: TRIGGERS_PER_WORKER }, (_, i) => decider.decide(trigger(worker, i)))));

    const perChannel = new Map<string, number>();
    for (const offer of sent) perChannel.set(offer.channel, (perChannel.get(offer.channel) ?? 0) + 1);
    const perCampaign = new Map<string, number>();
    for (const offer of sent) perCampaign.set(offer.campaignId, (perCampaign.get(offer.campaignId) ?? 0) + 1);
    const violations = [...perChannel.values()].reduce((n, c) => n + Math.max(0, c - 1), 0)
      + [...perCampaign.values()].reduce((n, c) => n + Math.max(0, c - 1), 0)
      + Math.max(0, sent.length - 3);
    console.log(`decider concurrency: ${records.length} decisions from ${WORKERS} workers for one customer, ${sent.length} offers sent, ${violations} cap violations`);

    expect(violations).toBe(0);
    // Not under-admitting either: one push (the better of savings and pension) and the e-mail-only campaign.
    expect(sent.map((o) => `${o.campaignId}:${o.channel}`).sort()).toEqual(['newsletter:email', 'savings:push']);
    expect(records.filter((r) => r.offer)).toHaveLength(2);
    const reasons = new Set(records.flatMap((r) => r.suppressed.map((s) => s.reason)));
    expect([...reasons].every((reason) => ['cooldown', 'cap:channel', 'lower_priority'].includes(reason))).toBe(true);
    // The record keeps the customer's latest 100 decisions.
    const stored = await new DecisionStore(admin, { prefix }).list('hammered', 1000);
    expect(stored).toHaveLength(100);
    expect(new Set(stored.map((r) => r.decisionId)).size).toBe(100);
  });
});

describe('deciding a trigger again after a crash', () => {
  it('ends the same way whether the crash came before or after the decision record was saved', async () => {
    const sent: Offer[] = [];
    const { redis, decider, decisions } = worker(sent);
    const record = trigger(99, 0);
    record.customer = { ...record.customer, customerId: 'replayed' };
    record.event = { ...record.event, customer_id: 'replayed' };

    const first = await decider.decide(record);
    expect(first.offer?.campaignId).toBe('savings');
    // Crash after the caps were committed but before the record was saved: the replay must not be
    // refused by the cooldown its own first attempt recorded.
    await redis.del(customerKeysOf('replayed').decisionDocs, customerKeysOf('replayed').decisions);
    const replayed = await decider.decide(record);
    expect(replayed.offer?.offerId).toBe(first.offer?.offerId);
    // Crash after the record was saved: the replay reads it and only re-offers (delivery is keyed by offer id).
    const again = await decider.decide(record);
    expect(again.offer?.offerId).toBe(first.offer?.offerId);
    expect(new Set(sent.map((o) => o.offerId))).toEqual(new Set([first.offer!.offerId]));
    expect(await decisions.list('replayed', 10)).toHaveLength(1);
  });
});

describe('a worker taking a partition over', () => {
  it('decides the triggers its crashed predecessor committed to the offer outbox, then empties it', async () => {
    const sent: Offer[] = [];
    const { redis, decider, decisions } = worker(sent);
    const follower = new OfferFollower({ redis, campaigns: source, decider, policy, log: createLogger('silent'), deadTriggers: new DeadTriggers(redis, offerKeys(prefix).deadTriggers, prefix) });
    const keys = partitionKeys(prefix, 3);
    const left = [0, 1, 2].map((i) => {
      const record = trigger(7, i);
      const customerId = `orphan-${i}`;
      return { ...record, customer: { ...record.customer, customerId }, event: { ...record.event, customer_id: customerId } };
    });
    await redis.rpush(keys.offerOutbox, ...left.map((r) => JSON.stringify(r)));

    await follower.recover(keys);
    expect(await redis.llen(keys.offerOutbox)).toBe(0);
    for (let i = 0; i < 3; i++) expect((await decisions.list(`orphan-${i}`, 5))[0]?.offer?.campaignId).toBe('savings');
    expect(sent).toHaveLength(3);
  });
});

describe('a trigger that cannot be decided', () => {
  it('is set aside after five attempts instead of holding up the partition, and can be put back', async () => {
    const sent: Offer[] = [];
    const { redis, decider, decisions } = worker(sent);
    const deadTriggers = new DeadTriggers(redis, offerKeys(prefix).deadTriggers, prefix);
    const follower = new OfferFollower({ redis, campaigns: source, decider, policy, log: createLogger('silent'), deadTriggers });
    const keys = partitionKeys(prefix, 5);
    const recordFor = (customerId: string, i: number, timeZone = 'Europe/Berlin') => {
      const record = trigger(5, i);
      return JSON.stringify({
        ...record, event: { ...record.event, customer_id: customerId },
        customer: { ...record.customer, customerId, profile: { ...CONSENTING_PROFILE, time_zone: timeZone } },
      });
    };
    // A profile written before time zones were validated: the birthday check cannot read it.
    await redis.rpush(keys.offerOutbox, recordFor('poison-ok-1', 0), recordFor('poison-bad', 1, 'Mars/Olympus_Mons'), '{not json', recordFor('poison-ok-2', 2));

    for (let attempt = 1; attempt < 5; attempt++) await expect(follower.recover(keys)).rejects.toThrow(/time zone/i);
    // Customers are decided concurrently, so the record after the poison is decided too; it stays in
    // the outbox behind the poison, and is found decided (not decided twice) when the page is retried.
    expect((await decisions.list('poison-ok-1', 5))[0]?.offer?.campaignId).toBe('savings');
    expect(await redis.llen(keys.offerOutbox)).toBe(3);

    await follower.recover(keys);
    expect(await redis.llen(keys.offerOutbox)).toBe(0);
    const okTwo = await decisions.list('poison-ok-2', 5);
    expect(okTwo).toHaveLength(1);
    expect(okTwo[0]?.offer?.campaignId).toBe('savings');
    expect(new Set(sent.filter((o) => o.customerId === 'poison-ok-2').map((o) => o.offerId)).size).toBe(1);
    const dead = await deadTriggers.list(10);
    expect(dead.map((d) => d.partition)).toEqual([5, 5]);
    expect(dead.map((d) => d.error).sort()).toEqual([expect.stringMatching(/time zone/i), 'unreadable offer outbox record'].sort());

    const poison = dead.find((d) => d.record.includes('poison-bad'))!;
    await deadTriggers.retry(poison.id);
    expect(await redis.lrange(keys.offerOutbox, 0, -1)).toEqual([poison.record]);
    expect(await deadTriggers.list(10)).toHaveLength(1);
    await expect(deadTriggers.retry(poison.id)).rejects.toThrow(/no dead trigger/);
  });
});

describe('a decision that loses its slot between reading and committing', () => {
  it('offers the next best campaign, says why the first one lost, and decides the same way on replay', async () => {
    const redis = new Redis(REDIS_URL);
    connections.push(redis);
    const store = new CapStore(redis, prefix);
    let rivalled = false;
    // The real store, with a rival decision committed right after our first read: the race, made certain.
    const caps = {
      read: store.read.bind(store),
      commit: async (customerId: string, decisionId: string, checks: Parameters<CapStore['commit']>[2], nowMs: number) => {
        if (!rivalled) {
          rivalled = true;
          await store.commit(customerId, 'rival-event', checks.filter((c) => c.reason === 'cap:channel'), nowMs);
        }
        return store.commit(customerId, decisionId, checks, nowMs);
      },
    };
    const sent: Offer[] = [];
    const decisions = new DecisionStore(redis, { prefix });
    const decider = new OfferDecider({
      campaigns: source, caps, sender: { enqueue: async (offers) => void sent.push(...offers) },
      fraudReview: new AlertStore(redis, { prefix }), decisions, log: new OfferLog(redis, offerKeys(prefix).log),
      publish: async () => {}, policy, logger: createLogger('silent'),
    });
    const record = trigger(42, 0);
    record.customer = { ...record.customer, customerId: 'raced' };
    record.event = { ...record.event, customer_id: 'raced' };

    const decided = await decider.decide(record);
    expect(decided.offer).toMatchObject({ campaignId: 'newsletter', channel: 'email' });
    expect(decided.suppressed[0]).toMatchObject({ campaignId: 'savings', reason: 'cap:channel' });
    expect(decided.suppressed[0]!.detail).toMatch(/concurrent decision took the slot/);
    expect(decided.explanation[0]).toMatch(/^Offered ".*" \(newsletter\) by email/);

    await redis.del(customerKeysOf('raced').decisionDocs, customerKeysOf('raced').decisions);
    const replayed = await decider.decide(record);
    expect(replayed.offer?.offerId).toBe(decided.offer?.offerId);
    const why = (r: typeof decided) => r.suppressed.map((s) => `${s.campaignId}:${s.reason}`);
    expect(why(replayed)).toEqual(why(decided));
  });
});
