import type { CampaignState } from './campaignSchema.js';

// The campaign audit trail: one stream entry per change, written by the same script as the change.

export type CampaignAction = 'created' | 'replaced' | 'state_changed' | 'imported';

export interface CampaignAuditEntry {
  at: string;
  actor: string;
  action: CampaignAction;
  campaignId: string;
  /** The campaign's revision after the change. */
  revision: number;
  fromState?: CampaignState;
  toState?: CampaignState;
  /** Top-level fields that changed, e.g. ['priority', 'trigger']; absent on creation. */
  changes?: string[];
}

/** Stream fields of an entry; only the fields it has. */
export function encodeAuditEntry(entry: CampaignAuditEntry): string[] {
  const fields = ['at', entry.at, 'actor', entry.actor, 'action', entry.action, 'campaign_id', entry.campaignId, 'revision', String(entry.revision)];
  if (entry.fromState) fields.push('from_state', entry.fromState);
  if (entry.toState) fields.push('to_state', entry.toState);
  if (entry.changes) fields.push('changes', JSON.stringify(entry.changes));
  return fields;
}

export function decodeAuditEntry(pairs: string[]): CampaignAuditEntry {
  const f: Record<string, string> = {};
  for (let i = 0; i + 1 < pairs.length; i += 2) f[pairs[i]!] = pairs[i + 1]!;
  return {
    at: f.at ?? '', actor: f.actor ?? '', action: f.action as CampaignAction, campaignId: f.campaign_id ?? '', revision: Number(f.revision),
    ...(f.from_state ? { fromState: f.from_state as CampaignState } : {}),
    ...(f.to_state ? { toState: f.to_state as CampaignState } : {}),
    ...(f.changes ? { changes: JSON.parse(f.changes) as string[] } : {}),
  };
}
