import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Redis } from 'ioredis';
import type { Logger } from '../core/observability/index.js';
import { comparisonsOf, listReferenceProblems, listsNamedBy, modelName, noLiveRuleProblem, parseRuleSet, type ListCatalogue, type RuleSet } from '../rules/index.js';
import { FailureStreak } from '../core/failureStreak.js';

export interface PublishedRuleSet {
  version: string;
  format: 'yaml' | 'json';
  text: string;
  updatedAt: string;
  updatedBy: string;
  /** Set when the set switches detection off (no active rule) and the publisher forced it; shown in the history. */
  forced?: { reason: string };
  /** Four-eyes: who proposed it (updatedBy) and who approved it, when. */
  approval?: { id: string; proposedAt: string; approvedBy: string; approvedAt: string };
}

export interface PublishOptions {
  onlyIfNone?: boolean;
  /** Publish even a set without an active rule (it switches detection off); recorded in the history. */
  allowNoLiveRules?: boolean;
  /** The approval under which a proposed set is published (four-eyes). */
  approval?: PublishedRuleSet['approval'];
}

export type CheckResult =
  | { ok: true; ruleSet: RuleSet; noLiveRule: string | undefined }
  | { ok: false; status: 400 | 409; errors: string[] };

export type PublishResult =
  | { ok: true; ruleSet: RuleSet; published: PublishedRuleSet }
  | { ok: false; status: 400 | 409; errors: string[] };

const HISTORY_KEPT = 50;

/**
 * The rule set every worker evaluates. The published version lives in Redis, so a change made
 * through the API or the watched file on any node reaches every worker within one poll, without
 * a restart; a rule set that does not validate is refused and the running one stays.
 */
export class RuleSetRegistry {
  private active: RuleSet | undefined;
  private activeVersion = '';
  /** Why the published set was last refused here (it names a model or feature this process lacks). */
  private refusal: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private watcher: FSWatcher | undefined;
  private readonly currentKey: string;
  private readonly historyKey: string;

  constructor(
    private readonly deps: {
      redis: Redis; prefix: string; knownFeatures: readonly string[]; log: Logger; defaultPackPath: string; pollMs: number;
      /** The models with a live version in the model registry, read when a set is checked: a set naming another is refused. */
      liveModels?: () => Promise<readonly string[]>;
      /** The lists that exist now, read when a set is published; without it no rule may name a list. */
      knownLists?: () => Promise<ListCatalogue>;
    },
  ) {
    // One hash tag: the current set and its history are written in one MULTI, which a Redis
    // Cluster allows only within a slot.
    this.currentKey = `${deps.prefix}:rules:{${deps.prefix}:rules}:current`;
    this.historyKey = `${deps.prefix}:rules:{${deps.prefix}:rules}:history`;
  }

  current(): RuleSet {
    if (!this.active) throw new Error('rule set registry not started');
    return this.active;
  }

  /**
   * `allowNoLiveRules` (VIGIL_RULES_ALLOW_EMPTY) lets the watched file switch detection off; without
   * it such a file is refused at start and on every edit, like a file that does not validate.
   */
  async start(opts: { watchFile?: string; allowNoLiveRules?: boolean } = {}): Promise<void> {
    const fromFile = { allowNoLiveRules: opts.allowNoLiveRules ?? false };
    if (!(await this.refresh())) {
      const path = opts.watchFile ?? this.deps.defaultPackPath;
      const text = await readFile(path, 'utf8');
      const result = await this.publish(text, formatOf(path), opts.watchFile ? `file:${path}` : 'system:default-pack', { onlyIfNone: true, ...fromFile });
      if (!result.ok && result.status === 400) throw new Error(`rule set ${path} is refused:\n${result.errors.join('\n')}`);
      await this.refresh();
    }
    // A published set this process cannot run (it names a feature this build lacks, or a model
    // without a live version) leaves nothing to run: it stops with the reason instead of running no rules.
    if (!this.active) throw new Error(`the published rule set cannot be loaded by this process: ${this.refusal ?? 'none is published'}`);
    const trouble = new FailureStreak(this.deps.log, 'rule set refresh');
    this.timer = setInterval(() => void this.refresh().then(() => trouble.succeeded(), (err: unknown) => void trouble.failed(err)), this.deps.pollMs);
    this.timer.unref();
    if (opts.watchFile) this.watchFile(opts.watchFile, fromFile);
  }

