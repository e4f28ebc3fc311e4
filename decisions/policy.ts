import type { RiskAssessment } from '../risk/assess.js';
import type { RuleDecision } from '../rules/index.js';

// The in-line answer to "may this payment go ahead?", from the rules that fired on it as if it
// had happened. Pure: the same assessment always gives the same decision.

export const INLINE_DECISIONS = ['approve', 'review', 'challenge', 'decline'] as const;
export type InlineDecision = (typeof INLINE_DECISIONS)[number];

export interface DecisionReason {
  rule_id: string;
  decision: RuleDecision;
  text: string;
}

export interface InlineOutcome {
  decision: InlineDecision;
  /** The customer's fraud score with this payment counted, 0–1. */
  score: number;
  /** The rules that made the decision, strongest first. */
  reasons: DecisionReason[];
}

const STRENGTH: Readonly<Record<InlineDecision, number>> = { approve: 0, review: 1, challenge: 2, decline: 3 };

/**
 * The strongest decision of the active rules that fired and carry one; approve when none did.
 * Shadow rules and rules snoozed for this customer never hold a payment up, as they raise nothing.
 */
export function decideInline(assessment: Pick<RiskAssessment, 'matches' | 'snoozed' | 'state'>): InlineOutcome {
  const snoozed = new Set(assessment.snoozed.map((s) => s.match));
  const deciding = assessment.matches
    .filter((m) => m.mode === 'active' && m.decision !== undefined && !snoozed.has(m))
    .map((m) => ({ rule_id: m.ruleId, decision: m.decision!, text: m.reason }))
    .sort((a, b) => STRENGTH[b.decision] - STRENGTH[a.decision]);
  return { decision: deciding[0]?.decision ?? 'approve', score: assessment.state.scores.fraud, reasons: deciding };
}
