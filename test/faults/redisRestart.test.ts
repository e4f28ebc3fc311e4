import { afterAll, describe, expect, it } from 'vitest';
import { OwnRedis } from '../support/ownRedis.js';
import { eventually, startTestEngine, testConfig } from '../support/testEngine.js';
import { FaultTraffic, alertsInStore, faultRulesFile, postAccepted, sharedEnv, storedFor, summary } from './faultHarness.js';

// A Redis restart (kill -9, then start from its append-only file) while events flow: processing
// must resume on its own, whether the outage is shorter or longer than the partition lease, with
// every accepted event and every alert stored once.

const redis = new OwnRedis({ persistent: true });
afterAll(() => redis.dispose());

describe.each([
  { outageMs: 2500, leaseMs: 10_000, label: 'shorter' },
  { outageMs: 4000, leaseMs: 1500, label: 'longer' },
])('a Redis restart $label than the lease', ({ outageMs, leaseMs, label }) => {
  it('stops nothing for good: events accepted before and after are all processed and alerted, each once', async () => {
    await redis.start();
    const engine = await startTestEngine(testConfig(sharedEnv({ REDIS_URL: redis.url, VIGIL_LEASE_MS: String(leaseMs), VIGIL_RULES_FILE: faultRulesFile() })));
    const traffic = new FaultTraffic(`restart-${label}-${Date.now()}-`);
    try {
      await postAccepted(engine.app, traffic.batch(200));
      await eventually(() => storedFor(engine.store, traffic.prefix), (s) => s.events === 200, 20_000);

      await redis.stop();
      // The bank keeps sending: answered 503 + Retry-After until Redis is back, then accepted.
      const sentDuringOutage = postAccepted(engine.app, traffic.batch(100));
      await new Promise((resolve) => setTimeout(resolve, outageMs));
      await redis.start();
      const restartedAt = Date.now();
      await sentDuringOutage;
      await postAccepted(engine.app, traffic.batch(100));
      const stored = await eventually(() => storedFor(engine.store, traffic.prefix), (s) => s.events >= 400 && s.alerts >= traffic.alertsExpected, 30_000);
      const recoverySeconds = (Date.now() - restartedAt) / 1000;
      expect(stored).toEqual({ events: 400, distinctEvents: 400, alerts: 40, distinctAlerts: 40 });
      expect(await alertsInStore(engine.alerts.store, traffic)).toEqual({ alerts: 40, distinctEvents: 40 });
      console.log(summary(`Redis restart ${label} than the lease (down ${outageMs} ms, lease ${leaseMs} ms)`, traffic, stored, recoverySeconds));
    } finally {
      await engine.dispose();
      await redis.stop();
    }
  }, 90_000);
});
