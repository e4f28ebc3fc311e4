import type { Alert } from '../alerts/index.js';
import type { EventInput } from '../core/events/index.js';
import type { Label, NoiseRecord } from '../simulator/scenarios/index.js';
import { evaluateDetection, type AlertRecord, type DetectionReport } from './metrics.js';
import { noiseImpact, type NoiseImpact } from './noiseImpact.js';
import { replayThroughEngine, type ReplayConfig, type ReplayResult } from './replay.js';

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
  detection: DetectionReport;
  noise: NoiseImpact[];
  cost: { events: number; seconds: number; eventsPerSecond: number; alerts: number };
  /** The replay's Redis prefix and data directory, already removed. */
  workspace: ReplayResult['workspace'];
}

/** Replays a labelled stream through the engine with its default rule pack and scores the alerts. */
export async function evaluate(input: EvaluateInput): Promise<EvaluationResult> {
  const replay = await replayThroughEngine(input.events, input.config);
  const alerts = replay.alerts.map(alertRecord);
  const customers = [...new Set(input.events.map((event) => event.customer_id))];
  const measureFromMs = input.measureFrom.getTime();
  return {
    detection: evaluateDetection({ labels: input.labels, alerts, customers, measureFromMs }),
    noise: noiseImpact(input.noise ?? [], alerts, measureFromMs),
    cost: {
      events: replay.posted, seconds: replay.seconds,
      eventsPerSecond: replay.seconds > 0 ? replay.posted / replay.seconds : 0, alerts: replay.alerts.length,
    },
    workspace: replay.workspace,
  };
}

/** An alert is dated by the event that raised it, so delays are in the stream's time, not the replay's. */
export function alertRecord(alert: Alert): AlertRecord {
  const triggeredAt = Math.min(...alert.triggeringEvents.map((event) => Date.parse(event.occurredAt)));
  return { customerId: alert.customerId, type: alert.type, ruleIds: alert.ruleIds, atMs: triggeredAt };
}
