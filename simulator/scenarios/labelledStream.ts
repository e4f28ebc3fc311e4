import type { EventInput } from '../../core/events/index.js';
import { HOME_COUNTRIES } from '../catalogue.js';
import { MerchantDirectory } from '../merchants.js';
import { BankSimulator } from '../simulator.js';
import { DAY_MS, eventMs, type Episode } from './episode.js';
import {
  CHURN_PATTERNS, CREDIT_PATTERNS, FRAUD_TYPOLOGIES, type ChurnPattern, type CreditPattern, type FraudTypology, type Label, type NoiseRecord, type StreamMeta,
} from './labels.js';
import { planEpisodes } from './plan.js';

export interface LabelledStreamOptions {
  seed: number;
  customers: number;
  days: number;
  start: Date;
  /** Share of customers given one fraud typology, e.g. 0.02. */
  fraudShare: number;
  /** Share of customers given one churn pattern, e.g. 0.05. */
  churnShare: number;
  /** Share of customers given one credit pattern, e.g. 0.03; default 0. */
  creditShare?: number;
  /** Ordinary simulated events per customer per day, default 2 (≈ one card payment, one app visit). */
  eventsPerCustomerDay?: number;
  /** Inject only these (default all), e.g. to test two typologies with many customers each. */
  fraudTypologies?: readonly FraudTypology[];
  churnPatterns?: readonly ChurnPattern[];
  creditPatterns?: readonly CreditPattern[];
  /** Genuine customers' suspicious-looking life events; default true. */
  noise?: boolean;
}

export interface LabelledStream {
  meta: StreamMeta;
  /** Sorted by occurred_at, then event_id. */
  events: EventInput[];
  labels: Label[];
  noise: NoiseRecord[];
}

/**
 * The simulator's clock pacing assumes a caller drawing `rate` events per real second; for a
 * stream built all at once the value only sets how far the clock may drift from an even pace,
 * and 100 lets it drift by hours, so nights stay quiet and lunchtimes busy.
 */
const SIMULATOR_RATE = 100;

/**
 * A seeded synthetic bank with fraud typologies, churn patterns and genuine noise injected into
 * chosen customers, and the ground truth beside it. Pure: the same options give the same stream.
 */
export function buildLabelledStream(opts: LabelledStreamOptions): LabelledStream {
  validate(opts);
  const startMs = opts.start.getTime();
  const endMs = startMs + opts.days * DAY_MS;
  const measureFromMs = startMs + warmupDays(opts.days) * DAY_MS;
  const perDay = opts.eventsPerCustomerDay ?? 2;
  const msPerEvent = DAY_MS / (opts.customers * perDay);
  const simulator = new BankSimulator({
    customers: opts.customers, seed: opts.seed, start: opts.start, rate: SIMULATOR_RATE, speed: (msPerEvent * SIMULATOR_RATE) / 1000,
  });
  const merchants = new MerchantDirectory(HOME_COUNTRIES.map((country) => country.code));
  const episodes = planEpisodes(simulator.population, merchants, {
    seed: opts.seed, fraudShare: opts.fraudShare, churnShare: opts.churnShare,
    fraudTypologies: opts.fraudTypologies ?? FRAUD_TYPOLOGIES, churnPatterns: opts.churnPatterns ?? CHURN_PATTERNS,
    creditShare: opts.creditShare ?? 0, creditPatterns: opts.creditPatterns ?? CREDIT_PATTERNS,
    noise: opts.noise ?? true, startMs, measureFromMs, endMs,
  });

  const injected = [...episodes.values()].flat().flatMap((episode) => episode.events).filter((event) => eventMs(event) < endMs);
  const events = [...ordinaryEvents(simulator, episodes, endMs), ...injected].sort(byOccurrence);
  const labels = resolveLabels(events, episodes);
  const noise = [...episodes].flatMap(([customerId, own]) => own.flatMap((episode) => episode.noise
    ? [{ customer_id: customerId, kind: episode.noise.kind, at: new Date(episode.noise.atMs).toISOString() }]
    : []));
  const meta: StreamMeta = {
    seed: opts.seed, customers: opts.customers, days: opts.days,
    start: new Date(startMs).toISOString(), end: new Date(endMs).toISOString(), measure_from: new Date(measureFromMs).toISOString(),
    fraud_share: opts.fraudShare, churn_share: opts.churnShare, credit_share: opts.creditShare ?? 0, events: events.length,
  };
  return { meta, events, labels, noise };
}

