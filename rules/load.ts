import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { describeIssues } from '../core/events/index.js';
import { ruleSetSchema, validateRuleSet, type RuleSet } from './schema.js';

/** Where the default pack ships; reading it is the caller's (start-up's) I/O. */
export const DEFAULT_RULE_PACK_URL = new URL('./packs/default.yaml', import.meta.url);

export type RuleSetParseResult = { ok: true; ruleSet: RuleSet } | { ok: false; errors: string[] };

/**
 * Parses and fully validates a rule pack. Every problem is reported at once, each naming where it
 * is ("rules.2.condition.all.0.op: ..."), so an analyst fixes a pack in one pass. Nothing partial
 * is returned: a pack with one bad rule is rejected whole rather than run without that rule.
 */
export function parseRuleSet(text: string, format: 'yaml' | 'json', knownFeatures: readonly string[]): RuleSetParseResult {
  const document = parseDocument(text, format);
  if (!document.ok) return document;
  const parsed = ruleSetSchema.safeParse(document.value);
  if (!parsed.success) return { ok: false, errors: parsed.error.issues.map((issue) => describeIssue(issue, document.value)) };
  const errors = validateRuleSet(parsed.data, knownFeatures);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, ruleSet: parsed.data };
}

function parseDocument(text: string, format: 'yaml' | 'json'): { ok: true; value: unknown } | { ok: false; errors: string[] } {
  try {
    // uniqueKeys: a key written twice is an error, not "the last one wins".
    const value: unknown = format === 'json' ? JSON.parse(text) : parseYaml(text, { uniqueKeys: true, prettyErrors: true });
    return { ok: true, value };
  } catch (error) {
    if (error instanceof YAMLParseError || error instanceof SyntaxError) {
      return { ok: false, errors: [`${format.toUpperCase()} syntax: ${error.message.trimEnd()}`] };
    }
    throw error;
  }
}

/** One schema issue, its path naming the rule id too: "rules.2 (card-testing).condition.op: ...". */
function describeIssue(issue: z.core.$ZodIssue, document: unknown): string {
  const missing = issue.code === 'invalid_type' && issue.message.endsWith('received undefined');
  const text = missing ? `${issue.path.map(String).join('.')}: required (${issue.expected})` : (describeIssues([issue])[0] ?? issue.message);
  const [root, index] = issue.path;
  if (root !== 'rules' || typeof index !== 'number') return text;
  const rules = (document as { rules?: unknown }).rules;
  const id = Array.isArray(rules) ? (rules[index] as { id?: unknown } | undefined)?.id : undefined;
  return typeof id === 'string' ? text.replace(`rules.${index}`, `rules.${index} (${id})`) : text;
}
