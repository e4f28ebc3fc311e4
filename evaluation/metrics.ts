import type { Severity } from '../alerts/index.js';
import {
  CHURN_PATTERNS, CREDIT_PATTERNS, FRAUD_TYPOLOGIES, kindOfTypology, type ChurnPattern, type CreditPattern, type FraudTypology, type Label,
} from '../simulator/scenarios/index.js';

// Detection quality from labels and alerts, as plain data in and out. Alert times are EVENT times
// (the triggering event's occurred_at), never the wall clock of the replay.

export interface AlertRecord {
  customerId: string;
  /** fraud, churn, complaint_sla … */
  type: string;
  ruleIds: readonly string[];
  /** occurred_at of the triggering event, ms. */
  atMs: number;
  /** low alerts are advisory: out of the officer's queue, so the evaluation scores them apart. */
  severity: Severity;
}

/** The rules of the default pack meant for each typology; their alerts make that typology's precision. */
type Typology = FraudTypology | ChurnPattern | CreditPattern;

export const TYPOLOGY_RULES: Readonly<Record<Typology, readonly string[]>> = {
  'card-testing': ['card-testing'],
  'account-takeover': ['account-takeover'],
  'velocity-burst': ['velocity-burst'],
  'impossible-travel': ['impossible-travel'],
  'money-mule': ['money-mule'],
  'unusual-amount': ['unusual-amount', 'large-first-payment'],
  'dormant-account': ['dormant-account-reactivated'],
  'activity-decline': ['activity-decline'],
  'salary-stopped': ['salary-stopped'],
  'outflows-to-other-banks': ['outflows-to-other-banks'],
  'complaints-then-closure': ['repeated-complaints', 'product-closed'],
  'app-sessions-fading': ['app-sessions-fading'],
  'arrears-spiral': ['arrears-30-days', 'income-loss-with-arrears', 'returned-direct-debits', 'repeated-missed-repayments', 'credit-line-maxing'],
  'card-maxing': ['credit-line-maxing', 'borrowing-to-live'],
  'missed-repayments': ['repeated-missed-repayments', 'arrears-30-days'],
  'payday-loans': ['borrowing-recycled'],
};

/** A fraud alert counts for a victim if it comes at or after the first bad event and within a week. */
export const FRAUD_DETECTION_WINDOW_MS = 7 * 86_400_000;
/** A credit warning counts if it comes within 90 days of the first sign: before the account is written off, in time to agree a plan. */
export const CREDIT_DETECTION_WINDOW_MS = 90 * 86_400_000;

export interface DetectionInput {
  labels: readonly Label[];
  alerts: readonly AlertRecord[];
  /** Every customer in the stream; those without a label are genuine. */
  customers: readonly string[];
  /** Alerts triggered before this are left out: the engine was still learning what normal is. */
  measureFromMs: number;
}

export interface TypologyResult {
  typology: Typology;
  customers: number;
  detected: number;
  recall: number | null;
  /** Wilson 95% interval: with a handful of customers per typology, the point estimate alone misleads. */
  recallInterval: readonly [number, number] | null;
  /** Detected by the typology's own rule(s), not only by some other rule. */
  detectedByOwnRules: number;
  /** Alerts carrying the typology's rules, and how many of those were on its customers in time. */
  ruleAlerts: number;
  ruleAlertsOnTypology: number;
  precision: number | null;
}

export interface FraudTypologyResult extends TypologyResult {
  minutesToAlert: { median: number; p90: number } | null;
}

export interface ChurnPatternResult extends TypologyResult {
  /** left_at − first churn alert, days: median and the pessimistic 10th percentile. */
  leadDays: { median: number; p10: number } | null;
}

export interface CreditPatternResult extends TypologyResult {
  /** First credit alert − first sign of trouble, days. */
  daysToAlert: { median: number; p90: number } | null;
}

export interface RuleResult {
  ruleId: string;
  alerts: number;
  onIntended: number;
  onOtherLabelled: number;
  onGenuine: number;
}

export interface CustomerShare {
  alerted: number;
  of: number;
  share: number | null;
}

