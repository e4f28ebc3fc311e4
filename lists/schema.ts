import { z } from 'zod';
import { ENTITY_KINDS, LIST_PURPOSES, type EntityKind, type ListPurpose } from './kinds.js';

// The one definition of a list and of an entry, for the API, the store and the default lists.

/** Words an officer writes (reasons, descriptions): no control or bidirectional-override characters. */
const UNPRINTABLE = /[\p{Cc}\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;
export const officerText = (max: number) =>
  z.string().trim().min(1).max(max).refine((text) => !UNPRINTABLE.test(text), 'must not contain control characters (line breaks, tabs, escapes) or direction overrides');

/** `audit` is a route of its own (GET /v1/lists/audit), so no list may be called that. */
export const listNameSchema = z
  .string()
  .max(64)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'a list name is a slug: lowercase letters, digits and single hyphens, e.g. "blocked-devices"')
  .refine((name) => name !== 'audit', '"audit" is reserved (GET /v1/lists/audit)');

export const listDefinitionSchema = z.strictObject({
  name: listNameSchema.describe('stable name: rules and campaigns refer to it (`op: in_list, value: <name>`)'),
  purpose: z.enum(LIST_PURPOSES).describe('allow: keeps rules quiet; block: alerts at once; watch: an advisory alert. Fixed at creation'),
  kind: z.enum(ENTITY_KINDS).describe('what the entries are; decides the event field they match and how values are normalised. Fixed at creation'),
  description: officerText(500).describe('what belongs on the list and who maintains it'),
});
export type ListDefinition = z.output<typeof listDefinitionSchema>;

/** PUT /v1/lists/{name}: the description changes; purpose and kind, when given, must be the stored ones. */
export const listUpdateSchema = z.strictObject({
  description: officerText(500),
  purpose: z.enum(LIST_PURPOSES).optional(),
  kind: z.enum(ENTITY_KINDS).optional(),
});
export type ListUpdate = z.output<typeof listUpdateSchema>;

export const entryInputSchema = z.strictObject({
  value: z.string().min(1).max(256).describe('normalised per kind: IPs canonical, payee accounts without spaces and upper-cased'),
  reason: officerText(500).describe('why it is on the list; shown in every alert it causes'),
  expires_at: z.iso.datetime({ offset: true }).describe('RFC 3339; required, in the future, at most VIGIL_LIST_ENTRY_MAX_DAYS ahead'),
});
export type EntryInput = z.output<typeof entryInputSchema>;

export interface StoredList {
  definition: ListDefinition;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

export interface StoredEntry {
  value: string;
  reason: string;
  expiresAt: string;
  addedAt: string;
  /** `<role>:<name>` of the verified key that added (or last replaced) it. */
  addedBy: string;
  /** `api`, or `import:<id>` for a CSV import. */
  source: string;
}

/** What a worker needs to know of a list to match events against it. */
export interface ListHeader {
  name: string;
  purpose: ListPurpose;
  kind: EntityKind;
}

/**
 * Why an expiry cannot be accepted now, or undefined. Entries expire so lists do not silt up with
 * stale suspicions (or stale trust); the maximum forces a periodic review.
 */
export function expiryProblem(expiresAt: string, nowMs: number, maxDays: number): string | undefined {
  const at = Date.parse(expiresAt);
  if (!Number.isFinite(at)) return 'expires_at is not a date';
  if (at <= nowMs) return `expires_at ${expiresAt} is not in the future`;
  if (at - nowMs > maxDays * 86_400_000) return `expires_at is more than ${maxDays} days ahead (VIGIL_LIST_ENTRY_MAX_DAYS); review the entry then and extend it`;
  return undefined;
}
