import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { loadConfig } from '../../config/index.js';

const root = new URL('../../', import.meta.url);

interface Healthcheck { test: string[] | string }
interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: Healthcheck;
  ulimits?: { nofile?: { soft: number; hard: number } };
  deploy?: { replicas?: number };
}
interface Compose { services: Record<string, Service>; volumes: Record<string, unknown> }

let compose: Compose;
let services: Record<string, Service>;

/** Compose's `${VAR:-default}` interpolation with an empty .env, and `$$` as a literal `$`. */
function interpolate(value: string): string {
  return value.replace(/\$\$|\$\{(\w+)(?::?-([^}]*))?\}/g, (whole, _name: string | undefined, fallback: string | undefined) => {
    if (whole === '$$') return '$';
    return fallback ?? '';
  });
}

function serviceEnv(name: string): Record<string, string> {
  const env = services[name]?.environment ?? {};
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, interpolate(String(v))]));
}

function service(name: string): Service {
  const found = services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
}

beforeAll(async () => {
  compose = parse(await readFile(new URL('docker-compose.yml', root), 'utf8'), { merge: true }) as Compose;
  services = compose.services;
});

describe('docker-compose.yml', () => {
  it('runs Redis, ClickHouse, the API, the workers, Prometheus and Grafana', () => {
    expect(Object.keys(services).sort()).toEqual(['clickhouse', 'grafana', 'prometheus', 'redis', 'vigil-api', 'vigil-worker']);
  });

  it('gives Redis an fsync-every-second append-only file on a volume', () => {
    const redis = service('redis');
    expect(redis.image).toMatch(/^redis:7/);
    const args = (redis.command ?? []).join(' ');
    expect(args).toContain('--appendonly yes');
    expect(args).toContain('--appendfsync everysec');
    expect(redis.volumes).toContainEqual(expect.stringMatching(/^redis-data:\/data$/));
  });

  it('pins a ClickHouse LTS-line tag with a volume, raised nofile and a password', () => {
    const clickhouse = service('clickhouse');
    expect(clickhouse.image).toMatch(/^clickhouse\/clickhouse-server:(24|25)\.\d+(\.\d+)*$/);
    expect(clickhouse.ulimits?.nofile?.soft).toBeGreaterThanOrEqual(262144);
    expect(clickhouse.volumes).toContainEqual(expect.stringMatching(/:\/var\/lib\/clickhouse$/));
    const env = serviceEnv('clickhouse');
    expect(env.CLICKHOUSE_DB).toBe('vigil');
    expect(env.CLICKHOUSE_USER).not.toBe('');
    expect(env.CLICKHOUSE_PASSWORD).not.toBe('');
  });

  it('configures the API and workers so Vigil’s own config schema accepts them', () => {
    for (const [name, role] of [['vigil-api', 'api'], ['vigil-worker', 'worker']] as const) {
      const env = serviceEnv(name);
      const config = loadConfig(env);
      expect(config.role, name).toBe(role);
      expect(config.http.host).toBe('0.0.0.0');
      expect(config.http.port).toBe(8080);
      expect(config.redis.url).toBe('redis://redis:6379');
      expect(config.clickhouse).toMatchObject({ kind: 'server', url: 'http://clickhouse:8123', database: 'vigil' });
      expect(config.generatedKeys).toBe(false);
      expect([...config.apiKeys.values()].map((k) => k.role)).toEqual(expect.arrayContaining(['ingest', 'risk', 'risk-admin', 'sre', 'admin']));
      // Metrics on a port of their own for Prometheus, on the compose network only.
      expect(config.operations.metricsListener, name).toEqual({ host: '0.0.0.0', port: 9464 });
    }
  });

  it('uses the same ClickHouse credentials in Vigil and in the server', () => {
    const server = serviceEnv('clickhouse');
    for (const name of ['vigil-api', 'vigil-worker']) {
      const env = serviceEnv(name);
      expect(env.CLICKHOUSE_USER).toBe(server.CLICKHOUSE_USER);
      expect(env.CLICKHOUSE_PASSWORD).toBe(server.CLICKHOUSE_PASSWORD);
    }
  });

  it('marks the sample API keys as local-only and lets .env override them', async () => {
    const raw = await readFile(new URL('docker-compose.yml', root), 'utf8');
    expect(raw).toMatch(/VIGIL_API_KEYS: \$\{VIGIL_API_KEYS:-[^}]+\}/);
    expect(serviceEnv('vigil-api').VIGIL_API_KEYS).toMatch(/local-only/);
  });

  it('publishes 8080 for the API only, never the metrics port, and runs two worker replicas', () => {
    expect(service('vigil-api').ports).toContainEqual(expect.stringMatching(/:8080:8080$|^8080:8080$/));
    for (const name of Object.keys(services)) expect(JSON.stringify(services[name]?.ports ?? []), name).not.toContain('9464');
    expect(service('vigil-worker').ports).toBeUndefined();
    expect(service('vigil-worker').deploy?.replicas).toBe(2);
  });

  it('starts Vigil only once Redis and ClickHouse are healthy, and health-checks it on /healthz', () => {
    for (const name of ['vigil-api', 'vigil-worker']) {
      const s = service(name);
      expect(s.build, name).toBeDefined();
      expect(s.depends_on?.redis?.condition, name).toBe('service_healthy');
      expect(s.depends_on?.clickhouse?.condition, name).toBe('service_healthy');
      expect(JSON.stringify(s.healthcheck?.test), name).toContain('/healthz');
    }
  });

  it('only waits for health on services that have a healthcheck', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const [dependency, { condition }] of Object.entries(s.depends_on ?? {})) {
        if (condition === 'service_healthy') expect(service(dependency).healthcheck, `${name} → ${dependency}`).toBeDefined();
      }
    }
  });

  it('declares every named volume it mounts and binds only files that exist', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const volume of s.volumes ?? []) {
        const source = volume.split(':')[0] ?? '';
        if (source.startsWith('./')) expect(existsSync(new URL(source, root)), `${name}: ${source}`).toBe(true);
        else expect(Object.keys(compose.volumes), `${name}: ${source}`).toContain(source);
      }
    }
  });
});

