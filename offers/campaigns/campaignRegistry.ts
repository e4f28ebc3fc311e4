import type { Redis } from 'ioredis';
import { FailureStreak } from '../../core/failureStreak.js';
import type { Logger } from '../../core/observability/index.js';
import { decodeAuditEntry, encodeAuditEntry, type CampaignAction, type CampaignAuditEntry } from './campaignAudit.js';
import { campaignIdProblems, changedFields, checkCampaignInput, sameCampaign, stateChangeProblem } from './campaignChanges.js';
import {
  CampaignConflictError, CampaignExistsError, CampaignNotFoundError, IllegalCampaignStateError, InvalidCampaignError,
  StaleCampaignRevisionError,
} from './campaignErrors.js';
import { CAMPAIGN_STATES, campaignSchema, campaignSetSchema, type Campaign, type CampaignSet, type CampaignState } from './campaignSchema.js';
import { WRITE_CAMPAIGN } from './campaignScripts.js';
import { offerKeys, type OfferKeys } from '../keys.js';
import { validateCampaignSet } from './load.js';
import { CAMPAIGN_FEATURE_NAMES } from '../decide/offerContext.js';
import { listReferenceProblems, listsNamedBy, type ListCatalogue } from '../../rules/index.js';

export type { CampaignAction, CampaignAuditEntry } from './campaignAudit.js';

export interface StoredCampaign {
  campaign: Campaign;
  /** Per campaign, 1 at creation, +1 on every change; the value `If-Match` names. */
  revision: number;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
  /** When it first became active; from then on it may be paused but never return to draft. */
  activatedAt?: string;
}

export interface CampaignRegistryOptions {
  redis: Redis;
  prefix: string;
  log: Logger;
  /** How often the change counter is polled for other processes' changes. */
  pollMs: number;
  now?: () => number;
  knownFeatures?: readonly string[];
  /** Audit entries kept (approximately); default 10,000. */
  auditMaxEntries?: number;
  /** The lists that exist now, read when a campaign is written; without it no trigger may name a list. */
  knownLists?: () => Promise<ListCatalogue>;
}

type ScriptedRedis = Redis & {
  vigilWriteCampaign(numKeys: number, ...args: (string | number)[]): Promise<number | null>;
};

/** What a change computed from the stored document writes, or that nothing needs writing. */
type Planned = { next: StoredCampaign; audit: CampaignAuditEntry } | { unchanged: StoredCampaign };

// Concurrent edits of one campaign retry their compare-and-set; beyond this the caller gets a 409.
const MAX_CAS_ATTEMPTS = 20;
const AUDIT_SCAN_BATCH = 500;

/**
 * Campaigns as data: definitions in one Redis hash, changed only through one compare-and-set
 * script that also appends the audit entry and bumps the change counter. Every process keeps an
 * in-memory snapshot for the hot path and reloads it when the counter moves, so a change made
 * through the API on any node reaches every worker within one poll, without a restart.
 */
export class CampaignRegistry {
  private readonly keys: OfferKeys;
  private readonly redis: ScriptedRedis;
  private readonly now: () => number;
  private readonly knownFeatures: readonly string[];
  private readonly auditCap: number;
  private snapshot: readonly Campaign[] | undefined;
  private snapshotRevision = -1;
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  private readonly pollTrouble: FailureStreak;

  constructor(private readonly opts: CampaignRegistryOptions) {
    this.keys = offerKeys(opts.prefix);
    this.now = opts.now ?? Date.now;
    this.knownFeatures = opts.knownFeatures ?? CAMPAIGN_FEATURE_NAMES;
    this.auditCap = opts.auditMaxEntries ?? 10_000;
    this.pollTrouble = new FailureStreak(opts.log, 'campaign refresh');
    opts.redis.defineCommand('vigilWriteCampaign', { lua: WRITE_CAMPAIGN });
    this.redis = opts.redis as ScriptedRedis;
  }

  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.poll(), this.opts.pollMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The campaigns in force, sorted by id: the in-memory snapshot, no I/O. */
  current(): readonly Campaign[] {
    if (!this.snapshot) throw new Error('campaign registry not started');
    return this.snapshot;
  }

