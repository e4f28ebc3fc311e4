import type { Redis } from 'ioredis';
import type { NewAlert } from '../alerts/index.js';
import { customerReview, isReview, type CustomerReview, type RiskEvent } from '../core/events/index.js';
import { lastActivityMs } from '../features/index.js';
import type { CustomerProfile } from '../customers/index.js';
import type { Logger, VigilMetrics } from '../core/observability/index.js';
import type { ListHit, ListLookup } from '../lists/membership.js';
import type { PartitionKeys } from '../core/streams/index.js';
import type { AppliedEvent, ArchivedRow, BatchEffect, PlannedEffect } from '../processors/batchEffects.js';
import type { RuleSet } from '../rules/index.js';
import { assessedField, CHALLENGER_TABLE, challengerAlertRows } from './challenger.js';
import type { StateChange } from '../processors/partitionCommit.js';
import { assessEvent, assessReview, type RiskAssessment, type RiskContext } from './assess.js';
import { nextReviewAt, profileDates } from './reviewSchedule.js';
import { readCustomerInputs, type CustomerInputs } from './customerInputs.js';
import { encodeRiskState } from './riskState.js';
import { TimeSlice } from '../core/timeSlice.js';

export interface AlertRaiser {
  /** Returns only the alerts that did not exist yet. */
  raise(alerts: NewAlert[]): Promise<readonly { type: string; severity: string; dedupKey: string }[]>;
}

/** One event as the risk pipeline saw it: what followers such as offers decide from. */
export interface AssessedEvent {
  entryId: string;
  event: RiskEvent;
  assessment: RiskAssessment;
  profile: CustomerProfile | undefined;
  /** The lists as this event was assessed against them; campaign triggers look them up too. */
  lists?: ListLookup | undefined;
}

/**
 * Work that follows the risk assessment of each event (campaign triggers, offer responses). It
 * plans inside the batch, purely, and its changes commit with the batch, so what it decided is
 * never lost nor decided twice; `afterCommit` then acts on it (and runs again on takeover).
 */
export interface AssessmentFollower {
  follow(keys: PartitionKeys, assessed: AssessedEvent): StateChange[];
  afterCommit(keys: PartitionKeys): Promise<void>;
  /** On takeover: finish what a crashed worker committed but did not act on. */
  recover(keys: PartitionKeys): Promise<void>;
}

export interface RiskEffectDeps {
  redis: Redis;
  /** The context of the moment: the current rule set is read at every batch, so reloads apply at once. */
  context: () => Omit<RiskContext, 'profile' | 'snoozes' | 'lists' | 'nowMs'>;
  /** The allow, block and watch lists at an instant (the in-memory copy: no I/O per event). */
  lists?: (nowMs: number) => ListLookup;
  now?: () => number;
  alerts: AlertRaiser;
  metrics: VigilMetrics;
  log: Logger;
  stateTtlSeconds: number;
  followers?: readonly AssessmentFollower[];
  /** The challenger rule set of the moment (risk/challengerRegistry.ts), undefined when none runs. */
  challenger?: () => RuleSet | undefined;
  /** How long a batch is assessed before the event loop gets a turn (core/timeSlice.ts). */
  sliceMs?: number;
}

/** How long the per-partition counts of events a challenger saw are kept after the last one. */
const CHALLENGER_COUNTS_TTL_SECONDS = 400 * 86_400;

const OUTBOX_PAGE = 200;

/**
 * Features, scores and alerts for newly applied events. The customers' risk states are read once
 * per batch, every event is assessed in order in memory, and the new states plus the alerts to
 * raise (in a per-partition outbox) are committed with the batch. The outbox is drained after the
 * commit and again by whoever takes the partition over, so a crash between deciding an alert and
 * raising it loses nothing; raising is idempotent on the alert's dedup key.
 */
export class RiskEffect implements BatchEffect {
  private countModels(assessment: RiskAssessment): void {
    for (const [model, score] of Object.entries(assessment.modelScores)) {
      this.deps.metrics.modelScores.observe({ model, version: assessment.modelVersions[model] ?? '', role: 'live' }, score);
    }
    for (const shadow of assessment.shadowModels) {
      this.deps.metrics.modelScores.observe({ model: shadow.model, version: shadow.version, role: 'shadow' }, shadow.score);
      for (const rule of shadow.wouldFire) this.deps.metrics.shadowModelRuleMatches.inc({ rule, model: shadow.model, version: shadow.version });
    }
  }

