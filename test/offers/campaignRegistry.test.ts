import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../core/observability/index.js';
import {
  CampaignExistsError, CampaignNotFoundError, CampaignRegistry, EXAMPLE_CAMPAIGNS_URL, IllegalCampaignStateError, InvalidCampaignError,
  StaleCampaignRevisionError, offerKeys, parseCampaignSet, type CampaignSet,
} from '../../offers/index.js';
import { REDIS_URL, dropPrefix, eventually, uniquePrefix } from '../support/testEngine.js';
import { BASE_CAMPAIGN } from './fixtures.js';

let prefix: string;
let connections: Redis[];
let registries: CampaignRegistry[];

beforeEach(() => {
  prefix = uniquePrefix('campaigns');
  connections = [];
  registries = [];
});
afterEach(async () => {
  for (const registry of registries) registry.stop();
  await dropPrefix(prefix);
  for (const redis of connections) redis.disconnect();
});

/** A registry on the test's prefix with a connection of its own, as another process would have. */
function openRegistry(opts: { pollMs?: number; now?: () => number } = {}): CampaignRegistry {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 3 });
  connections.push(redis);
  const registry = new CampaignRegistry({ redis, prefix, log: createLogger('silent'), pollMs: opts.pollMs ?? 60_000, now: opts.now });
  registries.push(registry);
  return registry;
}

const { state: _state, ...draftInput } = BASE_CAMPAIGN;

function examples(): CampaignSet {
  const result = parseCampaignSet(readFileSync(EXAMPLE_CAMPAIGNS_URL, 'utf8'), 'yaml');
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.campaignSet;
}

