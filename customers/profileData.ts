import type { CustomerDataHolder } from '../core/privacy/index.js';
import type { ProfileStore } from './profileStore.js';

/** History versions kept at most (ProfileStore keeps 10 by default); the export reads them all. */
const ALL_VERSIONS = 10_000;

/** The customer's CRM profile and its earlier versions, for subject access and erasure. */
export function profileData(profiles: ProfileStore): CustomerDataHolder {
  return {
    name: 'profile',
    async export(customerId) {
      const [current, history] = await Promise.all([profiles.get(customerId), profiles.history(customerId, ALL_VERSIONS)]);
      return { current: current ?? null, previous_versions: history };
    },
    async erase(customerId) {
      const { profiles: profile, versions } = await profiles.erase(customerId);
      return { profile, profile_versions: versions };
    },
  };
}
