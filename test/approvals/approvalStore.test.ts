import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { ApprovalService, ApprovalStore, type Proposal } from '../../approvals/index.js';
import { createLogger } from '../../core/observability/index.js';
import { REDIS_URL, dropPrefix, uniquePrefix } from '../support/testEngine.js';

const prefix = uniquePrefix('approvals');
const redis = new Redis(REDIS_URL);
afterAll(async () => {
  redis.disconnect();
  await dropPrefix(prefix);
});

const HOUR = 3_600_000;
const proposal = (id: string, expiresAt: string): Proposal => ({
  id, action: 'lists.import', status: 'pending', title: 'Import', target: 'watched-customers', proposedBy: 'risk-admin:rita', proposedByName: 'rita',
  proposedAt: new Date(Date.parse(expiresAt) - HOUR).toISOString(), expiresAt, details: { entries: 2 },
});

describe('approval store', () => {
  it('refuses to decide a proposal past its expiry, atomically, and shows it as expired', async () => {
    const store = new ApprovalStore(redis, prefix);
    let now = Date.parse('2026-11-29T12:00:00Z');
    const service = new ApprovalService({ store, required: ['lists.import'], ttlHours: 1, log: createLogger('silent'), now: () => now });
    let applied = 0;
    service.register('lists.import', async () => ({ applied: ++applied }));
    const created = await service.propose({ action: 'lists.import', title: 'Import 2', target: 'watched-customers', payload: { list: 'x', entries: [] } }, { name: 'rita', role: 'risk-admin' });
    now += HOUR + 1;
    expect((await service.list({ limit: 10 }))[0]).toMatchObject({ id: created.id, status: 'expired' });
    await expect(service.approve(created.id, { name: 'raj', role: 'risk-admin' })).rejects.toMatchObject({ code: 'EXPIRED', httpStatus: 409 });
    expect(applied).toBe(0);
    // The store's own check, whatever the caller's clock said.
    await store.create(proposal('apr_00000000000000000001', '2026-11-29T12:00:00.000Z'), {});
    expect(await store.decide('apr_00000000000000000001', 'approved', { actor: 'risk-admin:raj', name: 'raj' }, Date.parse('2026-11-29T12:00:00.001Z')))
      .toEqual({ ok: false, reason: 'EXPIRED', detail: '2026-11-29T12:00:00.000Z' });
  });

  it('keeps the details a proposal was made with through the decision', async () => {
    const store = new ApprovalStore(redis, prefix);
    await store.create(proposal('apr_00000000000000000002', '2026-11-30T12:00:00.000Z'), { big: 'payload' });
    const decided = await store.decide('apr_00000000000000000002', 'rejected', { actor: 'admin:ada', name: 'ada' }, Date.parse('2026-11-29T12:00:00Z'), 'no evidence');
    expect(decided).toMatchObject({ ok: true, proposal: { status: 'rejected', decidedBy: 'admin:ada', comment: 'no evidence', details: { entries: 2 } } });
    expect(await store.payload('apr_00000000000000000002')).toEqual({ big: 'payload' });
  });
});
