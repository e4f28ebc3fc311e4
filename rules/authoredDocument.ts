import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { describeIssues } from '../core/events/index.js';

// Rule packs and campaign files are documents people write in YAML or JSON and fix from our
// messages; both read them and report their problems the same way.

export type DocumentParseResult = { ok: true; value: unknown } | { ok: false; errors: string[] };

/** YAML or JSON text as a plain value, or its syntax error in words. */
export function parseAuthoredDocument(text: string, format: 'yaml' | 'json'): DocumentParseResult {
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

/**
 * One schema issue in words, its path naming the item's id too when it lies in the document's list
 * (`listKey`): "rules.2 (card-testing).condition.op: ..." rather than "rules.2.condition.op: ...".
 */
export function describeDocumentIssue(issue: z.core.$ZodIssue, document: unknown, listKey: string): string {
  const missing = issue.code === 'invalid_type' && issue.message.endsWith('received undefined');
  const text = missing ? `${issue.path.map(String).join('.')}: required (${issue.expected})` : (describeIssues([issue])[0] ?? issue.message);
  const [root, index] = issue.path;
  if (root !== listKey || typeof index !== 'number') return text;
  const list = (document as Record<string, unknown> | null)?.[listKey];
  const id = Array.isArray(list) ? (list[index] as { id?: unknown } | undefined)?.id : undefined;
  return typeof id === 'string' ? text.replace(`${listKey}.${index}`, `${listKey}.${index} (${id})`) : text;
}
