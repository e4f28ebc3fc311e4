// The list audit trail: one stream record per change, written by the same script as the change.

export const LIST_ACTIONS = [
  'list_created', 'list_updated', 'list_deleted', 'entry_added', 'entry_removed', 'entries_imported', 'entries_expired', 'entry_erased',
] as const;
export type ListAction = (typeof LIST_ACTIONS)[number];

export interface ListAuditEntry {
  at: string;
  /** `<role>:<name>` of the verified key; `system:expiry` for the sweep, `system:default-pack` for seeded lists. */
  actor: string;
  action: ListAction;
  list: string;
  /** Single-entry changes: the normalised value (absent for imports, sweeps and erasures). */
  value?: string;
  reason?: string;
  expiresAt?: string;
  /** Imports: the import id its entries carry as `source`. */
  importId?: string;
  /** Entries written (created + replaced), removed, expired or deleted with the list. */
  count?: number;
  created?: number;
  replaced?: number;
}

/** The audit record's fields as stream items, without the counts the script appends. */
export function encodeListAudit(entry: Omit<ListAuditEntry, 'count' | 'created' | 'replaced'>): string[] {
  const fields = ['at', entry.at, 'actor', entry.actor, 'action', entry.action, 'list', entry.list];
  if (entry.value !== undefined) fields.push('value', entry.value);
  if (entry.reason !== undefined) fields.push('reason', entry.reason);
  if (entry.expiresAt !== undefined) fields.push('expires_at', entry.expiresAt);
  if (entry.importId !== undefined) fields.push('import_id', entry.importId);
  return fields;
}

export function decodeListAudit(pairs: readonly string[]): ListAuditEntry {
  const f = new Map<string, string>();
  for (let i = 0; i + 1 < pairs.length; i += 2) f.set(pairs[i]!, pairs[i + 1]!);
  const created = f.has('created') ? Number(f.get('created')) : undefined;
  const replaced = f.has('replaced') ? Number(f.get('replaced')) : undefined;
  const count = f.has('count') ? Number(f.get('count')) : created !== undefined ? created + (replaced ?? 0) : undefined;
  return {
    at: f.get('at') ?? '', actor: f.get('actor') ?? '', action: f.get('action') as ListAction, list: f.get('list') ?? '',
    ...(f.has('value') ? { value: f.get('value') } : {}),
    ...(f.has('reason') ? { reason: f.get('reason') } : {}),
    ...(f.has('expires_at') ? { expiresAt: f.get('expires_at') } : {}),
    ...(f.has('import_id') ? { importId: f.get('import_id') } : {}),
    ...(count !== undefined ? { count } : {}),
    ...(created !== undefined ? { created } : {}),
    ...(replaced !== undefined ? { replaced } : {}),
  };
}
