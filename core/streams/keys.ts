// Redis key layout. Every key of one partition carries the hash tag {<prefix>:p<n>}, so in a
// Redis Cluster a partition's stream, dedup markers, applied markers and lease share one slot and
// one Lua script can touch them all.

export const PROCESSOR_GROUP = 'processors';

export interface PartitionKeys {
  partition: number;
  stream: string;
  /** Prefix for `seen:<event_id>` idempotency markers set at ingest. */
  seenPrefix: string;
  /** Prefix for `decision:<event_id>`: an in-line decision, kept for the dedup window so a retry gets the same answer. */
  decisionPrefix: string;
  /** Prefix for `applied:<event_id>` markers set by processors atomically with their state change. */
  appliedPrefix: string;
  /** Hash of stream entry id → failed attempts, for dead-lettering. */
  attempts: string;
  /** The aggregate flush in progress (write-ahead intent), for exactly-once ClickHouse writes. */
  flushIntent: string;
  /** Which worker owns the partition now. */
  lease: string;
  /** Per-customer activity summaries live under this prefix. */
  customerPrefix: string;
  /** Per-customer risk state (features, scores, suppression) under this prefix. */
  riskStatePrefix: string;
  /** Alerts decided with a batch's commit, waiting to be handed to the alert service. */
  alertOutbox: string;
  /** Per-customer reference profile (CRM data the events do not carry), read with the batch. */
  profilePrefix: string;
  /** Offer triggers and offer responses decided with a batch's commit, waiting to be decided and sent. */
  offerOutbox: string;
  /** Sorted set: customer id → when (event time, ms) Vigil next reviews them unprompted (risk/review). */
  reviewDue: string;
  /** Per-customer snoozed rules (lists/snoozeStore.ts), read with the batch; `#history` beside it. */
  snoozePrefix: string;
  /**
   * Prefix for `archived:<entry id>`: ClickHouse rows besides the event's own (challenger alerts)
   * an effect decided with the batch, kept until the entry is acknowledged so a redelivery of the
   * entry flushes the same rows again.
   */
  archivedRowsPrefix: string;
  /** Hash `<challenger version>|<UTC day>` → events the challenger rule set was assessed on (risk/challenger). */
  challengerAssessed: string;
}

export function partitionKeys(prefix: string, partition: number): PartitionKeys {
  const tag = `${prefix}:{${prefix}:p${partition}}`;
  return {
    partition,
    stream: `${tag}:events`,
    seenPrefix: `${tag}:seen:`,
    appliedPrefix: `${tag}:applied:`,
    decisionPrefix: `${tag}:decision:`,
    attempts: `${tag}:attempts`,
    flushIntent: `${tag}:flush`,
    lease: `${tag}:lease`,
    customerPrefix: `${tag}:customer:`,
    riskStatePrefix: `${tag}:risk:`,
    alertOutbox: `${tag}:alert-outbox`,
    profilePrefix: `${tag}:profile:`,
    offerOutbox: `${tag}:offer-outbox`,
    reviewDue: `${tag}:review-due`,
    snoozePrefix: `${tag}:snooze:`,
    archivedRowsPrefix: `${tag}:archived:`,
    challengerAssessed: `${tag}:challenger-assessed`,
  };
}

export interface GlobalKeys {
  /** Sorted set of live workers, scored by their last heartbeat (ms). */
  workers: string;
  deadLetters: string;
  /**
   * Prefix for `ids:<event_id>` → customer id, set at ingest for the dedup window: an event id
   * names one event of one customer across the deployment, whichever partition it lands in.
   * No hash tag: each claim is its own command, so they spread over a cluster's slots.
   */
  eventIdClaimPrefix: string;
}

export function globalKeys(prefix: string): GlobalKeys {
  return { workers: `${prefix}:workers`, deadLetters: `${prefix}:deadletters`, eventIdClaimPrefix: `${prefix}:ids:` };
}