  /** Partitions whose outbox may still hold alerts because a drain failed. */
  private readonly undrained = new Set<number>();

  constructor(private readonly deps: RiskEffectDeps) {}

  /** The batch's customers' states, profiles, snoozes and next reviews: one MGET and one ZMSCORE. */
  prefetch(keys: PartitionKeys, candidates: readonly AppliedEvent[]): Promise<BatchInputs> {
    return readBatchInputs(this.deps.redis, keys, [...new Set(candidates.map((c) => c.event.customer_id))]);
  }

  async plan(keys: PartitionKeys, applied: readonly AppliedEvent[], prefetched?: unknown): Promise<PlannedEffect> {
    return this.assessInOrder(keys, applied, prefetched as Promise<BatchInputs> | undefined);
  }

  /**
   * Scheduled reviews of quiet customers (the partition consumer's sweep): assessed like events,
   * committed the same way. A customer Vigil no longer keeps state for leaves the schedule.
   */
  async review(keys: PartitionKeys, reviews: readonly CustomerReview[]): Promise<PlannedEffect> {
    return this.assessInOrder(keys, reviews.map((review) => ({ entryId: review.event_id, event: review })));
  }

  /**
   * Reads the customers' states and profiles once, assesses every event or review in order in
   * memory, and plans the new states, the alerts for the outbox, what followers decide, and each
   * customer's next review.
   */
  private async assessInOrder(keys: PartitionKeys, items: readonly { entryId: string; event: RiskEvent }[], prefetched?: Promise<BatchInputs>): Promise<PlannedEffect> {
    const drainLater = this.undrained.has(keys.partition) ? () => this.drainOutbox(keys) : undefined;
    if (items.length === 0) return { changes: [], afterCommit: drainLater };
    const customers = [...new Set(items.map((a) => a.event.customer_id))];
    // Prefetched for every event of the batch, a superset of the customers applied here.
    const { inputs, dueAt } = await (prefetched ?? readBatchInputs(this.deps.redis, keys, customers));
    // Each customer's next review as the batch goes: a review that fell due before one of their
    // events is taken first, at its own moment, as the replay of a history does (backtest/replay.ts).
    // Left to the sweep it would come after the batch, and the event would have moved it on.
    const due = new Map(customers.map((c) => [c, dueAt.get(c)]));
    const states = new Map(customers.map((c) => [c, inputs.get(c)!.state]));
    const profiles = new Map(customers.map((c) => [c, inputs.get(c)!.profile]));
    const snoozes = new Map(customers.map((c) => [c, inputs.get(c)!.snoozes]));
    const assessedAt = new Map<string, number>();
    const nowMs = (this.deps.now ?? Date.now)();
    const found = new Map<string, ListHit>();
    const lists = this.countingLists(nowMs, found);
    const challenger = this.deps.challenger?.();
    const context = { ...this.deps.context(), nowMs, ...(lists ? { lists } : {}), ...(challenger ? { challenger } : {}) };
    const archived: ArchivedRow[] = [];
    const challengerAssessed = new Map<string, number>();
    const followers = this.deps.followers ?? [];
    const changes: StateChange[] = [];
    const outboxed: NewAlert[] = [];
    const assessOne = (event: RiskEvent, entryId: string): void => {
      const state = states.get(event.customer_id)!;
      // A review of a customer without state (expired, erased) has nothing to look at.
      if (isReview(event) && lastActivityMs(state.features) === undefined) {
        due.delete(event.customer_id);
        return;
      }
      const profile = profiles.get(event.customer_id);
      found.clear();
      const ctx = { ...context, snoozes: snoozes.get(event.customer_id), ...(profile ? { profile } : {}) };
      const assessment = isReview(event) ? assessReview(state, event, ctx) : assessEvent(state, event, ctx);
      states.set(event.customer_id, assessment.state);
      assessedAt.set(event.customer_id, Math.max(assessedAt.get(event.customer_id) ?? 0, Date.parse(event.occurred_at)));
      due.set(event.customer_id, nextReviewAt({
        assessedAtMs: assessedAt.get(event.customer_id)!, lastActivityMs: lastActivityMs(assessment.state.features), birthday: profile?.birthday,
      }));
      for (const follower of followers) changes.push(...follower.follow(keys, { entryId, event, assessment, profile, lists }));
      if (assessment.late !== 'on_time') this.deps.metrics.lateEvents.inc({ lateness: assessment.late });
      if (isReview(event)) this.deps.metrics.customerReviews.inc();
      for (const match of assessment.matches) this.deps.metrics.ruleMatches.inc({ rule: match.ruleId, mode: match.mode });
      this.countModels(assessment);
      for (const { match } of assessment.snoozed) this.deps.metrics.ruleSnoozed.inc({ rule: match.ruleId });
      for (const hit of found.values()) this.deps.metrics.listMatches.inc({ list: hit.list, purpose: hit.purpose });
      for (const alert of assessment.alerts) {
        changes.push({ op: 'rpush', key: keys.alertOutbox, value: JSON.stringify(alert) });
        outboxed.push(alert);
      }
      if (assessment.challenger && !isReview(event)) {
        // Recorded, never raised: rows for ClickHouse that ride the event's flush, and the count of
        // events the challenger saw, committed with the batch so neither is lost nor doubled.
        const field = assessedField(assessment.challenger.version, event.occurred_at);
        challengerAssessed.set(field, (challengerAssessed.get(field) ?? 0) + 1);
        const rows = challengerAlertRows(event, { version: context.ruleSet.version, alerts: assessment.alerts }, assessment.challenger, nowMs);
        for (const row of rows) archived.push({ entryId, table: CHALLENGER_TABLE, row });
        for (const alert of assessment.challenger.alerts) {
          for (const rule of alert.ruleIds) this.deps.metrics.challengerAlerts.inc({ rule, version: assessment.challenger.version });
        }
      }
    };
    // In slices: an in-line decision served by this process must not wait for the whole batch.
    const slice = new TimeSlice(this.deps.sliceMs);
    for (const { event, entryId } of items) {
      if (slice.spent()) await slice.yield();
      const customer = event.customer_id;
      const atMs = Date.parse(event.occurred_at);
      // Each review moves the next one at least a day on, or ends them: the loop ends.
      for (let at = due.get(customer); !isReview(event) && at !== undefined && at <= atMs; at = due.get(customer)) {
        const review = customerReview(customer, at);
        assessOne(review, review.event_id);
      }
      assessOne(event, entryId);
    }
    for (const [field, count] of challengerAssessed) changes.push({ op: 'hincrby', key: keys.challengerAssessed, field, by: count });
    if (challengerAssessed.size > 0) changes.push({ op: 'expire', key: keys.challengerAssessed, ttlSeconds: CHALLENGER_COUNTS_TTL_SECONDS });
    for (const customer of customers) {
      if (slice.spent()) await slice.yield();
      const state = states.get(customer)!;
      const at = assessedAt.get(customer);
      if (at !== undefined) {
        changes.push({ op: 'set', key: keys.riskStatePrefix + customer, value: encodeRiskState(state), ttlSeconds: this.deps.stateTtlSeconds });
      }
      const next = at === undefined ? undefined : nextReviewAt({ assessedAtMs: at, lastActivityMs: lastActivityMs(state.features), ...profileDates(profiles.get(customer)) });
      changes.push(next === undefined ? { op: 'zrem', key: keys.reviewDue, member: customer } : { op: 'zadd', key: keys.reviewDue, member: customer, score: next });
    }
    const drainAlerts = outboxed.length > 0 ? () => this.drainOutbox(keys, outboxed) : drainLater;
    if (followers.length === 0) return { changes, archived, afterCommit: drainAlerts };
    return {
      changes,
      archived,
      afterCommit: async () => {
        // Alerts and followers drain side by side: a failure in one holds up neither the other nor the batch.
        const results = await Promise.allSettled([drainAlerts?.(), ...followers.map((f) => f.afterCommit(keys))]);
        const failed = results.find((r) => r.status === 'rejected');
        if (failed) throw failed.reason;
      },
    };
  }

