import { decodeFeatureState, emptyFeatureState, encodeFeatureState } from '../features/index.js';
import type { CustomerRiskState } from './assess.js';

export function emptyRiskState(): CustomerRiskState {
  return { features: emptyFeatureState(), scores: { fraud: 0, churn: 0, credit: 0, atMs: 0 }, lastRaised: {} };
}

/** One JSON value per customer; the feature state keeps its own compact encoding inside. */
export function encodeRiskState(state: CustomerRiskState): string {
  // The challenger's part only while one runs, so states without it keep their bytes.
  const challenger = state.challenger ? { c: { v: state.challenger.version, s: state.challenger.scores, r: state.challenger.lastRaised } } : {};
  return JSON.stringify({ f: encodeFeatureState(state.features), s: state.scores, r: state.lastRaised, ...challenger });
}

/** Unreadable or missing state starts afresh rather than stopping the partition. */
export function decodeRiskState(text: string | null): CustomerRiskState {
  if (!text) return emptyRiskState();
  try {
    const raw = JSON.parse(text) as {
      f?: string; s?: Omit<CustomerRiskState['scores'], 'credit'> & { credit?: number }; r?: Record<string, number>;
      c?: { v: string; s: CustomerRiskState['scores']; r: Record<string, number> };
    };
    return {
      features: decodeFeatureState(raw.f ?? null),
      // Scores stored before credit was scored read as no credit score.
      scores: raw.s ? { credit: 0, ...raw.s } : { fraud: 0, churn: 0, credit: 0, atMs: 0 },
      lastRaised: raw.r ?? {},
      ...(raw.c ? { challenger: { version: raw.c.v, scores: raw.c.s, lastRaised: raw.c.r } } : {}),
    };
  } catch {
    return emptyRiskState();
  }
}
