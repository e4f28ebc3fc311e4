import {
  CHURN_NOISE_KINDS, CREDIT_NOISE_KINDS, LATER_CREDIT_NOISE_KINDS, LATER_NOISE_KINDS, NOISE_KINDS, type ChurnNoiseKind, type CreditNoiseKind,
  type LaterCreditNoiseKind, type LaterNoiseKind, type NoiseKind, type NoiseRecord,
} from '../simulator/scenarios/index.js';
import type { AlertRecord } from './metrics.js';

// Which genuine life events the rules mistake for trouble: the fraud look-alikes (a trip, a new
// phone) for fraud, the credit look-alikes (one late instalment, a holiday on the card) for credit,
// the churn look-alikes (a few quiet weeks) for churn. An alert "follows" an episode when it comes
// from a day before it to 16 days after (the longest trip abroad plus the flight home); a credit
// look-alike is watched for 45 days (a statement cycle and the next report), a churn one for 45
// days (the longest quiet spell and ten days of its tail in the windows).

const BEFORE_MS = 86_400_000;
type LooksLike = 'fraud' | 'credit' | 'churn';
const AFTER_MS: Readonly<Record<LooksLike, number>> = { fraud: 16 * 86_400_000, credit: 45 * 86_400_000, churn: 45 * 86_400_000 };

export interface NoiseImpact {
  kind: NoiseKind | LaterNoiseKind | CreditNoiseKind | LaterCreditNoiseKind | ChurnNoiseKind;
  /** The alert type the look-alike resembles. */
  alertType: LooksLike;
  episodes: number;
  /** Episodes followed by at least one alert of that type on that customer. */
  withAlert: number;
  /** Rule id → episodes it alerted on. */
  rules: Record<string, number>;
}

export function noiseImpact(noise: readonly NoiseRecord[], alerts: readonly AlertRecord[], measureFromMs: number): NoiseImpact[] {
  const byType = { fraud: new Map<string, AlertRecord[]>(), credit: new Map<string, AlertRecord[]>(), churn: new Map<string, AlertRecord[]>() };
  for (const alert of alerts) {
    if ((alert.type !== 'fraud' && alert.type !== 'credit' && alert.type !== 'churn') || alert.atMs < measureFromMs) continue;
    const own = byType[alert.type];
    own.set(alert.customerId, [...(own.get(alert.customerId) ?? []), alert]);
  }
  const kinds = [
    ...NOISE_KINDS.map((kind) => [kind, 'fraud'] as const), ...LATER_NOISE_KINDS.map((kind) => [kind, 'fraud'] as const),
    ...CREDIT_NOISE_KINDS.map((kind) => [kind, 'credit'] as const), ...LATER_CREDIT_NOISE_KINDS.map((kind) => [kind, 'credit'] as const),
    ...CHURN_NOISE_KINDS.map((kind) => [kind, 'churn'] as const),
  ];
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
