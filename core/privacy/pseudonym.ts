import { createHmac, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { VigilConfig } from '../../config/index.js';

// Analytics (ClickHouse) never holds the bank's customer id: it holds a keyed hash of it, the
// same for every row of the customer, so joins and counts per customer still work, while a
// reader without the key cannot go back to the bank's id or test a guess. The key is the only
// link; erasing a customer deletes their rows by the hash (docs/privacy.md).

/** Hex characters kept of the HMAC: 128 bits, collision-free at any bank's customer count. */
export const PSEUDONYM_HEX_CHARS = 32;
const KEY_MIN_CHARS = 32;

/**
 * The one keyed hash Vigil uses for identifiers leaving the operational store. `pseudonym(id)`
 * is HMAC-SHA256(key, id) in hex, cut to 32 characters; other identifiers carry their kind
 * (`pseudonym(ip, 'ip')`) so the same text in two roles never gives the same value.
 */
export type Pseudonymise = (value: string, kind?: 'customer' | 'ip' | 'network' | 'account') => string;

export function pseudonymiser(key: string, cacheSize = 100_000): Pseudonymise {
  if (key.length < KEY_MIN_CHARS) throw new Error(`the pseudonym key must be at least ${KEY_MIN_CHARS} characters`);
  // Every event row hashes its customer (and IP, account): an HMAC costs microseconds, a lookup
  // far less, and the same customers recur all day. Emptied when full rather than kept in LRU
  // order: simpler, and a refill costs only the hashes.
  const cache = new Map<string, string>();
  return (value, kind = 'customer') => {
    const input = kind === 'customer' ? value : `${kind}\u0000${value}`;
    let hashed = cache.get(input);
    if (hashed === undefined) {
      hashed = createHmac('sha256', key).update(input).digest('hex').slice(0, PSEUDONYM_HEX_CHARS);
      if (cache.size >= cacheSize) cache.clear();
      cache.set(input, hashed);
    }
    return hashed;
  };
}

/** A pseudonym as stored: lower-case hex of the fixed length (safe to put in SQL). */
export function isPseudonym(text: string): boolean {
  return text.length === PSEUDONYM_HEX_CHARS && /^[0-9a-f]+$/.test(text);
}

/**
 * The configured key, or the one kept in the data directory: created once (0600) on first start,
 * so hashes stay the same across restarts. Called by the engine at start, never below it.
 */
export function loadPseudonymKey(source: VigilConfig['privacy']['pseudonymKey']): string {
  if (source.kind === 'configured') return source.key;
  try {
    return readKeyFile(source.path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dirname(source.path), { recursive: true });
  try {
    // 'wx': two processes starting on one data dir cannot both create a key; the second reads the first's.
    writeFileSync(source.path, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  chmodSync(source.path, 0o600);
  return readKeyFile(source.path);
}

function readKeyFile(path: string): string {
  const key = readFileSync(path, 'utf8').trim();
  if (key.length < KEY_MIN_CHARS) throw new Error(`pseudonym key file ${path} holds fewer than ${KEY_MIN_CHARS} characters; restore it or remove it (a new key breaks joins with older rows)`);
  return key;
}
