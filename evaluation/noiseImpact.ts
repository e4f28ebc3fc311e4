import { CREDIT_NOISE_KINDS, NOISE_KINDS, type CreditNoiseKind, type NoiseKind, type NoiseRecord } from '../simulator/scenarios/index.js';
import type { AlertRecord } from './metrics.js';

// Which genuine life events the rules mistake for trouble: the fraud look-alikes (a trip, a new
// phone) for fraud, the credit look-alikes (one late instalment, a holiday on the card) for credit.
// An alert "follows" an episode when it comes from a day before it to 16 days after (the longest
// trip abroad plus the flight home); a credit look-alike is watched for 45 days (a statement cycle
// and the next report).

const BEFORE_MS = 86_400_000;
const AFTER_MS: Readonly<Record<'fraud' | 'credit', number>> = { fraud: 16 * 86_400_000, credit: 45 * 86_400_000 };

export interface NoiseImpact {
  kind: NoiseKind | CreditNoiseKind;
  /** The alert type the look-alike resembles. */
  alertType: 'fraud' | 'credit';
  episodes: number;
  /** Episodes followed by at least one alert of that type on that customer. */
  withAlert: number;
  /** Rule id → episodes it alerted on. */
  rules: Record<string, number>;
}

export function noiseImpact(noise: readonly NoiseRecord[], alerts: readonly AlertRecord[], measureFromMs: number): NoiseImpact[] {
  const byType = { fraud: new Map<string, AlertRecord[]>(), credit: new Map<string, AlertRecord[]>() };
  for (const alert of alerts) {
    if ((alert.type !== 'fraud' && alert.type !== 'credit') || alert.atMs < measureFromMs) continue;
    const own = byType[alert.type];
    own.set(alert.customerId, [...(own.get(alert.customerId) ?? []), alert]);
  }
  const kinds = [...NOISE_KINDS.map((kind) => [kind, 'fraud'] as const), ...CREDIT_NOISE_KINDS.map((kind) => [kind, 'credit'] as const)];
  return kinds.map(([kind, alertType]) => {
    const episodes = noise.filter((record) => record.kind === kind);
    const impact: NoiseImpact = { kind, alertType, episodes: episodes.length, withAlert: 0, rules: {} };
    for (const episode of episodes) {
      const atMs = Date.parse(episode.at);
      const near = (byType[alertType].get(episode.customer_id) ?? []).filter((alert) => alert.atMs >= atMs - BEFORE_MS && alert.atMs <= atMs + AFTER_MS[alertType]);
      if (near.length === 0) continue;
      impact.withAlert++;
      for (const ruleId of new Set(near.flatMap((alert) => alert.ruleIds))) impact.rules[ruleId] = (impact.rules[ruleId] ?? 0) + 1;
    }
    return impact;
  });
}
