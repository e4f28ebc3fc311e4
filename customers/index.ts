export { customerProfileSchema, PROFILE_FIELDS, numericFeature, flagFeature, type CustomerProfile, type FeatureVector } from './profile.js';
export {
  segmentationConfigSchema, DEFAULT_SEGMENTATION_CONFIG,
  type SegmentationConfig, type SegmentationConfigInput, type ServiceChannel,
} from './segmentationConfig.js';
export { customerTier, CUSTOMER_TIERS, type CustomerTier, type TierDecision } from './tiers.js';
export { customerTags, lifeStageTag, LIFE_STAGES, type CustomerTag, type LifeStage } from './tags.js';
export { customerSegment, segmentCustomer, type CustomerSegment } from './segment.js';
export {
  ProfileStore, decodeStoredProfile, customerIdSchema, customerParams,
  InvalidCustomerIdError, ProfileNotFoundError, StaleProfileVersionError,
  type StoredProfile, type PutResult, type ProfileStoreOptions,
} from './profileStore.js';
export { customerProfileRoutes, ImportTooLargeError, MAX_IMPORT_ROWS, type CustomerProfileRouteDeps } from './routes.js';
export { profileData } from './profileData.js';
