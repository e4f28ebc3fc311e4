import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseEvent, type EventInput } from '../../core/events/index.js';
import { loadLabelledStream, saveLabelledStream } from '../../evaluation/index.js';
import {
  CHURN_NOISE_KINDS, CHURN_PATTERNS, CREDIT_NOISE_KINDS, NOISE_KINDS, CREDIT_PATTERNS, FRAUD_TYPOLOGIES, buildLabelledStream, labelFileSchema, labelSchema, type LabelledStreamOptions,
} from '../../simulator/scenarios/index.js';

const DAY = 86_400_000;
const OPTIONS: LabelledStreamOptions = {
  seed: 11, customers: 200, days: 40, start: new Date('2026-02-02T00:00:00Z'), fraudShare: 0.15, churnShare: 0.15,
};
const stream = buildLabelledStream(OPTIONS);
const ms = (iso: string) => Date.parse(iso);
const digest = (events: readonly EventInput[]) => createHash('sha256').update(JSON.stringify(events)).digest('hex');
const byCustomer = new Map<string, EventInput[]>();
for (const event of stream.events) byCustomer.set(event.customer_id, [...(byCustomer.get(event.customer_id) ?? []), event]);

describe('buildLabelledStream', () => {
  it('hands out valid events with unique ids, sorted by occurred_at', () => {
    expect(stream.events.filter((event) => !parseEvent(event).ok)).toEqual([]);
    expect(new Set(stream.events.map((event) => event.event_id)).size).toBe(stream.events.length);
    for (let i = 1; i < stream.events.length; i++) expect(stream.events[i]!.occurred_at >= stream.events[i - 1]!.occurred_at).toBe(true);
    expect(stream.meta.events).toBe(stream.events.length);
  });

  it('stays near two ordinary events per customer per day, so a large run stays bounded', () => {
    const perCustomerDay = stream.events.length / (OPTIONS.customers * OPTIONS.days);
    expect(perCustomerDay).toBeGreaterThan(1.5);
    expect(perCustomerDay).toBeLessThan(2.8);
  });

  it('gives every typology and churn pattern its share of customers, each customer at most one label', () => {
    const typologies = new Set(stream.labels.map((label) => label.typology));
    for (const typology of [...FRAUD_TYPOLOGIES, ...CHURN_PATTERNS]) expect(typologies.has(typology)).toBe(true);
    expect(stream.labels.filter((l) => l.kind === 'fraud')).toHaveLength(30);
    expect(stream.labels.filter((l) => l.kind === 'churn')).toHaveLength(30);
    expect(new Set(stream.labels.map((label) => label.customer_id)).size).toBe(stream.labels.length);
  });

  it('keeps labels consistent with the stream: the first bad event exists, is the customer\'s, and is dated as labelled', () => {
    const byId = new Map(stream.events.map((event) => [event.event_id, event]));
    for (const label of stream.labels) {
      expect(labelSchema.safeParse(label).success).toBe(true);
      const first = byId.get(label.first_bad_event_id);
      expect(first?.customer_id).toBe(label.customer_id);
      expect(first?.occurred_at).toBe(label.first_bad_at);
      expect(ms(label.first_bad_at)).toBeGreaterThanOrEqual(ms(stream.meta.measure_from));
      expect(ms(label.first_bad_at)).toBeLessThan(ms(stream.meta.end));
    }
  });

  it('dates each churner\'s leaving at their last event, after the first sign and before the stream ends', () => {
    for (const label of stream.labels.filter((l) => l.kind === 'churn')) {
      const own = byCustomer.get(label.customer_id)!;
      expect(label.left_at).toBe(own.at(-1)!.occurred_at);
      expect(ms(label.left_at!)).toBeGreaterThanOrEqual(ms(label.first_bad_at));
      expect(ms(label.left_at!)).toBeLessThan(ms(stream.meta.end));
    }
    for (const label of stream.labels.filter((l) => l.kind === 'fraud')) expect(label.left_at).toBeUndefined();
  });

  it('silences a dormant account for six months or more before its first bad event', () => {
    for (const label of stream.labels.filter((l) => l.typology === 'dormant-account')) {
      const before = byCustomer.get(label.customer_id)!.filter((event) => ms(event.occurred_at) < ms(label.first_bad_at));
      expect(before.length).toBeGreaterThan(0);
      expect(ms(label.first_bad_at) - ms(before.at(-1)!.occurred_at)).toBeGreaterThanOrEqual(180 * DAY);
    }
  });

  it('leaves genuine customers with noise unlabelled', () => {
    const labelled = new Set(stream.labels.map((label) => label.customer_id));
    expect(stream.noise.length).toBeGreaterThan(10);
    for (const record of stream.noise) expect(labelled.has(record.customer_id)).toBe(false);
  });

  it('replays the identical stream and labels from the same seed, and a different one from another', () => {
    const again = buildLabelledStream(OPTIONS);
    expect(digest(again.events)).toBe(digest(stream.events));
    expect(again.labels).toEqual(stream.labels);
    expect(digest(buildLabelledStream({ ...OPTIONS, seed: 12 }).events)).not.toBe(digest(stream.events));
  });

  it('injects only the typologies asked for', () => {
    const only = buildLabelledStream({ ...OPTIONS, customers: 60, fraudTypologies: ['card-testing'], churnPatterns: [], noise: false });
    expect(new Set(only.labels.map((label) => label.typology))).toEqual(new Set(['card-testing']));
    expect(only.noise).toEqual([]);
  });
});

