import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluate, type EvaluationResult } from '../../evaluation/index.js';
import { buildLabelledStream } from '../../simulator/scenarios/index.js';
import { REDIS_URL } from '../support/testEngine.js';

// The real engine (api + worker + rules + alerts, embedded ClickHouse) on a small labelled bank:
// 150 customers over 45 days, a fifth of them victims of card testing or account takeover.
const stream = buildLabelledStream({
  seed: 2026, customers: 150, days: 45, start: new Date('2026-03-02T00:00:00Z'),
  fraudShare: 0.2, churnShare: 0.05, fraudTypologies: ['card-testing', 'account-takeover'],
});
let result: EvaluationResult;
const redis = new Redis(REDIS_URL);

beforeAll(async () => {
  result = await evaluate({
    events: stream.events, labels: stream.labels, noise: stream.noise, measureFrom: new Date(stream.meta.measure_from),
    config: { redisUrl: REDIS_URL, partitions: 4, logLevel: 'silent' },
  });
}, 90_000);
afterAll(() => redis.disconnect());

describe('evaluating the default rule pack end to end', () => {
  it('replays every event and times the run', () => {
    expect(result.cost.events).toBe(stream.events.length);
    expect(result.cost.eventsPerSecond).toBeGreaterThan(0);
    expect(result.cost.alerts).toBeGreaterThan(0);
  });

  it('catches at least half the card-testing and account-takeover victims within a week', () => {
    const recall = (typology: string) => result.detection.fraud.find((r) => r.typology === typology)!;
    expect(recall('card-testing').customers).toBeGreaterThanOrEqual(10);
    expect(recall('card-testing').recall).toBeGreaterThanOrEqual(0.5);
    expect(recall('account-takeover').customers).toBeGreaterThanOrEqual(10);
    expect(recall('account-takeover').recall).toBeGreaterThanOrEqual(0.5);
  });

  it('alerts fewer than a fifth of genuine customers for fraud', () => {
    expect(result.detection.genuineCustomers).toBeGreaterThan(100);
    expect(result.detection.genuineFraudAlerted.share).toBeLessThan(0.2);
  });

  it('leaves no data directory and no Redis keys behind', async () => {
    expect(existsSync(result.workspace.dataDir)).toBe(false);
    const left: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${result.workspace.redisPrefix}:*`, 'COUNT', 10_000);
      left.push(...keys);
      cursor = next;
    } while (cursor !== '0');
    expect(left).toEqual([]);
  });
});
