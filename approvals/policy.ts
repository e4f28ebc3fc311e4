import type { ApiRole } from '../config/roles.js';

// Four-eyes, as pure policy: which changes need a second person, who may approve them, and
// whether a given person may decide a given proposal now. No I/O: the store and the routes ask.

export const APPROVAL_ACTIONS = ['rules.publish', 'campaigns.activate', 'lists.import', 'models.promote', 'models.rollback'] as const;
export type ApprovalAction = (typeof APPROVAL_ACTIONS)[number];

/** What each action changes, in words shown to approvers. */
export const ACTION_TITLES: Record<ApprovalAction, string> = {
  'rules.publish': 'Publish a rule set',
  'campaigns.activate': 'Activate a campaign',
  'lists.import': 'Import list entries in bulk',
  'models.promote': 'Promote a shadow model version to live',
  'models.rollback': 'Roll a model back to an earlier version',
};

/** Who may approve each action: those who could make the change themselves were approval off. */
export const APPROVER_ROLES: Record<ApprovalAction, readonly ApiRole[]> = {
  'rules.publish': ['risk-admin', 'admin'],
  'campaigns.activate': ['marketing', 'admin'],
  'lists.import': ['risk-admin', 'admin'],
  'models.promote': ['risk-admin', 'admin'],
  'models.rollback': ['risk-admin', 'admin'],
};

export const APPROVAL_STATUSES = ['pending', 'approved', 'applied', 'failed', 'rejected', 'expired'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

/** The part of a proposal the policy looks at. */
export interface ProposalFacts {
  action: ApprovalAction;
  status: ApprovalStatus;
  /** The proposer's name: the person, whatever role they acted in. */
  proposedByName: string;
  expiresAt: string;
}

export interface Decider {
  name: string;
  roles: readonly ApiRole[];
}

export type DecisionCheck =
  | { ok: true }
  | { ok: false; code: 'SELF_APPROVAL' | 'NOT_APPROVER' | 'NOT_PENDING' | 'EXPIRED'; message: string };

/** Whether this person may approve or reject this proposal at `nowMs`. The proposer never may. */
export function checkDecision(proposal: ProposalFacts, decider: Decider, nowMs: number): DecisionCheck {
  if (proposal.status !== 'pending') return { ok: false, code: 'NOT_PENDING', message: `this change is ${proposal.status}, no longer pending` };
  if (Date.parse(proposal.expiresAt) <= nowMs) return { ok: false, code: 'EXPIRED', message: `this change expired at ${proposal.expiresAt}; propose it again` };
  if (sameName(proposal.proposedByName, decider.name)) {
    return { ok: false, code: 'SELF_APPROVAL', message: 'you proposed this change; a second person must approve or reject it' };
  }
  const allowed = APPROVER_ROLES[proposal.action];
  if (!decider.roles.some((role) => allowed.includes(role))) {
    return { ok: false, code: 'NOT_APPROVER', message: `${ACTION_TITLES[proposal.action].toLowerCase()} is approved by ${allowed.join(' or ')}` };
  }
  return { ok: true };
}

/** A status as seen at `nowMs`: a pending proposal past its expiry is expired. */
export function effectiveStatus(proposal: Pick<ProposalFacts, 'status' | 'expiresAt'>, nowMs: number): ApprovalStatus {
  return proposal.status === 'pending' && Date.parse(proposal.expiresAt) <= nowMs ? 'expired' : proposal.status;
}

// Names are compared without case: "Alice" signing in by SSO and "alice" by key are one person.
function sameName(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}
