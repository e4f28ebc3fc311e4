import type { NewAlert } from '../alerts/index.js';
import { customerReview, type RiskEvent, type VigilEvent } from '../core/events/index.js';
import { lastActivityMs } from '../features/index.js';
import { assessEvent, assessReview, type CustomerRiskState, type RiskAssessment, type RiskContext } from '../risk/assess.js';
import { nextReviewAt } from '../risk/reviewSchedule.js';
import { emptyRiskState } from '../risk/riskState.js';
import type { ProfileHistory } from './profiles.js';
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
  /** The whole assessment: the features as they stood at that event (a training export reads them, models/). */
  assessment: RiskAssessment;
}

/**
 * The replay fed one event at a time, so a history too large for memory is read in pages: the
 * customers' states and the review schedule carry over from one `push` to the next. Events must
 * come in `occurred_at` order (the order the live pipeline applies a customer's events in).
 */
export class HistoryReplay {
  readonly states = new Map<string, CustomerRiskState>();
  private readonly due = new ReviewQueue();
  private eventCount = 0;
  private reviewCount = 0;
  /** When the live pipeline processed the latest event pushed: the profiles are read as they stood then. */
  private profilesAtMs = -Infinity;

  constructor(private readonly ctx: ReplayContext) {}

  get events(): number {
    return this.eventCount;
  }

  get reviews(): number {
    return this.reviewCount;
  }

  /**
   * The reviews due up to the event's moment, then the event itself, each with the alerts it
   * raised. `processedAtMs`: when the live pipeline processed the event (the archive's
   * `processed_at`), the moment whose profiles it read; its own time when not known.
   */
  push(event: VigilEvent, processedAtMs?: number): ReplayStep[] {
    const atMs = Date.parse(event.occurred_at);
    this.profilesAtMs = Math.max(this.profilesAtMs, processedAtMs ?? atMs);
    const steps = this.reviewUntil(atMs);
    const customer = event.customer_id;
    const assessment = assessEvent(this.states.get(customer) ?? emptyRiskState(), event, this.contextFor(customer));
    this.states.set(customer, assessment.state);
    this.eventCount++;
    this.schedule(customer, atMs);
    steps.push({ event, alerts: assessment.alerts, assessment });
    return steps;
  }

  /**
   * The reviews that fall due after the last event up to `untilMs` (inclusive): the history's end
   * is a moment of its own, and a customer who went quiet near it is still looked at until then.
   */
  finish(untilMs: number): ReplayStep[] {
    return this.reviewUntil(untilMs);
  }

  private reviewUntil(untilMs: number): ReplayStep[] {
    const steps: ReplayStep[] = [];
    for (let next = this.due.popDue(untilMs); next; next = this.due.popDue(untilMs)) {
      const state = this.states.get(next.customer)!;
      if (lastActivityMs(state.features) === undefined) continue;
      const review = customerReview(next.customer, next.atMs);
      const assessment = assessReview(state, review, this.contextFor(next.customer));
      this.states.set(next.customer, assessment.state);
      this.reviewCount++;
      this.schedule(next.customer, next.atMs);
      steps.push({ event: review, alerts: assessment.alerts, assessment });
    }
    return steps;
  }

  private schedule(customer: string, assessedAtMs: number): void {
    const state = this.states.get(customer)!;
    const birthday = this.ctx.profiles?.at(customer, this.profilesAtMs)?.birthday;
    this.due.set(customer, nextReviewAt({ assessedAtMs, lastActivityMs: lastActivityMs(state.features), birthday }));
  }

  private contextFor(customer: string): RiskContext {
    const profile = this.ctx.profiles?.at(customer, this.profilesAtMs);
    return profile ? { ...this.ctx, profile } : this.ctx;
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