describe('a saved labelled stream', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-labelled-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads back exactly as it was written', async () => {
    const small = buildLabelledStream({ ...OPTIONS, customers: 30, days: 20 });
    await saveLabelledStream(dir, small);
    const loaded = await loadLabelledStream(dir);
    expect(loaded.meta).toEqual(small.meta);
    expect(loaded.labels).toEqual(small.labels);
    expect(loaded.noise).toEqual(small.noise);
    expect(digest(loaded.events)).toBe(digest(small.events));
  });

  // labels.json as files written before credit patterns and label sources existed, and as npm run export-history writes it.
  const meta = { seed: 1, customers: 2, days: 1, start: '2026-01-01T00:00:00.000Z', end: '2026-01-02T00:00:00.000Z', measure_from: '2026-01-01T00:00:00.000Z', fraud_share: 0.5, churn_share: 0, events: 3 };
  const label = { customer_id: 'c1', kind: 'fraud', first_bad_event_id: 'e1', first_bad_at: '2026-01-01T10:00:00.000Z' };

  it('reads a label file written before label sources existed (no source: the simulator)', () => {
    const parsed = labelFileSchema.parse({ stream: meta, labels: [{ ...label, typology: 'card-testing' }], noise: [] });
    expect(parsed.stream.source).toBeUndefined();
    expect(parsed.stream.credit_share).toBe(0);
  });

  it('reads labels from dispositions, and refuses a source it does not know', () => {
    const exported = { stream: { ...meta, seed: 0, source: 'dispositions' }, labels: [{ ...label, typology: 'confirmed-fraud' }], noise: [] };
    expect(labelFileSchema.parse(exported).labels[0]!.typology).toBe('confirmed-fraud');
    expect(labelFileSchema.safeParse({ ...exported, stream: { ...exported.stream, source: 'guesswork' } }).success).toBe(false);
  });
});

