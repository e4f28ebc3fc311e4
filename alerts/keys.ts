// Redis key layout of alerts. Keys a Lua script touches together (documents, indexes, outbox)
// share the hash tag {<prefix>:alerts}, so in a Redis Cluster they live in one slot. Suppression
// windows and scores are not kept here: they live in the customer's risk state (risk/), written in
// the same commit as the features that decided them.

export interface AlertKeys {
  /** `doc:<alert id>` → the alert as JSON, history included. */
  docPrefix: string;
  /** Sorted sets of alert ids scored by createdAt (ms): all alerts, per status, per customer. */
  byCreated: string;
  byStatusPrefix: string;
  byCustomerPrefix: string;
  /** Sorted set of resolved alert ids scored by resolution time, for the retention sweep. */
  resolvedAt: string;
  /** Sorted set of open alerts with a deadline (complaint SLAs), scored by it, not yet escalated. */
  dueAt: string;
  /** Stream: one entry per created alert and per transition, consumed by webhooks and the archive. */
  outbox: string;
  /** `archive-row:<row key>` → the archive batch (token) an alert or transition row was first written in; `archive-batch:<token>` → that batch's rows. */
  archiveRowPrefix: string;
  archiveBatchPrefix: string;
  /** Pub/sub channel for the live feed (not a key). */
  feedChannel: string;
  /** Hash: subscriber id → subscriber JSON (url, filters, secret). */
  webhooks: string;
  /** BullMQ key prefix of the webhook queue (its own hash tag, as BullMQ asks for in a cluster). */
  bullPrefix: string;
  /** BullMQ queue name; BullMQ refuses ':' in it. */
  webhookQueue: string;
}

export function alertKeys(prefix: string): AlertKeys {
  const tagged = `${prefix}:alerts:{${prefix}:alerts}`;
  return {
    docPrefix: `${tagged}:doc:`,
    byCreated: `${tagged}:by-created`,
    byStatusPrefix: `${tagged}:by-status:`,
    byCustomerPrefix: `${tagged}:by-customer:`,
    resolvedAt: `${tagged}:resolved-at`,
    dueAt: `${tagged}:due-at`,
    outbox: `${tagged}:outbox`,
    archiveRowPrefix: `${tagged}:archive-row:`,
    archiveBatchPrefix: `${tagged}:archive-batch:`,
    feedChannel: `${prefix}:alerts:feed`,
    webhooks: `${prefix}:alerts:webhooks`,
    bullPrefix: `${prefix}:alerts:{${prefix}:bull}`,
    webhookQueue: `${prefix}-alert-webhooks`,
  };
}
