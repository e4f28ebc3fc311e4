import type { RiskEvent } from '../core/events/index.js';
import type { FeatureVector } from '../features/index.js';
import { comparisonsOf, evaluateRules, modelName, type ModelOutput, type RuleContext, type RuleSet } from '../rules/index.js';
import type { ScoringModel } from './scoringModel.js';

// A candidate version of a live model, tried on live traffic before it replaces the live one
// (VIGIL_SHADOW_MODEL_FILES): it scores the same events, and the rules that read the live model
// are evaluated again with the candidate's score in its place. Nothing of it reaches alerts,
// scores or decisions; what it would have fired is counted beside what the live version fired.

export interface ShadowOutcome {
  model: string;
  /** The shadow version's id (its file's SHA-256), as the registry and the metrics name it. */
  version: string;
  score: number;
  /** Rules on `model.<name>` that would fire (active or shadow) with the candidate's score. */
  wouldFire: string[];
}

/** The rules of a set that read each model, worked out once per set. */
const rulesByModel = new WeakMap<RuleSet, Map<string, RuleSet>>();

function rulesReading(ruleSet: RuleSet, model: string): RuleSet | undefined {
  let byModel = rulesByModel.get(ruleSet);
  if (!byModel) {
    byModel = new Map();
    for (const rule of ruleSet.rules) {
      for (const name of new Set(comparisonsOf(rule.condition).map((c) => modelName(c.comparison.field)).filter((n) => n !== undefined))) {
        const subset = byModel.get(name) ?? { version: ruleSet.version, rules: [] };
        subset.rules.push(rule);
        byModel.set(name, subset);
      }
    }
    rulesByModel.set(ruleSet, byModel);
  }
  return byModel.get(model);
}

/**
 * Each shadow model's score for this event and the rules that would fire with it, given the
 * context the live rules were evaluated in. Pure; empty when no shadow model scores the event.
 */
export function shadowOutcomes(
  shadows: readonly ScoringModel[], ruleSet: RuleSet, ctx: RuleContext & { event: RiskEvent; features: FeatureVector },
): ShadowOutcome[] {
  const outcomes: ShadowOutcome[] = [];
  for (const shadow of shadows) {
    if (!shadow.scores(ctx.event)) continue;
    const output: ModelOutput = shadow.output(ctx.features);
    const rules = rulesReading(ruleSet, shadow.name);
    const wouldFire = rules ? evaluateRules(rules, { ...ctx, models: { ...ctx.models, [shadow.name]: output } }).map((m) => m.ruleId) : [];
    outcomes.push({ model: shadow.name, version: shadow.versionId, score: output.score, wouldFire });
  }
  return outcomes;
}

/**
 * Why a set of shadow models cannot be run beside the live ones, or undefined: each must be a
 * candidate for a live model of the same name (rules bind to the name) with another version.
 */
export function shadowModelProblem(live: readonly ScoringModel[], shadows: readonly ScoringModel[]): string | undefined {
  for (const shadow of shadows) {
    const current = live.find((m) => m.name === shadow.name);
    if (!current) return `shadow model ${shadow.name} ${shadow.version} has no live model of that name to be compared with (VIGIL_MODEL_FILES)`;
    if (current.version === shadow.version) return `shadow model ${shadow.name} has the live version ${shadow.version}: give the candidate a version of its own`;
  }
  const names = shadows.map((s) => s.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  return twice ? `two shadow versions of model ${twice}: try one candidate at a time` : undefined;
}
