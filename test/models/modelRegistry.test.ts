import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../core/observability/index.js';
import {
  checkedModel, factsOf, InvalidModelError, ModelConflictError, ModelNotFoundError, ModelRegistry, ModelTooLargeError, planModelChange,
  type ModelVersionFacts,
} from '../../models/index.js';
import { exampleAsName, exampleAsVersion, exampleModelBytes, exampleReadingUnknownFeature } from '../support/models.js';
import { REDIS_URL, dropPrefix, uniquePrefix } from '../support/testEngine.js';
import type { Applier, ApprovalService, Proposal } from '../../approvals/index.js';
import { registerApprovalAppliers } from '../../server/approvalAppliers.js';

// The model registry against the real Redis: versions kept like rule sets (live, at most one
// shadow, a history of every change), each change made only on the slots it was planned from.

const facts = (version: string): ModelVersionFacts => ({ version, declaredVersion: `d-${version}`, size: 10, features: ['new_payee'], eventTypes: ['card_payment'] });
const [A, B, C] = [facts('a'.repeat(64)), facts('b'.repeat(64)), facts('c'.repeat(64))];

describe('planModelChange (pure)', () => {
  it.each([
    ['an upload becomes the shadow, the live version stays', { live: A }, { action: 'shadowed', facts: B }, { live: A, shadow: B }],
    ['an upload replaces the earlier shadow', { live: A, shadow: B }, { action: 'shadowed', facts: C }, { live: A, shadow: C }],
    ['promotion makes the shadow live and leaves no shadow', { live: A, shadow: B }, { action: 'promoted' }, { live: B }],
    ['a first model goes live by promotion', { shadow: B }, { action: 'promoted', expected: B.version }, { live: B }],
    ['a rollback makes an earlier version live and keeps another shadow', { live: B, shadow: C }, { action: 'rolled_back', to: A }, { live: A, shadow: C }],
    ['a rollback to the shadow version empties the shadow slot', { live: B, shadow: A }, { action: 'rolled_back', to: A }, { live: A }],
    ['retiring the shadow keeps the live version', { live: A, shadow: B }, { action: 'retired', slot: 'shadow' }, { live: A }],
    ['publishing a file gives a model without a live version its first', {}, { action: 'published', facts: A }, { live: A }],
  ] as const)('%s', (_case, slots, change, expected) => {
    const plan = planModelChange('fraud', slots, change);
    expect(plan).toMatchObject({ ok: true, slots: expected });
  });

  it.each([
    ['uploading the live version again', { live: A }, { action: 'shadowed', facts: A }, /already the live version/],
    ['uploading the shadow version again', { live: A, shadow: B }, { action: 'shadowed', facts: B }, /already the shadow version/],
    ['promoting without a shadow', { live: A }, { action: 'promoted' }, /no shadow version to promote/],
    ['promoting another shadow than the one proposed', { live: A, shadow: C }, { action: 'promoted', expected: B.version }, /is now c{64}, not b{64} as proposed/],
    ['rolling back to the live version', { live: A }, { action: 'rolled_back', to: A }, /already the live version/],
    ['retiring a shadow that is not there', { live: A }, { action: 'retired', slot: 'shadow' }, /no shadow version to retire/],
    ['publishing a file over a live version', { live: A }, { action: 'published', facts: B }, /already has a live version/],
  ] as const)('refuses %s', (_case, slots, change, message) => {
    const plan = planModelChange('fraud', slots, change);
    expect(plan.ok).toBe(false);
    expect(!plan.ok && plan.message).toMatch(message);
  });
});

