import type { ApprovalService } from '../approvals/index.js';
import type { ListStore } from '../lists/listStore.js';
import type { ModelRegistry } from '../models/index.js';
import type { CampaignRegistry } from '../offers/campaigns/campaignRegistry.js';
import { RuleSetRejected } from '../risk/routes.js';
import type { RuleSetRegistry } from '../risk/ruleSetRegistry.js';

interface RulesPayload { format: 'yaml' | 'json'; text: string; allowNoLiveRules: boolean }
interface CampaignPayload { campaignId: string; revision: number }
interface ImportPayload { list: string; entries: { value: string; reason: string; expiresAtMs: number }[] }
interface ModelPayload { name: string; version: string }

/**
 * What approving each kind of proposal does. Each change is recorded under its proposer (the
 * approval record adds the approver), and each is idempotent, so an approval cut off half way is
 * finished by approving again: a rule set already published under this approval, a campaign
 * already activated at the approved revision, entries written again under the same import id.
 */
export function registerApprovalAppliers(approvals: ApprovalService, deps: { rules: RuleSetRegistry; campaigns: CampaignRegistry; lists: ListStore; models: ModelRegistry; now?: () => number }): void {
  approvals.register('rules.publish', async (payload, proposal) => {
    const { format, text, allowNoLiveRules } = payload as RulesPayload;
    const approval = { id: proposal.id, proposedAt: proposal.proposedAt, approvedBy: proposal.decidedBy!, approvedAt: proposal.decidedAt! };
    const result = await deps.rules.publish(text, format, proposal.proposedBy, { allowNoLiveRules, approval });
    if (result.ok) return { version: result.published.version, rules: result.ruleSet.rules.length };
    const current = await deps.rules.published();
    if (current?.approval?.id === proposal.id) return { version: current.version };
    throw new RuleSetRejected(result.status, result.errors);
  });

  approvals.register('campaigns.activate', async (payload, proposal) => {
    const { campaignId, revision } = payload as CampaignPayload;
    const current = await deps.campaigns.get(campaignId);
    if (current?.campaign.state === 'active' && current.revision === revision + 1) return { campaignId, revision: current.revision };
    // At the revision approved: a campaign edited since is not activated unseen.
    const stored = await deps.campaigns.setState(campaignId, 'active', proposal.proposedBy, revision);
    return { campaignId, revision: stored.revision };
  });

  approvals.register('lists.import', async (payload, proposal) => {
    const { list, entries } = payload as ImportPayload;
    const now = deps.now?.() ?? Date.now();
    // Entries whose expiry passed while the proposal waited are not written.
    const live = entries.filter((e) => e.expiresAtMs > now);
    const written = await deps.lists.putEntries(list, live, proposal.proposedBy, { importId: proposal.id });
    return { list, importId: written.importId, created: written.created, replaced: written.replaced, expiredWhileWaiting: entries.length - live.length };
  });

  // A model version made live under this approval already (the first attempt was cut off after
  // the change) is not made live again: its history entry names the approval.
  const alreadyApplied = async (name: string, proposal: { id: string }) => {
    const applied = (await deps.models.history(name)).find((entry) => entry.approval?.id === proposal.id);
    return applied ? { name, version: applied.version, action: applied.action } : undefined;
  };

  approvals.register('models.promote', async (payload, proposal) => {
    const { name, version } = payload as ModelPayload;
    const done = await alreadyApplied(name, proposal);
    if (done) return done;
    // Only the shadow version that was proposed: one uploaded since is not promoted unseen.
    const entry = await deps.models.promote(name, proposal.proposedBy, { expected: version, approval: approvalOf(proposal) });
    return { name, version: entry.version, action: entry.action };
  });

  approvals.register('models.rollback', async (payload, proposal) => {
    const { name, version } = payload as ModelPayload;
    const done = await alreadyApplied(name, proposal);
    if (done) return done;
    const entry = await deps.models.rollback(name, version, proposal.proposedBy, { approval: approvalOf(proposal) });
    return { name, version: entry.version, action: entry.action };
  });
}

function approvalOf(proposal: { id: string; decidedBy?: string; decidedAt?: string }) {
  return { id: proposal.id, approvedBy: proposal.decidedBy!, approvedAt: proposal.decidedAt! };
}
