import type { NewAlert } from '../alerts/index.js';
import { customerReview, type RiskEvent, type VigilEvent } from '../core/events/index.js';
import { lastActivityMs } from '../features/index.js';
import { assessEventForSets, assessReviewForSets, type CustomerRiskState, type RiskAssessment, type RiskContext } from '../risk/assess.js';
import { nextReviewAt, profileDates } from '../risk/reviewSchedule.js';
import { emptyRiskState } from '../risk/riskState.js';
import type { ProfileHistory } from './profiles.js';
import type { RuleSet } from '../rules/index.js';
import { ReviewQueue } from './reviewQueue.js';

// The risk pipeline over a history, in memory: the same pure assessment the workers run
// (features → segment → rules → scores → alerts) and the same review schedule for quiet customers,
// with every customer's state in a Map instead of Redis. No round trip per event, so a candidate
// rule set or a change of features is measured on months of history in seconds. Reviews are
// taken exactly at their due moment in event time, as the sweep does with `VIGIL_SWEEP_CLOCK=events`.

export interface ReplayContext extends Omit<RiskContext, 'profile' | 'snoozes' | 'lists' | 'nowMs'> {
  /** Customers' CRM profiles as they stood (backtest/profiles.ts); none without it. */
  profiles?: ProfileHistory;
}

export interface ReplayOutcome {
  alerts: NewAlert[];
  events: number;
  reviews: number;
  /** Per customer, their state after the last event or review. */
  states: Map<string, CustomerRiskState>;
}

/** One assessment of the replay: a posted event, or a review that fell due before the next one. */
export interface ReplayStep {
  event: RiskEvent;
  alerts: NewAlert[];
  /**
   * The whole assessment: the features as they stood at that event (a training export reads them,
   * models/). Its state is the replay's own: its buckets change with the customer's next event.
   */
  assessment: RiskAssessment;
}

/**
 * The replay fed one event at a time, so a history too large for memory is read in pages: the
 * customers' states and the review schedule carry over from one `push` to the next. Events must
 * come in `occurred_at` order (the order the live pipeline applies a customer's events in).
 *
 * With `alsoRuleSets` (a backtest's candidate) it replays several rule sets side by side: the
 * features and the review schedule depend on no rule, so each event's features are computed once
 * and every set judges them, with its own scores and suppression (risk/assess.ts
 * assessEventForSets). `push` and `finish` answer for the context's own set; `pushForSets` and
 * `finishForSets` for every set, in order.
 */
export class HistoryReplay {
  /** Per customer, their state under the context's rule set. */
  readonly states = new Map<string, CustomerRiskState>();
  /** Per set (the context's first, then `alsoRuleSets`), per customer: all hold the same feature state. */
  private readonly setStates: Map<string, CustomerRiskState>[];
  private readonly contexts: ReplayContext[];
  private readonly due = new ReviewQueue();
  private eventCount = 0;
  private reviewCount = 0;
  /** When the live pipeline processed the latest event pushed: the profiles are read as they stood then. */
  private profilesAtMs = -Infinity;

  constructor(private readonly ctx: ReplayContext, options: { alsoRuleSets?: readonly RuleSet[] } = {}) {
    const others = options.alsoRuleSets ?? [];
    this.contexts = [ctx, ...others.map((ruleSet) => ({ ...ctx, ruleSet }))];
    this.setStates = [this.states, ...others.map(() => new Map<string, CustomerRiskState>())];
  }

  get events(): number {
    return this.eventCount;
  }

  get reviews(): number {
    return this.reviewCount;
  }

  /** Per customer, their state under the set at `index` (0: the context's own, then `alsoRuleSets`). */
  statesOf(index: number): ReadonlyMap<string, CustomerRiskState> {
    return this.setStates[index]!;
  }

  /**
   * The reviews due up to the event's moment, then the event itself, each with the alerts it
   * raised. `processedAtMs`: when the live pipeline processed the event (the archive's
   * `processed_at`), the moment whose profiles it read; its own time when not known.
   */
  push(event: VigilEvent, processedAtMs?: number): ReplayStep[] {
    return this.pushForSets(event, processedAtMs)[0]!;
  }

