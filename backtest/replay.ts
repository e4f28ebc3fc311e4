import type { NewAlert } from '../alerts/index.js';
import { customerReview, type VigilEvent } from '../core/events/index.js';
import { lastActivityMs } from '../features/index.js';
import { assessEvent, assessReview, type CustomerRiskState, type RiskAssessment, type RiskContext } from '../risk/assess.js';
import { nextReviewAt } from '../risk/reviewSchedule.js';
import { emptyRiskState } from '../risk/riskState.js';
import type { CustomerProfile } from '../customers/index.js';

// The risk pipeline over a history, in memory: the same pure assessment the workers run
// (features → segment → rules → scores → alerts) and the same review schedule for quiet customers,
// with every customer's state in a Map instead of Redis. No round trip per event, so a candidate
// rule set or a change of features is measured on months of history in seconds. Reviews are
// taken exactly at their due moment in event time, as the sweep does with `VIGIL_SWEEP_CLOCK=events`.

export interface ReplayContext extends Omit<RiskContext, 'profile' | 'snoozes' | 'lists' | 'nowMs'> {
  profiles?: ReadonlyMap<string, CustomerProfile>;
}

export interface ReplayOutcome {
  alerts: NewAlert[];
  events: number;
  reviews: number;
  /** Per customer, their state after the last event or review. */
  states: Map<string, CustomerRiskState>;
}

/**
 * Events in `occurred_at` order (the order the live pipeline applies a customer's events in).
 * `onEvent` sees each event's assessment as the workers made it: the features as they stood at
 * that event, which is what a training export needs (models/trainingRows.ts).
 */
export function replayHistory(
  events: Iterable<VigilEvent>, ctx: ReplayContext, onEvent?: (event: VigilEvent, assessment: RiskAssessment) => void,
): ReplayOutcome {
  const states = new Map<string, CustomerRiskState>();
  const due = new ReviewQueue();
  const alerts: NewAlert[] = [];
  let eventCount = 0;
  let reviewCount = 0;

  const schedule = (customer: string, assessedAtMs: number) => {
    const state = states.get(customer)!;
    const next = nextReviewAt({ assessedAtMs, lastActivityMs: lastActivityMs(state.features), birthday: ctx.profiles?.get(customer)?.birthday });
    due.set(customer, next);
  };
  const reviewUntil = (untilMs: number) => {
    for (let next = due.popDue(untilMs); next; next = due.popDue(untilMs)) {
      const state = states.get(next.customer)!;
      if (lastActivityMs(state.features) === undefined) continue;
      const assessment = assessReview(state, customerReview(next.customer, next.atMs), contextFor(ctx, next.customer));
      states.set(next.customer, assessment.state);
      alerts.push(...assessment.alerts);
      reviewCount++;
      schedule(next.customer, next.atMs);
    }
  };

  for (const event of events) {
    const atMs = Date.parse(event.occurred_at);
    reviewUntil(atMs);
    const customer = event.customer_id;
    const assessment = assessEvent(states.get(customer) ?? emptyRiskState(), event, contextFor(ctx, customer));
    states.set(customer, assessment.state);
    alerts.push(...assessment.alerts);
    onEvent?.(event, assessment);
    eventCount++;
    schedule(customer, atMs);
  }
  return { alerts, events: eventCount, reviews: reviewCount, states };
}

function contextFor(ctx: ReplayContext, customer: string): RiskContext {
  const profile = ctx.profiles?.get(customer);
  return profile ? { ...ctx, profile } : ctx;
}

/**
 * Each customer's next review, earliest first: a binary heap with lazy removal (a customer's entry
 * counts only while it matches their current due time), as the partition's sorted set does.
 */
class ReviewQueue {
  private readonly heap: { atMs: number; customer: string }[] = [];
  private readonly current = new Map<string, number>();

  set(customer: string, atMs: number | undefined): void {
    if (atMs === undefined) {
      this.current.delete(customer);
      return;
    }
    if (this.current.get(customer) === atMs) return;
    this.current.set(customer, atMs);
    this.push({ atMs, customer });
  }

  /** The earliest review due at or before `untilMs` (removed), or undefined. */
  popDue(untilMs: number): { atMs: number; customer: string } | undefined {
    while (this.heap.length > 0 && this.heap[0]!.atMs <= untilMs) {
      const top = this.pop();
      if (this.current.get(top.customer) !== top.atMs) continue;
      this.current.delete(top.customer);
      return top;
    }
    return undefined;
  }

  private push(item: { atMs: number; customer: string }): void {
    const heap = this.heap;
    heap.push(item);
    for (let i = heap.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.atMs <= heap[i]!.atMs) break;
      [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
      i = parent;
    }
  }

  private pop(): { atMs: number; customer: string } {
    const heap = this.heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      for (let i = 0; ;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < heap.length && heap[left]!.atMs < heap[smallest]!.atMs) smallest = left;
        if (right < heap.length && heap[right]!.atMs < heap[smallest]!.atMs) smallest = right;
        if (smallest === i) break;
        [heap[smallest], heap[i]] = [heap[i]!, heap[smallest]!];
        i = smallest;
      }
    }
    return top;
  }
}