describe('campaign changes', () => {
  it('creates a campaign as draft when the input has no state, recording who and when', async () => {
    const registry = openRegistry({ now: () => Date.parse('2026-03-10T12:00:00Z') });
    const stored = await registry.create(draftInput, 'marketing:ana');
    expect(stored).toMatchObject({
      revision: 1, createdBy: 'marketing:ana', updatedBy: 'marketing:ana', createdAt: '2026-03-10T12:00:00.000Z',
      campaign: { id: 'savings-boost', state: 'draft', holdout_share: 0 },
    });
    expect(await registry.get('savings-boost')).toEqual(stored);
    expect(await registry.audit()).toEqual([
      { at: '2026-03-10T12:00:00.000Z', actor: 'marketing:ana', action: 'created', campaignId: 'savings-boost', revision: 1, toState: 'draft' },
    ]);
  });

  it('replaces a definition and audits the top-level fields that changed and who changed them', async () => {
    const registry = openRegistry();
    await registry.create(draftInput, 'marketing:ana');
    const replaced = await registry.replace('savings-boost', { ...draftInput, priority: 70, trigger: { event_types: ['salary_credit'] } }, 'admin:bo');
    expect(replaced).toMatchObject({ revision: 2, createdBy: 'marketing:ana', updatedBy: 'admin:bo', campaign: { priority: 70, state: 'draft' } });
    const [latest] = await registry.audit({ campaignId: 'savings-boost' });
    expect(latest).toMatchObject({ action: 'replaced', actor: 'admin:bo', revision: 2, changes: ['priority', 'trigger'] });
    expect(latest?.fromState).toBeUndefined();
  });

  it('keeps the current state when a replacement omits it, and takes the id from the path when the body omits it', async () => {
    const registry = openRegistry();
    await registry.create(BASE_CAMPAIGN, 'marketing:ana');
    const { id: _id, ...withoutId } = draftInput;
    const replaced = await registry.replace('savings-boost', { ...withoutId, name: 'Savings boost 2' }, 'marketing:ana');
    expect(replaced.campaign).toMatchObject({ id: 'savings-boost', state: 'active', name: 'Savings boost 2' });
  });

  it('answers a replacement identical to the stored definition without a new revision or audit entry', async () => {
    const registry = openRegistry();
    await registry.create(draftInput, 'marketing:ana');
    expect((await registry.replace('savings-boost', draftInput, 'marketing:bo')).revision).toBe(1);
    expect(await registry.audit()).toHaveLength(1);
  });

  it('moves states with audit entries naming both states, and answers the same state as a no-op', async () => {
    const registry = openRegistry();
    await registry.create(draftInput, 'marketing:ana');
    await registry.setState('savings-boost', 'active', 'marketing:ana');
    await registry.setState('savings-boost', 'paused', 'admin:bo');
    const resumed = await registry.setState('savings-boost', 'active', 'marketing:ana');
    expect(resumed.revision).toBe(4);
    expect((await registry.setState('savings-boost', 'active', 'marketing:cy')).revision).toBe(4);
    const audit = await registry.audit({ campaignId: 'savings-boost' });
    expect(audit.map((e) => [e.action, e.actor, e.fromState, e.toState, e.revision])).toEqual([
      ['state_changed', 'marketing:ana', 'paused', 'active', 4],
      ['state_changed', 'admin:bo', 'active', 'paused', 3],
      ['state_changed', 'marketing:ana', 'draft', 'active', 2],
      ['created', 'marketing:ana', undefined, 'draft', 1],
    ]);
    expect(audit[0]?.changes).toEqual(['state']);
  });

  it('never lets a campaign that has been active return to draft, by state change or by replacement', async () => {
    const registry = openRegistry();
    await registry.create(draftInput, 'marketing:ana');
    await registry.setState('savings-boost', 'active', 'marketing:ana');
    await registry.setState('savings-boost', 'paused', 'marketing:ana');
    await expect(registry.setState('savings-boost', 'draft', 'marketing:ana')).rejects.toBeInstanceOf(IllegalCampaignStateError);
    await expect(registry.replace('savings-boost', { ...draftInput, state: 'draft' }, 'marketing:ana')).rejects.toBeInstanceOf(IllegalCampaignStateError);
    expect((await registry.get('savings-boost'))?.campaign.state).toBe('paused');

    // One paused before it ever ran may still go back to draft.
    await registry.create({ ...draftInput, id: 'never-ran', state: 'paused' }, 'marketing:ana');
    expect((await registry.setState('never-ran', 'draft', 'marketing:ana')).campaign.state).toBe('draft');
  });

  it('answers 409 for a second create of an id, and for a stale expected revision', async () => {
    const registry = openRegistry();
    await registry.create(draftInput, 'marketing:ana');
    const duplicate = registry.create(draftInput, 'marketing:bo');
    await expect(duplicate).rejects.toBeInstanceOf(CampaignExistsError);
    await expect(duplicate).rejects.toMatchObject({ httpStatus: 409 });
    await registry.replace('savings-boost', { ...draftInput, priority: 60 }, 'marketing:ana', 1);
    const stale = registry.replace('savings-boost', { ...draftInput, priority: 61 }, 'marketing:bo', 1);
    await expect(stale).rejects.toBeInstanceOf(StaleCampaignRevisionError);
    await expect(stale).rejects.toMatchObject({ httpStatus: 409, message: expect.stringContaining('is at revision 2, not 1') });
    await expect(registry.setState('savings-boost', 'active', 'marketing:bo', 1)).rejects.toBeInstanceOf(StaleCampaignRevisionError);
    expect((await registry.get('savings-boost'))?.campaign.priority).toBe(60);
  });

  it('lets exactly one of several concurrent creates of one id win, from separate connections', async () => {
    const writers = Array.from({ length: 8 }, () => openRegistry());
    const results = await Promise.allSettled(writers.map((w, i) => w.create({ ...draftInput, priority: i }, `marketing:writer-${i}`)));
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(CampaignExistsError);
    const stored = await writers[0]!.get('savings-boost');
    const winner = (won[0] as PromiseFulfilledResult<{ createdBy: string }>).value;
    expect(stored?.createdBy).toBe(winner.createdBy);
    expect(await writers[0]!.audit()).toHaveLength(1);
  });

  it('lets exactly one of several concurrent replacements based on one revision win', async () => {
    const writers = Array.from({ length: 6 }, () => openRegistry());
    await writers[0]!.create(draftInput, 'marketing:ana');
    const results = await Promise.allSettled(writers.map((w, i) => w.replace('savings-boost', { ...draftInput, priority: 100 + i }, `marketing:w${i}`, 1)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((await writers[0]!.get('savings-boost'))?.revision).toBe(2);
  });

  it('bumps the change counter once per change, in the same script as the definition and the audit entry', async () => {
    const registry = openRegistry();
    const redis = connections[0]!;
    await registry.create(draftInput, 'marketing:ana');
    await registry.setState('savings-boost', 'active', 'marketing:ana');
    await registry.setState('savings-boost', 'active', 'marketing:ana');
    const keys = offerKeys(prefix);
    expect(await redis.get(keys.campaignsRevision)).toBe('2');
    expect(await redis.xlen(keys.campaignAudit)).toBe(2);
    expect(registry.revision()).toBe(2);
  });
});

describe('campaign validation', () => {
  it('refuses an invalid campaign with every problem and its path, a suggestion for a misspelt feature', async () => {
    const registry = openRegistry();
    const input = {
      ...draftInput, priority: -1,
      trigger: { event_types: ['login'], condition: { field: 'features.score_chrun', op: 'gte', value: 0.6 } },
    };
    const schemaError = await registry.create(input, 'marketing:ana').catch((e: unknown) => e);
    expect(schemaError).toBeInstanceOf(InvalidCampaignError);
    expect((schemaError as InvalidCampaignError).errors).toEqual([expect.stringMatching(/^priority: Too small/)]);
    const featureError = await registry.create({ ...input, priority: 1 }, 'marketing:ana').catch((e: unknown) => e);
    expect((featureError as InvalidCampaignError).errors).toEqual([
      'trigger.condition.field: unknown feature "score_chrun" (did you mean "score_churn"?)',
    ]);
    expect(await registry.list()).toEqual([]);
  });

  it('refuses a malformed path id, a body id other than the path id, and answers 404 for an unknown id', async () => {
    const registry = openRegistry();
    await expect(registry.get('Not A Slug')).rejects.toMatchObject({ httpStatus: 400, errors: [expect.stringMatching(/^id: a slug/)] });
    await registry.create(draftInput, 'marketing:ana');
    await expect(registry.replace('savings-boost', { ...draftInput, id: 'other' }, 'marketing:ana'))
      .rejects.toMatchObject({ errors: ['id: "other" in the body differs from "savings-boost" in the path'] });
    await expect(registry.replace('unknown', draftInput, 'marketing:ana')).rejects.toBeInstanceOf(CampaignNotFoundError);
    await expect(registry.setState('unknown', 'active', 'marketing:ana')).rejects.toBeInstanceOf(CampaignNotFoundError);
    expect(await registry.get('unknown')).toBeUndefined();
  });
});

describe('the in-memory snapshot', () => {
  it('is sorted by id and reflects the answering process\'s own change at once', async () => {
    const registry = openRegistry();
    await registry.start();
    expect(registry.current()).toEqual([]);
    await registry.create({ ...draftInput, id: 'zeta' }, 'marketing:ana');
    await registry.create({ ...draftInput, id: 'alpha' }, 'marketing:ana');
    expect(registry.current().map((c) => c.id)).toEqual(['alpha', 'zeta']);
    expect(registry.revision()).toBe(2);
  });

  it('reaches a second process through polling within a second', async () => {
    const writer = openRegistry();
    const reader = openRegistry({ pollMs: 50 });
    await writer.start();
    await reader.start();
    const started = Date.now();
    await writer.create(BASE_CAMPAIGN, 'marketing:ana');
    const seen = await eventually(async () => reader.current(), (cs) => cs.some((c) => c.id === 'savings-boost'), 1000);
    expect(seen.map((c) => c.id)).toEqual(['savings-boost']);
    expect(Date.now() - started).toBeLessThan(1000);

    await writer.setState('savings-boost', 'paused', 'marketing:ana');
    const paused = await eventually(async () => reader.current(), (cs) => cs[0]?.state === 'paused', 1000);
    expect(paused[0]?.state).toBe('paused');
    expect(reader.revision()).toBe(writer.revision());
  });

  it('keeps loading the other campaigns when one stored definition does not validate here', async () => {
    const registry = openRegistry();
    await registry.create(BASE_CAMPAIGN, 'marketing:ana');
    await registry.start();
    const keys = offerKeys(prefix);
    await connections[0]!.hset(keys.campaigns, 'from-the-future', JSON.stringify({ campaign: { id: 'from-the-future', colour: 'red' }, revision: 1 }));
    await connections[0]!.incr(keys.campaignsRevision);
    await registry.refresh();
    expect(registry.current().map((c) => c.id)).toEqual(['savings-boost']);
  });

  it('refuses to answer before it was started rather than answer "no campaigns"', () => {
    expect(() => openRegistry().current()).toThrow(/not started/);
  });
});

describe('importSet', () => {
  it('creates the set once, then leaves identical campaigns alone and updates only changed ones', async () => {
    const registry = openRegistry();
    const set = examples();
    const ids = set.campaigns.map((c) => c.id);
    expect(await registry.importSet(set, 'system:seed')).toEqual({ created: ids, updated: [], unchanged: [] });
    expect(await registry.importSet(set, 'system:seed')).toEqual({ created: [], updated: [], unchanged: ids });
    expect(await registry.audit({ limit: 100 })).toHaveLength(ids.length);

    const [first, ...rest] = set.campaigns;
    const changed = { ...set, campaigns: [{ ...first!, priority: first!.priority + 1 }, ...rest] };
    expect(await registry.importSet(changed, 'system:seed')).toEqual({ created: [], updated: [first!.id], unchanged: ids.slice(1) });
    const [latest] = await registry.audit({ campaignId: first!.id });
    expect(latest).toMatchObject({ action: 'imported', actor: 'system:seed', revision: 2, changes: ['priority'] });
  });

  it('seeding with existing: keep creates only missing campaigns and leaves what the API changed', async () => {
    const registry = openRegistry();
    const set = examples();
    const [first, ...rest] = set.campaigns;
    await registry.importSet({ ...set, campaigns: [first!] }, 'system:seed');
    await registry.setState(first!.id, 'paused', 'marketing:anna');
    const seeded = await registry.importSet(set, 'file:campaigns.yaml', { existing: 'keep' });
    expect(seeded).toEqual({ created: rest.map((c) => c.id), updated: [], unchanged: [first!.id] });
    expect((await registry.get(first!.id))?.campaign.state).toBe('paused');
    expect((await registry.get(rest[0]!.id))?.createdBy).toBe('file:campaigns.yaml');
  });

  it('refuses a whole set that would return a campaign that ran to draft, writing nothing', async () => {
    const registry = openRegistry();
    const set = examples();
    await registry.importSet(set, 'system:seed');
    const [first, second, ...rest] = set.campaigns;
    const regressed = { ...set, campaigns: [{ ...first!, name: 'renamed' }, { ...second!, state: 'draft' as const }, ...rest] };
    await expect(registry.importSet(regressed, 'system:seed')).rejects.toBeInstanceOf(IllegalCampaignStateError);
    expect((await registry.get(first!.id))?.campaign.name).toBe(first!.name);
  });
});
