import type { z } from 'zod';
import { describeDocumentIssue, listReferenceProblems, type ListCatalogue } from '../../rules/index.js';
import { campaignSchema, type Campaign, type CampaignState } from './campaignSchema.js';
import { validateCampaignSet } from './load.js';
import { CAMPAIGN_FEATURE_NAMES } from '../decide/offerContext.js';

// Pure rules of editing campaigns one at a time: what a submitted campaign gets wrong, which of
// its fields changed, and which state changes its history allows. The registry does the I/O.

export type CampaignCheck = { ok: true; campaign: Campaign } | { ok: false; errors: string[] };

/**
 * Validates one submitted campaign exactly as a campaign file is validated (schema, then feature
 * names, placeholders, contradictory eligibility), with paths relative to the campaign
 * ("trigger.condition.field: unknown feature ..."), and the lists its trigger names against
 * those that exist. `defaults` fill fields the body omits.
 */
export function checkCampaignInput(
  input: unknown,
  defaults: { id?: string; state: CampaignState },
  knownFeatures: readonly string[] = CAMPAIGN_FEATURE_NAMES,
  lists: ListCatalogue = new Map(),
): CampaignCheck {
  if (!isPlainObject(input)) return { ok: false, errors: ['(campaign): expected an object with the campaign\'s fields'] };
  const parsed = campaignSchema.safeParse({ ...defaults, ...input });
  if (!parsed.success) return { ok: false, errors: parsed.error.issues.map(describeIssue) };
  const campaign = parsed.data;
  const setPrefix = new RegExp(`^campaigns\\.0 \\(${escapeRegExp(campaign.id)}\\)\\.?`);
  const errors = validateCampaignSet({ version: 'api', campaigns: [campaign] }, knownFeatures)
    .map((error) => error.replace(setPrefix, ''));
  if (campaign.trigger.condition) errors.push(...listReferenceProblems(campaign.trigger.condition, 'trigger.condition', lists));
  return errors.length > 0 ? { ok: false, errors } : { ok: true, campaign };
}

/** Problems of a campaign id taken from a URL path; empty when it is a valid slug. */
export function campaignIdProblems(id: string): string[] {
  const parsed = campaignSchema.shape.id.safeParse(id);
  return parsed.success ? [] : parsed.error.issues.map((issue) => `id: ${issue.message}`);
}

/** The top-level fields whose value differs, in schema order (e.g. ['priority', 'trigger']). */
export function changedFields(before: Campaign, after: Campaign): string[] {
  return Object.keys(campaignSchema.shape).filter(
    (field) => canonicalJson(before[field as keyof Campaign]) !== canonicalJson(after[field as keyof Campaign]),
  );
}

export function sameCampaign(a: Campaign, b: Campaign): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/**
 * Why a campaign may not move to `to`, or undefined when it may. Any change is allowed except
 * back to draft once the campaign has been active: decisions, caps and holdout records refer to a
 * campaign that ran, so it can be paused but not un-launched.
 */
export function stateChangeProblem(id: string, activatedAt: string | undefined, to: CampaignState): string | undefined {
  if (to !== 'draft' || activatedAt === undefined) return undefined;
  return `campaign ${id} has been active (since ${activatedAt}) and cannot return to draft; pause it instead`;
}

/** JSON with object keys sorted, so two equal definitions compare equal whatever their key order. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    isPlainObject(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v);
}

/** One issue of a single campaign (no list around it); the whole object is "(campaign)". */
function describeIssue(issue: z.core.$ZodIssue): string {
  return describeDocumentIssue(issue, undefined, '', '(campaign)');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
