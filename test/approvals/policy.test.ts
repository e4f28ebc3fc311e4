import { describe, expect, it } from 'vitest';
import { checkDecision, effectiveStatus, type ApprovalAction, type ApprovalStatus } from '../../approvals/index.js';
import type { ApiRole } from '../../config/index.js';

const now = Date.parse('2026-11-29T12:00:00Z');
const proposal = (over: Partial<{ action: ApprovalAction; status: ApprovalStatus; proposedByName: string; expiresAt: string }> = {}) => ({
  action: 'rules.publish' as ApprovalAction, status: 'pending' as ApprovalStatus, proposedByName: 'rita.lead', expiresAt: '2026-11-30T12:00:00Z', ...over,
});
const person = (name: string, ...roles: ApiRole[]) => ({ name, roles });

describe('four-eyes policy', () => {
  it.each([
    ['another risk admin approves a rule set', proposal(), person('raj.lead', 'risk-admin'), 'ok'],
    ['an admin approves a rule set', proposal(), person('ada.admin', 'admin'), 'ok'],
    ['the proposer cannot approve their own change', proposal(), person('rita.lead', 'risk-admin'), 'SELF_APPROVAL'],
    ['the proposer cannot approve it under another case or role', proposal(), person('Rita.Lead', 'admin'), 'SELF_APPROVAL'],
    ['a risk officer does not approve rule sets', proposal(), person('olivia', 'risk'), 'NOT_APPROVER'],
    ['marketing does not approve rule sets', proposal(), person('mark', 'marketing'), 'NOT_APPROVER'],
    ['marketing approves a campaign activation', proposal({ action: 'campaigns.activate', proposedByName: 'mark' }), person('maya', 'marketing'), 'ok'],
    ['a risk admin does not approve campaigns', proposal({ action: 'campaigns.activate', proposedByName: 'mark' }), person('rita', 'risk-admin'), 'NOT_APPROVER'],
    ['a risk admin approves a list import', proposal({ action: 'lists.import' }), person('raj', 'risk-admin'), 'ok'],
    ['another risk admin approves a model promotion', proposal({ action: 'models.promote' }), person('raj', 'risk-admin'), 'ok'],
    ['the proposer cannot approve their own model rollback', proposal({ action: 'models.rollback' }), person('rita.lead', 'admin'), 'SELF_APPROVAL'],
    ['a risk officer does not approve model promotions', proposal({ action: 'models.promote' }), person('olivia', 'risk'), 'NOT_APPROVER'],
    ['marketing does not approve model rollbacks', proposal({ action: 'models.rollback' }), person('mark', 'marketing'), 'NOT_APPROVER'],
    ['a decided change is closed', proposal({ status: 'applied' }), person('raj', 'risk-admin'), 'NOT_PENDING'],
    ['an expired change is closed', proposal({ expiresAt: '2026-11-29T11:59:59Z' }), person('raj', 'risk-admin'), 'EXPIRED'],
  ] as const)('%s', (_name, p, decider, expected) => {
    const check = checkDecision(p, decider, now);
    expect(check.ok ? 'ok' : check.code).toBe(expected);
  });

  it('shows a pending change past its expiry as expired, and leaves decided ones as they are', () => {
    expect(effectiveStatus({ status: 'pending', expiresAt: '2026-11-29T11:00:00Z' }, now)).toBe('expired');
    expect(effectiveStatus({ status: 'pending', expiresAt: '2026-11-29T13:00:00Z' }, now)).toBe('pending');
    expect(effectiveStatus({ status: 'applied', expiresAt: '2026-11-29T11:00:00Z' }, now)).toBe('applied');
  });
});
