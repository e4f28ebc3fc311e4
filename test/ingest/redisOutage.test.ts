import { afterAll, describe, expect, it } from 'vitest';
import { login } from '../support/events.js';
import { OwnRedis } from '../support/ownRedis.js';
import { INGEST_KEY, startTestEngine, testConfig } from '../support/testEngine.js';

const redis = new OwnRedis();
afterAll(() => redis.stop());

describe('when Redis goes away', () => {
  it('answers 503 with Retry-After (not 500) and accepts again once Redis is back', async () => {
    await redis.start();
    const engine = await startTestEngine(testConfig({ REDIS_URL: redis.url, VIGIL_ROLE: 'api' }));
    const post = () => engine.app.inject({ method: 'POST', url: '/v1/events', headers: { authorization: `Bearer ${INGEST_KEY}` }, payload: login() });
    expect((await post()).statusCode).toBe(202);

    await redis.stop();
    const down = await post();
    expect(down.statusCode).toBe(503);
    expect(down.headers['retry-after']).toBe('5');
    expect(down.json()).toMatchObject({ error: 'STREAM_UNAVAILABLE', message: expect.stringMatching(/nothing from this request was accepted/) });
    expect((await engine.app.inject('/readyz')).statusCode).toBe(503);

    await redis.start();
    let again = await post();
    for (let i = 0; i < 40 && again.statusCode !== 202; i++) {
      await new Promise((r) => setTimeout(r, 100));
      again = await post();
    }
    expect(again.statusCode).toBe(202);
    await engine.app.close();
    engine.redis.disconnect();
    await engine.store.close();
    engine.backlog.stop();
  });
});