  stop(): void {
    clearInterval(this.timer);
    this.watcher?.close();
  }

  async published(): Promise<PublishedRuleSet | undefined> {
    const json = await this.deps.redis.get(this.currentKey);
    return json ? (JSON.parse(json) as PublishedRuleSet) : undefined;
  }

  async history(): Promise<Omit<PublishedRuleSet, 'text'>[]> {
    return (await this.deps.redis.lrange(this.historyKey, 0, -1)).map((json) => {
      const { text: _text, ...meta } = JSON.parse(json) as PublishedRuleSet;
      return meta;
    });
  }

  /** One earlier (or the current) version with its text, for a diff; undefined when no longer kept. */
  async version(version: string): Promise<PublishedRuleSet | undefined> {
    return (await this.deps.redis.lrange(this.historyKey, 0, -1)).map((json) => JSON.parse(json) as PublishedRuleSet).find((p) => p.version === version);
  }

  /**
   * Whether the set could run at all: it parses against the known features and names only lists
   * that exist. Publication checks more (`check`); a backtest of a candidate needs only this, since
   * trying a set with a published version number or without an active rule harms nothing.
   */
  async validate(text: string, format: 'yaml' | 'json'): Promise<{ ok: true; ruleSet: RuleSet } | { ok: false; errors: string[] }> {
    const parsed = parseRuleSet(text, format, this.deps.knownFeatures, await this.liveModels());
    if (!parsed.ok) return parsed;
    const listErrors = await this.listProblems(parsed.ruleSet);
    return listErrors.length > 0 ? { ok: false, errors: listErrors } : { ok: true, ruleSet: parsed.ruleSet };
  }

  /**
   * Whether the set could be published now: it validates, names lists that exist, has an active
   * rule (or `allowNoLiveRules`), and its version is new. What publish checks first, also used to
   * refuse a proposal that could never be applied before anyone is asked to approve it.
   */
  async check(text: string, format: 'yaml' | 'json', opts: PublishOptions = {}): Promise<CheckResult> {
    const parsed = await this.validate(text, format);
    if (!parsed.ok) return { ok: false, status: 400, errors: parsed.errors };
    const noLiveRule = noLiveRuleProblem(parsed.ruleSet);
    if (noLiveRule && !opts.allowNoLiveRules) {
      return { ok: false, status: 400, errors: [`${noLiveRule}; if that is intended, publish it with allow_empty=true (VIGIL_RULES_ALLOW_EMPTY for the rules file)`] };
    }
    const current = await this.published();
    if (current && (opts.onlyIfNone || current.version === parsed.ruleSet.version)) {
      return { ok: false, status: 409, errors: [`rule set version ${parsed.ruleSet.version} is already published; give the new set a new version`] };
    }
    return { ok: true, ruleSet: parsed.ruleSet, noLiveRule };
  }

  /**
   * Validates and publishes a rule set; its version must be new. A set without an active rule would
   * switch detection off: it is refused unless `allowNoLiveRules`, and a forced one says so in the history.
   */
  async publish(text: string, format: 'yaml' | 'json', actor: string, opts: PublishOptions = {}): Promise<PublishResult> {
    const checked = await this.check(text, format, opts);
    if (!checked.ok) return checked;
    const { ruleSet, noLiveRule } = checked;
    const published: PublishedRuleSet = {
      version: ruleSet.version, format, text, updatedAt: new Date().toISOString(), updatedBy: actor,
      ...(noLiveRule ? { forced: { reason: noLiveRule } } : {}),
      ...(opts.approval ? { approval: opts.approval } : {}),
    };
    const json = JSON.stringify(published);
    await this.deps.redis.multi().set(this.currentKey, json).lpush(this.historyKey, json).ltrim(this.historyKey, 0, HISTORY_KEPT - 1).exec();
    if (noLiveRule) this.deps.log.warn({ version: published.version, actor, reason: noLiveRule }, 'rule set without an active rule published (forced): detection is off');
    else this.deps.log.info({ version: published.version, actor }, 'rule set published');
    await this.refresh();
    return { ok: true, ruleSet, published };
  }

