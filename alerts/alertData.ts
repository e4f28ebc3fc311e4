import type { CustomerDataHolder } from '../core/privacy/index.js';
import type { AlertArchive } from './alertArchive.js';
import type { AlertStore } from './alertStore.js';
import type { WebhookDelivery } from './delivery.js';
import type { WebhookRegistry } from './webhooks.js';

/**
 * The customer's alerts in Redis (documents with their history, indexes), the outbox entries of
 * their alerts and the webhook jobs that carry them, for subject access and erasure. Scores and
 * suppression are the risk holder's (risk state); the ClickHouse archive is the analytics holder's.
 */
export function alertData(deps: { store: AlertStore; delivery: WebhookDelivery; webhooks: WebhookRegistry; archive: AlertArchive }): CustomerDataHolder {
  return {
    name: 'alerts',
    async export(customerId) {
      return { alerts: await deps.store.ofCustomer(customerId) };
    },
    async erase(customerId) {
      const alerts = await deps.store.ofCustomer(customerId);
      const erased = await deps.store.eraseCustomer(customerId, alerts.map((alert) => alert.id));
      const outbox = await deps.store.eraseOutboxEntries(customerId);
      // Rows on their way to ClickHouse, kept for a retry of their batch (alertArchive.ts).
      const archiveRows = await deps.archive.forget(alerts);
      // Webhook job ids are <alert id>.<change number>.<subscriber id> (delivery.ts): known without a scan.
      const subscribers = await deps.webhooks.list();
      let jobs = 0;
      for (const alert of alerts) {
        for (let change = 0; change < alert.history.length; change++) {
          for (const subscriber of subscribers) jobs += await deps.delivery.queue.remove(`${alert.id}.${change}.${subscriber.id}`);
        }
      }
      return { alerts: erased.alerts, alert_outbox_entries: outbox, alert_archive_rows: archiveRows, webhook_jobs: jobs };
    },
  };
}
