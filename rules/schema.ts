import { z } from 'zod';
import { plainText } from '../core/plainText.js';
import { TRIGGER_TYPES } from '../core/events/index.js';
import { comparisonsOf, conditionSchema } from './condition.js';
import { durationTextSchema } from './duration.js';
import { featureName, fieldPathProblem, modelName } from './fields.js';
import { placeholdersOf } from './reasonTemplate.js';
import { didYouMean } from './suggest.js';

// The one definition of a rule pack. Packs are authored in YAML or JSON by risk analysts and
// reviewed like code: every key is checked, unknown keys are errors, and `validateRuleSet` then
// checks what the schema cannot know (feature names, template placeholders, duplicate ids).

// Same vocabularies as alerts/schema.ts: a rule names the alert it feeds.
export const ALERT_TYPES = ['fraud', 'churn', 'credit', 'complaint_sla'] as const;
export type AlertType = (typeof ALERT_TYPES)[number];
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];
/** Shadow rules are evaluated and counted but raise nothing and add nothing to scores: a trial run on live traffic. */
/**
 * What a rule may make of a payment asked about in-line (POST /v1/decisions), mildest first:
 * `review` (let it through, look at it soon), `challenge` (ask the customer to confirm, e.g. a
 * one-time code), `decline`. A rule without one raises its alert but never holds a payment up.
 */
export const RULE_DECISIONS = ['review', 'challenge', 'decline'] as const;
export type RuleDecision = (typeof RULE_DECISIONS)[number];

export const RULE_MODES = ['active', 'shadow'] as const;
export type RuleMode = (typeof RULE_MODES)[number];

const slug = z
  .string()
  .max(64)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'a slug: lowercase letters, digits and single hyphens, e.g. "card-testing"');

export const ruleSchema = z.strictObject({
  id: slug.describe('stable id: alerts, suppression and metrics refer to it'),
  name: plainText({ min: 1, max: 120 }),
  description: plainText({ min: 1, max: 2000, multiline: true }).describe('the typology and why these thresholds'),
  alert_type: z.enum(ALERT_TYPES),
  severity: z.enum(SEVERITIES),
  weight: z.number().min(0).max(1).describe("contribution to the customer's score of this alert type"),
  mode: z.enum(RULE_MODES),
  suppress_for: durationTextSchema.describe('after raising, the same rule stays quiet for this customer this long'),
  decision: z.enum(RULE_DECISIONS).optional()
    .describe('in-line decisions (POST /v1/decisions): what this rule may do to a payment; absent, it only alerts'),
  when: z
    .strictObject({ event_types: z.array(z.enum(TRIGGER_TYPES)).min(1).optional() })
    .optional()
    .describe('which events the rule looks at; all events when absent'),
  condition: conditionSchema,
  reason: plainText({ min: 1, max: 500, multiline: true })
    .optional()
    .describe('officer-facing sentence with {field} and {threshold} placeholders; built from the comparisons when absent'),
});
export type Rule = z.output<typeof ruleSchema>;
export type RuleInput = z.input<typeof ruleSchema>;

export const ruleSetSchema = z.strictObject({
  version: z.string().min(1).max(64).describe('quoted in YAML ("2026.1"), recorded on every alert'),
  rules: z.array(ruleSchema),
});
export type RuleSet = z.output<typeof ruleSetSchema>;
export type RuleSetInput = z.input<typeof ruleSetSchema>;

/**
 * What a schema-valid rule set still gets wrong: features the engine does not compute, models it
 * has not loaded, reason placeholders that name nothing, duplicate rule ids. Empty when the set can
 * be loaded.
 */
export function validateRuleSet(ruleSet: RuleSet, knownFeatures: readonly string[], knownModels: readonly string[] = []): string[] {
  const known = new Set(knownFeatures);
  const models = new Set(knownModels);
  const errors: string[] = [];
  const seen = new Set<string>();
  ruleSet.rules.forEach((rule, index) => {
    const where = `rules.${index} (${rule.id})`;
    if (seen.has(rule.id)) errors.push(`${where}.id: duplicate rule id "${rule.id}"`);
    seen.add(rule.id);
    const fields = new Set<string>();
    for (const { comparison, path } of comparisonsOf(rule.condition)) {
      fields.add(comparison.field);
      const problem = unknownFeature(comparison.field, known) ?? unknownModel(comparison.field, models);
      if (problem) errors.push(`${where}.${path}.field: ${problem}`);
    }
    if (rule.reason !== undefined) errors.push(...templateProblems(rule.reason, fields, known, models).map((p) => `${where}.reason: ${p}`));
  });
  return errors;
}

/**
 * Why this rule set would do nothing (no active rule: none at all, or every rule in shadow), or
 * undefined when at least one rule can raise alerts. Such a set is refused, published or started as
 * a challenger, unless the caller says explicitly that it is intended; `consequence` says what it
 * would do there.
 */
export function noLiveRuleProblem(ruleSet: RuleSet, consequence = 'publishing it would switch off all detection (no alerts, no scores)'): string | undefined {
  if (ruleSet.rules.some((rule) => rule.mode === 'active')) return undefined;
  const what = ruleSet.rules.length === 0 ? 'has no rules' : `has only shadow rules (${ruleSet.rules.length})`;
  return `rule set ${ruleSet.version} ${what}: ${consequence}`;
}

function unknownFeature(path: string, known: ReadonlySet<string>): string | undefined {
  const name = featureName(path);
  if (name === undefined || known.has(name)) return undefined;
  return `unknown feature "${name}"${didYouMean(name, known)}`;
}

/**
 * A rule on a model without a live version would never fire (the field is always absent): refused,
 * so nobody publishes a rule that silently does nothing.
 */
function unknownModel(path: string, loaded: ReadonlySet<string>): string | undefined {
  const name = modelName(path);
  if (name === undefined || loaded.has(name)) return undefined;
  const which = loaded.size === 0
    ? 'no model has one (publish a version through /v1/models and promote it, or start with VIGIL_MODEL_FILES)'
    : `the models with a live version are ${[...loaded].join(', ')}`;
  return `"${path}" names model "${name}", which has no live version: ${which}`;
}

function templateProblems(template: string, conditionFields: ReadonlySet<string>, known: ReadonlySet<string>, models: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  for (const placeholder of placeholdersOf(template)) {
    if (placeholder.kind === 'threshold') {
      if (conditionFields.size === 0) problems.push('{threshold} needs a comparison in the condition');
      if (placeholder.field !== undefined && !conditionFields.has(placeholder.field)) {
        problems.push(`{${placeholder.text}}: the condition compares no "${placeholder.field}"`);
      }
      continue;
    }
    const problem = fieldPathProblem(placeholder.field) ?? unknownFeature(placeholder.field, known) ?? unknownModel(placeholder.field, models);
    if (problem) problems.push(`{${placeholder.text}}: ${problem}`);
  }
  return problems;
}