export interface DetectionReport {
  fraud: FraudTypologyResult[];
  churn: ChurnPatternResult[];
  credit: CreditPatternResult[];
  rules: RuleResult[];
  genuineCustomers: number;
  genuineFraudAlerted: CustomerShare;
  genuineChurnAlerted: CustomerShare;
  /** Customers without a credit label given a credit alert (fraud victims and churners count as genuine for credit). */
  genuineCreditAlerted: CustomerShare;
  /** Of the customers with a fraud alert, the share labelled fraud; likewise churn and credit. */
  fraudPrecision: CustomerShare;
  churnPrecision: CustomerShare;
  creditPrecision: CustomerShare;
  alertsBeforeMeasurement: number;
}

export function evaluateDetection(input: DetectionInput): DetectionReport {
  const measured = input.alerts.filter((alert) => alert.atMs >= input.measureFromMs);
  const labelsByCustomer = groupBy(input.labels, (label) => label.customer_id);
  const alertsByCustomer = groupBy(measured, (alert) => alert.customerId);
  const genuine = input.customers.filter((customer) => !labelsByCustomer.has(customer));
  const alertedWith = (type: string) => new Set(measured.filter((alert) => alert.type === type).map((alert) => alert.customerId));
  const fraudAlerted = alertedWith('fraud');
  const churnAlerted = alertedWith('churn');
  const creditAlerted = alertedWith('credit');
  const labelledAs = (kind: Label['kind']) => new Set(input.labels.filter((label) => label.kind === kind).map((label) => label.customer_id));
  const creditLabelled = labelledAs('credit');
  const notCredit = input.customers.filter((customer) => !creditLabelled.has(customer));

  const results = [...FRAUD_TYPOLOGIES, ...CHURN_PATTERNS, ...CREDIT_PATTERNS].map((typology) => typologyResult(typology, input.labels, alertsByCustomer, measured));
  return {
    fraud: results.filter((r): r is FraudTypologyResult => kindOfTypology(r.typology) === 'fraud'),
    churn: results.filter((r): r is ChurnPatternResult => kindOfTypology(r.typology) === 'churn'),
    credit: results.filter((r): r is CreditPatternResult => kindOfTypology(r.typology) === 'credit'),
    rules: ruleResults(measured, labelsByCustomer),
    genuineCustomers: genuine.length,
    genuineFraudAlerted: share(genuine.filter((c) => fraudAlerted.has(c)).length, genuine.length),
    genuineChurnAlerted: share(genuine.filter((c) => churnAlerted.has(c)).length, genuine.length),
    fraudPrecision: share([...fraudAlerted].filter((c) => labelledAs('fraud').has(c)).length, fraudAlerted.size),
    churnPrecision: share([...churnAlerted].filter((c) => labelledAs('churn').has(c)).length, churnAlerted.size),
    genuineCreditAlerted: share(notCredit.filter((c) => creditAlerted.has(c)).length, notCredit.length),
    creditPrecision: share([...creditAlerted].filter((c) => creditLabelled.has(c)).length, creditAlerted.size),
    alertsBeforeMeasurement: input.alerts.length - measured.length,
  };
}

/** When a label's customer counts as caught: fraud within a week of the first bad event, churn before leaving. */
export function detectionWindow(label: Label): { fromMs: number; toMs: number } {
  const fromMs = Date.parse(label.first_bad_at);
  if (label.kind === 'fraud') return { fromMs, toMs: fromMs + FRAUD_DETECTION_WINDOW_MS };
  if (label.kind === 'credit') return { fromMs, toMs: fromMs + CREDIT_DETECTION_WINDOW_MS };
  return { fromMs, toMs: label.left_at ? Date.parse(label.left_at) : Number.POSITIVE_INFINITY };
}

