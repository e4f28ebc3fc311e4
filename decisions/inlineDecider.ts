import type { Redis } from 'ioredis';
import type { VigilEvent } from '../core/events/index.js';
import { FailureStreak } from '../core/failureStreak.js';
import type { Logger, VigilMetrics } from '../core/observability/index.js';
import type { EventAppender } from '../ingest/eventAppender.js';
import type { ListLookup } from '../lists/membership.js';
import { assessEvent, type RiskContext } from '../risk/assess.js';
import { DecisionInputs } from './decisionInputs.js';
import { decideInline, type DecisionReason, type InlineDecision } from './policy.js';

export interface InlineDecisionSettings {
  /** The answer must leave within this; past it the fallback decision is given. */
  deadlineMs: number;
  /** Given on a timeout or when Redis cannot be read: approve is fail-open, decline fail-closed. */
  onFailure: InlineDecision;
}

export interface InlineDeciderDeps {
  redis: Redis;
  prefix: string;
  partitions: number;
  /** How long an event id stays claimed for its customer (VIGIL_DEDUP_WINDOW_SECONDS), as at ingest. */
  dedupWindowSeconds: number;
  appender: EventAppender;
  /** The context the streaming pipeline assesses with (rule set, feature and segment settings). */
  context: () => Omit<RiskContext, 'profile' | 'snoozes' | 'lists' | 'nowMs'>;
  lists?: (nowMs: number) => ListLookup;
  settings: InlineDecisionSettings;
  metrics: VigilMetrics;
  log: Logger;
  now?: () => number;
}

export interface DecisionAnswer {
  event_id: string;
  decision: InlineDecision;
  score: number | null;
  reasons: DecisionReason[];
  rule_set_version: string;
  decided_at: string;
  /** Set when the answer is the configured fallback, not the rules': why. */
  fallback?: 'deadline' | 'unavailable';
  /** True when this is the answer recorded for an earlier request with the same event_id. */
  replayed?: boolean;
}

/**
 * Answers a bank's authorisation system before it executes a payment: the customer's current
 * features as if this event had happened, the rules (with lists and snoozes) and their decisions.
 * The event then enters the stream once, with the decision recorded beside it, so the pipeline
 * processes it like any event and a retry gets the same answer.
 */
export class InlineDecider {
  private readonly trouble: FailureStreak;
  private readonly inputs: DecisionInputs;

  constructor(private readonly deps: InlineDeciderDeps) {
    this.trouble = new FailureStreak(deps.log, 'in-line decisions');
    this.inputs = new DecisionInputs(deps.redis, deps.appender, deps);
  }

  async decide(event: VigilEvent): Promise<DecisionAnswer | 'id_conflict'> {
    const started = performance.now();
    const deciding = this.decideAndRecord(event);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'deadline'>((resolve) => {
      timer = setTimeout(() => resolve('deadline'), this.deps.settings.deadlineMs);
    });
    let answer: DecisionAnswer | 'id_conflict';
    try {
      const first = await Promise.race([deciding, deadline]);
      if (first === 'deadline') {
        // The work goes on: the event still enters the stream with the rules' decision, which a retry then gets.
        deciding.catch((err: unknown) => this.trouble.failed(err));
        answer = this.fallback(event, 'deadline');
      } else {
        answer = first;
        this.trouble.succeeded();
      }
    } catch (err) {
      this.trouble.failed(err);
      answer = this.fallback(event, 'unavailable');
    } finally {
      clearTimeout(timer);
    }
    if (answer !== 'id_conflict') {
      const source = answer.fallback ? `fallback_${answer.fallback}` : answer.replayed ? 'replayed' : 'rules';
      this.deps.metrics.inlineDecisions.inc({ decision: answer.decision, source });
      this.deps.metrics.inlineDecisionSeconds.observe((performance.now() - started) / 1000);
    }
    return answer;
  }

  // Two round trips: the claim and the reads (or the recorded answer of a retry), then, once
  // decided, the record and the append in one script.
  private async decideAndRecord(event: VigilEvent): Promise<DecisionAnswer | 'id_conflict'> {
    const start = await this.inputs.start(event);
    if (start.kind === 'id_conflict') return 'id_conflict';
    if (start.kind === 'recorded') return { ...(JSON.parse(start.decision) as DecisionAnswer), replayed: true };
    const { inputs } = start;
    const nowMs = (this.deps.now ?? Date.now)();
    const base = this.deps.context();
    const assessment = assessEvent(inputs.state, event, {
      ...base, nowMs, snoozes: inputs.snoozes,
      ...(this.deps.lists ? { lists: this.deps.lists(nowMs) } : {}),
      ...(inputs.profile ? { profile: inputs.profile } : {}),
    });
    const outcome = decideInline(assessment);
    const answer: DecisionAnswer = {
      event_id: event.event_id, decision: outcome.decision, score: outcome.score, reasons: outcome.reasons,
      rule_set_version: base.ruleSet.version, decided_at: new Date(nowMs).toISOString(),
    };
    const appended = await this.deps.appender.appendDecided(event, JSON.stringify(answer));
    if (appended.outcome === 'id_conflict') return 'id_conflict';
    if (appended.outcome === 'recorded') return { ...(JSON.parse(appended.decision) as DecisionAnswer), replayed: true };
    return answer;
  }

  private fallback(event: VigilEvent, why: 'deadline' | 'unavailable'): DecisionAnswer {
    return {
      event_id: event.event_id, decision: this.deps.settings.onFailure, score: null, reasons: [],
      rule_set_version: this.deps.context().ruleSet.version, decided_at: new Date((this.deps.now ?? Date.now)()).toISOString(), fallback: why,
    };
  }
}
