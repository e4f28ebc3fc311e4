import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config/index.js';

const KEYS = 'ingest-key-0123456789:ingest,admin-key-0123456789:admin';

describe('configuration', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({ VIGIL_API_KEYS: KEYS });
    expect(config.http.port).toBe(8080);
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
    expect(config.partitions).toBe(8);
    expect(config.clickhouse).toEqual({ kind: 'embedded', dataDir: './data', database: 'vigil' });
    expect(config.ingest.dedupWindowSeconds).toBe(86_400);
    expect(config.ingest.maxEventAgeDays).toBe(400);
    expect(config.http.maxBatchEvents).toBe(1000);
    expect(config.apiKeys.get('admin-key-0123456789')).toBe('admin');
  });

  it('switches to a ClickHouse server when CLICKHOUSE_URL is set', () => {
    const config = loadConfig({ VIGIL_API_KEYS: KEYS, CLICKHOUSE_URL: 'http://clickhouse:8123', CLICKHOUSE_PASSWORD: 's3cret' });
    expect(config.clickhouse).toMatchObject({ kind: 'server', url: 'http://clickhouse:8123', password: 's3cret' });
  });

  const BAD: [string, Record<string, string>, RegExp][] = [
    ['a non-numeric port', { PORT: 'eighty' }, /PORT/],
    ['a port out of range', { PORT: '70000' }, /PORT/],
    ['zero partitions', { VIGIL_PARTITIONS: '0' }, /VIGIL_PARTITIONS/],
    ['a non-redis URL', { REDIS_URL: 'http://localhost:6379' }, /REDIS_URL/],
    ['an unknown role', { VIGIL_API_KEYS: 'abcdefghijklmnopq:root' }, /VIGIL_API_KEYS/],
    ['a short key', { VIGIL_API_KEYS: 'short:admin' }, /VIGIL_API_KEYS/],
    ['a pair without role', { VIGIL_API_KEYS: 'abcdefghijklmnopq' }, /VIGIL_API_KEYS/],
    ['an unknown process role', { VIGIL_ROLE: 'both' }, /VIGIL_ROLE/],
    ['a bad ClickHouse URL', { CLICKHOUSE_URL: 'clickhouse:8123' }, /CLICKHOUSE_URL/],
    ['a zero maximum event age', { VIGIL_MAX_EVENT_AGE_DAYS: '0' }, /VIGIL_MAX_EVENT_AGE_DAYS/],
  ];
  it.each(BAD)('stops start-up on %s with a message naming the variable', (_name, env, message) => {
    expect(() => loadConfig({ VIGIL_API_KEYS: KEYS, ...env })).toThrow(ConfigError);
    expect(() => loadConfig({ VIGIL_API_KEYS: KEYS, ...env })).toThrow(message);
  });

  it('requires API keys outside the demo, and generates one per role for the demo', () => {
    expect(() => loadConfig({})).toThrow(/VIGIL_API_KEYS: required/);
    const demo = loadConfig({}, { allowGeneratedKeys: true });
    expect(demo.generatedKeys).toBe(true);
    expect([...demo.apiKeys.values()].sort()).toEqual(['admin', 'ingest', 'marketing', 'risk', 'sre']);
    expect([...demo.apiKeys.keys()].every((k) => k.length >= 24)).toBe(true);
  });
});
