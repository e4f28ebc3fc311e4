import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { demoModelSettings } from '../../bin/demoModel.js';
import {
  HISTORY_CLOCK_SETTINGS, backtestAgainstLive, historySettled, importProfiles, postHistory, scenarioHistory, type HistoryCheck,
} from '../../bin/demoHistory.js';
import { INGEST_KEY, MARKETING_KEY, RISK_KEY, startTestEngine, testConfig } from '../support/testEngine.js';

// Issue 9's target: a backtest of the published set over the demo's history reproduces, alert for
// alert, what the live pipeline raised on the same events. The demo's history phase in small (40
// customers over 120 days instead of 150 over 300, the same shares of fraud, churn and credit
// trouble): CRM profiles with birthdays imported first, the default pack plus the model rule,
// reviews of quiet customers on the events clock; then a backtest of the published set over it.

const seed = 42;
const history = scenarioHistory({ seed, customers: 40, days: 120 });
const config = testConfig({ ...HISTORY_CLOCK_SETTINGS, ...demoModelSettings() });
let engine: Awaited<ReturnType<typeof startTestEngine>>;
let check: HistoryCheck;

beforeAll(async () => {
  engine = await startTestEngine(config);
  const address = await engine.app.listen({ host: '127.0.0.1', port: 0 });
  const profiles = await importProfiles({ address, marketingKey: MARKETING_KEY, customers: history.customers, seed, birthdayTodayShare: 0.01 });
  expect(profiles).toMatchObject({ imported: history.customers.length, rejected: 0 });
  const accepted = await postHistory({ address, ingestKey: INGEST_KEY, events: history.events });
  expect(accepted).toBe(history.events.length);
  const settled = await vi.waitFor(() => historySettled(engine, accepted), { timeout: 240_000, interval: 500 });
  check = await backtestAgainstLive(engine, { address, riskKey: RISK_KEY, fromMs: history.startMs, toMs: settled.settledUntilMs + 1, timeoutMs: 120_000 });
  const { differences, replayed_digest: _digest, ...figures } = check.result.live;
  console.info('demo history check', JSON.stringify({ ...figures, liveStore: check.liveStore, storeDigestMatches: check.storeDigestMatches, byKind: countBy(differences.map((d) => `${d.kind}:${d.type}:${d.event_id.startsWith('review:') ? 'review' : 'event'}`)) }));
}, 420_000);
afterAll(async () => engine?.dispose());

describe('a backtest of the published set over the demo history', () => {
  it('replays every stored event of the range and the reviews of quiet customers', () => {
    expect(check.events).toBeGreaterThan(history.events.length * 0.95);
    expect(check.reviews).toBeGreaterThan(0);
    expect(check.result.published.version).toBe(engine.rules.current().version);
  });

  it('raises the alerts the live pipeline raised, alert for alert, reviews included', () => {
    const live = check.result.live;
    expect(live.differences).toEqual([]);
    expect({ only_live: live.only_live, only_replayed: live.only_replayed, rules_differ: live.rules_differ }).toEqual({ only_live: 0, only_replayed: 0, rules_differ: 0 });
    expect(live.identical).toBe(live.live);
    expect(live.replayed).toBe(live.live);
    expect(live.live).toBeGreaterThan(20);
    // Of every kind the history holds: payments (the model rule among them) and reviews.
    expect(Object.keys(check.result.published.by_type).sort()).toEqual(expect.arrayContaining(['churn', 'credit', 'fraud']));
    expect(check.result.published.by_rule['fraud-model'] ?? 0).toBeGreaterThan(0);
  });

  it('matches the live alert store too, customers mapped through the pseudonymiser', () => {
    expect(check.liveStore).toBe(check.result.live.live);
    expect(check.storeDigestMatches).toBe(true);
  });
});

function countBy(keys: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const key of keys) counts[key] = (counts[key] ?? 0) + 1;
  return counts;
}
