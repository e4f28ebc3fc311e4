import { VigilError } from '../core/errors.js';
import type { Logger } from '../core/observability/index.js';
import type { CustomerDataHolder, ExportOptions, Pseudonymise, RemovedCounts } from '../core/privacy/index.js';
import type { ErasureAudit } from './erasureAudit.js';

// Subject access and erasure over every holder in the registry (registry.ts), in its order.

export interface ErasureReport {
  customer_id: string;
  removed: RemovedCounts;
  at: string;
}

export interface CustomerExport {
  customer_id: string;
  exported_at: string;
  /** Holder name → what that capability holds on the customer. */
  data: Record<string, unknown>;
}

/** A holder failed mid-way: what came before is erased and audited; erasing again finishes the rest. */
export class ErasureIncompleteError extends VigilError {
  constructor(holder: string, removed: RemovedCounts) {
    super(
      'ERASURE_INCOMPLETE',
      `erasure stopped at "${holder}" (it failed; see the server log); already removed: ${JSON.stringify(removed)}. Erasure is idempotent: send the DELETE again`,
      503,
    );
  }
}

export class CustomerPrivacy {
  constructor(
    private readonly deps: {
      holders: readonly CustomerDataHolder[];
      audit: ErasureAudit;
      pseudonymise: Pseudonymise;
      log: Logger;
      now?: () => number;
    },
  ) {}

  /**
   * Runs every holder's erasure in registry order and records the audit entry. Stops at the first
   * holder that fails (later holders may need what it had not yet removed, e.g. the offers holder
   * reads offer ids from ClickHouse before the analytics holder deletes them), records the
   * incomplete erasure, and throws ErasureIncompleteError.
   */
  async erase(customerId: string, actor: string): Promise<ErasureReport> {
    const removed: RemovedCounts = {};
    const customer = this.deps.pseudonymise(customerId);
    for (const holder of this.deps.holders) {
      try {
        Object.assign(removed, await holder.erase(customerId));
      } catch (err) {
        const error = err instanceof Error ? err.message : String(err);
        this.deps.log.error({ err, holder: holder.name, customer }, 'customer erasure failed; it can be retried');
        await this.deps.audit.record({ at: this.at(), actor, customer, outcome: 'incomplete', removed, failure: { holder: holder.name, error: error.slice(0, 500) } });
        throw new ErasureIncompleteError(holder.name, removed);
      }
    }
    const at = this.at();
    await this.deps.audit.record({ at, actor, customer, outcome: 'complete', removed });
    this.deps.log.info({ customer, actor }, 'customer erased');
    return { customer_id: customerId, removed, at };
  }

  /** Everything every holder keeps on the customer; ClickHouse rows are paged by `options`. */
  async export(customerId: string, options: ExportOptions): Promise<CustomerExport> {
    const data: Record<string, unknown> = {};
    for (const holder of this.deps.holders) data[holder.name] = await holder.export(customerId, options);
    return { customer_id: customerId, exported_at: this.at(), data };
  }

  private at(): string {
    return new Date((this.deps.now ?? Date.now)()).toISOString();
  }
}
