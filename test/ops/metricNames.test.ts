import { readFile, readdir } from 'node:fs/promises';

import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { createAlertMetrics } from '../../alerts/metrics.js';
import { createMetrics } from '../../core/observability/metrics.js';
import { createOfferMetrics } from '../../offers/metrics.js';
import { isKnownMetric, metricNamesIn } from './promql.js';

const root = new URL('../../', import.meta.url);

interface Target { expr?: string }
interface Panel { id: number; type: string; title: string; datasource?: { uid?: string }; targets?: Target[]; gridPos: { x: number; y: number; w: number; h: number } }
interface Dashboard { uid: string; title: string; schemaVersion: number; panels: Panel[]; templating: { list: Array<{ name: string; type: string }> } }
interface Rule { alert?: string; record?: string; expr: string; for?: string; labels?: Record<string, string>; annotations?: Record<string, string> }
interface RuleFile { groups: Array<{ name: string; rules: Rule[] }> }

let registered: Map<string, string>;
let dashboards: Array<{ file: string; dashboard: Dashboard }>;
let rules: Rule[];

beforeAll(async () => {
  const metrics = createMetrics();
  createAlertMetrics(metrics.registry);
  createOfferMetrics(metrics.registry);
  registered = new Map((await metrics.registry.getMetricsAsJSON()).map((m) => [m.name, String(m.type)]));
  const files = (await readdir(new URL('dashboards/', root))).filter((f) => f.endsWith('.json'));
  dashboards = await Promise.all(
    files.map(async (file) => ({ file, dashboard: JSON.parse(await readFile(new URL(`dashboards/${file}`, root), 'utf8')) as Dashboard })),
  );
  const ruleFile = parse(await readFile(new URL('config/prometheus/alerts.yml', root), 'utf8')) as RuleFile;
  rules = ruleFile.groups.flatMap((g) => g.rules);
});

describe('metricNamesIn', () => {
  it('lists selected metrics and skips functions, label lists, ranges and strings', () => {
    const expr = 'histogram_quantile(0.99, sum by (le, route) (rate(http_request_duration_seconds_bucket{status_code=~"5..", job="x"}[$__rate_interval]))) / ignoring(le) max(up offset 5m) unless on (partition) vigil_stream_lag_events > 1e3';
    expect(metricNamesIn(expr).sort()).toEqual(['http_request_duration_seconds_bucket', 'up', 'vigil_stream_lag_events']);
  });

  it('accepts histogram series of registered histograms only', () => {
    expect(isKnownMetric('vigil_ingest_to_processed_seconds_bucket', registered)).toBe(true);
    expect(isKnownMetric('vigil_events_processed_total_bucket', registered)).toBe(false);
    expect(isKnownMetric('vigil_no_such_metric', registered)).toBe(false);
  });
});

