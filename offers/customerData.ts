import type { Redis } from 'ioredis';
import { TABLES, type AggregateStore } from '../aggregates/index.js';
import type { CustomerDataHolder, Pseudonymise } from '../core/privacy/index.js';
import { deleteStreamEntries, fieldsOf } from '../core/streams/index.js';
import { MARKETING_CHANNELS } from '../customers/profile.js';
import { customerCapKeys } from './decide/caps.js';
import { deliveryJobId, type OfferDelivery } from './delivery/offerDelivery.js';
import { customerOfferKeys, offerKeys } from './keys.js';
import type { CampaignSource } from './pipeline/offerDecider.js';
import type { DecisionRecord } from './pipeline/decisionRecord.js';

// What the offers capability holds on a customer, found by its key layout (keys.ts), never by a
// scan: the decision record, the cap counters (one per campaign cooldown, per channel, overall),
// the decision markers (`decided:<event>` and `decided:<event>#<campaign>`), the sent markers
// (`sent:<offer>`), the delivery jobs (job id = offer id) and the offer log and dead-trigger
// entries in transit. The decision, campaign and offer ids come from the customer's decision
// record and from ClickHouse's offer_decisions (which outlives the record's last 100 decisions),
// so this holder runs before the analytics holder deletes those rows.

export interface OfferDataDeps {
  redis: Redis;
  prefix: string;
  campaigns: CampaignSource;
  delivery: OfferDelivery;
  store: AggregateStore;
  pseudonymise: Pseudonymise;
}

interface OfferReferences {
  decisionIds: Set<string>;
  campaignIds: Set<string>;
  offerIds: Set<string>;
}

export function offerData(deps: OfferDataDeps): CustomerDataHolder {
  const keys = offerKeys(deps.prefix);

  async function records(customerId: string): Promise<DecisionRecord[]> {
    const docs = await deps.redis.hvals(customerOfferKeys(deps.prefix, customerId).decisionDocs);
    return docs.map((doc) => JSON.parse(doc) as DecisionRecord).sort((a, b) => Date.parse(b.decidedAt) - Date.parse(a.decidedAt));
  }

  async function references(customerId: string, own: readonly DecisionRecord[]): Promise<OfferReferences> {
    const refs: OfferReferences = { decisionIds: new Set(), campaignIds: new Set(deps.campaigns.current().map((c) => c.id)), offerIds: new Set() };
    for (const record of own) {
      refs.decisionIds.add(record.decisionId);
      if (record.offer) {
        refs.campaignIds.add(record.offer.campaignId);
        refs.offerIds.add(record.offer.offerId);
      }
      for (const suppressed of record.suppressed) refs.campaignIds.add(suppressed.campaignId);
    }
    const archived = await deps.store.query<{ decision_id: string; campaign_id: string; offer_id: string }>(
      `SELECT DISTINCT decision_id, campaign_id, offer_id FROM ${deps.store.database}.${TABLES.offerDecisions} WHERE customer_id = {customer:String}`,
      { customer: deps.pseudonymise(customerId) },
    );
    for (const row of archived) {
      refs.decisionIds.add(row.decision_id);
      refs.campaignIds.add(row.campaign_id);
      if (row.offer_id !== '') refs.offerIds.add(row.offer_id);
    }
    return refs;
  }

  function capCounterKeys(customerId: string, campaignIds: Iterable<string>): string[] {
    const { capPrefix } = customerOfferKeys(deps.prefix, customerId);
    return [
      ...[...campaignIds].map((campaignId) => capPrefix + customerCapKeys.cooldown(campaignId, customerId)),
      ...MARKETING_CHANNELS.map((channel) => capPrefix + customerCapKeys.channel(customerId, channel)),
      capPrefix + customerCapKeys.overall(customerId),
    ];
  }

  /** Deletes the keys in pipelined chunks; answers how many existed. */
  async function deleteKeys(names: readonly string[]): Promise<number> {
    let deleted = 0;
    for (let i = 0; i < names.length; i += 1000) deleted += await deps.redis.del(...names.slice(i, i + 1000));
    return deleted;
  }

  // Log records and dead triggers are JSON.stringify output, so a customer's appear as this exact text.
  const names = (customerId: string, field: string) => {
    const needle = `"customer_id":${JSON.stringify(customerId)}`;
    return (fields: string[]) => String(fieldsOf(fields).get(field) ?? '').includes(needle);
  };

  return {
    name: 'offers',
    async export(customerId) {
      const own = await records(customerId);
      const counterKeys = capCounterKeys(customerId, (await references(customerId, own)).campaignIds);
      const pipeline = deps.redis.pipeline();
      for (const key of counterKeys) pipeline.zrange(key, 0, -1, 'WITHSCORES');
      const counters: Record<string, string[]> = {};
      const { capPrefix } = customerOfferKeys(deps.prefix, customerId);
      ((await pipeline.exec()) ?? []).forEach(([error, reply], i) => {
        if (error) throw error;
        const flat = reply as string[];
        if (flat.length === 0) return;
        // Members are decision ids, scores the instants the offers were counted.
        counters[counterKeys[i]!.slice(capPrefix.length)] = flat.filter((_, j) => j % 2 === 1).map((ms) => new Date(Number(ms)).toISOString());
      });
      return { decisions: own, cap_counters: counters };
    },
    async erase(customerId) {
      const own = await records(customerId);
      const refs = await references(customerId, own);
      const customerKeys = customerOfferKeys(deps.prefix, customerId);
      const markers = [...refs.decisionIds].flatMap((decisionId) => [
        customerKeys.decidedPrefix + decisionId,
        ...[...refs.campaignIds].map((campaignId) => `${customerKeys.decidedPrefix}${decisionId}#${campaignId}`),
      ]);
      let jobs = 0;
      for (const offerId of refs.offerIds) jobs += await deps.delivery.queue.remove(deliveryJobId(offerId));
      const decisions = await deps.redis.hlen(customerKeys.decisionDocs);
      await deleteKeys([customerKeys.decisions, customerKeys.decisionDocs]);
      return {
        offer_decisions: decisions,
        cap_counters: await deleteKeys(capCounterKeys(customerId, refs.campaignIds)),
        decision_markers: await deleteKeys(markers),
        sent_markers: await deleteKeys([...refs.offerIds].map((offerId) => customerKeys.sentPrefix + offerId)),
        delivery_jobs: jobs,
        offer_log_entries: await deleteStreamEntries(deps.redis, keys.log, names(customerId, 'record')),
        dead_triggers: await deleteStreamEntries(deps.redis, keys.deadTriggers, names(customerId, 'record')),
      };
    },
  };
}
