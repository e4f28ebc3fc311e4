import { randomUUID } from 'node:crypto';
import type { ApiIdentity } from '../config/index.js';
import { VigilError } from '../core/errors.js';
import { auditActor, rolesOf } from '../core/identity.js';
import type { Logger } from '../core/observability/index.js';
import { ApprovalClosedError, ApprovalForbiddenError, ApprovalNotFoundError, ApprovedChangeFailedError } from './errors.js';
import { checkDecision, effectiveStatus, type ApprovalAction } from './policy.js';
import type { ApprovalStore, Proposal } from './store.js';

/**
 * Carries out an approved change. Must be idempotent: an approver whose first attempt was cut off
 * (Redis or the process went away after the decision) approves again and it runs again. Throws a
 * VigilError when the change cannot be made as proposed any more (the proposal is then failed).
 */
export type Applier = (payload: unknown, proposal: Proposal) => Promise<Record<string, unknown>>;

export interface ProposeInput {
  action: ApprovalAction;
  title: string;
  target: string;
  payload: unknown;
  details?: Record<string, unknown>;
}

/**
 * Four-eyes: changes configured to need approval are proposed rather than made; a second person
 * with the right role approves (the change is then applied, once) or rejects them. Proposals
 * expire after VIGIL_APPROVAL_TTL_HOURS.
 */
export class ApprovalService {
  private readonly appliers = new Map<ApprovalAction, Applier>();

  constructor(private readonly opts: {
    store: ApprovalStore; required: readonly ApprovalAction[]; ttlHours: number; log: Logger; now?: () => number;
  }) {}

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  /** Whether this action must be proposed (false: it is made at once, as before four-eyes). */
  required(action: ApprovalAction): boolean {
    return this.opts.required.includes(action);
  }

  get requiredActions(): readonly ApprovalAction[] {
    return this.opts.required;
  }

  register(action: ApprovalAction, applier: Applier): void {
    this.appliers.set(action, applier);
  }

  async propose(input: ProposeInput, identity: ApiIdentity | undefined): Promise<Proposal> {
    const proposedBy = auditActor(identity);
    const now = this.now();
    const proposal: Proposal = {
      id: `apr_${randomUUID().replace(/-/g, '').slice(0, 20)}`, action: input.action, status: 'pending', title: input.title, target: input.target,
      proposedBy, proposedByName: identity!.name, proposedAt: new Date(now).toISOString(),
      expiresAt: new Date(now + this.opts.ttlHours * 3_600_000).toISOString(),
      ...(input.details && { details: input.details }),
    };
    await this.opts.store.create(proposal, input.payload);
    this.opts.log.info({ approvalId: proposal.id, action: proposal.action, target: proposal.target, actor: proposedBy }, 'change proposed; awaiting approval');
    return proposal;
  }

  async list(opts: { limit: number; status?: string }): Promise<Proposal[]> {
    const now = this.now();
    const all = (await this.opts.store.list(opts.status ? Math.max(opts.limit, 500) : opts.limit)).map((p) => ({ ...p, status: effectiveStatus(p, now) }));
    return (opts.status ? all.filter((p) => p.status === opts.status) : all).slice(0, opts.limit);
  }

  async get(id: string): Promise<{ proposal: Proposal; payload: unknown }> {
    const proposal = await this.opts.store.get(id);
    if (!proposal) throw new ApprovalNotFoundError(id);
    return { proposal: { ...proposal, status: effectiveStatus(proposal, this.now()) }, payload: await this.opts.store.payload(id) };
  }

  /** Approves and applies: exactly one approver wins; the proposer never can. */
  async approve(id: string, identity: ApiIdentity | undefined): Promise<Proposal> {
    const decider = this.deciderOf(identity);
    const current = await this.opts.store.get(id);
    if (!current) throw new ApprovalNotFoundError(id);
    // A decision whose application was cut off is finished by the same approver approving again.
    const resuming = current.status === 'approved' && current.decidedByName === decider.name;
    let proposal = current;
    if (!resuming) {
      this.assertMayDecide(current, decider);
      const decided = await this.opts.store.decide(id, 'approved', { actor: decider.actor, name: decider.name }, this.now());
      if (!decided.ok) throw closed(decided.reason, decided.detail, id);
      proposal = decided.proposal;
    }
    const applier = this.appliers.get(proposal.action);
    if (!applier) throw new Error(`no applier registered for ${proposal.action}`);
    try {
      const result = await applier(await this.opts.store.payload(id), proposal);
      const applied: Proposal = { ...proposal, status: 'applied', appliedAt: new Date(this.now()).toISOString(), result };
      await this.opts.store.finish(applied);
      this.opts.log.info({ approvalId: id, action: proposal.action, proposedBy: proposal.proposedBy, approvedBy: decider.actor }, 'approved change applied');
      return applied;
    } catch (err) {
      // Our own outage (Redis, ClickHouse): the decision stands, the approver tries again.
      if (!(err instanceof VigilError) || err.httpStatus >= 500) throw err;
      const failed: Proposal = { ...proposal, status: 'failed', error: err.message };
      await this.opts.store.finish(failed);
      this.opts.log.warn({ approvalId: id, action: proposal.action, error: err.message }, 'approved change could not be applied');
      throw new ApprovedChangeFailedError(err.message);
    }
  }

  async reject(id: string, identity: ApiIdentity | undefined, comment: string): Promise<Proposal> {
    const decider = this.deciderOf(identity);
    const current = await this.opts.store.get(id);
    if (!current) throw new ApprovalNotFoundError(id);
    this.assertMayDecide(current, decider);
    const decided = await this.opts.store.decide(id, 'rejected', { actor: decider.actor, name: decider.name }, this.now(), comment);
    if (!decided.ok) throw closed(decided.reason, decided.detail, id);
    this.opts.log.info({ approvalId: id, action: current.action, rejectedBy: decider.actor }, 'proposed change rejected');
    return decided.proposal;
  }

  private deciderOf(identity: ApiIdentity | undefined) {
    const actor = auditActor(identity);
    return { actor, name: identity!.name, roles: rolesOf(identity!) };
  }

  private assertMayDecide(proposal: Proposal, decider: { name: string; roles: readonly ApiIdentity['role'][] }): void {
    const check = checkDecision(proposal, decider, this.now());
    if (check.ok) return;
    if (check.code === 'SELF_APPROVAL' || check.code === 'NOT_APPROVER') throw new ApprovalForbiddenError(check.code, check.message);
    throw new ApprovalClosedError(check.code, check.message);
  }
}

function closed(reason: 'NOT_FOUND' | 'NOT_PENDING' | 'EXPIRED', detail: string | undefined, id: string): Error {
  if (reason === 'NOT_FOUND') return new ApprovalNotFoundError(id);
  if (reason === 'EXPIRED') return new ApprovalClosedError('EXPIRED', `this change expired at ${detail}; propose it again`);
  return new ApprovalClosedError('NOT_PENDING', `this change is ${detail}, no longer pending`);
}
