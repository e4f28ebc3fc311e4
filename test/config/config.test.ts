import { describe, expect, it } from 'vitest';
import { ConfigError, derivedKeyName, loadConfig } from '../../config/index.js';

const KEYS = 'ingest-key-0123456789:ingest,admin-key-0123456789:admin';
const PSEUDONYM_KEY = 'pseudonym-key-0123456789abcdef0123456789';

describe('configuration', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({ VIGIL_API_KEYS: KEYS });
    expect(config.http.port).toBe(8080);
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
    expect(config.partitions).toBe(8);
    expect(config.clickhouse).toEqual({
      kind: 'embedded', dataDir: './data', database: 'vigil',
      limits: { maxMemoryBytes: 1024 * 2 ** 20, markCacheBytes: 64 * 2 ** 20, primaryIndexCacheBytes: 64 * 2 ** 20, idleThreads: 8 },
    });
    expect(config.ingest.dedupWindowSeconds).toBe(86_400);
    expect(config.ingest.maxEventAgeDays).toBe(400);
    expect(config.http.maxBatchEvents).toBe(1000);
    expect(config.apiKeys.get('admin-key-0123456789')).toEqual({ name: derivedKeyName('admin-key-0123456789', 'admin'), role: 'admin' });
    expect(config.http).toMatchObject({
      headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, idleTimeoutMs: 65_000, maxConnectionsPerIp: 128,
      rateLimit: { max: 60_000, windowMs: 60_000 }, trustProxy: [],
    });
    expect(config.outbound.allow).toEqual({ hosts: [], suffixes: [], ranges: [] });
    expect(config.operations).toEqual({ publicDocs: false });
    expect(config.backtests).toEqual({ resultTtlHours: 168, pageEvents: 5000 });
    expect(config.rulePerformance).toEqual({ refreshMs: 300_000, maxAlerts: 500_000 });
  });

  it('reads API keys as name:key:role, the name being whom audit records name', () => {
    const config = loadConfig({ VIGIL_API_KEYS: 'cro-office:risk-admin-key-0123456789:risk-admin, Ana Lima:risk-key-0123456789abc:risk' });
    expect(config.apiKeys.get('risk-admin-key-0123456789')).toEqual({ name: 'cro-office', role: 'risk-admin' });
    expect(config.apiKeys.get('risk-key-0123456789abc')).toEqual({ name: 'Ana Lima', role: 'risk' });
  });

  it('still reads the older key:role form, naming the key after its role and the start of its SHA-256', () => {
    const config = loadConfig({ VIGIL_API_KEYS: 'abcdefghijklmnopq:risk,abcdefghijklmnopr:risk' });
    const names = [...config.apiKeys.values()].map((k) => k.name);
    expect(names).toEqual([expect.stringMatching(/^risk-[0-9a-f]{6}$/), expect.stringMatching(/^risk-[0-9a-f]{6}$/)]);
    expect(names[0]).not.toBe(names[1]);
    expect(loadConfig({ VIGIL_API_KEYS: 'abcdefghijklmnopq:risk' }).apiKeys.get('abcdefghijklmnopq')?.name).toBe(names[0]);
  });

  it('takes the outbound allow-list, trusted proxies, the metrics listener and public docs', () => {
    const config = loadConfig({
      VIGIL_API_KEYS: KEYS, VIGIL_OUTBOUND_ALLOW: '127.0.0.1, localhost, *.bank.internal, 10.0.0.0/8, [::1]',
      VIGIL_TRUST_PROXY: '10.0.0.0/8,loopback', VIGIL_METRICS_PORT: '9464', VIGIL_PUBLIC_DOCS: 'true',
    });
    expect(config.outbound.allow.hosts).toEqual(['localhost']);
    expect(config.outbound.allow.suffixes).toEqual(['.bank.internal']);
    expect(config.outbound.allow.ranges.map(([address, bits]) => `${address.toString()}/${bits}`)).toEqual(['127.0.0.1/32', '10.0.0.0/8', '::1/128']);
    expect(config.http.trustProxy).toEqual(['10.0.0.0/8', 'loopback']);
    expect(config.operations).toEqual({ publicDocs: true, metricsListener: { host: '127.0.0.1', port: 9464 } });
  });

  it('bounds the embedded ClickHouse by the VIGIL_CLICKHOUSE_* limits, in MiB, and refuses a memory ceiling below 64 MiB', () => {
    const config = loadConfig({
      VIGIL_API_KEYS: KEYS, VIGIL_CLICKHOUSE_MAX_MEMORY_MB: '512', VIGIL_CLICKHOUSE_MARK_CACHE_MB: '0', VIGIL_CLICKHOUSE_INDEX_CACHE_MB: '16', VIGIL_CLICKHOUSE_IDLE_THREADS: '2',
    });
    expect(config.clickhouse).toMatchObject({ limits: { maxMemoryBytes: 512 * 2 ** 20, markCacheBytes: 0, primaryIndexCacheBytes: 16 * 2 ** 20, idleThreads: 2 } });
    expect(() => loadConfig({ VIGIL_API_KEYS: KEYS, VIGIL_CLICKHOUSE_MAX_MEMORY_MB: '32' })).toThrow(/VIGIL_CLICKHOUSE_MAX_MEMORY_MB/);
  });

  it('switches to a ClickHouse server when CLICKHOUSE_URL is set', () => {
    const config = loadConfig({ VIGIL_API_KEYS: KEYS, CLICKHOUSE_URL: 'http://clickhouse:8123', CLICKHOUSE_PASSWORD: 's3cret', VIGIL_PSEUDONYM_KEY: PSEUDONYM_KEY });
    expect(config.clickhouse).toMatchObject({ kind: 'server', url: 'http://clickhouse:8123', password: 's3cret' });
    expect(config.privacy.pseudonymKey).toEqual({ kind: 'configured', key: PSEUDONYM_KEY });
  });

  it('requires a pseudonym key with a ClickHouse server, and keeps one in the data dir for the embedded engine', () => {
    expect(() => loadConfig({ VIGIL_API_KEYS: KEYS, CLICKHOUSE_URL: 'http://clickhouse:8123' })).toThrow(/VIGIL_PSEUDONYM_KEY: required when CLICKHOUSE_URL is set/);
    expect(loadConfig({ VIGIL_API_KEYS: KEYS, VIGIL_DATA_DIR: '/var/lib/vigil' }).privacy.pseudonymKey).toEqual({ kind: 'file', path: '/var/lib/vigil/pseudonym.key' });
  });

  it('applies the documented privacy and retention defaults', () => {
    const config = loadConfig({ VIGIL_API_KEYS: KEYS });
    expect(config.privacy.rawIdentifiers).toBe(false);
    expect(config.risk).toMatchObject({ complaintSlaHours: 48, privacyComplaintSlaHours: 24 });
    expect(config.retention).toEqual({
      clickhouseDays: {
        events: 400, event_rollups_1m: 800, alerts: 2555, alert_transitions: 2555,
        offer_decisions: 730, offer_deliveries: 730, offer_responses: 730,
      },
      customerStateDays: 400, profileDays: undefined, resolvedAlertsDays: 180, offerRecordsDays: 400,
    });
    const custom = loadConfig({ VIGIL_API_KEYS: KEYS, VIGIL_RETENTION_EVENTS_DAYS: '90', VIGIL_RETENTION_PROFILE_DAYS: '1000', VIGIL_ANALYTICS_RAW_IDENTIFIERS: 'true' });
    expect(custom.retention.clickhouseDays.events).toBe(90);
    expect(custom.retention.profileDays).toBe(1000);
    expect(custom.privacy.rawIdentifiers).toBe(true);
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
    ['a short pseudonym key', { VIGIL_PSEUDONYM_KEY: 'too-short' }, /VIGIL_PSEUDONYM_KEY: must be at least 32 characters/],
    ['a raw-identifiers flag that is not true or false', { VIGIL_ANALYTICS_RAW_IDENTIFIERS: 'yes' }, /VIGIL_ANALYTICS_RAW_IDENTIFIERS: must be true or false/],
    ['a retention of zero days', { VIGIL_RETENTION_EVENTS_DAYS: '0' }, /VIGIL_RETENTION_EVENTS_DAYS/],
    ['a privacy complaint SLA of zero hours', { VIGIL_COMPLAINT_SLA_HOURS_PRIVACY: '0' }, /VIGIL_COMPLAINT_SLA_HOURS_PRIVACY/],
    ['a key name with a control character', { VIGIL_API_KEYS: 'ana\tlima:abcdefghijklmnopq:risk' }, /VIGIL_API_KEYS: .*name/],
    ['the same key twice', { VIGIL_API_KEYS: 'ana:abcdefghijklmnopq:risk,bo:abcdefghijklmnopq:admin' }, /VIGIL_API_KEYS: .*twice/],
    ['four parts in a key entry', { VIGIL_API_KEYS: 'a:b:abcdefghijklmnopq:risk' }, /VIGIL_API_KEYS/],
    ['a header deadline after the request deadline', { VIGIL_HEADERS_TIMEOUT_MS: '40000', VIGIL_REQUEST_TIMEOUT_MS: '30000' }, /VIGIL_HEADERS_TIMEOUT_MS: must not exceed VIGIL_REQUEST_TIMEOUT_MS/],
    ['an idle timeout below the live feeds\' heartbeat', { VIGIL_IDLE_TIMEOUT_MS: '5000' }, /VIGIL_IDLE_TIMEOUT_MS/],
    ['a negative connection cap', { VIGIL_MAX_CONNECTIONS_PER_IP: '-1' }, /VIGIL_MAX_CONNECTIONS_PER_IP/],
    ['a rate window under a second', { VIGIL_RATE_LIMIT_WINDOW_MS: '10' }, /VIGIL_RATE_LIMIT_WINDOW_MS/],
    ['an allow-list entry that is no host, address or range', { VIGIL_OUTBOUND_ALLOW: '127.0.0.1,http://x/' }, /VIGIL_OUTBOUND_ALLOW: "http:\/\/x\/"/],
    ['a bad CIDR range in the allow-list', { VIGIL_OUTBOUND_ALLOW: '10.0.0.0/40' }, /VIGIL_OUTBOUND_ALLOW/],
    ['a trusted proxy that is no address', { VIGIL_TRUST_PROXY: 'proxy.internal' }, /VIGIL_TRUST_PROXY/],
    ['the metrics listener on the API port', { PORT: '8080', VIGIL_METRICS_PORT: '8080' }, /VIGIL_METRICS_PORT: must differ from PORT/],
    ['public docs that are not true or false', { VIGIL_PUBLIC_DOCS: 'yes' }, /VIGIL_PUBLIC_DOCS/],
    ['a zero maximum event age', { VIGIL_MAX_EVENT_AGE_DAYS: '0' }, /VIGIL_MAX_EVENT_AGE_DAYS/],
    ['a backtest result kept for no time', { VIGIL_BACKTEST_RESULT_TTL_HOURS: '0' }, /VIGIL_BACKTEST_RESULT_TTL_HOURS/],
    ['a backtest page too small to be worth a query', { VIGIL_BACKTEST_PAGE_EVENTS: '10' }, /VIGIL_BACKTEST_PAGE_EVENTS/],
    ['rule performance gauges refreshed many times a second', { VIGIL_RULE_PERFORMANCE_REFRESH_MS: '10' }, /VIGIL_RULE_PERFORMANCE_REFRESH_MS/],
    ['a rule performance bound that is no number', { VIGIL_RULE_PERFORMANCE_MAX_ALERTS: 'lots' }, /VIGIL_RULE_PERFORMANCE_MAX_ALERTS/],
  ];
  it.each(BAD)('stops start-up on %s with a message naming the variable', (_name, env, message) => {
    expect(() => loadConfig({ VIGIL_API_KEYS: KEYS, ...env })).toThrow(ConfigError);
    expect(() => loadConfig({ VIGIL_API_KEYS: KEYS, ...env })).toThrow(message);
  });

  it('requires API keys outside the demo, and generates one per role for the demo', () => {
    expect(() => loadConfig({})).toThrow(/VIGIL_API_KEYS: required/);
    const demo = loadConfig({}, { allowGeneratedKeys: true });
    expect(demo.generatedKeys).toBe(true);
    expect([...demo.apiKeys.values()].map((k) => k.role).sort()).toEqual(['admin', 'ingest', 'marketing', 'risk', 'risk-admin', 'sre']);
    expect(new Set([...demo.apiKeys.values()].map((k) => k.name)).size).toBe(6);
    expect([...demo.apiKeys.keys()].every((k) => k.length >= 24)).toBe(true);
  });
});
