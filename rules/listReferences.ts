import { kindLabel, LIST_FIELD_KINDS, type EntityKind } from '../lists/kinds.js';
import { comparisonsOf, LIST_OPS, type Condition } from './condition.js';
import { didYouMean } from './suggest.js';

/** The lists that exist, by name, with the kind of entity each holds. */
export type ListCatalogue = ReadonlyMap<string, EntityKind>;

/**
 * What a condition gets wrong about lists, checked when a rule set or campaign is published (not
 * when a worker reloads it, since its copy of the lists may lag by a poll): a list that does not
 * exist, with a suggestion, or one of another kind than the field ("blocked-ips holds ips;
 * event.device.id is a device").
 */
export function listReferenceProblems(condition: Condition, path: string, lists: ListCatalogue): string[] {
  const problems: string[] = [];
  for (const { comparison, path: where } of comparisonsOf(condition, path)) {
    if (!LIST_OPS.has(comparison.op) || typeof comparison.value !== 'string') continue;
    const name = comparison.value;
    const kind = lists.get(name);
    if (kind === undefined) {
      problems.push(`${where}.value: unknown list "${name}"${didYouMean(name, lists.keys())}; create it first (POST /v1/lists)`);
      continue;
    }
    const fieldKind = LIST_FIELD_KINDS[comparison.field];
    if (fieldKind !== undefined && fieldKind !== kind) {
      problems.push(`${where}.value: list "${name}" holds ${kindLabel(kind)}s, but ${comparison.field} is a ${kindLabel(fieldKind)}`);
    }
  }
  return problems;
}

/** The names of the lists a condition looks entities up on. */
export function listsNamedBy(condition: Condition): string[] {
  return [...new Set(comparisonsOf(condition)
    .filter(({ comparison }) => LIST_OPS.has(comparison.op) && typeof comparison.value === 'string')
    .map(({ comparison }) => comparison.value as string))];
}