  /**
   * An alert the store already had is not raised again. With the customer in the dedup key that is
   * a redelivery (a crash between raising and trimming the outbox), but it is never silent: it is
   * counted and logged, so a defect that made two alerts share a key would show at once.
   */
  private reportDeduplicated(asked: readonly NewAlert[], created: readonly { dedupKey: string }[]): void {
    // Each created alert accounts for one of the alerts asked under its key; the rest were skipped.
    const raised = new Set(created.map((alert) => alert.dedupKey));
    const skipped = asked.filter((alert) => !raised.delete(alert.dedupKey));
    if (skipped.length === 0) return;
    for (const alert of skipped) this.deps.metrics.alertsDeduplicated.inc({ type: alert.type });
    this.deps.log.warn({
      deduplicated: skipped.map((alert) => ({ type: alert.type, eventIds: alert.triggeringEvents.map((e) => e.eventId), ruleIds: alert.ruleIds })),
    }, 'alerts already raised under the same dedup key were not raised again');
  }

  /**
   * The lists at this batch's instant, noting each list an event's entity was found on (by rules
   * or campaign triggers, once per event and list) for `vigil_list_matches_total`.
   */
  private countingLists(nowMs: number, found: Map<string, ListHit>): ListLookup | undefined {
    if (!this.deps.lists) return undefined;
    const lists = this.deps.lists(nowMs);
    return {
      find(list, value) {
        const hit = lists.find(list, value);
        if (hit) found.set(hit.list, hit);
        return hit;
      },
    };
  }