  /** `push` for every set: one list of steps per set, in order, the same events in each. */
  pushForSets(event: VigilEvent, processedAtMs?: number): ReplayStep[][] {
    const atMs = Date.parse(event.occurred_at);
    this.profilesAtMs = Math.max(this.profilesAtMs, processedAtMs ?? atMs);
    const steps = this.reviewUntil(atMs);
    const customer = event.customer_id;
    const states = this.setStates.map((set) => set.get(customer) ?? emptyRiskState());
    // Each state's feature state is the same object, and the Maps hold the only references to it,
    // so the assessment may change its buckets and seen sets in place rather than copy them for
    // every event (features/engine.ts).
    if (states.length > 1) for (let i = 1; i < states.length; i++) states[i] = { ...states[i]!, features: states[0]!.features };
    const assessments = assessEventForSets(states, event, this.contexts.map((ctx) => this.contextFor(ctx, customer)), { consume: true });
    assessments.forEach((assessment, i) => {
      this.setStates[i]!.set(customer, assessment.state);
      steps[i]!.push({ event, alerts: assessment.alerts, assessment });
    });
    this.eventCount++;
    this.schedule(customer, atMs);
    return steps;
  }

  /**
   * The reviews that fall due after the last event up to `untilMs` (inclusive): the history's end
   * is a moment of its own, and a customer who went quiet near it is still looked at until then.
   */
  finish(untilMs: number): ReplayStep[] {
    return this.reviewUntil(untilMs)[0]!;
  }

  /** `finish` for every set, as `pushForSets`. */
  finishForSets(untilMs: number): ReplayStep[][] {
    return this.reviewUntil(untilMs);
  }

  private reviewUntil(untilMs: number): ReplayStep[][] {
    const steps: ReplayStep[][] = this.setStates.map(() => []);
    for (let next = this.due.popDue(untilMs); next; next = this.due.popDue(untilMs)) {
      const states = this.setStates.map((set) => set.get(next.customer)!);
      if (lastActivityMs(states[0]!.features) === undefined) continue;
      const review = customerReview(next.customer, next.atMs);
      const assessments = assessReviewForSets(states, review, this.contexts.map((ctx) => this.contextFor(ctx, next.customer)));
      assessments.forEach((assessment, i) => {
        this.setStates[i]!.set(next.customer, assessment.state);
        steps[i]!.push({ event: review, alerts: assessment.alerts, assessment });
      });
      this.reviewCount++;
      this.schedule(next.customer, next.atMs);
    }
    return steps;
  }

  private schedule(customer: string, assessedAtMs: number): void {
    const state = this.states.get(customer)!;
    this.due.set(customer, nextReviewAt({ assessedAtMs, lastActivityMs: lastActivityMs(state.features), ...profileDates(this.ctx.profiles?.at(customer, this.profilesAtMs)) }));
  }

  /** The context of one set, with the customer's profile as it stood when the live pipeline read it. */
  private contextFor(ctx: ReplayContext, customer: string): RiskContext {
    const profile = ctx.profiles?.at(customer, this.profilesAtMs);
    return profile ? { ...ctx, profile } : ctx;
  }
}

/**
 * A whole history at once. Reviews are taken up to the last event, none after it (the history's
 * end is taken to be its last event). `onEvent` sees each event's assessment as the workers made
 * it (not the reviews'): the features as they stood at that event.
 */
export function replayHistory(
  events: Iterable<VigilEvent>, ctx: ReplayContext, onEvent?: (event: VigilEvent, assessment: RiskAssessment) => void,
): ReplayOutcome {
  const replay = new HistoryReplay(ctx);
  const alerts: NewAlert[] = [];
  for (const event of events) {
    const steps = replay.push(event);
    for (const step of steps) alerts.push(...step.alerts);
    onEvent?.(event, steps.at(-1)!.assessment);
  }
  return { alerts, events: replay.events, reviews: replay.reviews, states: replay.states };
}