function typologyResult(
  typology: Typology, labels: readonly Label[], alertsByCustomer: ReadonlyMap<string, AlertRecord[]>, measured: readonly AlertRecord[],
): FraudTypologyResult | ChurnPatternResult | CreditPatternResult {
  const own = labels.filter((label) => label.typology === typology);
  const kind = kindOfTypology(typology);
  const rules = TYPOLOGY_RULES[typology];
  const carriesRule = (alert: AlertRecord) => alert.ruleIds.some((ruleId) => rules.includes(ruleId));
  const delays: number[] = [];
  let detected = 0;
  let detectedByOwnRules = 0;
  for (const label of own) {
    const inWindow = alertsInWindow(label, alertsByCustomer.get(label.customer_id) ?? [], kind);
    if (inWindow.length === 0) continue;
    detected++;
    if (inWindow.some(carriesRule)) detectedByOwnRules++;
    const firstAlertMs = inWindow[0]!.atMs;
    delays.push(kind === 'fraud' ? (firstAlertMs - Date.parse(label.first_bad_at)) / 60_000
      : kind === 'credit' ? (firstAlertMs - Date.parse(label.first_bad_at)) / 86_400_000
        : (Date.parse(label.left_at!) - firstAlertMs) / 86_400_000);
  }
  const ruleAlerts = measured.filter((alert) => alert.type === kind && carriesRule(alert));
  const onTypology = ruleAlerts.filter((alert) => own.some((label) => label.customer_id === alert.customerId && within(alert.atMs, detectionWindow(label))));
  const base: TypologyResult = {
    typology, customers: own.length, detected,
    recall: own.length === 0 ? null : detected / own.length,
    recallInterval: own.length === 0 ? null : wilsonInterval(detected, own.length),
    detectedByOwnRules,
    ruleAlerts: ruleAlerts.length, ruleAlertsOnTypology: onTypology.length,
    precision: ruleAlerts.length === 0 ? null : onTypology.length / ruleAlerts.length,
  };
  const median90 = delays.length ? { median: quantile(delays, 0.5), p90: quantile(delays, 0.9) } : null;
  if (kind === 'fraud') return { ...base, minutesToAlert: median90 };
  if (kind === 'credit') return { ...base, daysToAlert: median90 };
  return { ...base, leadDays: delays.length ? { median: quantile(delays, 0.5), p10: quantile(delays, 0.1) } : null };
}

/** The customer's alerts of the label's kind inside its detection window, earliest first. */
function alertsInWindow(label: Label, alerts: readonly AlertRecord[], kind: Label['kind']): AlertRecord[] {
  const window = detectionWindow(label);
  return alerts.filter((alert) => alert.type === kind && within(alert.atMs, window)).sort((a, b) => a.atMs - b.atMs);
}

function ruleResults(measured: readonly AlertRecord[], labelsByCustomer: ReadonlyMap<string, Label[]>): RuleResult[] {
  const byRule = new Map<string, RuleResult>();
  for (const alert of measured) {
    if (alert.type === 'complaint_sla') continue;
    const labels = labelsByCustomer.get(alert.customerId) ?? [];
    for (const ruleId of alert.ruleIds) {
      const result = byRule.get(ruleId) ?? { ruleId, alerts: 0, onIntended: 0, onOtherLabelled: 0, onGenuine: 0 };
      result.alerts++;
      const intended = labels.some((label) => intendedRules(label).includes(ruleId) && within(alert.atMs, detectionWindow(label)));
      if (intended) result.onIntended++;
      else if (labels.length > 0) result.onOtherLabelled++;
      else result.onGenuine++;
      byRule.set(ruleId, result);
    }
  }
  return [...byRule.values()].sort((a, b) => a.ruleId.localeCompare(b.ruleId));
}

/** The rules meant for a label's typology; none for a disposition's label, which names no typology. */
function intendedRules(label: Label): readonly string[] {
  return (TYPOLOGY_RULES as Readonly<Partial<Record<string, readonly string[]>>>)[label.typology] ?? [];
}

function within(atMs: number, window: { fromMs: number; toMs: number }): boolean {
  return atMs >= window.fromMs && atMs <= window.toMs;
}

/** Linear interpolation between closest ranks (the usual "type 7" quantile). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new RangeError('quantile of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  return sorted[lower]! + (sorted[upper]! - sorted[lower]!) * (position - lower);
}

/** Wilson score interval at 95%: sensible for small n and for 0 or n successes. */
export function wilsonInterval(successes: number, trials: number): readonly [number, number] {
  if (trials === 0) return [0, 1];
  const z = 1.96;
  const p = successes / trials;
  const denominator = 1 + (z * z) / trials;
  const centre = (p + (z * z) / (2 * trials)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / trials + (z * z) / (4 * trials * trials))) / denominator;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

function share(alerted: number, of: number): CustomerShare {
  return { alerted, of, share: of === 0 ? null : alerted / of };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