describe('Prometheus and Grafana wiring', () => {
  it('Prometheus finds the API and every worker replica by DNS, scrapes their metrics port and loads the alert rules', async () => {
    expect(service('prometheus').volumes).toContain('./config/prometheus:/etc/prometheus:ro');
    const config = parse(await readFile(new URL('config/prometheus/prometheus.yml', root), 'utf8')) as {
      rule_files: string[];
      scrape_configs: Array<{ job_name: string; metrics_path?: string; dns_sd_configs?: Array<{ names: string[]; type: string; port: number }> }>;
    };
    expect(config.rule_files).toEqual(['/etc/prometheus/alerts.yml']);
    for (const job of ['vigil-api', 'vigil-worker']) {
      const scrape = config.scrape_configs.find((c) => c.job_name === job);
      expect(scrape?.metrics_path, job).toBe('/metrics');
      expect(scrape?.dns_sd_configs, job).toEqual([expect.objectContaining({ names: [job], type: 'A', port: Number(serviceEnv(job).VIGIL_METRICS_PORT) })]);
      expect(Object.keys(services)).toContain(job);
    }
  });

  it('Grafana provisions the Prometheus datasource and the dashboards folder it mounts', async () => {
    const grafana = service('grafana');
    expect(grafana.volumes).toContain('./config/grafana/provisioning:/etc/grafana/provisioning:ro');
    const dashboardsMount = (grafana.volumes ?? []).find((v) => v.startsWith('./dashboards:'));
    const mountedAt = dashboardsMount?.split(':')[1];
    const provider = parse(await readFile(new URL('config/grafana/provisioning/dashboards/vigil.yml', root), 'utf8')) as {
      providers: Array<{ type: string; options: { path: string } }>;
    };
    expect(provider.providers[0]?.options.path).toBe(mountedAt);
    const datasources = parse(await readFile(new URL('config/grafana/provisioning/datasources/prometheus.yml', root), 'utf8')) as {
      datasources: Array<{ uid: string; type: string; url: string }>;
    };
    expect(datasources.datasources).toContainEqual(expect.objectContaining({ uid: 'prometheus', type: 'prometheus', url: 'http://prometheus:9090' }));
  });
});

describe('Dockerfile', () => {
  it('builds on node:20-bookworm-slim, compiles in a build stage, runs the compiled JavaScript in one node process as a non-root user and health-checks /healthz', async () => {
    const dockerfile = await readFile(new URL('Dockerfile', root), 'utf8');
    expect(dockerfile).toMatch(/^FROM node:20-bookworm-slim\b/m);
    expect(dockerfile).toMatch(/RUN npm ci\b/);
    expect(dockerfile).toMatch(/^RUN npm run build$/m);
    expect(dockerfile).toMatch(/^RUN npm ci --omit=dev\b/m);
    expect(dockerfile).toMatch(/^USER (?!root\b)\w+/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK [\s\S]*\/healthz/m);
    // node itself runs the build output (no tsx at run time), so SIGTERM reaches Vigil's graceful close;
    // its heap is bounded (docs/perf/README.md, memory), not sized for the whole host.
    expect(dockerfile).toMatch(/^CMD \["node", "--enable-source-maps", "--max-old-space-size=\d+", "--max-semi-space-size=\d+", "dist\/bin\/vigil\.js"\]$/m);
    const dockerignore = await readFile(new URL('.dockerignore', root), 'utf8');
    expect(dockerignore.split('\n')).toEqual(expect.arrayContaining(['node_modules', '.git', '.env']));
  });
});
