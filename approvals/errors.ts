import { VigilError } from '../core/errors.js';

export class ApprovalNotFoundError extends VigilError {
  constructor(id: string) {
    super('APPROVAL_NOT_FOUND', `no proposed change ${id}`, 404);
  }
}

/** The caller may not decide this proposal: their own, or not theirs to approve. */
export class ApprovalForbiddenError extends VigilError {
  constructor(code: 'SELF_APPROVAL' | 'NOT_APPROVER', message: string) {
    super(code, message, 403);
  }
}

/** The proposal is no longer open to a decision (decided, or expired). */
export class ApprovalClosedError extends VigilError {
  constructor(code: 'NOT_PENDING' | 'EXPIRED', message: string) {
    super(code, message, 409);
  }
}

/** The change was approved but could not be applied as proposed (e.g. its base moved on). */
export class ApprovedChangeFailedError extends VigilError {
  constructor(message: string) {
    super('CHANGE_NOT_APPLIED', `approved, but the change could not be applied: ${message}; propose it again`, 409);
  }
}
