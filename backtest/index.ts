// Backtests: the risk pipeline over stored or simulated history, in memory (backtest/README.md).
export { HistoryReplay, replayHistory, type ReplayContext, type ReplayOutcome, type ReplayStep } from './replay.js';
export { defaultRuleSet, replayContext, ruleSetFromFile, RuleSetFileError } from './defaultContext.js';
export { runBacktest, BacktestInterrupted, type BacktestHistory, type BacktestInput, type StoredEventPage, type TimeRange } from './run.js';
export { ClickHouseHistory } from './history.js';
export { ProfileTimeline, profileTimeline, type ProfileHistory } from './profiles.js';
export { AlertSetDigest, LiveComparison, alertLine, digestOf, type LiveAlert } from './liveComparison.js';
export { LabelIndex, verdictOf, LABELLING_DISPOSITIONS, type LabelledAlert, type Verdict } from './labels.js';
export { replayableEvent } from './storedEvents.js';
export { createBacktestService, BacktestNotFoundError, InvalidCandidateError, type BacktestService, type BacktestServiceOptions } from './service.js';
export { backtestRoutes } from './routes.js';
export { formatBacktest, progressLine } from './report.js';
export * from './schema.js';
