export { partitionOf } from './partitioning.js';
export { partitionKeys, globalKeys, PROCESSOR_GROUP, type PartitionKeys, type GlobalKeys } from './keys.js';
