// Redis key layout of offers. Keys a Lua script touches together share a hash tag, so the layout
// works on a Redis Cluster:
// - a customer's cap counters and decision markers share {<prefix>:offers:c:<customer>};
// - a campaign's daily budget counters share {<prefix>:offers:b:<campaign>};
// - the campaign definitions, their audit and their change counter share {<prefix>:campaigns}.
// Profiles live with the customer's event partition (core/streams/keys.ts, profilePrefix) because
// the batch processor reads them with the partition's other state.

export interface OfferKeys {
  /** Campaigns: hash id → stored campaign JSON (definition, revision, who changed it last). */
  campaigns: string;
  /** Stream of campaign changes (who, when, what), newest last; the audit trail. */
  campaignAudit: string;
  /** Counter bumped on every campaign change; processes poll it to hot-reload. */
  campaignsRevision: string;
  /** Pub/sub channel for the live offer feed (not a key). */
  feedChannel: string;
  /** Hash channel → endpoint JSON (url, secret) that offers of that channel are POSTed to. */
  channelEndpoints: string;
  /** Stream of offer decisions, deliveries and responses for the ClickHouse archive. */
  log: string;
  /** Stream of triggers that failed every attempt, set aside so they hold up no partition. */
  deadTriggers: string;
  /** BullMQ key prefix of the delivery queue (its own hash tag). */
  bullPrefix: string;
  /** BullMQ queue name; BullMQ refuses ':' in it. */
  deliveryQueue: string;
}

export function offerKeys(prefix: string): OfferKeys {
  const campaigns = `${prefix}:campaigns:{${prefix}:campaigns}`;
  return {
    campaigns: `${campaigns}:defs`,
    campaignAudit: `${campaigns}:audit`,
    campaignsRevision: `${campaigns}:revision`,
    feedChannel: `${prefix}:offers:feed`,
    channelEndpoints: `${prefix}:offers:channels`,
    log: `${prefix}:offers:{${prefix}:offers-log}:log`,
    deadTriggers: `${prefix}:offers:dead-triggers`,
    bullPrefix: `${prefix}:offers:{${prefix}:offers-bull}`,
    deliveryQueue: `${prefix}-offer-delivery`,
  };
}

/** One customer's offer keys (caps, decision markers, decision record): one hash slot. */
export function customerOfferKeys(prefix: string, customerId: string) {
  const tag = `${prefix}:offers:{${prefix}:offers:c:${customerId}}`;
  return {
    /** Prefix of the cap counters (sorted sets of offer instants); the CapCheck key follows. */
    capPrefix: `${tag}:cap:`,
    /** `decided:<decision id>` → the committed outcome, so a redelivered trigger decides once. */
    decidedPrefix: `${tag}:decided:`,
    /** Sorted set of decision ids by decision time, for the customer's decision record. */
    decisions: `${tag}:decisions`,
    /** Hash decision id → decision record JSON. */
    decisionDocs: `${tag}:decision-docs`,
    /** `sent:<offer id>` marker: the channel accepted the offer, so a retried job never sends twice. */
    sentPrefix: `${tag}:sent:`,
  };
}

/** A campaign's budget counters: one hash slot per campaign. */
export function campaignBudgetKeyPrefix(prefix: string, campaignId: string): string {
  return `${prefix}:offers:{${prefix}:offers:b:${campaignId}}:cap:`;
}
