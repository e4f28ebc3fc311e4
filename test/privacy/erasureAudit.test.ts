import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../core/observability/index.js';
import { pseudonymiser, type CustomerDataHolder } from '../../core/privacy/index.js';
import { CustomerPrivacy, ErasureAudit, ErasureIncompleteError } from '../../privacy/index.js';
import { REDIS_URL, dropPrefix, uniquePrefix } from '../support/testEngine.js';

// An erasure that a store fails mid-way must say so, record what it did remove, and finish on the
// next request; it never reports a customer erased while a holder still has their data.

const redis = new Redis(REDIS_URL);
const prefix = uniquePrefix('erasure');
afterAll(async () => {
  redis.disconnect();
  await dropPrefix(prefix);
});

/** A holder over a real Redis hash that can be told to fail, as a store outage would. */
function hashHolder(name: string, failing: { now: boolean }): CustomerDataHolder {
  const key = (customer: string) => `${prefix}:${name}:${customer}`;
  return {
    name,
    export: async (customer) => redis.hgetall(key(customer)),
    erase: async (customer) => {
      if (failing.now) throw new Error(`${name} store unavailable`);
      return { [name]: await redis.del(key(customer)) };
    },
  };
}

describe('an erasure interrupted by a failing store', () => {
  it('stops with 503 ERASURE_INCOMPLETE, audits what it removed, and completes when sent again', async () => {
    const failing = { now: true };
    const audit = new ErasureAudit(redis, `${prefix}:privacy:erasures`);
    const pseudonymise = pseudonymiser('a-test-key-of-at-least-32-characters');
    const privacy = new CustomerPrivacy({
      holders: [hashHolder('first', { now: false }), hashHolder('second', failing), hashHolder('third', { now: false })],
      audit, pseudonymise, log: createLogger('silent'),
    });
    for (const name of ['first', 'second', 'third']) await redis.hset(`${prefix}:${name}:cust-9`, 'x', '1');

    const error = await privacy.erase('cust-9', 'admin').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ErasureIncompleteError);
    expect(error).toMatchObject({ httpStatus: 503, code: 'ERASURE_INCOMPLETE' });
    expect((error as Error).message).toMatch(/stopped at "second".*"first":1.*send the DELETE again/);
    // Holders after the failing one were not touched: their order matters (offers reads ClickHouse before it is erased).
    expect(await redis.exists(`${prefix}:second:cust-9`, `${prefix}:third:cust-9`)).toBe(2);

    failing.now = false;
    expect(await privacy.erase('cust-9', 'admin')).toMatchObject({ customer_id: 'cust-9', removed: { first: 0, second: 1, third: 1 } });

    const { erasures } = await audit.list({ limit: 10, customer: pseudonymise('cust-9') });
    expect(erasures.map((e) => [e.outcome, e.removed, e.failure])).toEqual([
      ['complete', { first: 0, second: 1, third: 1 }, undefined],
      ['incomplete', { first: 1 }, { holder: 'second', error: 'second store unavailable' }],
    ]);
  });
});
