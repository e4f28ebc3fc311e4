import type { VigilEvent } from '../core/events/index.js';
import type { RuleSet } from '../rules/index.js';
import { LabelIndex, type LabelledAlert } from './labels.js';
import { LiveComparison, type LiveAlert } from './liveComparison.js';
import { HistoryReplay, type ReplayContext, type ReplayStep } from './replay.js';
import type { BacktestProgress, BacktestResult } from './schema.js';
import { ComparisonTally, RuleSetTally } from './tally.js';

// One backtest: the stored history of [from, to) read page by page, in event time, into one
// replay of both rule sets, starting from nothing at `from` (every customer's features empty, no
// alert raised before). Each page is read once and each event's features computed once for both
// sets, so the comparison costs one read of the history and one set of features. Only the
// figures are kept (tally.ts), never the alerts; the published set's alerts are also held against
// the live ones as they come (liveComparison.ts).

export interface TimeRange {
  fromMs: number;
  /** Exclusive. */
  toMs: number;
}

/** One page of stored events in `occurred_at` order; rows that are not events are counted, not replayed. */
export interface StoredEventPage {
  events: VigilEvent[];
  /** Beside each event, when the live pipeline processed it (profiles are replayed as they stood then). */
  processedAtMs?: number[];
  unreadable: number;
}

/** Where a backtest reads the history and the officers' verdicts (ClickHouse: history.ts). */
export interface BacktestHistory {
  countEvents(range: TimeRange): Promise<number>;
  eventPages(range: TimeRange, pageSize: number): AsyncIterable<StoredEventPage>;
  labelledAlerts(range: TimeRange): Promise<LabelledAlert[]>;
  /** What the live pipeline raised that can be about the range: the published set's replay is compared with it. */
  liveAlerts(range: TimeRange): Promise<LiveAlert[]>;
}

export interface BacktestInput extends TimeRange {
  published: RuleSet;
  candidate?: RuleSet;
}

export interface BacktestRunDeps {
  history: BacktestHistory;
  /** The context the workers assess with, for a given rule set (the published one; the candidate is judged in it with its own rules). */
  context: (ruleSet: RuleSet) => ReplayContext;
  pageSize: number;
  /** Told after every page; the job stores it for GET /v1/rules/backtests/{id}. */
  onProgress: (progress: BacktestProgress) => Promise<void>;
  /** Stops the run between two pages (the process is shutting down): runBacktest throws BacktestInterrupted. */
  signal?: AbortSignal;
}

export class BacktestInterrupted extends Error {
  override readonly name = 'BacktestInterrupted';
}

/**
 * The replay is CPU work on the process's one event loop, which the live pipeline shares when
 * roles run together: it gives the loop back once it has held it this long, so a page holds the
 * live work up for milliseconds at a time, not for the whole page (an event costs both sets
 * about a millisecond on a slow machine).
 */
const MAX_HOLD_MS = 10;


export async function runBacktest(input: BacktestInput, deps: BacktestRunDeps): Promise<BacktestResult> {
  const started = performance.now();
  const range = { fromMs: input.fromMs, toMs: input.toMs };
  const eventsTotal = await deps.history.countEvents(range);
  const labels = new LabelIndex(await deps.history.labelledAlerts(range));
  // One replay for both sets: each event's features are computed once and judged by each set
  // (HistoryReplay's alsoRuleSets); the review schedule depends on features, not on rules.
  const replay = new HistoryReplay(deps.context(input.published), input.candidate ? { alsoRuleSets: [input.candidate] } : {});
  const live = new LiveComparison(await deps.history.liveAlerts(range), range);
  const published = { tally: new RuleSetTally(input.published) };
  const candidate = input.candidate ? { tally: new RuleSetTally(input.candidate) } : undefined;
  const comparison = candidate ? new ComparisonTally() : undefined;

  // The alerts of one push (the reviews due before the event, then the event) on each side: both
  // sides see the same reviews and events, so an alert's key is raised in the same push on both
  // sides or on one only.
  const settle = ([publishedSteps, candidateSteps]: ReplayStep[][]) => {
    for (const step of publishedSteps!) {
      labels.observe(step.event);
      live.observe(step.event);
    }
    const publishedAlerts = publishedSteps!.flatMap((step) => step.alerts);
    for (const alert of publishedAlerts) {
      published.tally.add(alert, labels.verdict(alert.type, alert.customerId, alert.triggeringEvents[0]!.eventId));
      live.add(alert);
    }
    if (!candidate || !candidateSteps) return;
    const candidateAlerts = candidateSteps.flatMap((step) => step.alerts);
    for (const alert of candidateAlerts) candidate.tally.add(alert, labels.verdict(alert.type, alert.customerId, alert.triggeringEvents[0]!.eventId));
    comparison!.addStep(publishedAlerts, candidateAlerts);
  };

  let eventsRead = 0;
  let pagesRead = 0;
  let unreadable = 0;
  let replayedUntil: string | null = null;
  const progress = (): BacktestProgress => ({
    events_total: eventsTotal, events_read: eventsRead, pages_read: pagesRead, reviews: replay.reviews, replayed_until: replayedUntil,
  });

  for await (const page of deps.history.eventPages(range, deps.pageSize)) {
    let heldSince = performance.now();
    for (const [i, event] of page.events.entries()) {
      settle(replay.pushForSets(event, page.processedAtMs?.[i]));
      eventsRead++;
      if (performance.now() - heldSince >= MAX_HOLD_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        heldSince = performance.now();
      }
    }
    pagesRead++;
    unreadable += page.unreadable;
    const last = page.events.at(-1);
    if (last) replayedUntil = new Date(last.occurred_at).toISOString();
    await deps.onProgress(progress());
    if (deps.signal?.aborted) throw new BacktestInterrupted('interrupted by shutdown');
  }
  // Quiet customers are still looked at until the end of the range, which is exclusive.
  settle(replay.finishForSets(input.toMs - 1));
  await deps.onProgress(progress());

  const seconds = (performance.now() - started) / 1000;
  const inRange = labels.inRange();
  return {
    events_read: eventsRead,
    events_unreadable: unreadable,
    reviews: replay.reviews,
    seconds,
    events_per_second: seconds > 0 ? Math.round(eventsRead / seconds) : 0,
    labels: { source: 'clickhouse:alerts+alert_transitions', labelled_in_range: inRange.labelled, confirmed_in_range: inRange.confirmedByType },
    published: published.tally.outcome(inRange.confirmedByType),
    live: live.outcome(),
    ...(candidate && comparison ? { candidate: candidate.tally.outcome(inRange.confirmedByType), comparison: comparison.outcome() } : {}),
  };
}