describe('credit in the labelled stream', () => {
  const credit = buildLabelledStream({ ...OPTIONS, days: 120, creditShare: 0.09 });
  const withoutCredit = buildLabelledStream({ ...OPTIONS, days: 120 });

  it('gives every credit pattern its customers, none of whom carries a fraud or churn label', () => {
    const labels = credit.labels.filter((l) => l.kind === 'credit');
    // Six for each of the three dealt patterns, and as many payday-loan spirals, planned apart (plan.ts).
    expect(labels).toHaveLength(24);
    expect(new Set(labels.map((l) => l.typology))).toEqual(new Set(CREDIT_PATTERNS));
    const others = new Set(credit.labels.filter((l) => l.kind !== 'credit').map((l) => l.customer_id));
    expect(labels.filter((l) => others.has(l.customer_id))).toEqual([]);
    expect(credit.meta.credit_share).toBe(0.09);
  });

  it('leaves every fraud and churn episode as it was without credit (credit draws on a random stream of its own)', () => {
    expect(credit.labels.filter((l) => l.kind !== 'credit')).toEqual(withoutCredit.labels);
    // Churn look-alikes come after credit and skip customers whose credit episodes they would thin.
    const fraudNoise = (s: typeof credit) => s.noise.filter((n) => (NOISE_KINDS as readonly string[]).includes(n.kind));
    expect(fraudNoise(credit)).toEqual(fraudNoise(withoutCredit));
    expect(fraudNoise(credit).length).toBeGreaterThan(50);
  });

  it('sends valid credit events: monthly statements of card holders, missed instalments, returned debits', () => {
    const types = new Map<string, number>();
    for (const event of credit.events) types.set(event.type, (types.get(event.type) ?? 0) + 1);
    expect(types.get('balance_snapshot')).toBeGreaterThan(100);
    expect(types.get('repayment_missed')).toBeGreaterThan(10);
    expect(types.get('direct_debit_returned')).toBeGreaterThan(5);
    const creditEvents = credit.events.filter((e) => ['balance_snapshot', 'repayment_missed', 'direct_debit_returned'].includes(e.type));
    expect(creditEvents.filter((event) => !parseEvent(event).ok)).toEqual([]);
    expect(new Set(credit.noise.map((n) => n.kind))).toEqual(new Set([...credit.noise.map((n) => n.kind).filter((k) => !(CREDIT_NOISE_KINDS as readonly string[]).includes(k)), ...CREDIT_NOISE_KINDS]));
  });
});

describe('churn look-alikes in the labelled stream', () => {
  const long = buildLabelledStream({ ...OPTIONS, customers: 400, days: 120, creditShare: 0.03 });
  const churnNoise = long.noise.filter((n) => (CHURN_NOISE_KINDS as readonly string[]).includes(n.kind));
  const spells = churnNoise.filter((n) => n.kind === 'quiet-spell');
  const jobChanges = churnNoise.filter((n) => n.kind === 'job-change');
  const labelled = new Set(long.labels.map((l) => l.customer_id));

  it('gives genuine customers quiet spells and job changes, once they have a habit to break', () => {
    expect(spells.length).toBeGreaterThan(5);
    expect(jobChanges.length).toBeGreaterThan(1);
    expect(churnNoise.filter((s) => labelled.has(s.customer_id))).toEqual([]);
    expect(jobChanges.every((s) => ms(s.at) >= ms(long.meta.start) + 60 * DAY)).toBe(true);
    // Churn patterns wait for 60 days of habit in a 120-day stream; so do their look-alikes.
    expect(spells.every((s) => ms(s.at) >= ms(long.meta.start) + 60 * DAY)).toBe(true);
  });

  it('thins what the customer does themselves for a few weeks, while pay runs on', () => {
    const ownPerDay = (customer: string, fromMs: number, toMs: number) => long.events.filter((e) => e.customer_id === customer
      && e.channel !== 'core_banking' && ms(e.occurred_at) >= fromMs && ms(e.occurred_at) < toMs).length / ((toMs - fromMs) / DAY);
    let thinned = 0;
    for (const spell of spells) {
      const at = ms(spell.at);
      const before = ownPerDay(spell.customer_id, at - 40 * DAY, at);
      const during = ownPerDay(spell.customer_id, at, at + 14 * DAY);
      if (before > 0.5 && during < before * 0.6) thinned++;
    }
    expect(thinned / spells.length).toBeGreaterThan(0.7);
    const scheduledDuring = spells.flatMap((s) => long.events.filter((e) => e.customer_id === s.customer_id && e.channel === 'core_banking'
      && ms(e.occurred_at) >= ms(s.at) && ms(e.occurred_at) < ms(s.at) + 14 * DAY));
    expect(scheduledDuring.length).toBeGreaterThan(spells.length / 2);
  });
});