  async recover(keys: PartitionKeys): Promise<void> {
    await this.drainOutbox(keys);
    for (const follower of this.deps.followers ?? []) await follower.recover(keys);
  }

  /**
   * Raises what the outbox holds, then trims it. `committed` is what this batch's commit pushed:
   * when the outbox was empty before it (every earlier drain finished), that is all it holds, and
   * it is raised without reading it back.
   */
  private async drainOutbox(keys: PartitionKeys, committed?: readonly NewAlert[]): Promise<void> {
    const clean = committed !== undefined && !this.undrained.has(keys.partition);
    this.undrained.add(keys.partition);
    if (clean) {
      for (let from = 0; from < committed.length; from += OUTBOX_PAGE) {
        const page = committed.slice(from, from + OUTBOX_PAGE);
        await this.raiseFromOutbox(page);
        await this.deps.redis.ltrim(keys.alertOutbox, page.length, -1);
      }
      this.undrained.delete(keys.partition);
      return;
    }
    for (;;) {
      const page = await this.deps.redis.lrange(keys.alertOutbox, 0, OUTBOX_PAGE - 1);
      if (page.length === 0) {
        this.undrained.delete(keys.partition);
        return;
      }
      await this.raiseFromOutbox(page.map((json) => JSON.parse(json) as NewAlert));
      await this.deps.redis.ltrim(keys.alertOutbox, page.length, -1);
    }
  }

  private async raiseFromOutbox(alerts: readonly NewAlert[]): Promise<void> {
    const created = await this.deps.alerts.raise([...alerts]);
    for (const alert of created) this.deps.metrics.alertsRaised.inc({ type: alert.type, severity: alert.severity });
    this.reportDeduplicated(alerts, created);
  }
}

/** What a batch's assessment reads for its customers: inputs, and each one's next review (event-time ms). */
interface BatchInputs {
  inputs: Map<string, CustomerInputs>;
  dueAt: Map<string, number | undefined>;
}

async function readBatchInputs(redis: Redis, keys: PartitionKeys, customers: readonly string[]): Promise<BatchInputs> {
  const [inputs, dueScores] = await Promise.all([readCustomerInputs(redis, keys, customers), redis.zmscore(keys.reviewDue, ...customers)]);
  return { inputs, dueAt: new Map(customers.map((c, i) => [c, dueScores[i] === null || dueScores[i] === undefined ? undefined : Number(dueScores[i])])) };
}
