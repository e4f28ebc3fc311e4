import type { ListHit } from '../lists/membership.js';
import { LIST_OPS, type Comparison, type Condition } from './condition.js';
import { exactEventAmount, fieldReader, type RuleContext } from './fields.js';
import { comparator, compareAmount } from './operators.js';
import type { Rule, RuleSet } from './schema.js';

// Rules are compiled once per rule set into plain tests. Nearly every rule fails on nearly every
// event, and deciding each through the interpreter, collecting the comparisons that decided it
// (which only a rule that fires needs, to explain itself), was the largest cost of assessing an
// event. A loaded rule set is never changed (a new version is a new object), so it keys its
// compiled form; were its rule list replaced, the set is compiled again.

/** Whether a condition holds: what `decide(condition, ctx).holds` answers, without the explanation. */
type ConditionTest = (ctx: RuleContext) => boolean;

export interface CompiledRule {
  rule: Rule;
  holds: ConditionTest;
}

interface CompiledRuleSet {
  rules: readonly Rule[];
  compiled: readonly CompiledRule[];
  /** The rules that look at each event type, in rule-set order; filled as types are met. */
  byEventType: Map<string, readonly CompiledRule[]>;
}

const compiledRuleSets = new WeakMap<RuleSet, CompiledRuleSet>();

function compiled(ruleSet: RuleSet): CompiledRuleSet {
  const cached = compiledRuleSets.get(ruleSet);
  if (cached && cached.rules === ruleSet.rules) return cached;
  const compiled: CompiledRuleSet = {
    rules: ruleSet.rules,
    compiled: ruleSet.rules.map((rule) => ({ rule, holds: compileCondition(rule.condition) })),
    byEventType: new Map(),
  };
  compiledRuleSets.set(ruleSet, compiled);
  return compiled;
}

/** The rules of the set that look at this event type, compiled, in rule-set order. */
export function compiledRulesFor(ruleSet: RuleSet, eventType: string): readonly CompiledRule[] {
  const set = compiled(ruleSet);
  let rules = set.byEventType.get(eventType);
  if (rules === undefined) {
    rules = set.compiled.filter(({ rule }) => appliesTo(rule, eventType));
    set.byEventType.set(eventType, rules);
  }
  return rules;
}

function appliesTo(rule: Rule, eventType: string): boolean {
  const types = rule.when?.event_types;
  return types === undefined || (types as readonly string[]).includes(eventType);
}

/**
 * The test of a condition, as `decide` would answer it. Branches may short-circuit here: the leaves
 * are pure, so skipping one changes no answer, only the explanation, which `decide` still writes.
 */
function compileCondition(condition: Condition): ConditionTest {
  if ('all' in condition) {
    const children = condition.all.map(compileCondition);
    return (ctx) => {
      for (const holds of children) if (!holds(ctx)) return false;
      return true;
    };
  }
  if ('any' in condition) {
    const children = condition.any.map(compileCondition);
    return (ctx) => {
      for (const holds of children) if (holds(ctx)) return true;
      return false;
    };
  }
  if ('not' in condition) {
    const inner = compileCondition(condition.not);
    return (ctx) => !inner(ctx);
  }
  const read = fieldReader(condition.field);
  if (LIST_OPS.has(condition.op)) return (ctx) => membershipHolds(condition, read(ctx), ctx);
  const test = comparator(condition);
  if (condition.field !== 'event.amount') return (ctx) => test(read(ctx));
  return (ctx) => {
    const exact = exactEventAmount(ctx.event);
    return exact ? compareAmount(condition, exact) : test(read(ctx));
  };
}

/** Whether `in_list` / `not_in_list` holds: an absent value makes both false (evaluate.ts). */
function membershipHolds(condition: Comparison, actual: unknown, ctx: RuleContext): boolean {
  if (actual === undefined || actual === null) return false;
  const hit = listHit(condition, actual, ctx);
  return condition.op === 'in_list' ? hit !== undefined : hit === undefined;
}

export function listHit(condition: Comparison, actual: unknown, ctx: RuleContext): ListHit | undefined {
  return typeof actual === 'string' && typeof condition.value === 'string' ? ctx.lists?.find(condition.value, actual) : undefined;
}
