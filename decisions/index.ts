export { InlineDecider, type DecisionAnswer, type InlineDecisionSettings } from './inlineDecider.js';
export { decideInline, INLINE_DECISIONS, type InlineDecision, type InlineOutcome } from './policy.js';
export { decisionRoutes } from './routes.js';
