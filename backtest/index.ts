// Backtests: the risk pipeline over stored or simulated history, in memory.
export { replayHistory, type ReplayContext, type ReplayOutcome } from './replay.js';
export { defaultRuleSet, replayContext } from './defaultContext.js';
