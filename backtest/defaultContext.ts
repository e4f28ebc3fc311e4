import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { VigilConfig } from '../config/index.js';
import { DEFAULT_SEGMENTATION_CONFIG } from '../customers/index.js';
import { DEFAULT_FEATURE_CONFIG } from '../features/index.js';
import { DEFAULT_RULE_PACK_URL, KNOWN_FEATURES, parseRuleSet, type RuleSet } from '../rules/index.js';
import type { ReplayContext } from './replay.js';

/** The default rule pack as shipped, parsed as publication would. */
export function defaultRuleSet(): RuleSet {
  const parsed = parseRuleSet(readFileSync(fileURLToPath(DEFAULT_RULE_PACK_URL), 'utf8'), 'yaml', KNOWN_FEATURES);
  if (!parsed.ok) throw new Error(`the default rule pack does not parse: ${parsed.errors.join('; ')}`);
  return parsed.ruleSet;
}

/** The context a worker assesses with, from the engine's risk settings (server/engine.ts builds the same). */
export function replayContext(risk: VigilConfig['risk'], ruleSet: RuleSet = defaultRuleSet()): ReplayContext {
  return {
    ruleSet,
    featureConfig: { ...DEFAULT_FEATURE_CONFIG, allowedLatenessMs: risk.allowedLatenessMs },
    segmentation: DEFAULT_SEGMENTATION_CONFIG,
    complaintSlaHours: { default: risk.complaintSlaHours, privacy: risk.privacyComplaintSlaHours },
  };
}
