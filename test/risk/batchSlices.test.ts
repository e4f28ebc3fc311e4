import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { deleteKeysMatching } from '../../core/redis.js';
import { REDIS_URL, uniquePrefix } from '../support/testEngine.js';
import { parseEvent, type VigilEvent } from '../../core/events/index.js';
import { createLogger, createMetrics } from '../../core/observability/index.js';
import { partitionKeys } from '../../core/streams/index.js';
import { DEFAULT_SEGMENTATION_CONFIG } from '../../customers/index.js';
import { DEFAULT_FEATURE_CONFIG, FEATURE_NAMES } from '../../features/index.js';
import { RiskEffect } from '../../risk/riskEffect.js';
import { parseRuleSet } from '../../rules/index.js';
import { cardPayment } from '../support/events.js';

// A batch is assessed in slices so that requests the same process serves (in-line decisions) are
// not held behind it. What proves it: work queued on the event loop runs between the batch's
// events, and slicing changes nothing the batch decides.

const redis = new Redis(REDIS_URL, { lazyConnect: true });
const prefix = uniquePrefix('slices');
afterAll(async () => {
  await deleteKeysMatching(redis, `${prefix}*`);
  redis.disconnect();
});

const parsed = parseRuleSet(`
version: "slices-1"
rules:
  - id: large-card-payment
    name: Large card payment
    description: card payments of 900 or more
    alert_type: fraud
    severity: high
    weight: 0.5
    mode: active
    suppress_for: 1m
    when: { event_types: [card_payment] }
    condition: { field: event.amount, op: gte, value: 900 }
`, 'yaml', FEATURE_NAMES);
if (!parsed.ok) throw new Error(parsed.errors.join('; '));
const ruleSet = parsed.ruleSet;

function events(count: number): VigilEvent[] {
  const start = Date.parse('2026-11-01T08:00:00Z');
  return Array.from({ length: count }, (_, i) => {
    const result = parseEvent(cardPayment({
      customer_id: `slice-c${i % 7}`, amount: i % 10 === 0 ? '1000.00' : '25.00',
      occurred_at: new Date(start + i * 60_000).toISOString(),
    }));
    if (!result.ok) throw new Error(result.errors.join('; '));
    return result.event;
  });
}

/** Plans one batch, noting for each event how many turns of the event loop had run before it was assessed. */
async function planCountingTurns(sliceMs: number) {
  let turns = 0;
  let ticking = true;
  const tick = () => { turns += 1; if (ticking) setImmediate(tick); };
  const seenAtTurn: number[] = [];
  const risk = new RiskEffect({
    redis, metrics: createMetrics(), log: createLogger('silent'), stateTtlSeconds: 60, sliceMs,
    alerts: { raise: async () => [] },
    context: () => ({ ruleSet, featureConfig: DEFAULT_FEATURE_CONFIG, segmentation: DEFAULT_SEGMENTATION_CONFIG, complaintSlaHours: { default: 48 } }),
    followers: [{ follow: () => { seenAtTurn.push(turns); return []; }, afterCommit: async () => {}, recover: async () => {} }],
  });
  const batch = events(60);
  const keys = partitionKeys(`${prefix}:${sliceMs}`, 0);
  const prefetched = risk.prefetch(keys, batch.map((event, i) => ({ entryId: `1-${i}`, event })));
  await prefetched;
  setImmediate(tick);
  const plan = await risk.plan(keys, batch.map((event, i) => ({ entryId: `1-${i}`, event })), prefetched);
  ticking = false;
  return { plan, seenAtTurn };
}

describe('a batch assessed in slices', () => {
  it('gives the event loop a turn between events when each slice is spent', async () => {
    const { seenAtTurn } = await planCountingTurns(0);
    expect(seenAtTurn).toHaveLength(60);
    // Every event after the first was assessed after at least one more turn of the loop.
    for (let i = 1; i < seenAtTurn.length; i++) expect(seenAtTurn[i]).toBeGreaterThan(seenAtTurn[i - 1]!);
  });

  it('runs a batch without a turn while the slice lasts, and decides the same either way', async () => {
    const sliced = await planCountingTurns(0);
    const whole = await planCountingTurns(60_000);
    expect(new Set(whole.seenAtTurn).size).toBe(1);
    const outboxed = (plan: typeof sliced.plan) => plan.changes.filter((c) => c.op === 'rpush').map((c) => JSON.parse((c as { value: string }).value).ruleIds);
    expect(outboxed(sliced.plan)).toEqual(outboxed(whole.plan));
    expect(outboxed(sliced.plan).length).toBeGreaterThan(0);
    const states = (plan: typeof sliced.plan) => plan.changes.filter((c) => c.op === 'set').map((c) => (c as { key: string }).key.split(':').pop());
    expect(states(sliced.plan)).toEqual(states(whole.plan));
  });
});
