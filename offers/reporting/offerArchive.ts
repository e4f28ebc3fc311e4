import { TABLES, type AggregateStore } from '../../aggregates/index.js';
import type { OfferLogEntry } from './offerLog.js';

/**
 * Writes offer log entries to ClickHouse: decisions, deliveries and responses, each to its table.
 * A batch retried after a failure writes the same rows again; the tables replace by their
 * natural key and the stats read them with FINAL, so nothing is counted twice.
 */
export class OfferArchive {
  constructor(private readonly store: AggregateStore) {}

  async archive(entries: readonly OfferLogEntry[]): Promise<void> {
    const decisions = entries.flatMap((e) => (e.record.kind === 'decision' ? e.record.rows : []));
    const deliveries = entries.flatMap((e) => (e.record.kind === 'delivery' ? [e.record.row] : []));
    const responses = entries.flatMap((e) => (e.record.kind === 'response' ? [e.record.row] : []));
    const token = `${entries[0]?.id}-${entries.at(-1)?.id}`;
    if (decisions.length > 0) await this.store.insertRows(TABLES.offerDecisions, decisions as unknown as Record<string, unknown>[], { dedupToken: `d-${token}` });
    if (deliveries.length > 0) await this.store.insertRows(TABLES.offerDeliveries, deliveries as unknown as Record<string, unknown>[], { dedupToken: `l-${token}` });
    if (responses.length > 0) await this.store.insertRows(TABLES.offerResponses, responses as unknown as Record<string, unknown>[], { dedupToken: `r-${token}` });
  }
}
