import { z } from 'zod';
import { CUSTOMER_TIERS } from '../customers/tiers.js';
import { LIST_FIELD_KINDS } from '../lists/kinds.js';
import { fieldPathProblem } from './fields.js';

// A rule's condition is a tree: `all`, `any` and `not` nodes over leaf comparisons of one field
// with a literal. Arithmetic between fields is deliberately absent: ratios, trends and z-scores are
// features, computed once by the features engine and named, so every threshold a rule states is
// a plain number an officer can read.

export const COMPARISON_OPS = ['gt', 'gte', 'lt', 'lte', 'eq', 'neq', 'in', 'not_in', 'between', 'contains', 'exists', 'in_list', 'not_in_list'] as const;
export type ComparisonOp = (typeof COMPARISON_OPS)[number];

/** Membership of an allow, block or watch list (lists/), named by the value: `{ field: event.device.id, op: in_list, value: blocked-devices }`. */
export const LIST_OPS: ReadonlySet<ComparisonOp> = new Set(['in_list', 'not_in_list']);
const LIST_NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

const NUMERIC_OPS: ReadonlySet<ComparisonOp> = new Set(['gt', 'gte', 'lt', 'lte']);
const SCALAR_OPS: ReadonlySet<ComparisonOp> = new Set(['eq', 'neq', 'contains']);
const SET_OPS: ReadonlySet<ComparisonOp> = new Set(['in', 'not_in']);

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const comparisonValue = z.union([scalar, z.array(z.union([z.string(), z.number()]))]);
export type ComparisonValue = z.infer<typeof comparisonValue>;

