import { NOISE_KINDS, type NoiseKind, type NoiseRecord } from '../simulator/scenarios/index.js';
import type { AlertRecord } from './metrics.js';

// Which genuine life events the fraud rules mistake for fraud. An alert "follows" an episode when
// it comes from a day before it to 16 days after (the longest trip abroad plus the flight home).

const BEFORE_MS = 86_400_000;
const AFTER_MS = 16 * 86_400_000;

export interface NoiseImpact {
  kind: NoiseKind;
  episodes: number;
  /** Episodes followed by at least one fraud alert on that customer. */
  withFraudAlert: number;
  /** Rule id → episodes it alerted on. */
  rules: Record<string, number>;
}

export function noiseImpact(noise: readonly NoiseRecord[], alerts: readonly AlertRecord[], measureFromMs: number): NoiseImpact[] {
  const fraudAlerts = new Map<string, AlertRecord[]>();
  for (const alert of alerts) {
    if (alert.type !== 'fraud' || alert.atMs < measureFromMs) continue;
    fraudAlerts.set(alert.customerId, [...(fraudAlerts.get(alert.customerId) ?? []), alert]);
  }
  return NOISE_KINDS.map((kind) => {
    const episodes = noise.filter((record) => record.kind === kind);
    const impact: NoiseImpact = { kind, episodes: episodes.length, withFraudAlert: 0, rules: {} };
    for (const episode of episodes) {
      const atMs = Date.parse(episode.at);
      const near = (fraudAlerts.get(episode.customer_id) ?? []).filter((alert) => alert.atMs >= atMs - BEFORE_MS && alert.atMs <= atMs + AFTER_MS);
      if (near.length === 0) continue;
      impact.withFraudAlert++;
      for (const ruleId of new Set(near.flatMap((alert) => alert.ruleIds))) impact.rules[ruleId] = (impact.rules[ruleId] ?? 0) + 1;
    }
    return impact;
  });
}
