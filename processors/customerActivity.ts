import type { Redis } from 'ioredis';
import { moneyDirection } from '../core/events/index.js';
import { partitionKeys, type PartitionKeys } from '../core/streams/index.js';
import type { AppliedEvent, BatchEffect, PlannedEffect } from './batchEffects.js';
import type { StateChange } from './partitionCommit.js';

export interface CustomerActivity {
  events: number;
  byType: Record<string, number>;
  /** Minor units per currency. */
  moneyIn: Record<string, number>;
  moneyOut: Record<string, number>;
  firstEventAt?: string;
  lastEventAt?: string;
}

/**
 * The running activity summary of each customer (counts by type, money in and out, first and
 * last activity): the first piece of the unified customer view. Its changes are planned here and
 * written with the rest of the batch, so they happen exactly when the event is applied.
 */
export class CustomerActivityStore implements BatchEffect {
  constructor(
    private readonly redis: Redis,
    private readonly opts: { prefix: string; customerTtlSeconds: number },
  ) {}

  async plan(keys: PartitionKeys, applied: readonly AppliedEvent[]): Promise<PlannedEffect> {
    const changes: StateChange[] = [];
    const touched = new Set<string>();
    for (const { event } of applied) {
      const key = keys.customerPrefix + event.customer_id;
      const at = Date.parse(event.occurred_at);
      changes.push(
        { op: 'hincrby', key, field: 'events', by: 1 },
        { op: 'hincrby', key, field: `type:${event.type}`, by: 1 },
        { op: 'hmax', key, field: 'last_event_ms', value: at },
        { op: 'hmin', key, field: 'first_event_ms', value: at },
      );
      const direction = moneyDirection(event);
      if (direction && 'amount_minor' in event) {
        changes.push({ op: 'hincrby', key, field: `money_${direction}:${event.currency}`, by: event.amount_minor });
      }
      touched.add(key);
    }
    for (const key of touched) changes.push({ op: 'expire', key, ttlSeconds: this.opts.customerTtlSeconds });
    return { changes };
  }

  /** Forgets the customer's summary; answers 1 if there was one. */
  async erase(partition: number, customerId: string): Promise<number> {
    return this.redis.del(partitionKeys(this.opts.prefix, partition).customerPrefix + customerId);
  }

  async get(partition: number, customerId: string): Promise<CustomerActivity | undefined> {
    const hash = await this.redis.hgetall(partitionKeys(this.opts.prefix, partition).customerPrefix + customerId);
    if (!hash.events) return undefined;
    const activity: CustomerActivity = { events: Number(hash.events), byType: {}, moneyIn: {}, moneyOut: {} };
    for (const [field, value] of Object.entries(hash)) {
      const [kind, name] = field.split(':') as [string, string | undefined];
      if (kind === 'type' && name) activity.byType[name] = Number(value);
      if (kind === 'money_in' && name) activity.moneyIn[name] = Number(value);
      if (kind === 'money_out' && name) activity.moneyOut[name] = Number(value);
    }
    if (hash.first_event_ms) activity.firstEventAt = new Date(Number(hash.first_event_ms)).toISOString();
    if (hash.last_event_ms) activity.lastEventAt = new Date(Number(hash.last_event_ms)).toISOString();
    return activity;
  }
}