  /** The change counter the snapshot reflects (0 before any campaign was ever written). */
  revision(): number {
    return Math.max(0, this.snapshotRevision);
  }

  /** Reloads the snapshot from Redis now, whether or not the counter moved. */
  async refresh(): Promise<void> {
    const results = await this.redis.multi().get(this.keys.campaignsRevision).hgetall(this.keys.campaigns).exec();
    const [[counterError, counter], [hashError, hash]] = results as [[Error | null, string | null], [Error | null, Record<string, string>]];
    if (counterError ?? hashError) throw counterError ?? hashError;
    const revision = Number(counter ?? 0);
    // A slower concurrent reload must not replace a newer snapshot with an older one.
    if (revision < this.snapshotRevision) return;
    const previous = new Map((this.snapshot ?? []).map((c) => [c.id, c]));
    const campaigns: Campaign[] = [];
    for (const [id, json] of Object.entries(hash)) {
      const campaign = this.loadable(id, json) ?? previous.get(id);
      if (campaign) campaigns.push(campaign);
    }
    campaigns.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    if (revision !== this.snapshotRevision) this.opts.log.info({ revision, campaigns: campaigns.length }, 'campaigns loaded');
    this.snapshot = Object.freeze(campaigns);
    this.snapshotRevision = revision;
  }

  async list(): Promise<StoredCampaign[]> {
    const hash = await this.redis.hgetall(this.keys.campaigns);
    return Object.values(hash).map((json) => JSON.parse(json) as StoredCampaign)
      .sort((a, b) => (a.campaign.id < b.campaign.id ? -1 : a.campaign.id > b.campaign.id ? 1 : 0));
  }

  async get(id: string): Promise<StoredCampaign | undefined> {
    assertCampaignId(id);
    const json = await this.redis.hget(this.keys.campaigns, id);
    return json === null ? undefined : (JSON.parse(json) as StoredCampaign);
  }

  /** Creates a campaign (state draft unless the input says otherwise); 409 when the id exists. */
  async create(input: unknown, actor: string): Promise<StoredCampaign> {
    const campaign = this.checked(input, { state: 'draft' }, await this.lists());
    return this.change(campaign.id, (current) => {
      if (current) throw new CampaignExistsError(campaign.id);
      return this.planCreate(campaign, actor, 'created');
    });
  }

  /**
   * Replaces a campaign's definition. A body without `state` keeps the current state (state
   * changes are setState's job); a body without `id` takes the path's. With `expectedRevision`,
   * 409 unless the campaign is still at that revision.
   */
  async replace(id: string, input: unknown, actor: string, expectedRevision?: number): Promise<StoredCampaign> {
    assertCampaignId(id);
    const lists = await this.lists();
    return this.change(id, (current) => {
      if (!current) throw new CampaignNotFoundError(id);
      checkRevision(current, expectedRevision);
      const campaign = this.checked(input, { id, state: current.campaign.state }, lists);
      if (campaign.id !== id) throw new InvalidCampaignError([`id: "${campaign.id}" in the body differs from "${id}" in the path`]);
      return this.planUpdate(current, campaign, actor, 'replaced');
    });
  }

  /** Moves a campaign to `state`; the same state answers the campaign unchanged. */
  async setState(id: string, state: CampaignState, actor: string, expectedRevision?: number): Promise<StoredCampaign> {
    assertCampaignId(id);
    if (!CAMPAIGN_STATES.includes(state)) throw new InvalidCampaignError([`state: one of ${CAMPAIGN_STATES.join(', ')}`]);
    return this.change(id, (current) => {
      if (!current) throw new CampaignNotFoundError(id);
      checkRevision(current, expectedRevision);
      return this.planUpdate(current, { ...current.campaign, state }, actor, 'state_changed');
    });
  }

