import { afterAll, describe, expect, it } from 'vitest';
import { cardPayment } from '../support/events.js';
import { OwnCluster } from '../support/ownCluster.js';
import { INGEST_KEY, RISK_KEY, eventually, startTestEngine, testConfig } from '../support/testEngine.js';

// In-line decisions on a Redis Cluster: the id's claim lies in no partition's slot, so it goes as
// a command of its own beside the script that reads the customer (decisions/decisionInputs.ts).

const as = (key: string) => ({ authorization: `Bearer ${key}` });
const cluster = new OwnCluster({ masters: 3 });
afterAll(() => cluster.stop());

describe('POST /v1/decisions on a three-master Redis Cluster', () => {
  it('decides, answers a retry from its record, refuses the id for another customer, and the event is processed once', async () => {
    await cluster.start();
    const engine = await startTestEngine(testConfig({ REDIS_CLUSTER_NODES: cluster.nodes, VIGIL_DECISION_DEADLINE_MS: '5000' }));
    try {
      const decide = (event: object) => engine.app.inject({ method: 'POST', url: '/v1/decisions', headers: as(INGEST_KEY), payload: event });
      const event = cardPayment({ customer_id: `cl-dec-${Date.now()}` });
      const first = await decide(event);
      expect(first.statusCode).toBe(200);
      expect(first.json()).toMatchObject({ event_id: event.event_id, decision: 'approve' });
      expect((await decide(event)).json()).toEqual({ ...first.json(), replayed: true });
      expect((await decide({ ...event, customer_id: `${event.customer_id}-other` })).statusCode).toBe(409);
      const activity = await eventually(
        async () => (await engine.app.inject({ url: `/v1/customers/${event.customer_id}/activity`, headers: as(RISK_KEY) })).json().events,
        (n) => n === 1,
      );
      expect(activity).toBe(1);
    } finally {
      await engine.dispose();
    }
  }, 120_000);
});
