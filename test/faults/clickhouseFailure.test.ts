import { describe, expect, it } from 'vitest';
import { FaultyStore } from '../support/faultyStore.js';
import { eventually, startTestEngine, testConfig } from '../support/testEngine.js';
import { FaultTraffic, alertsInStore, faultRulesFile, postAccepted, sharedEnv, storedFor, summary } from './faultHarness.js';

describe('ClickHouse failing every write for a while', () => {
  it('holds events and alerts until it is back, then stores each once, while detection goes on', async () => {
    let faulty: FaultyStore | undefined;
    const engine = await startTestEngine(testConfig(sharedEnv({ VIGIL_RULES_FILE: faultRulesFile() })), { decorateStore: (store) => (faulty = new FaultyStore(store)) });
    const traffic = new FaultTraffic(`chfail-${Date.now()}-`);
    try {
      await postAccepted(engine.app, traffic.batch(200));
      faulty!.unavailable = true;
      for (let i = 0; i < 6; i++) {
        await postAccepted(engine.app, traffic.batch(100));
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
      await eventually(async () => faulty!.failedInserts, (n) => n >= 2);
      // Detection does not wait for the archive: the alerts are raised while nothing can be written.
      expect(await eventually(() => alertsInStore(engine.alerts.store, traffic), (a) => a.alerts === traffic.alertsExpected, 20_000)).toEqual({ alerts: 80, distinctEvents: 80 });

      faulty!.unavailable = false;
      const restoredAt = Date.now();
      // Failed writes back off for up to 30 s before retrying.
      const stored = await eventually(() => storedFor(engine.store, traffic.prefix), (s) => s.events >= traffic.sent && s.alerts >= traffic.alertsExpected, 45_000);
      expect(stored).toEqual({ events: 800, distinctEvents: 800, alerts: 80, distinctAlerts: 80 });
      console.log(summary(`ClickHouse writes failing ~2 s (${faulty!.failedInserts} failed inserts)`, traffic, stored, (Date.now() - restoredAt) / 1000));
    } finally {
      await engine.dispose();
    }
  }, 90_000);
});
