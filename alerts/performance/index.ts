// Rule performance from officers' dispositions (alerts/README.md, "Rule performance").
export {
  alertOutcome, nearestRank, periodStart, rulePerformance, wilsonInterval, PERFORMANCE_BUCKETS,
  type AlertOutcome, type ArchivedAlert, type ArchivedTransition, type Interval, type PerformanceBucket, type PerformanceFigures,
  type PerformanceRange, type PeriodFigures, type RulePerformance,
} from './rulePerformance.js';
