import type { CustomerDataHolder } from '../core/privacy/index.js';
import type { ListStore } from './listStore.js';
import type { SnoozeStore } from './snoozeStore.js';

/**
 * The customer's part of lists: their entries on customer lists (with the audit records naming
 * them) and the rules snoozed for them (with the snooze history). Device, IP, payee and merchant
 * entries name no customer and stay.
 */
export function listData(deps: { lists: ListStore; snoozes: SnoozeStore }): CustomerDataHolder {
  return {
    name: 'lists',
    async export(customerId) {
      const [entries, audit, snoozes] = await Promise.all([
        deps.lists.customerEntries(customerId),
        deps.lists.customerAuditRecords(customerId),
        deps.snoozes.export(customerId),
      ]);
      return {
        entries: entries.map(({ list, purpose, entry }) => ({ list, purpose, ...entry })),
        entry_audit: audit,
        snoozes: snoozes?.snoozes ?? [],
        snooze_history: snoozes?.history ?? [],
      };
    },
    async erase(customerId) {
      const lists = await deps.lists.eraseCustomer(customerId);
      const snoozes = await deps.snoozes.erase(customerId);
      return {
        list_entries: lists.entries,
        list_audit_records: lists.auditRecords,
        list_change_records: lists.changeRecords,
        snoozes: snoozes.snoozes,
        snooze_history: snoozes.history,
      };
    },
  };
}