const fieldPath = z.string().superRefine((path, ctx) => {
  const problem = fieldPathProblem(path);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export interface Comparison {
  field: string;
  op: ComparisonOp;
  value?: ComparisonValue | undefined;
}
export type Condition = { all: Condition[] } | { any: Condition[] } | { not: Condition } | Comparison;

/**
 * How deep `all` / `any` / `not` may nest. Real rules and triggers use three or four levels; the
 * bound keeps a pathological document from overflowing the stack of the recursive schema and of
 * the evaluator (a few hundred levels did, and answered 500).
 */
export const MAX_CONDITION_DEPTH = 32;

/**
 * Why a condition (as authored, not yet validated) nests too deeply, or undefined. Walks the tree
 * with its own stack, so it cannot overflow however deep the input is.
 */
export function conditionDepthProblem(input: unknown): string | undefined {
  const pending: { node: unknown; depth: number }[] = [{ node: input, depth: 1 }];
  while (pending.length > 0) {
    const { node, depth } = pending.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    const { all, any, not } = node as { all?: unknown; any?: unknown; not?: unknown };
    const children = [...(Array.isArray(all) ? all : []), ...(Array.isArray(any) ? any : []), ...(not === undefined ? [] : [not])];
    if (children.length === 0) continue;
    if (depth > MAX_CONDITION_DEPTH) {
      return `conditions nest at most ${MAX_CONDITION_DEPTH} levels of all / any / not; this one nests deeper: flatten it or split it into several rules`;
    }
    for (const child of children) pending.push({ node: child, depth: depth + 1 });
  }
  return undefined;
}

// One object with every key optional, then a check that exactly one kind is present: this gives
// "unknown field(s) valu" and "needs exactly one of all, any, not or field" instead of a union
// error listing four failed alternatives.
const conditionNode = z.strictObject({
  all: z.array(z.lazy(() => conditionTree)).min(1).optional(),
  any: z.array(z.lazy(() => conditionTree)).min(1).optional(),
  not: z.lazy(() => conditionTree).optional(),
  field: fieldPath.optional(),
  op: z.enum(COMPARISON_OPS).optional(),
  value: comparisonValue.optional(),
});
type ConditionNode = z.infer<typeof conditionNode>;

const conditionTree: z.ZodType<Condition> = z.lazy(() =>
  conditionNode.superRefine(checkNode).transform((node) => node as Condition),
);

/**
 * The condition language, for rules and campaign triggers alike. The depth is checked before the
 * (recursive) schema runs; a condition too deep is refused with that one message.
 */
export const conditionSchema: z.ZodType<Condition> = z.preprocess((input, ctx) => {
  const problem = conditionDepthProblem(input);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
  return input;
}, conditionTree);

function checkNode(node: ConditionNode, ctx: z.RefinementCtx): void {
  const kinds = (['all', 'any', 'not', 'field'] as const).filter((key) => node[key] !== undefined);
  if (kinds.length !== 1) {
    const found = kinds.length === 0 ? 'none' : kinds.join(', ');
    ctx.addIssue({ code: 'custom', message: `a condition needs exactly one of all, any, not or field (found: ${found})` });
    return;
  }
  if (kinds[0] !== 'field') {
    if (node.op !== undefined || node.value !== undefined) {
      ctx.addIssue({ code: 'custom', message: `op and value belong to a field comparison, not to "${kinds[0]}"` });
    }
    return;
  }
  if (node.op === undefined) {
    ctx.addIssue({ code: 'custom', path: ['op'], message: `a comparison needs an op: one of ${COMPARISON_OPS.join(', ')}` });
    return;
  }
  const problem = valueProblem(node.field ?? '', node.op, node.value);
  if (problem) ctx.addIssue({ code: 'custom', path: ['value'], message: problem });
}

function valueProblem(field: string, op: ComparisonOp, value: ComparisonValue | undefined): string | undefined {
  const shown = JSON.stringify(value);
  if (op === 'exists') return value === undefined ? undefined : 'exists takes no value (wrap it in not for "is absent")';
  if (value === undefined) return `op "${op}" needs a value`;
  if (LIST_OPS.has(op)) return listComparisonProblem(field, op, value);
  if (NUMERIC_OPS.has(op) && typeof value !== 'number') return `op "${op}" compares numbers; value must be a number, got ${shown}`;
  if (op === 'between') {
    const [low, high] = Array.isArray(value) ? value : [];
    if (!Array.isArray(value) || value.length !== 2 || typeof low !== 'number' || typeof high !== 'number' || low > high) {
      return `op "between" needs [low, high] numbers with low ≤ high (inclusive), got ${shown}`;
    }
  }
  if (SET_OPS.has(op) && (!Array.isArray(value) || value.length === 0)) return `op "${op}" needs a non-empty list, got ${shown}`;
  if (SCALAR_OPS.has(op) && Array.isArray(value)) return `op "${op}" needs a single value, got a list ${shown}; use in / not_in for lists`;
  if (field === 'tier') return tierValueProblem(op, value);
  return undefined;
}

function listComparisonProblem(field: string, op: ComparisonOp, value: ComparisonValue): string | undefined {
  if (!Object.hasOwn(LIST_FIELD_KINDS, field)) {
    return `op "${op}" looks an entity up on a list; the field must be one of ${Object.keys(LIST_FIELD_KINDS).join(', ')}, not "${field}"`;
  }
  if (typeof value !== 'string' || !LIST_NAME.test(value)) return `op "${op}" needs the name of one list, e.g. "blocked-devices", got ${JSON.stringify(value)}`;
  return undefined;
}

function tierValueProblem(op: ComparisonOp, value: ComparisonValue): string | undefined {
  if (NUMERIC_OPS.has(op) || op === 'between') return `tier is a name (${CUSTOMER_TIERS.join(', ')}); compare it with eq, neq, in or not_in`;
  const values = Array.isArray(value) ? value : [value];
  const unknown = values.filter((v) => !(CUSTOMER_TIERS as readonly unknown[]).includes(v));
  return unknown.length > 0 ? `unknown tier ${JSON.stringify(unknown)}; tiers are ${CUSTOMER_TIERS.join(', ')}` : undefined;
}

/** Every leaf comparison of a condition with its path in the rule, for load-time checks. */
export function comparisonsOf(condition: Condition, path = 'condition'): { comparison: Comparison; path: string }[] {
  if ('all' in condition) return condition.all.flatMap((child, i) => comparisonsOf(child, `${path}.all.${i}`));
  if ('any' in condition) return condition.any.flatMap((child, i) => comparisonsOf(child, `${path}.any.${i}`));
  if ('not' in condition) return comparisonsOf(condition.not, `${path}.not`);
  return [{ comparison: condition, path }];
}
