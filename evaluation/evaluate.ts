import { inQueue, type Alert } from '../alerts/index.js';
import type { EventInput } from '../core/events/index.js';
import type { Label, NoiseRecord } from '../simulator/scenarios/index.js';
import { evaluateDetection, type AlertRecord, type DetectionReport } from './metrics.js';
import { noiseImpact, type NoiseImpact } from './noiseImpact.js';
import { replayThroughEngine, ReplayError, type ReplayConfig, type ReplayResult } from './replay.js';
import { replayHistory, type ReplayContext } from '../backtest/index.js';
import { parseEvent, type VigilEvent } from '../core/events/index.js';
import { decideInline } from '../decisions/policy.js';
import type { RiskAssessment } from '../risk/assess.js';
import { DECIDED_EVENT_TYPES, summariseInlineDecisions, type InlineDecisionRecord, type InlineDecisionReport } from './inlineDecisions.js';

export interface EvaluateInput {
  /** Sorted by occurred_at: the replay posts them in this order. */
  events: readonly EventInput[];
  labels: readonly Label[];
  /** Genuine customers' noise episodes, to tell which of them the rules mistake for fraud. */
  noise?: readonly NoiseRecord[];
  /** Alerts before this (the warm-up) are not scored. */
  measureFrom: Date;
  config: ReplayConfig;
}

export interface EvaluationResult {
  /** Scored on the alerts of the officer's queue (medium and above): what an officer works. */
  detection: DetectionReport;
  /** The same with advisory (low) alerts counted too. */
  withAdvisory: DetectionReport;
  noise: NoiseImpact[];
  /** What the rules' in-line decisions would have done to every payment (from the in-memory replay). */
  inline?: InlineDecisionReport;
  cost: { events: number; seconds: number; eventsPerSecond: number; alerts: number };
  /** The replay's Redis prefix and data directory, already removed. */
  workspace: ReplayResult['workspace'];
}

/** Replays a labelled stream through the engine with its default rule pack and scores the alerts. */
export async function evaluate(input: EvaluateInput): Promise<EvaluationResult> {
  const replay = await replayThroughEngine(input.events, input.config);
  const customers = [...new Set(input.events.map((event) => event.customer_id))];
  return {
    ...scoreAlerts(replay.alerts.map(alertRecord), { labels: input.labels, noise: input.noise ?? [], customers, measureFromMs: input.measureFrom.getTime() }),
    cost: {
      events: replay.posted, seconds: replay.seconds,
      eventsPerSecond: replay.seconds > 0 ? replay.posted / replay.seconds : 0, alerts: replay.alerts.length,
    },
    workspace: replay.workspace,
  };
}

/**
 * The same figures from the risk pipeline replayed in memory (`backtest/`): the workers' pure
 * assessment and review schedule without Redis, ClickHouse or HTTP, in seconds instead of
 * minutes. Offers, lists and delivery are not part of it.
 */
export function evaluateInMemory(input: Omit<EvaluateInput, 'config'> & { context: ReplayContext }): Omit<EvaluationResult, 'workspace'> {
  const started = performance.now();
  const decisions: InlineDecisionRecord[] = [];
  const outcome = replayHistory(parsedEvents(input.events), input.context, (event, assessment) => recordDecision(decisions, event, assessment));
  const seconds = (performance.now() - started) / 1000;
  const customers = [...new Set(input.events.map((event) => event.customer_id))];
  const records = outcome.alerts.map((alert) => alertRecord(alert));
  const measureFromMs = input.measureFrom.getTime();
  return {
    ...scoreAlerts(records, { labels: input.labels, noise: input.noise ?? [], customers, measureFromMs }),
    inline: summariseInlineDecisions(decisions, { labels: input.labels, customers, measureFromMs }),
    cost: { events: outcome.events, seconds, eventsPerSecond: seconds > 0 ? outcome.events / seconds : 0, alerts: outcome.alerts.length },
  };
}

/**
 * The in-line decisions alone, from the same assessment replayed in memory: for an evaluation
 * through the engine, whose stream events are not asked about in-line.
 */
export function inlineDecisionsInMemory(input: Pick<EvaluateInput, 'events' | 'labels' | 'measureFrom'> & { context: ReplayContext }): InlineDecisionReport {
  const decisions: InlineDecisionRecord[] = [];
  replayHistory(parsedEvents(input.events), input.context, (event, assessment) => recordDecision(decisions, event, assessment));
  const customers = [...new Set(input.events.map((event) => event.customer_id))];
  return summariseInlineDecisions(decisions, { labels: input.labels, customers, measureFromMs: input.measureFrom.getTime() });
}

function recordDecision(into: InlineDecisionRecord[], event: VigilEvent, assessment: RiskAssessment): void {
  if (!DECIDED_EVENT_TYPES.has(event.type)) return;
  into.push({ customerId: event.customer_id, atMs: Date.parse(event.occurred_at), decision: decideInline(assessment).decision });
}

/** Events as ingest hands them to the stream (amounts in minor units); one that ingest would refuse stops the replay. */
function* parsedEvents(events: readonly EventInput[]): Generator<VigilEvent> {
  for (const input of events) {
    const parsed = parseEvent(input);
    if (!parsed.ok) throw new ReplayError(`event ${input.event_id} would be refused at ingest: ${parsed.errors.join('; ')}`);
    yield parsed.event;
  }
}

/**
 * Detection figures on the officer's queue (medium and above), and again with advisory (low)
 * alerts counted; genuine noise is judged on the queue.
 */
export function scoreAlerts(
  alerts: readonly AlertRecord[],
  input: { labels: readonly Label[]; noise: readonly NoiseRecord[]; customers: readonly string[]; measureFromMs: number },
): Pick<EvaluationResult, 'detection' | 'withAdvisory' | 'noise'> {
  const queue = alerts.filter((alert) => inQueue(alert.severity));
  const { labels, customers, measureFromMs } = input;
  return {
    detection: evaluateDetection({ labels, alerts: queue, customers, measureFromMs }),
    withAdvisory: evaluateDetection({ labels, alerts, customers, measureFromMs }),
    noise: noiseImpact(input.noise, queue, measureFromMs),
  };
}

/** An alert is dated by the event that raised it, so delays are in the stream's time, not the replay's. */
export function alertRecord(alert: Pick<Alert, 'customerId' | 'type' | 'ruleIds' | 'severity' | 'triggeringEvents'>): AlertRecord {
  const triggeredAt = Math.min(...alert.triggeringEvents.map((event) => Date.parse(event.occurredAt)));
  return { customerId: alert.customerId, type: alert.type, ruleIds: alert.ruleIds, atMs: triggeredAt, severity: alert.severity };
}
