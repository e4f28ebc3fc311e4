export { partitionOf } from './partitioning.js';
export { partitionKeys, globalKeys, PROCESSOR_GROUP, type PartitionKeys, type GlobalKeys } from './keys.js';
export { ensureGroup, ensureProcessorGroups, isMissingGroup } from './groups.js';
export { fieldsOf, readBacklog, type PartitionBacklog } from './backlog.js';
export { BacklogMonitor } from './backlogMonitor.js';
export { StreamGroupConsumer, type GroupConsumerOptions } from './groupConsumer.js';
export { deleteStreamEntries, findStreamEntries } from './entryErasure.js';
