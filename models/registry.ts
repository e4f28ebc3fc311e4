import type { Redis } from 'ioredis';
import { FailureStreak } from '../core/failureStreak.js';
import type { Logger } from '../core/observability/index.js';
import { InvalidModelError, ModelConflictError, ModelNotFoundError, ModelTooLargeError } from './errors.js';
import { factsOf, planModelChange, type ModelChangeRequest, type ModelHistoryEntry, type ModelSlots, type ModelVersionFacts } from './lifecycle.js';
import { checkedModel, type ModelFile } from './load.js';
import { ModelFileError } from './onnxFile.js';
import type { ScoringModel } from './scoringModel.js';

/** The changes kept per model; a version's file is kept while the history or a slot names it. */
const HISTORY_KEPT = 50;
export const MODEL_NAME = /^[a-z0-9_]{1,64}$/;

// One change, all or nothing, only if the model's slots are still what the caller read (else 0):
// the new slots, the file of a new version, the history entry, the files no longer named by the
// kept history or the slots dropped, and the change counter every process polls. -1: the file of
// the version to make live is no longer kept.
const CHANGE = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if (current or '') ~= ARGV[2] then return 0 end
if ARGV[8] ~= '' and redis.call('HEXISTS', KEYS[3], ARGV[8]) == 0 then return -1 end
if ARGV[3] == '' then redis.call('HDEL', KEYS[1], ARGV[1]) else redis.call('HSET', KEYS[1], ARGV[1], ARGV[3]) end
if ARGV[6] ~= '' then redis.call('HSET', KEYS[3], ARGV[6], ARGV[7]) end
redis.call('LPUSH', KEYS[2], ARGV[4])
local kept = tonumber(ARGV[5])
local dropped = redis.call('LRANGE', KEYS[2], kept, -1)
redis.call('LTRIM', KEYS[2], 0, kept - 1)
if #dropped > 0 then
  local named = {}
  for _, entry in ipairs(redis.call('LRANGE', KEYS[2], 0, -1)) do named[cjson.decode(entry).version] = true end
  if ARGV[3] ~= '' then
    local slots = cjson.decode(ARGV[3])
    if slots.live then named[slots.live.version] = true end
    if slots.shadow then named[slots.shadow.version] = true end
  end
  for _, entry in ipairs(dropped) do
    local version = cjson.decode(entry).version
    if not named[version] then redis.call('HDEL', KEYS[3], ARGV[1] .. '/' .. version) end
  end
