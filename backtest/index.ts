// Backtests: the risk pipeline over stored or simulated history, in memory.
export { HistoryReplay, replayHistory, type ReplayContext, type ReplayOutcome, type ReplayStep } from './replay.js';
export { defaultRuleSet, replayContext } from './defaultContext.js';
