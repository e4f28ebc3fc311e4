import type { Redis } from 'ioredis';
import { customerRows, type AggregateStore } from '../aggregates/index.js';
import { alertData, type AlertService } from '../alerts/index.js';
import type { CustomerDataHolder, Pseudonymise } from '../core/privacy/index.js';
import { profileData, type ProfileStore } from '../customers/index.js';
import { listData, type ListService } from '../lists/index.js';
import { offerData, type OfferService } from '../offers/index.js';
import { activityData } from '../processors/activityData.js';
import { deadLetterData } from '../processors/deadLetterData.js';
import type { CustomerActivityStore } from '../processors/customerActivity.js';
import { riskData } from '../risk/riskData.js';

export interface HolderDeps {
  redis: Redis;
  prefix: string;
  partitions: number;
  profiles: ProfileStore;
  activity: CustomerActivityStore;
  alerts: AlertService;
  offers: OfferService;
  lists: ListService;
  store: AggregateStore;
  pseudonymise: Pseudonymise;
}

/**
 * Every place Vigil keeps data on a customer, in the order an erasure visits them. The one list
 * the DELETE and export routes iterate: a capability that starts keeping customer data adds its
 * holder here (one line), and both subject access and erasure cover it.
 */
export function customerDataHolders(deps: HolderDeps): CustomerDataHolder[] {
  return [
    profileData(deps.profiles),
    activityData(deps.activity, deps.partitions),
    deadLetterData(deps.redis, deps.prefix),
    riskData(deps.redis, { prefix: deps.prefix, partitions: deps.partitions }),
    alertData({ store: deps.alerts.store, delivery: deps.alerts.delivery, webhooks: deps.alerts.webhooks, archive: deps.alerts.archive }),
    // Before the ClickHouse rows: it reads the customer's older decision and offer ids from offer_decisions.
    offerData({
      redis: deps.redis, prefix: deps.prefix, campaigns: deps.offers.campaigns, delivery: deps.offers.delivery,
      store: deps.store, pseudonymise: deps.pseudonymise,
    }),
    listData({ lists: deps.lists.store, snoozes: deps.lists.snoozes }),
    customerRows(deps.store, deps.pseudonymise),
  ];
}
