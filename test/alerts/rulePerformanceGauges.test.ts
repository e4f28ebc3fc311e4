import { randomBytes } from 'node:crypto';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlertMetrics, type AlertTransition, type StoredAlert } from '../../alerts/index.js';
import { RulePerformanceGauges, windowFigures, type ArchivedAlert, type ArchivedTransition } from '../../alerts/performance/index.js';
import { createLogger } from '../../core/observability/index.js';
import { SRE_KEY, startTestEngine, testConfig } from '../support/testEngine.js';
import { fraudAlert } from './harness.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;

describe('windowFigures', () => {
  const now = Date.parse('2026-12-07T12:00:00Z');
  let n = 0;
  const alert = (daysAgo: number, ruleIds = ['r1'], modelVersions: string[] = []): ArchivedAlert => ({ id: `w${++n}`, type: 'fraud', createdAtMs: now - daysAgo * DAY, ruleIds, modelVersions });
  const resolved = (a: ArchivedAlert, disposition: string): ArchivedTransition => ({ alertId: a.id, seq: 2, atMs: a.createdAtMs + HOUR, action: 'resolve', disposition });

  it.each([
    // [what, alerts with their dispositions, expected last_7d, expected previous_28d]
    ['one alert a day, confirmed, against a quiet month', [...Array.from({ length: 7 }, (_, i) => [i + 0.5, 'confirmed_fraud'] as const), [10, 'false_positive'] as const],
      { alertsPerDay: 1, verdicts: 7, precision: 1 }, { alertsPerDay: 1 / 28, verdicts: 1, precision: 0 }],
    ['open alerts count in the rate, not in precision', [[1, undefined], [2, 'confirmed_fraud'], [8, undefined], [9, undefined]] as const,
      { alertsPerDay: 2 / 7, verdicts: 1, precision: 1 }, { alertsPerDay: 2 / 28, verdicts: 0, precision: null }],
    ['the window bounds: exactly 7 days ago is the last 7 days, just over 35 days ago neither', [[7, 'false_positive'], [7.01, 'confirmed_fraud'], [35.01, 'confirmed_fraud'], [34.99, 'false_positive']] as const,
      { alertsPerDay: 1 / 7, verdicts: 1, precision: 0 }, { alertsPerDay: 2 / 28, verdicts: 2, precision: 0.5 }],
    ['a rule silent in the last 7 days drops to 0 there, with no precision', [[9, 'confirmed_fraud'], [10, undefined]] as const,
      { alertsPerDay: 0, verdicts: 0, precision: null }, { alertsPerDay: 2 / 28, verdicts: 1, precision: 1 }],
    ['a new rule starts from 0 in the previous 28 days', [[1, 'false_positive']] as const,
      { alertsPerDay: 1 / 7, verdicts: 1, precision: 0 }, { alertsPerDay: 0, verdicts: 0, precision: null }],
  ] as const)('%s', (_what, specs, last, previous) => {
    const alerts = specs.map(([daysAgo]) => alert(daysAgo));
    const transitions = specs.flatMap(([, disposition], i) => (disposition ? [resolved(alerts[i]!, disposition)] : []));
    const figures = windowFigures(alerts, transitions, now);
    expect(figures).toEqual([{ ruleId: 'r1', window: 'last_7d', ...last }, { ruleId: 'r1', window: 'previous_28d', ...previous }]);
  });

  it('sums a rule over the model versions it fired on', () => {
    const a = alert(1, ['m'], ['fraud@1']);
    const b = alert(2, ['m'], ['fraud@2']);
    expect(windowFigures([a, b], [resolved(a, 'confirmed_fraud'), resolved(b, 'false_positive')], now)).toEqual([
      { ruleId: 'm', window: 'last_7d', alertsPerDay: 2 / 7, verdicts: 2, precision: 0.5 },
      { ruleId: 'm', window: 'previous_28d', alertsPerDay: 0, verdicts: 0, precision: null },
    ]);
  });
});

