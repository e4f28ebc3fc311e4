import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { VigilConfig } from '../config/index.js';
import { DEFAULT_SEGMENTATION_CONFIG } from '../customers/index.js';
import { DEFAULT_FEATURE_CONFIG } from '../features/index.js';
import type { ScoringModel } from '../models/index.js';
import { DEFAULT_RULE_PACK_URL, KNOWN_FEATURES, parseRuleSet, type RuleSet } from '../rules/index.js';
import type { ReplayContext } from './replay.js';

export class RuleSetFileError extends Error {
  override readonly name = 'RuleSetFileError';
}

/** The default rule pack as shipped, parsed as publication would. */
export function defaultRuleSet(): RuleSet {
  return ruleSetFromFile(fileURLToPath(DEFAULT_RULE_PACK_URL));
}

/**
 * A rule set file (.yaml/.yml or .json) parsed as publication would, against these models: a set
 * naming a model that is not given is refused here as it would be at publication.
 */
export function ruleSetFromFile(path: string, models: readonly ScoringModel[] = []): RuleSet {
  const format = /\.json$/i.test(path) ? 'json' : 'yaml';
  const parsed = parseRuleSet(readFileSync(path, 'utf8'), format, KNOWN_FEATURES, models.map((model) => model.name));
  if (!parsed.ok) throw new RuleSetFileError(`${path} is not a rule set Vigil would publish: ${parsed.errors.join('; ')}`);
  return parsed.ruleSet;
}

/** The context a worker assesses with, from the engine's risk settings (server/engine.ts builds the same). */
export function replayContext(risk: VigilConfig['risk'], ruleSet: RuleSet = defaultRuleSet(), models: readonly ScoringModel[] = []): ReplayContext {
  return {
    ruleSet,
    featureConfig: { ...DEFAULT_FEATURE_CONFIG, allowedLatenessMs: risk.allowedLatenessMs },
    segmentation: DEFAULT_SEGMENTATION_CONFIG,
    complaintSlaHours: { default: risk.complaintSlaHours, privacy: risk.privacyComplaintSlaHours },
    ...(models.length > 0 ? { models } : {}),
  };
}
