import type { ListHit } from '../lists/membership.js';
import { comparisonsOf, LIST_OPS, type Comparison, type Condition } from './condition.js';
import { parseDuration } from './duration.js';
import { explainComparison, formatActual, formatThreshold, type ComparisonReason } from './explain.js';
import { featureSaysNothing } from './featureText.js';
import { compiledRulesFor, listHit } from './compiledRules.js';
import { exactEventAmount, resolveField, type RuleContext } from './fields.js';
import { compare, compareAmount } from './operators.js';
import { fillTemplate, type Placeholder } from './reasonTemplate.js';
import type { AlertType, Rule, RuleDecision, RuleMode, RuleSet, Severity } from './schema.js';

/** One rule that fired on one event, with everything an alert needs to explain itself. */
export interface RuleMatch {
  ruleId: string;
  ruleName: string;
  alertType: AlertType;
  severity: Severity;
  weight: number;
  mode: RuleMode;
  /** What the rule may do to a payment asked about in-line; undefined: it only alerts. */
  decision?: RuleDecision;
  suppressFor: string;
  suppressForMs: number;
  /** The officer-facing sentence: the rule's template filled in, or the comparisons' texts joined. */
  reason: string;
  /** Every comparison that made the rule fire; under a `not`, the ones that did not hold. */
  reasons: ComparisonReason[];
}

/** A comparison that decided an outcome; its words are written only if the rule fires. */
interface Decided {
  comparison: Comparison;
  actual: unknown;
  held: boolean;
  /** For list comparisons: the entry the value was found as. */
  hit?: ListHit | undefined;
}

/** The outcome of a (sub)condition and the comparisons that decided it. */
interface Outcome {
  holds: boolean;
  because: Decided[];
}

/**
 * Every rule of the set that fires on this event, shadow rules included (callers count them but
 * raise nothing). Pure: the same context always gives the same matches, in rule-set order.
 */
export function evaluateRules(ruleSet: RuleSet, ctx: RuleContext): RuleMatch[] {
  const matches: RuleMatch[] = [];
  for (const { rule, holds } of compiledRulesFor(ruleSet, ctx.event.type)) {
    if (!holds(ctx)) continue;
    // Only a rule that fires is decided again in full, for the comparisons that explain it.
    const outcome = decide(rule.condition, ctx);
    matches.push(toMatch(rule, explain(outcome.because, ctx), ctx));
  }
  return matches;
}

/**
 * Evaluates every branch (no short-circuit) so the explanation is complete: an `any` reports all
 * the branches that held, not just the first. `not` swaps what held and what failed, so its
 * explanation is the comparisons that did not hold ("no counterparty bank").
 */
export function evaluateCondition(condition: Condition, ctx: RuleContext): { holds: boolean; because: ComparisonReason[] } {
  const outcome = decide(condition, ctx);
  return { holds: outcome.holds, because: explain(outcome.because, ctx) };
}

// Explanations are worded only for rules that fire: formatting every comparison of every rule
// for every event cost more than the whole evaluation.
function explain(decided: readonly Decided[], ctx: RuleContext): ComparisonReason[] {
  const telling = decided.filter((d) => !isUnusedListCheck(d) && !featureSaysNothing(d.comparison.field, d.actual, ctx.event.type));
  return (telling.length > 0 ? telling : decided).map((d) => explainComparison(d.comparison, d.actual, d.held, ctx, d.hit));
}

/**
 * A list comparison that found nothing ("payee not on trusted-payees", under a `not` or as
 * `not_in_list`) is true of nearly every event: it says why the rule was not silenced, not why it
 * fired, so it is left out of the explanation while other reasons remain.
 */
function isUnusedListCheck(d: Decided): boolean {
  return LIST_OPS.has(d.comparison.op) && d.hit === undefined;
}

function decide(condition: Condition, ctx: RuleContext): Outcome {
  if ('all' in condition) {
    const outcomes = condition.all.map((child) => decide(child, ctx));
    const holds = outcomes.every((o) => o.holds);
    return { holds, because: outcomes.filter((o) => o.holds === holds).flatMap((o) => o.because) };
  }
  if ('any' in condition) {
    const outcomes = condition.any.map((child) => decide(child, ctx));
    const holds = outcomes.some((o) => o.holds);
    return { holds, because: outcomes.filter((o) => o.holds === holds).flatMap((o) => o.because) };
  }
  if ('not' in condition) {
    const inner = decide(condition.not, ctx);
    return { holds: !inner.holds, because: inner.because };
  }
  const actual = resolveField(condition.field, ctx);
  if (LIST_OPS.has(condition.op)) return decideMembership(condition, actual, ctx);
  const exact = condition.field === 'event.amount' ? exactEventAmount(ctx.event) : undefined;
  const holds = exact ? compareAmount(condition, exact) : compare(condition, actual);
  return { holds, because: [{ comparison: condition, actual, held: holds }] };
}

/**
 * `in_list` holds when the value is on the list now (not expired); `not_in_list` when there is a
 * value and it is not. Like every op, an absent value makes both false: "no device" is not "a
 * device that is not on the allow list".
 */
function decideMembership(condition: Comparison, actual: unknown, ctx: RuleContext): Outcome {
  if (actual === undefined || actual === null) return { holds: false, because: [{ comparison: condition, actual, held: false }] };
  const hit = listHit(condition, actual, ctx);
  const holds = condition.op === 'in_list' ? hit !== undefined : hit === undefined;
  return { holds, because: [{ comparison: condition, actual, held: holds, hit }] };
}

function toMatch(rule: Rule, reasons: ComparisonReason[], ctx: RuleContext): RuleMatch {
  return {
    ruleId: rule.id,
    ruleName: rule.name,
    alertType: rule.alert_type,
    severity: rule.severity,
    weight: rule.weight,
    mode: rule.mode,
    ...(rule.decision ? { decision: rule.decision } : {}),
    suppressFor: rule.suppress_for,
    // Validated at load; 0 only for a rule built in code with a bad duration, which then never suppresses.
    suppressForMs: parseDuration(rule.suppress_for) ?? 0,
    reason: rule.reason === undefined ? reasons.map((r) => r.text).join('; ') : renderReason(rule.reason, rule, reasons, ctx),
    reasons,
  };
}

function renderReason(template: string, rule: Rule, reasons: readonly ComparisonReason[], ctx: RuleContext): string {
  const comparisons = comparisonsOf(rule.condition).map((c) => c.comparison);
  return fillTemplate(template, (placeholder: Placeholder) => {
    if (placeholder.kind === 'field') return formatActual(placeholder.field, resolveField(placeholder.field, ctx), ctx);
    const comparison = thresholdComparison(placeholder.field, reasons, comparisons);
    return comparison ? formatThreshold(comparison, ctx) : 'unknown';
  });
}

/** `{threshold}` is the first fired comparison's; `{threshold:field}` the one on that field. */
function thresholdComparison(field: string | undefined, fired: readonly ComparisonReason[], all: readonly Comparison[]): Comparison | undefined {
  const reason = field === undefined ? fired[0] : fired.find((r) => r.field === field);
  if (reason) return { field: reason.field, op: reason.op, value: reason.threshold };
  return field === undefined ? all[0] : all.find((c) => c.field === field);
}
