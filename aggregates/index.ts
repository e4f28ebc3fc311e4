import type { VigilConfig } from '../config/config.js';
import { migrate } from './migrate.js';
import { openEmbeddedStore } from './store/embedded.js';
import { openServerStore } from './store/server.js';
import type { AggregateStore } from './store/types.js';

export { AggregateStoreError, type AggregateStore } from './store/types.js';
export { TABLES } from './tables.js';
export { RelayedAggregateStore, drainArchiveRelay, relayStreamKey } from './archiveRelay.js';
export { toClickHouseDateTime64 } from './store/shared.js';
export { toEventRow, type EventRow, type EventRowMeta } from './eventRows.js';
export { countEvents, minuteSeries, rollupTotals, type MinuteCount, type TypeTotals } from './queries.js';
export { appliedMigrations, loadMigrations, migrate, type AppliedMigration, type Migration } from './migrate.js';

/** Opens the configured transport and brings the schema up to date; the store is ready for inserts. */
export async function openAggregateStore(cfg: VigilConfig['clickhouse']): Promise<AggregateStore> {
  const store = cfg.kind === 'embedded' ? await openEmbeddedStore(cfg) : await openServerStore(cfg);
  try {
    await migrate(store);
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}
export { pseudonymisedEventRow, type AnalyticsIdentifiers } from './eventRows.js';
export { pseudonymisingStore, CUSTOMER_TABLES } from './analyticsStore.js';
export { applyRetention, ttlDays, type RetentionChange } from './retention.js';
export { customerRows, CUSTOMER_ROW_TIME } from './customerRows.js';
export {
  archivedAlertOutcomes, type ArchivedAlertOutcomes, type ArchivedAlertRange, type ArchivedAlertRow, type ArchivedTransitionRow,
} from './alertQueries.js';
