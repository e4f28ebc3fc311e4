export { ApprovalService, type Applier, type ProposeInput } from './service.js';
export { ApprovalStore, type Proposal } from './store.js';
export { approvalRoutes, proposalSchema } from './routes.js';
export { APPROVAL_ACTIONS, APPROVER_ROLES, ACTION_TITLES, checkDecision, effectiveStatus, type ApprovalAction, type ApprovalStatus } from './policy.js';
export * from './errors.js';
