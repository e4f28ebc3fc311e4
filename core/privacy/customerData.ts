// Subject access and erasure are answered by every capability for its own part: each one that
// keeps data on a customer implements CustomerDataHolder, and the privacy registry
// (privacy/registry.ts) lists them. No capability reaches into another's keys or tables.

/** Counts of what an erasure removed, per kind ("profile_versions": 3); a holder may group them ("clickhouse": {...}). */
export type RemovedCounts = Record<string, number | Record<string, number>>;

/** Paging of the long histories an export returns (ClickHouse rows). */
export interface ExportOptions {
  /** Rows per ClickHouse table, newest first. */
  rowLimit: number;
  /** Only rows strictly older than this instant (the previous page's `next_before`). */
  before?: Date;
}

export interface CustomerDataHolder {
  /** The holder's key in the export ("profile", "alerts", "clickhouse"). */
  readonly name: string;
  /** Everything this capability holds on the customer, as JSON; undefined-free, empty when nothing. */
  export(customerId: string, options: ExportOptions): Promise<unknown>;
  /**
   * Removes it all and answers what it removed. Idempotent: erasing again, or erasing a customer
   * never seen, answers zeros. Throws only when it could not finish (the caller retries).
   */
  erase(customerId: string): Promise<RemovedCounts>;
}