end
redis.call('INCR', KEYS[4])
return 1
`;

export interface ModelRegistryDeps {
  redis: Redis;
  prefix: string;
  log: Logger;
  pollMs: number;
  maxBytes: number;
  /** The rules of the published rule set that read `model.<name>`: a live version they read is never retired. */
  rulesReading?: (name: string) => Promise<string[]>;
}

export interface ModelVersions {
  name: string;
  live?: ModelVersionFacts;
  shadow?: ModelVersionFacts;
}

interface ChangeOptions {
  approval?: ModelHistoryEntry['approval'];
}

/**
 * Model versions kept like rule sets: per model name the live version (rules read its score as
 * `model.<name>`) and at most one shadow version, their files and a history of every change, in
 * Redis under one hash tag. Every process follows the registry (a change counter polled every
 * VIGIL_MODELS_POLL_MS) and swaps the models it scores with as a whole, between batches.
 */
export class ModelRegistry {
  private readonly slotsKey: string;
  private readonly bytesKey: string;
  private readonly revisionKey: string;
  private readonly historyPrefix: string;
  private revision: string | undefined;
  private liveModels: readonly ScoringModel[] = [];
  private shadowModels: readonly ScoringModel[] = [];
  /** Parsed models by version id, so a poll that finds one change re-reads only that file. */
  private loaded = new Map<string, ScoringModel>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: ModelRegistryDeps) {
    // One hash tag: slots, files, histories and the counter change in one script, which a Redis
    // Cluster runs only within a slot.
    const base = `${deps.prefix}:models:{${deps.prefix}:models}`;
    this.slotsKey = `${base}:slots`;
    this.bytesKey = `${base}:files`;
    this.revisionKey = `${base}:revision`;
    this.historyPrefix = `${base}:history:`;
  }

  /** The live versions this process scores with now (rules read them as model.<name>). */
  live(): readonly ScoringModel[] {
    return this.liveModels;
  }

  /** The shadow versions this process scores and counts beside the live ones. */
  shadows(): readonly ScoringModel[] {
    return this.shadowModels;
  }

  async start(): Promise<void> {
    await this.refresh();
    const trouble = new FailureStreak(this.deps.log, 'model registry refresh');
    this.timer = setInterval(() => void this.refresh().then(() => trouble.succeeded(), (err: unknown) => void trouble.failed(err)), this.deps.pollMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Every model with its live and shadow versions, by name. */
  async list(): Promise<ModelVersions[]> {
    const all = await this.deps.redis.hgetall(this.slotsKey);
    return Object.entries(all).sort(([a], [b]) => a.localeCompare(b)).map(([name, json]) => ({ name, ...(JSON.parse(json) as ModelSlots) }));
  }

  /** The names of the models with a live version now: what a rule set may read. */
  async liveNames(): Promise<string[]> {
    return (await this.list()).filter((m) => m.live).map((m) => m.name);
  }

  /** Newest first; empty for a model never published. */
  async history(name: string): Promise<ModelHistoryEntry[]> {
    return (await this.deps.redis.lrange(this.historyPrefix + name, 0, -1)).map((json) => JSON.parse(json) as ModelHistoryEntry);
  }

  /**
   * Checks an uploaded file for model `name`: within the size cap, a tree ensemble this runtime
   * evaluates that reproduces its trainer's scores, reading only features the engine computes,
   * and declaring the name it is uploaded under.
   */
  check(name: string, bytes: Uint8Array): ScoringModel {
    if (bytes.length > this.deps.maxBytes) throw new ModelTooLargeError(bytes.length, this.deps.maxBytes);
    let model: ScoringModel;
    try {
      model = checkedModel(bytes);
    } catch (error) {
      if (error instanceof ModelFileError) throw new InvalidModelError(`not a model this engine can score with: ${error.message}`);
      // A file damaged in a way the reader did not foresee is still the uploader's file, not our fault.
      this.deps.log.warn({ model: name, err: error }, 'uploaded model file could not be read');
      throw new InvalidModelError(`not a model this engine can score with: the file could not be read (${error instanceof Error ? error.message : String(error)})`);
    }
    if (model.name !== name) throw new InvalidModelError(`the file is model "${model.name}" (vigil.name), not "${name}": rules would read it as model.${model.name}`);
    return model;
  }

  /** Stores a checked file as the model's shadow version (replacing any other shadow version). */
  async addShadow(name: string, bytes: Uint8Array, actor: string): Promise<ModelHistoryEntry> {
    const model = this.check(name, bytes);
    return this.change(name, { action: 'shadowed', facts: factsOf(model, bytes.length) }, actor, {}, Buffer.from(bytes));
  }

  /** Makes the shadow version live; `expected` is the version the proposer saw (four-eyes). */
  async promote(name: string, actor: string, opts: ChangeOptions & { expected?: string } = {}): Promise<ModelHistoryEntry> {
    return this.change(name, { action: 'promoted', ...(opts.expected ? { expected: opts.expected } : {}) }, actor, opts);
  }

  /** Makes an earlier version from the model's history live again. */
  async rollback(name: string, version: string, actor: string, opts: ChangeOptions = {}): Promise<ModelHistoryEntry> {
    const to = await this.earlierVersion(name, version);
    return this.change(name, { action: 'rolled_back', to }, actor, opts);
  }

  /** Takes the shadow or the live version out; a live version the published rule set reads stays. */
  async retire(name: string, slot: 'live' | 'shadow', actor: string): Promise<ModelHistoryEntry> {
    if (slot === 'live') {
      const rules = (await this.deps.rulesReading?.(name)) ?? [];
      if (rules.length > 0) {
        throw new ModelConflictError(`the published rule set reads model.${name} (rules ${rules.join(', ')}): publish a set without them before retiring the live version`);
      }
    }
    return this.change(name, { action: 'retired', slot }, actor);
  }

  /** The facts of a version from the model's kept history, to roll back to (and check a proposal with). */
  async earlierVersion(name: string, version: string): Promise<ModelVersionFacts> {
    const entry = (await this.history(name)).find((e) => e.version === version);
    if (!entry) throw new ModelNotFoundError(`version ${version} is not in the kept history of model ${name}`);
    const { version: id, declaredVersion, size, features, eventTypes } = entry;
    return { version: id, declaredVersion, size, features, eventTypes };
  }

  async slots(name: string): Promise<ModelSlots | undefined> {
    const json = await this.deps.redis.hget(this.slotsKey, name);
    return json ? (JSON.parse(json) as ModelSlots) : undefined;
  }

  /**
   * VIGIL_MODEL_FILES and VIGIL_SHADOW_MODEL_FILES on start: a file enters the registry once, as
   * the default rule pack does. A model never published takes its file as live; a shadow file whose
   * version the model's history has never seen becomes its shadow. After that the registry's
   * versions rule (changed through the API); a file that differs is named in the log.
   */
  async seed(files: { live: readonly ModelFile[]; shadow: readonly ModelFile[] }): Promise<void> {
    for (const { model, bytes, source } of files.live) {
      if ((await this.history(model.name)).length === 0) {
        if (await this.seedChange(model.name, { action: 'published', facts: factsOf(model, bytes.length) }, source, bytes)) continue;
      }
      const live = (await this.slots(model.name))?.live;
      if (live?.version !== model.versionId) {
        this.deps.log.warn({ model: model.name, file: source, fileVersion: model.versionId, registryVersion: live?.version ?? null }, 'VIGIL_MODEL_FILES differs from the registry\'s live version; the registry\'s is used');
      }
    }
    for (const { model, bytes, source } of files.shadow) {
      if ((await this.history(model.name)).some((e) => e.version === model.versionId)) continue;
      await this.seedChange(model.name, { action: 'shadowed', facts: factsOf(model, bytes.length) }, source, bytes);
    }
  }

  // Processes of one deployment start together with the same files: the first one's seed stands,
  // the others find the model changed under them and carry on with it.
  private async seedChange(name: string, request: ModelChangeRequest, source: string, bytes: Uint8Array): Promise<boolean> {
    try {
      await this.change(name, request, source, {}, Buffer.from(bytes));
      return true;
    } catch (error) {
      if (!(error instanceof ModelConflictError)) throw error;
      this.deps.log.debug({ model: name, reason: error.message }, 'model file not seeded: another process seeded the registry first');
      return false;
    }
  }

  private async change(name: string, request: ModelChangeRequest, actor: string, opts: ChangeOptions = {}, bytes?: Buffer): Promise<ModelHistoryEntry> {
    if (!MODEL_NAME.test(name)) throw new InvalidModelError(`model name ${JSON.stringify(name)}: lowercase letters, digits and underscores, at most 64`);
    const before = (await this.deps.redis.hget(this.slotsKey, name)) ?? '';
    const plan = planModelChange(name, before ? (JSON.parse(before) as ModelSlots) : {}, request);
    if (!plan.ok) throw new ModelConflictError(plan.message);
    const entry: ModelHistoryEntry = {
      model: name, action: request.action, ...plan.subject, by: actor, at: new Date().toISOString(),
      ...(plan.replaced ? { replaced: plan.replaced } : {}), ...(opts.approval ? { approval: opts.approval } : {}),
    };
    const after = plan.slots.live || plan.slots.shadow ? JSON.stringify(plan.slots) : '';
    const mustExist = request.action === 'rolled_back' || request.action === 'promoted' ? `${name}/${plan.subject.version}` : '';
    const written = await this.deps.redis.eval(
      CHANGE, 4, this.slotsKey, this.historyPrefix + name, this.bytesKey, this.revisionKey,
      name, before, after, JSON.stringify(entry), HISTORY_KEPT, bytes ? `${name}/${plan.subject.version}` : '', bytes ?? '', mustExist,
    ) as number;
    if (written === 0) throw new ModelConflictError(`model ${name} changed while this change was being made; look at it again and retry`);
    if (written === -1) throw new ModelConflictError(`the file of version ${plan.subject.version} of model ${name} is no longer kept`);
    this.deps.log.info({ model: name, action: request.action, version: plan.subject.version, actor, replaced: plan.replaced }, 'model registry changed');
    await this.refresh();
    return entry;
  }

  /** Loads the live and shadow versions if the registry changed since the last look. */
  private async refresh(): Promise<void> {
    const revision = (await this.deps.redis.get(this.revisionKey)) ?? '0';
    if (revision === this.revision) return;
    const models = await this.list();
    const live: ScoringModel[] = [];
    const shadows: ScoringModel[] = [];
    const loaded = new Map<string, ScoringModel>();
    for (const { name, live: liveFacts, shadow: shadowFacts } of models) {
      for (const [facts, into] of [[liveFacts, live], [shadowFacts, shadows]] as const) {
        if (!facts) continue;
        const model = await this.load(name, facts.version);
        if (!model) continue;
        loaded.set(facts.version, model);
        into.push(model);
      }
    }
    // Swapped as a whole: a batch reads the context once, so it scores with one set of versions.
    this.liveModels = live;
    this.shadowModels = shadows;
    this.loaded = loaded;
    this.revision = revision;
    this.deps.log.info({ live: live.map((m) => `${m.name}@${m.versionId}`), shadow: shadows.map((m) => `${m.name}@${m.versionId}`) }, 'model versions loaded');
  }

  private async load(name: string, version: string): Promise<ScoringModel | undefined> {
    const cached = this.loaded.get(version);
    if (cached) return cached;
    const bytes = await this.deps.redis.hgetBuffer(this.bytesKey, `${name}/${version}`);
    try {
      if (!bytes) throw new ModelFileError('its file is missing from the registry');
      return checkedModel(bytes);
    } catch (error) {
      // A version this process cannot read (a newer feature vocabulary elsewhere) leaves the
      // model unscored here rather than stopping every other model.
      this.deps.log.error({ model: name, version, err: error }, 'model version in the registry cannot be loaded here; not scored');
      return undefined;
    }
  }
}
