export {
  ruleSchema, ruleSetSchema, validateRuleSet, noLiveRuleProblem, ALERT_TYPES, SEVERITIES, RULE_MODES, RULE_DECISIONS,
  type Rule, type RuleInput, type RuleSet, type RuleSetInput, type AlertType, type Severity, type RuleMode, type RuleDecision,
} from './schema.js';
export { listReferenceProblems, listsNamedBy, type ListCatalogue } from './listReferences.js';
export { conditionSchema, conditionDepthProblem, comparisonsOf, COMPARISON_OPS, LIST_OPS, MAX_CONDITION_DEPTH, type Condition, type Comparison, type ComparisonOp, type ComparisonValue } from './condition.js';
export { resolveField, fieldPathProblem, modelName, EVENT_FIELD_PATHS, type RuleContext, type ModelOutput, type FeatureContribution } from './fields.js';
export { evaluateRules, evaluateCondition, type RuleMatch } from './evaluate.js';
export type { ComparisonReason, ContributionReason } from './explain.js';
export {
  scoreCustomer, noisyOr, decayScore, scoringConfigSchema, DEFAULT_SCORING_CONFIG, SCORED_TYPES, type ScoredType,
  type ScoringConfig, type ScoringConfigInput, type CustomerScores, type PreviousScores,
} from './score.js';
export { shouldRaise } from './suppression.js';
export { parseDuration, durationTextSchema } from './duration.js';
export { parseRuleSet, DEFAULT_RULE_PACK_URL, type RuleSetParseResult } from './load.js';
export { KNOWN_FEATURES } from './knownFeatures.js';
export { didYouMean } from './suggest.js';
export { parseAuthoredDocument, describeDocumentIssue, MAX_YAML_ALIASES, type DocumentParseResult } from './authoredDocument.js';
