import type { Redis } from 'ioredis';
import type { CustomerDataHolder } from '../core/privacy/index.js';
import { deleteStreamEntries, fieldsOf, findStreamEntries, globalKeys } from '../core/streams/index.js';

/**
 * The customer's events in the dead-letter stream (failed or undecodable entries kept for SREs
 * to replay), for subject access and erasure. An entry is the customer's when its payload, the
 * event as ingest wrote it (JSON.stringify), carries their customer_id; an undecodable payload
 * that spells it differently cannot be told apart and stays until the stream's cap pushes it out.
 */
export function deadLetterData(redis: Redis, prefix: string): CustomerDataHolder {
  const stream = globalKeys(prefix).deadLetters;
  const names = (customerId: string) => {
    const needle = `"customer_id":${JSON.stringify(customerId)}`;
    return (fields: string[]) => String(fieldsOf(fields).get('payload') ?? '').includes(needle);
  };
  return {
    name: 'dead_letters',
    async export(customerId) {
      const entries = await findStreamEntries(redis, stream, names(customerId));
      return entries.map(([id, fields]) => ({ id, ...Object.fromEntries(fieldsOf(fields)) }));
    },
    async erase(customerId) {
      return { dead_letters: await deleteStreamEntries(redis, stream, names(customerId)) };
    },
  };
}