/** Days at the start when the engine has no history yet; alerts there are not scored. */
export function warmupDays(days: number): number {
  return Math.min(days / 2, Math.min(30, Math.max(7, Math.round(days / 4))));
}

/** The simulator's stream up to the end, less what each customer's episodes say no longer happens. */
function ordinaryEvents(simulator: BankSimulator, episodes: ReadonlyMap<string, Episode[]>, endMs: number): EventInput[] {
  const kept: EventInput[] = [];
  for (;;) {
    for (const event of simulator.next(2000)) {
      if (eventMs(event) >= endMs) return kept;
      const own = episodes.get(event.customer_id);
      if (!own || own.every((episode) => !episode.keepBase || episode.keepBase(event))) kept.push(event);
    }
  }
}

function resolveLabels(events: readonly EventInput[], episodes: ReadonlyMap<string, Episode[]>): Label[] {
  const labelled = new Map<string, EventInput[]>();
  for (const [customerId, own] of episodes) if (own.some((episode) => episode.label)) labelled.set(customerId, []);
  for (const event of events) labelled.get(event.customer_id)?.push(event);

  const labels: Label[] = [];
  for (const [customerId, own] of episodes) {
    const history = labelled.get(customerId) ?? [];
    for (const { label } of own) {
      if (!label) continue;
      const { firstBad } = label;
      // A churner whose activity stopped before the pattern's start left at once: their last event stands in.
      const first = 'eventId' in firstBad
        ? history.find((event) => event.event_id === firstBad.eventId)
        : history.find((event) => eventMs(event) >= firstBad.fromMs) ?? history.at(-1);
      if (!first) throw new Error(`the ${label.typology} episode of ${customerId} left no event in the stream`);
      labels.push({
        customer_id: customerId, kind: label.kind, typology: label.typology,
        first_bad_event_id: first.event_id, first_bad_at: first.occurred_at,
        ...(label.kind === 'churn' ? { left_at: history.at(-1)!.occurred_at } : {}),
      });
    }
  }
  return labels;
}

export function byOccurrence(a: EventInput, b: EventInput): number {
  if (a.occurred_at !== b.occurred_at) return a.occurred_at < b.occurred_at ? -1 : 1;
  return a.event_id < b.event_id ? -1 : a.event_id > b.event_id ? 1 : 0;
}

function validate(opts: LabelledStreamOptions): void {
  const { customers, days, fraudShare, churnShare, seed } = opts;
  const creditShare = opts.creditShare ?? 0;
  if (!Number.isInteger(customers) || customers < 1 || customers > 200_000) throw new RangeError(`customers must be an integer in 1–200000, got ${customers}`);
  if (!(days >= 1 && days <= 366)) throw new RangeError(`days must be in 1–366, got ${days}`);
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  if (!(fraudShare >= 0 && churnShare >= 0 && creditShare >= 0 && fraudShare + churnShare + creditShare <= 1)) {
    throw new RangeError(`fraudShare, churnShare and creditShare must be ≥ 0 and sum to at most 1, got ${fraudShare}, ${churnShare} and ${creditShare}`);
  }
  if (Number.isNaN(opts.start.getTime())) throw new RangeError('start must be a valid date');
  const perDay = opts.eventsPerCustomerDay ?? 2;
  if (!(perDay > 0 && perDay <= 50)) throw new RangeError(`eventsPerCustomerDay must be in (0, 50], got ${perDay}`);
}
