import { afterAll, describe, expect, it } from 'vitest';
import { partitionKeys } from '../../core/streams/index.js';
import { login } from '../support/events.js';
import { OwnCluster } from '../support/ownCluster.js';
import { Receiver } from '../support/receiver.js';
import { ADMIN_KEY, MARKETING_KEY, RISK_KEY, eventually, startTestEngine, testConfig } from '../support/testEngine.js';
import { FaultTraffic, alertsInStore, faultRulesFile, postAccepted, sharedEnv, storedFor } from '../faults/faultHarness.js';

// Vigil unchanged on a Redis Cluster: every multi-key command and script must stay in one hash
// slot, BullMQ must run on cluster clients, partitions spread over the masters, and a master that
// dies is replaced by its replica without losing or doubling anything Vigil acknowledged.

const as = (key: string) => ({ authorization: `Bearer ${key}` });

/** A campaign that fires on app logins and pushes to the receiver: offers flow through the cluster. */
const appLoginCampaign = {
  id: 'cluster-app-login', name: 'App welcome', state: 'active', priority: 50, expected_value: 10,
  description: 'A test campaign: a login in the app earns a push message, so offers flow through the cluster.',
  product: { id: 'app-tips', risk_level: 'low' },
  trigger: { event_types: ['login'], condition: { field: 'event.channel', op: 'eq', value: 'mobile_app' } },
  content: { push: { title: 'Welcome back', body: 'Three things you can do in the app.' } },
  caps: { cooldown: '30d' },
};

const clusters: OwnCluster[] = [];
afterAll(async () => {
  for (const cluster of clusters) await cluster.stop();
});

async function engineOn(cluster: OwnCluster, receiver?: Receiver) {
  const engine = await startTestEngine(testConfig(sharedEnv({ REDIS_CLUSTER_NODES: cluster.nodes, VIGIL_RULES_FILE: faultRulesFile(), VIGIL_CAMPAIGNS_POLL_MS: '50' })));
  const errors = async () => (await engine.metrics.registry.getSingleMetric('vigil_processing_errors_total')!.get()).values.reduce((n, v) => n + v.value, 0);
  if (receiver) {
    expect((await engine.app.inject({ method: 'PUT', url: '/v1/offers/channels/push', headers: as(ADMIN_KEY), payload: { url: receiver.url } })).statusCode).toBe(200);
    expect((await engine.app.inject({ method: 'POST', url: '/v1/campaigns', headers: as(MARKETING_KEY), payload: appLoginCampaign })).statusCode).toBe(201);
    await eventually(async () => engine.offers.campaigns.current().some((c) => c.id === appLoginCampaign.id), Boolean);
  }
  return { engine, errors };
}

/** Quiet hours two hours from now: the push must not depend on the time of day the test runs (the default is 21:00–08:00). */
function quietHoursAwayFromNow() {
  const hour = new Date().getUTCHours();
  const at = (h: number) => `${String(h % 24).padStart(2, '0')}:00`;
  return { start: at(hour + 2), end: at(hour + 3) };
}

describe('on a three-master Redis Cluster', () => {
  it('ingests, processes, alerts, archives, keeps lists and sends offers, each once, with partitions spread over the masters', async () => {
    const cluster = new OwnCluster({ masters: 3 });
    clusters.push(cluster);
    await cluster.start();
    const receiver = await new Receiver('/push').start();
    receiver.answer = () => 202;
    const { engine, errors } = await engineOn(cluster, receiver);
    try {
      const traffic = new FaultTraffic(`cl-${Date.now()}-`);
      const app = Array.from({ length: 5 }, (_, i) => `${traffic.prefix}app${i}`);
      for (const customer of app) {
        const res = await engine.app.inject({ method: 'PUT', url: `/v1/customers/${customer}`, headers: as(MARKETING_KEY), payload: { marketing_consent: { push: true }, time_zone: 'UTC', kyc_status: 'verified', quiet_hours: quietHoursAwayFromNow() } });
        expect(res.statusCode).toBe(201);
      }
      const listed = await engine.app.inject({
        method: 'POST', url: '/v1/lists/watched-customers/entries', headers: as(RISK_KEY),
        payload: { value: traffic.customers[0], reason: 'cluster test', expires_at: new Date(Date.now() + 86_400_000).toISOString() },
      });
      expect(listed.statusCode).toBe(201);
      for (let i = 0; i < 4; i++) await postAccepted(engine.app, traffic.batch(100));
      // Two app logins each: the first earns the push, the second is inside the cooldown.
      await postAccepted(engine.app, [...app, ...app].map((customer, i) => login({ event_id: `${traffic.prefix}login${i}`, customer_id: customer })));

      const stored = await eventually(() => storedFor(engine.store, traffic.prefix), (s) => s.events >= 410 && s.alerts >= traffic.alertsExpected, 30_000);
      expect(stored).toEqual({ events: 410, distinctEvents: 410, alerts: 40, distinctAlerts: 40 });
      expect(await alertsInStore(engine.alerts.store, traffic)).toEqual({ alerts: 40, distinctEvents: 40 });
      // One push per customer (the cooldown holds the second login), each delivered once, signed.
      const pushed = await eventually(async () => receiver.received.map((r) => JSON.parse(r.body).customer_id as string), (r) => r.length >= 5, 20_000);
      expect(pushed.sort()).toEqual([...app].sort());
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(receiver.received).toHaveLength(5);
      expect(await errors()).toBe(0);
      const masters = new Set(await Promise.all(Array.from({ length: engine.config.partitions }, (_, p) => cluster.masterOf(partitionKeys(engine.config.redis.prefix, p).stream))));
      expect(masters.size).toBeGreaterThan(1);
    } finally {
      await engine.dispose();
      await receiver.stop();
    }
  }, 120_000);
});

describe('on a Redis Cluster with a replica per master', () => {
  it('goes on after a master dies and its replica takes over: nothing acknowledged is lost or doubled', async () => {
    const cluster = new OwnCluster({ masters: 3, replicasPerMaster: 1 });
    clusters.push(cluster);
    await cluster.start();
    const { engine } = await engineOn(cluster);
    try {
      const traffic = new FaultTraffic(`clf-${Date.now()}-`);
      await postAccepted(engine.app, traffic.batch(200));
      await eventually(() => storedFor(engine.store, traffic.prefix), (s) => s.events >= 200, 30_000);

      // Kill the master serving partition 0's stream: its replica is promoted after the node timeout.
      const victim = await cluster.masterOf(partitionKeys(engine.config.redis.prefix, 0).stream);
      await cluster.kill(victim);
      const killedAt = Date.now();
      await postAccepted(engine.app, traffic.batch(200), 60_000);
      await cluster.waitUntilOk();
      await postAccepted(engine.app, traffic.batch(200), 60_000);

      const stored = await eventually(() => storedFor(engine.store, traffic.prefix), (s) => s.events >= 600 && s.alerts >= traffic.alertsExpected, 60_000);
      expect(stored).toEqual({ events: 600, distinctEvents: 600, alerts: 60, distinctAlerts: 60 });
      expect(await alertsInStore(engine.alerts.store, traffic)).toEqual({ alerts: 60, distinctEvents: 60 });
      console.log(`[cluster] master ${victim} killed: 600 events accepted, 600 stored once, 60 alerts once; all processed ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill`);
    } finally {
      await engine.dispose();
    }
  }, 180_000);
});
