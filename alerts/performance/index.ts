// Rule performance from officers' dispositions (alerts/README.md, "Rule performance").
export {
  alertOutcome, nearestRank, periodStart, rulePerformance, wilsonInterval, PERFORMANCE_BUCKETS,
  type AlertOutcome, type ArchivedAlert, type ArchivedTransition, type Interval, type PerformanceBucket, type PerformanceFigures,
  type PerformanceRange, type PeriodFigures, type RulePerformance,
} from './rulePerformance.js';
export { rulePerformanceRoutes, PerformanceRangeTooLargeError, type RulePerformanceRouteDeps } from './routes.js';
export { rulePerformanceQuerySchema, rulePerformanceResponseSchema, MAX_RANGE_DAYS, type RulePerformanceResponse } from './schema.js';
export { RulePerformanceGauges, windowFigures, PERFORMANCE_WINDOWS, type RuleWindowFigures, type RulePerformanceGaugesOptions } from './gauges.js';
