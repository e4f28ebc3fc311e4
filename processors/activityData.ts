import type { CustomerDataHolder } from '../core/privacy/index.js';
import { partitionOf } from '../core/streams/index.js';
import type { CustomerActivityStore } from './customerActivity.js';

/** The customer's running activity summary, for subject access and erasure. */
export function activityData(activity: CustomerActivityStore, partitions: number): CustomerDataHolder {
  return {
    name: 'activity',
    async export(customerId) {
      return (await activity.get(partitionOf(customerId, partitions), customerId)) ?? null;
    },
    async erase(customerId) {
      return { activity: await activity.erase(partitionOf(customerId, partitions), customerId) };
    },
  };
}