describe('the rule performance gauges of a running engine', () => {
  let engine: Awaited<ReturnType<typeof startTestEngine>>;
  beforeAll(async () => {
    engine = await startTestEngine(testConfig({ VIGIL_RULE_PERFORMANCE_REFRESH_MS: '1000' }));
  });
  afterAll(async () => engine?.dispose());

  const rule = `gauge-${randomBytes(3).toString('hex')}`;
  let n = 0;
  /** An alert as the archive holds it once an officer resolved it (or not), raised `daysAgo`. */
  function workedAlert(daysAgo: number, disposition?: string): StoredAlert {
    const created = Date.now() - daysAgo * DAY;
    const at = (ms: number) => new Date(ms).toISOString();
    const history: AlertTransition[] = [{ at: at(created), actor: 'vigil', action: 'raised', from: null, to: 'open' }];
    if (disposition) {
      history.push(
        { at: at(created + HOUR), actor: 'risk:officer.jones', action: 'assign', from: 'open', to: 'assigned', assignee: 'officer.jones' },
        { at: at(created + 2 * HOUR), actor: 'risk:officer.jones', action: 'resolve', from: 'assigned', to: 'resolved', disposition: disposition as AlertTransition['disposition'] },
      );
    }
    return {
      ...fraudAlert({ customerId: `gauge-cust-${n}`, ruleIds: [rule] }),
      id: `alt_${rule}_${++n}`, status: disposition ? 'resolved' : 'open', createdAt: at(created), updatedAt: history.at(-1)!.at, history,
    };
  }

  async function seriesOf(): Promise<Record<string, number>> {
    const res = await engine.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${SRE_KEY}` } });
    const found: Record<string, number> = {};
    for (const line of res.body.split('\n')) {
      const match = new RegExp(`^(vigil_rule_\\w+)\\{rule_id="${rule}",window="(\\w+)"\\} (\\S+)$`).exec(line);
      if (match) found[`${match[1]}/${match[2]}`] = Number(match[3]);
    }
    return found;
  }

  it('export alerts per day, verdicts and precision per rule for the last 7 days and the 28 before, refreshed on their interval', async () => {
    const last7 = [
      ...Array.from({ length: 4 }, (_, i) => workedAlert(0.5 + i, 'confirmed_fraud')),
      workedAlert(4.5, 'false_positive'), workedAlert(5.5, 'customer_contacted'), workedAlert(6.5),
    ];
    const previous28 = [
      workedAlert(8, 'confirmed_fraud'), ...Array.from({ length: 3 }, (_, i) => workedAlert(9 + i, 'false_positive')),
      ...Array.from({ length: 10 }, (_, i) => workedAlert(12 + i * 1.5)),
    ];
    const tooOld = workedAlert(40, 'confirmed_fraud');
    for (const alert of [...last7, ...previous28, tooOld]) await engine.alerts.archive.archiveAlert(alert);

    await expect.poll(seriesOf, { timeout: 15_000, interval: 200 }).toEqual({
      'vigil_rule_alerts_per_day/last_7d': 1,
      'vigil_rule_alerts_per_day/previous_28d': 0.5,
      'vigil_rule_precision/last_7d': 0.8,
      'vigil_rule_precision/previous_28d': 0.25,
      'vigil_rule_verdicts/last_7d': 5,
      'vigil_rule_verdicts/previous_28d': 4,
    });
    const refreshed = (await engine.metrics.registry.getSingleMetric('vigil_rule_performance_refreshed_timestamp_seconds')!.get()).values[0]!.value;
    expect(Date.now() / 1000 - refreshed).toBeLessThan(30);
  });

  it('count a refresh that cannot be made and keep the last values, rather than exporting a partial picture', async () => {
    for (const daysAgo of [1, 2, 3]) await engine.alerts.archive.archiveAlert(workedAlert(daysAgo));
    const registry = new Registry();
    const metrics = createAlertMetrics(registry);
    const gauges = new RulePerformanceGauges({ store: engine.store, metrics, log: createLogger('silent'), refreshMs: 60_000, maxAlerts: 2 });
    metrics.ruleAlertsPerDay.set({ rule_id: 'kept', window: 'last_7d' }, 3);
    await expect(gauges.refresh()).rejects.toThrow(/more than 2 alerts in the last 35 days/);
    gauges.start();
    await expect.poll(async () => (await metrics.rulePerformanceFailures.get()).values[0]?.value ?? 0).toBeGreaterThanOrEqual(1);
    await gauges.stop();
    expect((await metrics.ruleAlertsPerDay.get()).values).toEqual([{ labels: { rule_id: 'kept', window: 'last_7d' }, value: 3 }]);
  });
});
