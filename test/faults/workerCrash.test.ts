import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { partitionKeys } from '../../core/streams/index.js';
import { VigilProcess } from '../support/vigilProcess.js';
import { REDIS_URL, TEST_API_KEYS, eventually, startTestEngine, testConfig } from '../support/testEngine.js';
import { FaultTraffic, alertsInStore, faultRulesFile, postAccepted, sharedEnv, storedFor, summary } from './faultHarness.js';

// Vigil split as an operator runs it on the embedded default: this test process serves the API
// and owns the embedded ClickHouse; workers are processes of their own (bin/vigil.ts, role worker)
// that hand their rows over through Redis. Then a worker is killed with kill -9 mid-stream.

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startSplit(workers: number) {
  const env = sharedEnv({ VIGIL_RULES_FILE: faultRulesFile() });
  const config = testConfig({ ...env, VIGIL_ROLE: 'api' });
  const owner = await startTestEngine(config);
  cleanups.push(() => owner.dispose());
  const workerEnv = {
    ...env, REDIS_URL, VIGIL_REDIS_PREFIX: config.redis.prefix, VIGIL_API_KEYS: TEST_API_KEYS, VIGIL_ROLE: 'worker',
    VIGIL_DATA_DIR: config.clickhouse.kind === 'embedded' ? config.clickhouse.dataDir : '',
  };
  const processes = Array.from({ length: workers }, () => new VigilProcess(workerEnv));
  cleanups.push(() => Promise.all(processes.map((p) => p.stop())).then(() => undefined));
  await Promise.all(processes.map((p) => p.started));
  const redis = new Redis(REDIS_URL);
  cleanups.push(async () => redis.disconnect());
  const leaseHolders = async () => new Set(await Promise.all(Array.from({ length: config.partitions }, (_, p) => redis.get(partitionKeys(config.redis.prefix, p).lease))));
  // Every partition leased, shared by all the workers.
  await eventually(leaseHolders, (holders) => holders.size === workers && !holders.has(null), 20_000);
  return { owner, config, processes, workerEnv };
}

describe('roles split on the embedded default', () => {
  it('runs an API process with workers beside it: every event and alert reaches ClickHouse once, and a second owner of the directory is refused with the fix', async () => {
    const { owner, workerEnv } = await startSplit(1);
    const traffic = new FaultTraffic(`split-${Date.now()}-`);
    for (let i = 0; i < 5; i++) await postAccepted(owner.app, traffic.batch(100));

    const stored = await eventually(() => storedFor(owner.store, traffic.prefix), (s) => s.events >= traffic.sent && s.alerts >= traffic.alertsExpected, 30_000);
    expect(stored).toEqual({ events: 500, distinctEvents: 500, alerts: 50, distinctAlerts: 50 });
    expect(await alertsInStore(owner.alerts.store, traffic)).toEqual({ alerts: 50, distinctEvents: 50 });

    const secondOwner = new VigilProcess({ ...workerEnv, VIGIL_ROLE: 'api' });
    expect(await secondOwner.exited).toBe(1);
    expect(secondOwner.output.join('\n')).toMatch(/data directory is in use by another Vigil process.*VIGIL_ROLE=worker.*CLICKHOUSE_URL/s);
  }, 90_000);
});

describe('a worker killed with kill -9 mid-stream', () => {
  it('loses and duplicates nothing: its partitions are taken over and every event and alert is stored once', async () => {
    const { owner, processes } = await startSplit(2);
    const traffic = new FaultTraffic(`kill9-${Date.now()}-`);
    let killedAt = 0;
    for (let i = 0; i < 20; i++) {
      await postAccepted(owner.app, traffic.batch(100));
      if (i === 7) {
        await processes[0]!.kill();
        killedAt = Date.now();
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    const stored = await eventually(() => storedFor(owner.store, traffic.prefix), (s) => s.events >= traffic.sent && s.alerts >= traffic.alertsExpected, 60_000);
    const recoverySeconds = (Date.now() - killedAt) / 1000;
    expect(stored).toEqual({ events: 2000, distinctEvents: 2000, alerts: 200, distinctAlerts: 200 });
    expect(await alertsInStore(owner.alerts.store, traffic)).toEqual({ alerts: 200, distinctEvents: 200 });
    console.log(summary('worker kill -9 (2 workers, lease 2 s)', traffic, stored, recoverySeconds));
  }, 120_000);
});
