import type { Redis } from 'ioredis';
import { FailureStreak } from '../core/failureStreak.js';
import type { Logger } from '../core/observability/index.js';
import { noLiveRuleProblem, parseRuleSet, type RuleSet } from '../rules/index.js';
import type { RuleSetRegistry } from './ruleSetRegistry.js';

/** The challenger as it is kept: the set's text, who started it and when, beside which champion. */
export interface ChallengerRuleSet {
  version: string;
  format: 'yaml' | 'json';
  text: string;
  startedAt: string;
  startedBy: string;
  /** The published version when it was started (the champion may change while it runs). */
  championVersion: string;
}

export type ChallengerStopped = { action: 'stopped'; version: string; at: string; by: string };
export type ChallengerChange = ({ action: 'started' } & ChallengerRuleSet) | ChallengerStopped;
/** A history entry as answered: a start without the set's text. */
export type ChallengerHistoryEntry = ({ action: 'started' } & Omit<ChallengerRuleSet, 'text'>) | ChallengerStopped;

export type StartChallengerResult =
  | { ok: true; challenger: ChallengerRuleSet; unchanged: boolean }
  | { ok: false; status: 400 | 409; errors: string[] };

const HISTORY_KEPT = 50;

/**
 * The challenger rule set: a whole candidate set evaluated in shadow on live events beside the
 * published one (the champion). It raises nothing and changes nothing the champion reads; what it
 * would have raised is recorded (risk/challenger.ts) and compared (GET /v1/rules/challenger/comparison).
 *
 * Kept in Redis beside the rules under their hash tag, so the current challenger and its history
 * are written in one MULTI; every worker follows it with the rules' poll.
 */
export class ChallengerRegistry {
  private active: RuleSet | undefined;
  private activeKey = '';
  private timer: NodeJS.Timeout | undefined;
  private readonly currentKey: string;
  private readonly historyKey: string;

  constructor(
    private readonly deps: {
      redis: Redis; prefix: string; log: Logger; pollMs: number;
      /** Validates a set as for a backtest (schema, features, models, lists that exist) and knows the champion. */
      rules: Pick<RuleSetRegistry, 'validate' | 'published'>;
      knownFeatures: readonly string[];
      /** The models with a live version in the registry: a challenger reading another is not run. */
      liveModels?: () => Promise<readonly string[]>;
    },
  ) {
    this.currentKey = `${deps.prefix}:rules:{${deps.prefix}:rules}:challenger`;
    this.historyKey = `${deps.prefix}:rules:{${deps.prefix}:rules}:challenger-history`;
  }

  /** The running challenger's rules, or undefined when none runs (or this process cannot load it). */
  current(): RuleSet | undefined {
    return this.active;
  }

  async start(): Promise<void> {
    await this.refresh();
    const trouble = new FailureStreak(this.deps.log, 'challenger rule set refresh');
    this.timer = setInterval(() => void this.refresh().then(() => trouble.succeeded(), (err: unknown) => void trouble.failed(err)), this.deps.pollMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async running(): Promise<ChallengerRuleSet | undefined> {
    const json = await this.deps.redis.get(this.currentKey);
    return json ? (JSON.parse(json) as ChallengerRuleSet) : undefined;
  }

  /** Starts and stops, newest first, without the sets' texts. */
  async history(): Promise<ChallengerHistoryEntry[]> {
    return (await this.deps.redis.lrange(this.historyKey, 0, -1)).map((json) => {
      const change = JSON.parse(json) as ChallengerChange;
      if (change.action === 'stopped') return change;
      const { text: _text, ...meta } = change;
      return meta;
    });
  }

  /**
   * Starts a challenger, replacing the running one. Validated as a backtest candidate is: it may
   * have no active rule (it raises nothing anyway). Its version names its records, so it must
   * differ from the champion's, and a version started before with another text is refused: the
   * comparison of that version would mix two sets. Starting the running set again changes nothing.
   */
  async set(text: string, format: 'yaml' | 'json', actor: string, opts: { allowNoLiveRules?: boolean } = {}): Promise<StartChallengerResult> {
    const parsed = await this.deps.rules.validate(text, format);
    if (!parsed.ok) return { ok: false, status: 400, errors: parsed.errors };
    // Refused as publishing refuses it: an empty set is far more often a mistake than a plan.
    const noLiveRule = noLiveRuleProblem(parsed.ruleSet, 'as a challenger it would raise no would-be alert, so there would be nothing to compare');
    if (noLiveRule && !opts.allowNoLiveRules) {
      return { ok: false, status: 400, errors: [`${noLiveRule}; if that is intended, start it with allow_empty=true`] };
    }
    const { version } = parsed.ruleSet;
    const champion = await this.deps.rules.published();
    if (champion?.version === version) {
      return { ok: false, status: 409, errors: [`version ${version} is the published rule set's; give the challenger a version of its own`] };
    }
    const running = await this.running();
    if (running?.version === version && running.text === text) return { ok: true, challenger: running, unchanged: true };
    const earlier = (await this.deps.redis.lrange(this.historyKey, 0, -1)).map((json) => JSON.parse(json) as ChallengerChange)
      .find((change) => change.action === 'started' && change.version === version && change.text !== text);
    if (earlier) {
      return { ok: false, status: 409, errors: [`challenger version ${version} was started before with another text; its records would mix two sets: give this one a new version`] };
    }
    const challenger: ChallengerRuleSet = {
      version, format, text, startedAt: new Date().toISOString(), startedBy: actor, championVersion: champion?.version ?? '',
    };
    const entry: ChallengerChange = { action: 'started', ...challenger };
    await this.deps.redis.multi()
      .set(this.currentKey, JSON.stringify(challenger))
      .lpush(this.historyKey, JSON.stringify(entry)).ltrim(this.historyKey, 0, HISTORY_KEPT - 1)
      .exec();
    this.deps.log.info({ version, actor, replaced: running?.version }, 'challenger rule set started');
    await this.refresh();
    return { ok: true, challenger, unchanged: false };
  }

  /** Stops the running challenger; undefined when none runs. */
  async remove(actor: string): Promise<ChallengerStopped | undefined> {
    const running = await this.running();
    if (!running) return undefined;
    const entry: ChallengerStopped = { action: 'stopped', version: running.version, at: new Date().toISOString(), by: actor };
    await this.deps.redis.multi().del(this.currentKey).lpush(this.historyKey, JSON.stringify(entry)).ltrim(this.historyKey, 0, HISTORY_KEPT - 1).exec();
    this.deps.log.info({ version: running.version, actor }, 'challenger rule set stopped');
    await this.refresh();
    return entry;
  }

  /**
   * Loads the challenger when it changed. One this process cannot parse (a model it did not load)
   * is not run here, logged: the champion never depends on it.
   */
  private async refresh(): Promise<void> {
    const running = await this.running();
    const key = running ? `${running.version}\u0000${running.startedAt}` : '';
    if (key === this.activeKey) return;
    this.activeKey = key;
    if (!running) {
      this.active = undefined;
      return;
    }
    const parsed = parseRuleSet(running.text, running.format, this.deps.knownFeatures, this.deps.liveModels ? await this.deps.liveModels() : []);
    if (!parsed.ok) {
      this.active = undefined;
      this.deps.log.error({ version: running.version, errors: parsed.errors }, 'challenger rule set does not validate here; no challenger runs in this process');
      return;
    }
    this.active = parsed.ruleSet;
    this.deps.log.info({ version: running.version, rules: parsed.ruleSet.rules.length }, 'challenger rule set loaded');
  }
}
