import { describeDocumentIssue, parseAuthoredDocument } from './authoredDocument.js';
import { ruleSetSchema, validateRuleSet, type RuleSet } from './schema.js';

/** Where the default pack ships; reading it is the caller's (start-up's) I/O. */
export const DEFAULT_RULE_PACK_URL = new URL('./packs/default.yaml', import.meta.url);

export type RuleSetParseResult = { ok: true; ruleSet: RuleSet } | { ok: false; errors: string[] };

/**
 * Parses and fully validates a rule pack. Every problem is reported at once, each naming where it
 * is ("rules.2.condition.all.0.op: ..."), so an analyst fixes a pack in one pass. Nothing partial
 * is returned: a pack with one bad rule is rejected whole rather than run without that rule.
 */
export function parseRuleSet(text: string, format: 'yaml' | 'json', knownFeatures: readonly string[], knownModels: readonly string[] = []): RuleSetParseResult {
  const document = parseAuthoredDocument(text, format);
  if (!document.ok) return document;
  const parsed = ruleSetSchema.safeParse(document.value);
  if (!parsed.success) return { ok: false, errors: parsed.error.issues.map((issue) => describeDocumentIssue(issue, document.value, 'rules', '(rule set)')) };
  const errors = validateRuleSet(parsed.data, knownFeatures, knownModels);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, ruleSet: parsed.data };
}
