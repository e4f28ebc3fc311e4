import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHmac } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { isPseudonym, loadPseudonymKey, pseudonymiser } from '../../core/privacy/index.js';

const KEY = 'k'.repeat(32);
const dir = mkdtempSync(join(tmpdir(), 'vigil-pseudonym-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the keyed hash that stands for customers in analytics', () => {
  it('is HMAC-SHA256(key, customer id) in hex, cut to 32 characters, the same every time', () => {
    const pseudonymise = pseudonymiser(KEY);
    const expected = createHmac('sha256', KEY).update('cust-000123').digest('hex').slice(0, 32);
    expect(pseudonymise('cust-000123')).toBe(expected);
    expect(pseudonymise('cust-000123')).toBe(pseudonymiser(KEY)('cust-000123'));
    expect(isPseudonym(expected)).toBe(true);
    expect(isPseudonym("x' OR 1=1 --")).toBe(false);
  });

  it('differs with another key, and between an identifier used as customer, IP or account', () => {
    const pseudonymise = pseudonymiser(KEY);
    expect(pseudonymiser('j'.repeat(32))('cust-1')).not.toBe(pseudonymise('cust-1'));
    const values = new Set([pseudonymise('10.0.0.1'), pseudonymise('10.0.0.1', 'ip'), pseudonymise('10.0.0.1', 'account')]);
    expect(values.size).toBe(3);
  });

  it('answers the same from its cache as from the hash, also after the cache filled and was emptied', () => {
    const cached = pseudonymiser(KEY, 2);
    const fresh = (value: string) => createHmac('sha256', KEY).update(value).digest('hex').slice(0, 32);
    for (const id of ['a', 'b', 'c', 'a', 'd', 'b', 'a']) expect(cached(id)).toBe(fresh(id));
  });

  it('refuses a key shorter than 32 characters', () => {
    expect(() => pseudonymiser('short')).toThrow(/at least 32 characters/);
  });

  it('creates the embedded key file once, readable by its owner only, and reads the same key on the next start', () => {
    const path = join(dir, 'data', 'pseudonym.key');
    const first = loadPseudonymKey({ kind: 'file', path });
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(loadPseudonymKey({ kind: 'file', path })).toBe(first);
    expect(readFileSync(path, 'utf8').trim()).toBe(first);
  });

  it('uses a configured key as given, and refuses a damaged key file instead of making a new key', () => {
    expect(loadPseudonymKey({ kind: 'configured', key: KEY })).toBe(KEY);
    const path = join(dir, 'damaged.key');
    writeFileSync(path, 'abc\n');
    expect(() => loadPseudonymKey({ kind: 'file', path })).toThrow(/fewer than 32 characters; restore it or remove it/);
  });
});
