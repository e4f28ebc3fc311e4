import type { Redis } from 'ioredis';
import { partitionKeys } from '../core/streams/index.js';

// Compare-and-act scripts: a worker only extends or drops a lease it still holds, so a worker
// that paused past its lease cannot take a partition back from its successor.
const RENEW_IF_HELD = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;
const RELEASE_IF_HELD = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

type LeasingRedis = Redis & {
  vigilRenewLease(key: string, owner: string, ms: number): Promise<number>;
  vigilReleaseLease(key: string, owner: string): Promise<number>;
};

/**
 * Exclusive, expiring ownership of partitions: at most one worker consumes a partition at a
 * time, which is what keeps each customer's events in order.
 */
export class PartitionLeases {
  private readonly redis: LeasingRedis;

  constructor(
    redis: Redis,
    private readonly opts: { prefix: string; owner: string; leaseMs: number },
  ) {
    redis.defineCommand('vigilRenewLease', { numberOfKeys: 1, lua: RENEW_IF_HELD });
    redis.defineCommand('vigilReleaseLease', { numberOfKeys: 1, lua: RELEASE_IF_HELD });
    this.redis = redis as LeasingRedis;
  }

  private key(partition: number): string {
    return partitionKeys(this.opts.prefix, partition).lease;
  }

  async tryAcquire(partition: number): Promise<boolean> {
    return (await this.redis.set(this.key(partition), this.opts.owner, 'PX', this.opts.leaseMs, 'NX')) === 'OK';
  }

  /** Extends the given leases; returns the partitions whose lease was lost. */
  async renew(partitions: readonly number[]): Promise<number[]> {
    const results = await Promise.all(partitions.map((p) => this.redis.vigilRenewLease(this.key(p), this.opts.owner, this.opts.leaseMs)));
    return partitions.filter((_, i) => results[i] !== 1);
  }

  async release(partition: number): Promise<void> {
    await this.redis.vigilReleaseLease(this.key(partition), this.opts.owner);
  }
}