describe('ModelRegistry in Redis', () => {
  const redis = new Redis(REDIS_URL);
  const log = createLogger('silent');
  const prefixes: string[] = [];
  let registry: ModelRegistry;
  const example = checkedModel(exampleModelBytes);
  const seedFile = { model: example, bytes: exampleModelBytes, source: 'file:fraud-example.onnx' };

  beforeEach(async () => {
    const prefix = uniquePrefix('models');
    prefixes.push(prefix);
    registry = new ModelRegistry({ redis, prefix, log, pollMs: 60_000, maxBytes: 200_000, rulesReading: async (name) => (name === 'fraud' ? ['model-fraud'] : []) });
    await registry.start();
  });
  afterAll(async () => {
    registry.stop();
    await Promise.all(prefixes.map((p) => dropPrefix(p)));
    redis.disconnect();
  });

  it('seeds a model file once, as live, and leaves a registry that has moved on alone', async () => {
    await registry.seed({ live: [seedFile], shadow: [] });
    expect(registry.live().map((m) => m.versionId)).toEqual([example.versionId]);
    const candidate = exampleAsVersion('candidate-2');
    await registry.addShadow('fraud', candidate, 'risk-admin:head.of.fraud');
    await registry.promote('fraud', 'risk-admin:head.of.fraud');
    // A restart with the same VIGIL_MODEL_FILES: the promoted version stays live.
    await registry.seed({ live: [seedFile], shadow: [] });
    expect((await registry.slots('fraud'))?.live?.version).toBe(checkedModel(candidate).versionId);
    expect((await registry.history('fraud')).map((e) => [e.action, e.by])).toEqual([
      ['promoted', 'risk-admin:head.of.fraud'], ['shadowed', 'risk-admin:head.of.fraud'], ['published', 'file:fraud-example.onnx'],
    ]);
  });

  it('is seeded once when several processes start together with the same files, and none of them fails', async () => {
    const others = Array.from({ length: 3 }, () => new ModelRegistry({ redis, prefix: prefixes.at(-1)!, log, pollMs: 60_000, maxBytes: 200_000 }));
    const shadowFile = { model: checkedModel(exampleAsVersion('seed-shadow')), bytes: exampleAsVersion('seed-shadow'), source: 'file:candidate.onnx' };
    await Promise.all([registry, ...others].map((r) => r.seed({ live: [seedFile], shadow: [shadowFile] })));
    expect((await registry.history('fraud')).map((e) => e.action).sort()).toEqual(['published', 'shadowed']);
    expect(await registry.slots('fraud')).toMatchObject({ live: { version: example.versionId }, shadow: { version: shadowFile.model.versionId } });
  });

  it('refuses files above the size cap, files that are not models it can score, models reading unknown features, and a name other than the file\'s', () => {
    expect(() => registry.check('fraud', Buffer.alloc(200_001))).toThrow(ModelTooLargeError);
    expect(() => registry.check('fraud', Buffer.from('{"not": "onnx"}'))).toThrow(InvalidModelError);
    expect(() => registry.check('fraud', Buffer.from('{"not": "onnx"}'))).toThrow(/not a model this engine can score with/);
    expect(() => registry.check('fraud', exampleReadingUnknownFeature())).toThrow(/reads features this engine does not compute: new_payee_v2/);
    expect(() => registry.check('fraud', exampleAsVersion('fine'))).not.toThrow();
    expect(() => registry.check('mule', exampleModelBytes)).toThrow(/the file is model "fraud" \(vigil\.name\), not "mule"/);
  });

  it('answers any bytes, damaged copies of a real model included, with a model or an InvalidModelError, never another error', () => {
    const damaged = fc.array(fc.tuple(fc.nat(exampleModelBytes.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }).map((changes) => {
      const copy = Buffer.from(exampleModelBytes);
      for (const [at, value] of changes) copy[at] = value;
      return copy;
    });
    const truncated = fc.nat(exampleModelBytes.length - 1).map((n) => exampleModelBytes.subarray(0, n));
    fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 2000 }), damaged, truncated), (bytes) => {
      try {
        registry.check('fraud', bytes);
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidModelError);
      }
    }), { numRuns: 300 });
  });

  it('makes one of two racing promotions and refuses the other, so a version is never promoted twice', async () => {
    await registry.seed({ live: [seedFile], shadow: [] });
    await registry.addShadow('fraud', exampleAsVersion('race'), 'risk-admin:head.of.fraud');
    const outcomes = await Promise.allSettled([registry.promote('fraud', 'admin:one'), registry.promote('fraud', 'admin:two')]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult).reason).toBeInstanceOf(ModelConflictError);
    expect((await registry.history('fraud')).filter((e) => e.action === 'promoted')).toHaveLength(1);
  });

  it('rolls back to a version in its history, and not to one it never had', async () => {
    await registry.seed({ live: [seedFile], shadow: [] });
    const candidate = exampleAsVersion('candidate-3');
    await registry.addShadow('fraud', candidate, 'risk-admin:head.of.fraud');
    await registry.promote('fraud', 'risk-admin:head.of.fraud');
    await expect(registry.rollback('fraud', 'f'.repeat(64), 'admin:x')).rejects.toThrow(ModelNotFoundError);
    const entry = await registry.rollback('fraud', example.versionId, 'risk-admin:head.of.fraud');
    expect(entry).toMatchObject({ action: 'rolled_back', version: example.versionId, replaced: checkedModel(candidate).versionId });
    expect(registry.live().map((m) => m.versionId)).toEqual([example.versionId]);
  });

  it('keeps a live version the published rule set reads, and retires one no rule reads', async () => {
    await registry.seed({ live: [seedFile], shadow: [] });
    await expect(registry.retire('fraud', 'live', 'admin:x')).rejects.toThrow(/the published rule set reads model\.fraud \(rules model-fraud\)/);
    await registry.addShadow('mule', exampleAsName('mule'), 'risk-admin:head.of.fraud');
    await registry.promote('mule', 'risk-admin:head.of.fraud');
    expect(await registry.liveNames()).toEqual(['fraud', 'mule']);
    await registry.retire('mule', 'live', 'risk-admin:head.of.fraud');
    expect(await registry.liveNames()).toEqual(['fraud']);
    expect(registry.live().map((m) => m.name)).toEqual(['fraud']);
  });

  it('keeps the files its history or its slots still name, and drops the others as the history is trimmed', async () => {
    await registry.seed({ live: [seedFile], shadow: [] });
    const uploads = Array.from({ length: 51 }, (_, i) => exampleAsVersion(`trim-${i}`));
    for (const bytes of uploads) await registry.addShadow('fraud', bytes, 'risk-admin:head.of.fraud');
    const history = await registry.history('fraud');
    expect(history).toHaveLength(50);
    const kept = new Set(history.map((e) => e.version));
    // The seeded live version fell out of the kept history but is still live: its file stays, it still scores.
    expect(kept.has(example.versionId)).toBe(false);
    const files = await redis.hkeys(`${prefixes.at(-1)}:models:{${prefixes.at(-1)}:models}:files`);
    expect(files.sort()).toEqual([...kept, example.versionId].map((v) => `fraud/${v}`).sort());
    expect(files).not.toContain(`fraud/${checkedModel(uploads[0]!).versionId}`);
    const again = new ModelRegistry({ redis, prefix: prefixes.at(-1)!, log, pollMs: 60_000, maxBytes: 200_000 });
    await again.start();
    again.stop();
    expect(again.live().map((m) => m.versionId)).toEqual([example.versionId]);
    expect(again.shadows().map((m) => m.versionId)).toEqual([checkedModel(uploads[50]!).versionId]);
  });

  it('records what each version declares', async () => {
    await registry.seed({ live: [seedFile], shadow: [] });
    const [entry] = await registry.history('fraud');
    expect(entry).toMatchObject({ ...factsOf(example, exampleModelBytes.length), model: 'fraud', action: 'published' });
    expect(entry!.version).toMatch(/^[a-f0-9]{64}$/);
    expect(entry!.features).toContain('new_payee');
  });
});