describe('dashboards', () => {
  it('exist', () => {
    expect(dashboards.map((d) => d.file)).toContain('vigil-overview.json');
  });

  it('reference only metrics Vigil registers', () => {
    const unknown = dashboards.flatMap(({ file, dashboard }) =>
      dashboard.panels.flatMap((panel) =>
        (panel.targets ?? []).flatMap((t) => metricNamesIn(t.expr ?? '').filter((n) => !isKnownMetric(n, registered)).map((n) => `${file} / ${panel.title}: ${n}`)),
      ),
    );
    expect(unknown).toEqual([]);
  });

  it('chart every metric Vigil defines', async () => {
    const used = new Set(dashboards.flatMap(({ dashboard }) => dashboard.panels.flatMap((p) => (p.targets ?? []).flatMap((t) => metricNamesIn(t.expr ?? '')))));
    const usedBases = new Set([...used].map((n) => n.replace(/_(?:bucket|sum|count)$/, '')));
    const own = createMetrics({ defaultMetrics: false });
    createAlertMetrics(own.registry);
    createOfferMetrics(own.registry);
    const defined = (await own.registry.getMetricsAsJSON()).map((m) => m.name);
    expect(defined.length).toBeGreaterThan(10);
    expect(defined.filter((name) => !used.has(name) && !usedBases.has(name))).toEqual([]);
  });

  it('take their datasource from the DS_PROMETHEUS variable and have unique panel ids', () => {
    for (const { dashboard } of dashboards) {
      expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(39);
      expect(dashboard.templating.list).toContainEqual(expect.objectContaining({ name: 'DS_PROMETHEUS', type: 'datasource' }));
      const ids = dashboard.panels.map((p) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const panel of dashboard.panels.filter((p) => p.type !== 'row')) {
        expect(panel.datasource?.uid, panel.title).toBe('${DS_PROMETHEUS}');
        expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      }
    }
  });

  it('lay panels out without overlaps on the 24-column grid', () => {
    for (const { dashboard } of dashboards) {
      const cells = new Set<string>();
      for (const { title, gridPos: g } of dashboard.panels) {
        expect(g.x + g.w, title).toBeLessThanOrEqual(24);
        for (let x = g.x; x < g.x + g.w; x++) {
          for (let y = g.y; y < g.y + g.h; y++) {
            expect(cells.has(`${x},${y}`), `${title} overlaps at ${x},${y}`).toBe(false);
            cells.add(`${x},${y}`);
          }
        }
      }
    }
  });

  it('overview has the Ingest, Streams, Processing, ClickHouse, Runtime, Risk, Alerts, Offers, In-line decisions and Rule performance rows, each panel explained in the README', async () => {
    const overview = dashboards.find((d) => d.file === 'vigil-overview.json')!.dashboard;
    expect(overview.panels.filter((p) => p.type === 'row').map((p) => p.title)).toEqual(['Ingest', 'Streams', 'Processing', 'ClickHouse', 'Runtime', 'Risk', 'Alerts', 'Offers', 'In-line decisions', 'Rule performance']);
    const readme = await readFile(new URL('dashboards/README.md', root), 'utf8');
    const unexplained = overview.panels.filter((p) => p.type !== 'row' && !readme.includes(`### ${p.title}`)).map((p) => p.title);
    expect(unexplained).toEqual([]);
  });
});

describe('alert rules', () => {
  it('reference only metrics Vigil registers', () => {
    const unknown = rules.flatMap((r) => metricNamesIn(r.expr).filter((n) => !isKnownMetric(n, registered)).map((n) => `${r.alert}: ${n}`));
    expect(unknown).toEqual([]);
  });

  it('have unique names, a severity, a summary and point at a dashboard panel that exists', () => {
    const names = rules.map((r) => r.alert);
    expect(new Set(names).size).toBe(names.length);
    const overview = dashboards.find((d) => d.file === 'vigil-overview.json')!.dashboard;
    const panelPaths = new Set<string>();
    let row = '';
    for (const p of overview.panels) {
      if (p.type === 'row') row = p.title;
      else panelPaths.add(`${row} / ${p.title}`);
    }
    for (const rule of rules) {
      expect(rule.alert, rule.expr).toMatch(/^Vigil[A-Za-z]+$/);
      expect(['warning', 'critical'], rule.alert).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary, rule.alert).toBeTruthy();
      expect(panelPaths, rule.alert).toContain(rule.annotations?.panel);
    }
  });

  it('cover what an SRE pages on', () => {
    const selected = new Set(rules.flatMap((r) => metricNamesIn(r.expr)));
    for (const metric of [
      'vigil_stream_lag_events',
      'vigil_ingest_backpressure_rejections_total',
      'vigil_dead_letters_total',
      'vigil_aggregates_flush_failures_total',
      'vigil_aggregates_buffered_events',
      'vigil_processing_errors_total',
      'vigil_events_processed_total',
      'vigil_ingest_to_processed_seconds_bucket',
      'up',
    ]) {
      expect(selected, metric).toContain(metric);
    }
  });
});
