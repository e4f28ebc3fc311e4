import { createHash } from 'node:crypto';
import type { AlertType } from './schema.js';

// Crockford base32 (no i, l, o, u): ids stay readable when an officer reads one out on the phone.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

/**
 * The alert id is a function of its dedup key (130 bits of SHA-256), so every process that raises
 * the same alert computes the same id and the store's SET NX on it is the deduplication.
 */
export function alertIdFor(dedupKey: string): string {
  return `alt_${base32(createHash('sha256').update(dedupKey).digest().subarray(0, 17)).slice(0, 26)}`;
}

/**
 * The dedup key of an alert raised by one event: the same customer, event and type always give the
 * same key. The customer is part of it because an event id is unique only for the dedup window:
 * an id reused later (or by another sender) for another customer must raise that customer's alert.
 */
export function alertDedupKey(type: AlertType, customerId: string, triggeringEventId: string): string {
  return `${type}:${customerId}:${triggeringEventId}`;
}

export const ALERT_ID_PATTERN = /^alt_[0-9a-hjkmnp-tv-z]{26}$/;