describe('the approval appliers of model changes', () => {
  const redis = new Redis(REDIS_URL);
  const prefix = uniquePrefix('modelapply');
  const registry = new ModelRegistry({ redis, prefix, log: createLogger('silent'), pollMs: 60_000, maxBytes: 200_000 });
  afterAll(async () => {
    registry.stop();
    await dropPrefix(prefix);
    redis.disconnect();
  });

  it('promote once when an approval is applied again after being cut off, and fail rather than promote a shadow nobody approved', async () => {
    const appliers = new Map<string, Applier>();
    registerApprovalAppliers({ register: (action: string, applier: Applier) => appliers.set(action, applier) } as unknown as ApprovalService, {
      models: registry, rules: {} as never, campaigns: {} as never, lists: {} as never,
    });
    await registry.start();
    const example = checkedModel(exampleModelBytes);
    await registry.seed({ live: [{ model: example, bytes: exampleModelBytes, source: 'file:x.onnx' }], shadow: [] });
    const approved = checkedModel(exampleAsVersion('approved'));
    await registry.addShadow('fraud', exampleAsVersion('approved'), 'risk-admin:rita');
    const proposal = {
      id: 'apr_00000000000000000001', action: 'models.promote', proposedBy: 'risk-admin:rita', decidedBy: 'risk-admin:raj', decidedAt: '2026-12-07T02:00:00.000Z',
    } as Proposal;
    const promote = appliers.get('models.promote')!;
    const payload = { name: 'fraud', version: approved.versionId };
    expect(await promote(payload, proposal)).toEqual({ name: 'fraud', version: approved.versionId, action: 'promoted' });
    expect(await promote(payload, proposal)).toEqual({ name: 'fraud', version: approved.versionId, action: 'promoted' });
    expect((await registry.history('fraud')).filter((e) => e.action === 'promoted')).toEqual([
      expect.objectContaining({ by: 'risk-admin:rita', approval: { id: proposal.id, approvedBy: 'risk-admin:raj', approvedAt: proposal.decidedAt } }),
    ]);

    // Proposed for one shadow version, approved after another was uploaded over it: nothing is promoted.
    const proposed = checkedModel(exampleAsVersion('proposed'));
    await registry.addShadow('fraud', exampleAsVersion('proposed'), 'risk-admin:rita');
    await registry.addShadow('fraud', exampleAsVersion('sneaked-in'), 'risk-admin:mallory');
    const stale = { ...proposal, id: 'apr_00000000000000000002' };
    await expect(promote({ name: 'fraud', version: proposed.versionId }, stale)).rejects.toThrow(new RegExp(`not ${proposed.versionId} as proposed`));
    expect((await registry.slots('fraud'))?.live?.version).toBe(approved.versionId);
  });
});