  /**
   * Upserts every campaign of a set (seeding from a file at start-up), leaving alone those
   * identical to their stored definition. The whole set is validated, and every state change
   * checked, before anything is written.
   */
  async importSet(
    set: CampaignSet,
    actor: string,
    opts: { existing?: 'update' | 'keep' } = {},
  ): Promise<{ created: string[]; updated: string[]; unchanged: string[] }> {
    const parsed = checkedSet(set, this.knownFeatures);
    const lists = await this.lists();
    const listErrors = parsed.campaigns.flatMap((c, i) => (c.trigger.condition ? listReferenceProblems(c.trigger.condition, `campaigns.${i} (${c.id}).trigger.condition`, lists) : []));
    if (listErrors.length > 0) throw new InvalidCampaignError(listErrors);
    const stored = new Map((await this.list()).map((s) => [s.campaign.id, s]));
    if (opts.existing === 'keep') {
      // Seeding at start-up: the file creates what is missing; what exists belongs to the API,
      // so a campaign marketing paused is not re-activated by a restart.
      const missing = parsed.campaigns.filter((c) => !stored.has(c.id));
      const result = missing.length > 0 ? await this.importSet({ ...parsed, campaigns: missing }, actor) : { created: [], updated: [], unchanged: [] };
      return { ...result, unchanged: parsed.campaigns.filter((c) => stored.has(c.id)).map((c) => c.id) };
    }
    const refused = parsed.campaigns
      .map((c) => { const s = stored.get(c.id); return s && stateChangeProblem(c.id, s.activatedAt, c.state); })
      .filter((problem): problem is string => problem !== undefined);
    if (refused.length > 0) throw new IllegalCampaignStateError(refused.join('; '));

    const outcome = { created: [] as string[], updated: [] as string[], unchanged: [] as string[] };
    for (const campaign of parsed.campaigns) {
      let kind: keyof typeof outcome = 'unchanged';
      await this.change(campaign.id, (current) => {
        if (!current) { kind = 'created'; return this.planCreate(campaign, actor, 'imported'); }
        const plan = this.planUpdate(current, campaign, actor, 'imported');
        kind = 'unchanged' in plan ? 'unchanged' : 'updated';
        return plan;
      }, { refresh: false });
      outcome[kind].push(campaign.id);
    }
    if (outcome.created.length + outcome.updated.length > 0) await this.refreshAfterChange();
    return outcome;
  }

  /** Audit entries, newest first, of one campaign or all; `limit` default 50, at most 1,000. */
  async audit(opts: { campaignId?: string; limit?: number } = {}): Promise<CampaignAuditEntry[]> {
    const limit = Math.min(Math.max(1, Math.trunc(opts.limit ?? 50)), 1000);
    const entries: CampaignAuditEntry[] = [];
    let end = '+';
    while (entries.length < limit) {
      const batch = await this.redis.xrevrange(this.keys.campaignAudit, end, '-', 'COUNT', AUDIT_SCAN_BATCH);
      for (const [, fields] of batch) {
        const entry = decodeAuditEntry(fields);
        if (!opts.campaignId || entry.campaignId === opts.campaignId) entries.push(entry);
        if (entries.length === limit) break;
      }
      if (batch.length < AUDIT_SCAN_BATCH) break;
      end = `(${batch[batch.length - 1]![0]}`;
    }
    return entries;
  }

