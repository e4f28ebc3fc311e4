import type { Redis } from 'ioredis';
import type { PartitionKeys } from '../core/streams/index.js';
import { decodeStoredProfile, type CustomerProfile } from '../customers/index.js';
import { decodeSnoozes, type Snooze } from '../lists/snooze.js';
import type { CustomerRiskState } from './assess.js';
import { decodeRiskState } from './riskState.js';

/** What assessing a customer's event needs besides the event: their risk state, CRM profile and snoozed rules. */
export interface CustomerInputs {
  state: CustomerRiskState;
  profile: CustomerProfile | undefined;
  snoozes: Map<string, Snooze>;
}

/**
 * The inputs of the given customers of one partition. State, profile and snoozes share the
 * partition's slot: one MGET for all of them, whoever asks (the batch, an in-line decision).
 */
export async function readCustomerInputs(redis: Redis, keys: PartitionKeys, customers: readonly string[]): Promise<Map<string, CustomerInputs>> {
  const n = customers.length;
  if (n === 0) return new Map();
  const stored = await redis.mget(
    ...customers.map((c) => keys.riskStatePrefix + c), ...customers.map((c) => keys.profilePrefix + c), ...customers.map((c) => keys.snoozePrefix + c),
  );
  return new Map(customers.map((c, i) => [c, decodeCustomerInputs(stored[i], stored[n + i], stored[2 * n + i])]));
}

/** One customer's inputs from their stored risk state, profile and snoozes (each null when absent). */
export function decodeCustomerInputs(state: string | null | undefined, profile: string | null | undefined, snoozes: string | null | undefined): CustomerInputs {
  return {
    state: decodeRiskState(state ?? null),
    profile: decodeStoredProfile(profile ?? null)?.profile,
    snoozes: decodeSnoozes(snoozes),
  };
}
