import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { describeIssues } from '../core/events/index.js';

// Rule packs and campaign files are documents people write in YAML or JSON and fix from our
// messages; both read them and report their problems the same way.

export type DocumentParseResult = { ok: true; value: unknown } | { ok: false; errors: string[] };

/**
 * Aliases a document may expand. A "billion laughs" document nests aliases of aliases so a few
 * hundred bytes expand to gigabytes; hand-written rule packs and campaigns need a handful at most.
 */
export const MAX_YAML_ALIASES = 100;

/** YAML or JSON text as a plain value, or its problem in words. */
export function parseAuthoredDocument(text: string, format: 'yaml' | 'json'): DocumentParseResult {
  try {
    // uniqueKeys: a key written twice is an error, not "the last one wins".
    const value: unknown = format === 'json'
      ? JSON.parse(text)
      : parseYaml(text, { uniqueKeys: true, prettyErrors: true, maxAliasCount: MAX_YAML_ALIASES });
    return { ok: true, value };
  } catch (error) {
    const problem = documentProblem(error, format);
    if (problem === undefined) throw error;
    return { ok: false, errors: [problem] };
  }
}

/** What the parser's error says about the document, or undefined for an error of ours. */
function documentProblem(error: unknown, format: 'yaml' | 'json'): string | undefined {
  // The yaml parser reports its own stack running out as a parse error; say what it means.
  if (error instanceof RangeError || /maximum call stack size exceeded/i.test(String((error as Error | undefined)?.message))) {
    return `${format.toUpperCase()} nests too deeply to read; flatten the document`;
  }
  if (error instanceof YAMLParseError || error instanceof SyntaxError) {
    return `${format.toUpperCase()} syntax: ${error.message.trimEnd()}`;
  }
  // The yaml library reports alias problems as ReferenceError: too many expansions, or an alias before its anchor.
  if (error instanceof ReferenceError) {
    if (/excessive alias count/i.test(error.message)) {
      return `YAML aliases: more than ${MAX_YAML_ALIASES} alias expansions (*name); write the values out instead of nesting aliases`;
    }
    return `YAML aliases: ${error.message}`;
  }
  return undefined;
}

/**
 * One schema issue in words, its path naming the item's id too when it lies in the document's list
 * (`listKey`): "rules.2 (card-testing).condition.op: ..." rather than "rules.2.condition.op: ...".
 * An issue of the whole document is named `subject`, e.g. "(rule set): unknown field(s) a".
 */
export function describeDocumentIssue(issue: z.core.$ZodIssue, document: unknown, listKey: string, subject: string): string {
  const missing = issue.code === 'invalid_type' && issue.message.endsWith('received undefined');
  const text = missing ? `${issue.path.map(String).join('.')}: required (${issue.expected})` : (describeIssues([issue], subject)[0] ?? issue.message);
  const [root, index] = issue.path;
  if (root !== listKey || typeof index !== 'number') return text;
  const list = (document as Record<string, unknown> | null)?.[listKey];
  const id = Array.isArray(list) ? (list[index] as { id?: unknown } | undefined)?.id : undefined;
  return typeof id === 'string' ? text.replace(`${listKey}.${index}`, `${listKey}.${index} (${id})`) : text;
}