  /**
   * The rules of the published set that read `model.<name>` (its live version is not retired while
   * they do). Read from Redis, not this process's copy, which may lag a publication by a poll.
   */
  async rulesReadingModel(name: string): Promise<string[]> {
    const published = await this.published();
    if (!published) return [];
    const parsed = parseRuleSet(published.text, published.format, this.deps.knownFeatures, [...(await this.liveModels()), name]);
    // A published set always parsed once; should it not now, assume it reads the model rather than risk it.
    if (!parsed.ok) return published.text.includes(`model.${name}`) ? [`(set ${published.version})`] : [];
    return parsed.ruleSet.rules.filter((rule) => comparisonsOf(rule.condition).some((c) => modelName(c.comparison.field) === name)).map((rule) => rule.id);
  }

  private async liveModels(): Promise<readonly string[]> {
    return this.deps.liveModels ? this.deps.liveModels() : [];
  }

  /** The rules of the running set that look entities up on this list (a list in use is not deleted). */
  rulesUsingList(name: string): string[] {
    return (this.active?.rules ?? []).filter((rule) => listsNamedBy(rule.condition).includes(name)).map((rule) => rule.id);
  }

  // Checked at publication only: a worker's copy of the lists may lag the set by a poll, and a
  // set refused on reload would leave that worker on the old rules.
  private async listProblems(ruleSet: RuleSet): Promise<string[]> {
    const named = ruleSet.rules.some((rule) => listsNamedBy(rule.condition).length > 0);
    if (!named) return [];
    const lists = this.deps.knownLists ? await this.deps.knownLists() : new Map();
    return ruleSet.rules.flatMap((rule, index) => listReferenceProblems(rule.condition, `rules.${index} (${rule.id}).condition`, lists));
  }

  /** Loads the published rule set if its version changed; false when none is published. */
  private async refresh(): Promise<boolean> {
    const published = await this.published();
    if (!published) return false;
    if (published.version === this.activeVersion) return true;
    const parsed = parseRuleSet(published.text, published.format, this.deps.knownFeatures, await this.liveModels());
    if (!parsed.ok) {
      this.refusal = `${published.version}: ${parsed.errors.join('; ')}`;
      this.deps.log.error({ version: published.version, errors: parsed.errors }, 'published rule set does not validate here; keeping the running one');
      return this.active !== undefined;
    }
    this.active = parsed.ruleSet;
    this.activeVersion = published.version;
    this.deps.log.info({ version: published.version, rules: parsed.ruleSet.rules.length }, 'rule set loaded');
    return true;
  }

  private watchFile(path: string, opts: PublishOptions): void {
    let pending: NodeJS.Timeout | undefined;
    this.watcher = watch(path, () => {
      clearTimeout(pending);
      // Editors write files in several steps; act once the writes settle.
      pending = setTimeout(async () => {
        const text = await readFile(path, 'utf8').catch(() => undefined);
        if (text === undefined) return;
        const result = await this.publish(text, formatOf(path), `file:${path}`, opts);
        if (!result.ok && result.status === 400) this.deps.log.error({ path, errors: result.errors }, 'edited rule file is invalid; not loaded');
      }, 200);
    });
  }
}

function formatOf(path: string): 'yaml' | 'json' {
  return path.endsWith('.json') ? 'json' : 'yaml';
}
