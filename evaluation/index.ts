// Detection quality of the engine on labelled synthetic streams: replay, score, report.
export { evaluate, evaluateInMemory, inlineDecisionsInMemory, alertRecord, scoreAlerts, type EvaluateInput, type EvaluationResult } from './evaluate.js';
export { summariseInlineDecisions, DECIDED_EVENT_TYPES, type InlineDecisionRecord, type InlineDecisionReport } from './inlineDecisions.js';
export {
  evaluateDetection, detectionWindow, quantile, wilsonInterval, FRAUD_DETECTION_WINDOW_MS, TYPOLOGY_RULES,
  type AlertRecord, type ChurnPatternResult, type CustomerShare, type DetectionInput, type DetectionReport,
  type FraudTypologyResult, type RuleResult, type TypologyResult,
} from './metrics.js';
export { noiseImpact, type NoiseImpact } from './noiseImpact.js';
export { replayThroughEngine, ReplayError, type ReplayConfig, type ReplayProgress, type ReplayResult } from './replay.js';
export { formatReport, table } from './report.js';
export { loadLabelledStream, saveLabelledStream, StreamFileError, EVENTS_FILE, LABELS_FILE } from './streamFiles.js';
export { obtainLabelledHistory, type HistorySource, type LabelledHistory, type SimulatedBank } from './labelledHistory.js';