  /**
   * Read, decide, compare-and-set; on a race re-read and decide again, so the decision is always
   * taken against what is stored (a second create sees the first and answers 409).
   */
  private async change(id: string, decide: (current: StoredCampaign | undefined) => Planned, opts = { refresh: true }): Promise<StoredCampaign> {
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const raw = await this.redis.hget(this.keys.campaigns, id);
      const plan = decide(raw === null ? undefined : (JSON.parse(raw) as StoredCampaign));
      if ('unchanged' in plan) return plan.unchanged;
      const keys = [this.keys.campaigns, this.keys.campaignAudit, this.keys.campaignsRevision];
      const written = await this.redis.vigilWriteCampaign(keys.length, ...keys,
        id, raw ?? '', JSON.stringify(plan.next), this.auditCap, ...encodeAuditEntry(plan.audit));
      if (written === null) continue;
      this.opts.log.info({ campaignId: id, action: plan.audit.action, revision: plan.next.revision, actor: plan.audit.actor }, 'campaign changed');
      if (opts.refresh) await this.refreshAfterChange();
      return plan.next;
    }
    throw new CampaignConflictError(id);
  }

  private planCreate(campaign: Campaign, actor: string, action: CampaignAction): Planned {
    const at = new Date(this.now()).toISOString();
    const next: StoredCampaign = {
      campaign, revision: 1, createdAt: at, createdBy: actor, updatedAt: at, updatedBy: actor,
      ...(campaign.state === 'active' ? { activatedAt: at } : {}),
    };
    return { next, audit: { at, actor, action, campaignId: campaign.id, revision: 1, toState: campaign.state } };
  }

  private planUpdate(current: StoredCampaign, campaign: Campaign, actor: string, action: CampaignAction): Planned {
    if (sameCampaign(current.campaign, campaign)) return { unchanged: current };
    const problem = stateChangeProblem(campaign.id, current.activatedAt, campaign.state);
    if (current.campaign.state !== campaign.state && problem) throw new IllegalCampaignStateError(problem);
    const at = new Date(this.now()).toISOString();
    const revision = current.revision + 1;
    const activatedAt = current.activatedAt ?? (campaign.state === 'active' ? at : undefined);
    const next: StoredCampaign = { ...current, campaign, revision, updatedAt: at, updatedBy: actor, ...(activatedAt ? { activatedAt } : {}) };
    const fromState = current.campaign.state;
    const states = fromState === campaign.state ? {} : { fromState, toState: campaign.state };
    return { next, audit: { at, actor, action, campaignId: campaign.id, revision, ...states, changes: changedFields(current.campaign, campaign) } };
  }

  /** Campaigns in force whose trigger looks entities up on this list (a list in use is not deleted). */
  campaignsUsingList(name: string): string[] {
    return (this.snapshot ?? []).filter((c) => c.trigger.condition && listsNamedBy(c.trigger.condition).includes(name)).map((c) => c.id);
  }

  private async lists(): Promise<ListCatalogue> {
    return this.opts.knownLists ? this.opts.knownLists() : new Map();
  }

  private checked(input: unknown, defaults: { id?: string; state: CampaignState }, lists: ListCatalogue): Campaign {
    const check = checkCampaignInput(input, defaults, this.knownFeatures, lists);
    if (!check.ok) throw new InvalidCampaignError(check.errors);
    return check.campaign;
  }

  /** A stored campaign this version can run, or undefined (logged) when it cannot. */
  private loadable(id: string, json: string): Campaign | undefined {
    let stored: StoredCampaign;
    try {
      stored = JSON.parse(json) as StoredCampaign;
    } catch {
      this.opts.log.error({ campaignId: id }, 'stored campaign is not JSON; keeping the running version, if any');
      return undefined;
    }
    const parsed = campaignSchema.safeParse(stored.campaign);
    if (parsed.success) return parsed.data;
    // A newer release may have written a field this one does not know; run what we had.
    this.opts.log.error({ campaignId: id, issues: parsed.error.issues.length }, 'stored campaign does not validate here; keeping the running version, if any');
    return undefined;
  }

  /** The change is stored whatever happens here; a failed reload is caught up by the next poll. */
  private async refreshAfterChange(): Promise<void> {
    await this.refresh().catch((err: unknown) => this.opts.log.warn({ err }, 'campaign reload after a change failed; the next poll retries'));
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const counter = Number((await this.redis.get(this.keys.campaignsRevision)) ?? 0);
      if (counter !== this.snapshotRevision) await this.refresh();
      this.pollTrouble.succeeded();
    } catch (err) {
      // The running campaigns stay in force meanwhile.
      this.pollTrouble.failed(err);
    } finally {
      this.polling = false;
    }
  }
}

function assertCampaignId(id: string): void {
  const problems = campaignIdProblems(id);
  if (problems.length > 0) throw new InvalidCampaignError(problems);
}

function checkRevision(current: StoredCampaign, expected: number | undefined): void {
  if (expected !== undefined && expected !== current.revision) {
    throw new StaleCampaignRevisionError(current.campaign.id, expected, current.revision);
  }
}

/** A set built in code may not have come through parseCampaignSet; validate it the same way. */
function checkedSet(set: CampaignSet, knownFeatures: readonly string[]): CampaignSet {
  const parsed = campaignSetSchema.safeParse(set);
  if (!parsed.success) throw new InvalidCampaignError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  const errors = validateCampaignSet(parsed.data, knownFeatures);
  if (errors.length > 0) throw new InvalidCampaignError(errors);
  return parsed.data;
}
