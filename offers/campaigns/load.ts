import { MARKETING_CHANNELS } from '../../customers/profile.js';
import { comparisonsOf, describeDocumentIssue, didYouMean, fieldPathProblem, parseAuthoredDocument } from '../../rules/index.js';
import { campaignSetSchema, type CampaignSet } from './campaignSchema.js';
import { placeholderFields } from '../decide/content.js';
import { CAMPAIGN_FEATURE_NAMES } from '../decide/offerContext.js';

/** Where the example campaigns ship; reading the file is the caller's (start-up's) I/O. */
export const EXAMPLE_CAMPAIGNS_URL = new URL('./examples.yaml', import.meta.url);

export type CampaignSetParseResult = { ok: true; campaignSet: CampaignSet } | { ok: false; errors: string[] };

/**
 * Parses and fully validates a campaign file. Every problem is reported at once, each naming the
 * campaign and the path ("campaigns.2 (travel-card).trigger.condition.op: ..."); nothing partial
 * is returned, so a file with one bad campaign is rejected whole rather than run without it.
 */
export function parseCampaignSet(
  text: string,
  format: 'yaml' | 'json',
  knownFeatures: readonly string[] = CAMPAIGN_FEATURE_NAMES,
): CampaignSetParseResult {
  const document = parseAuthoredDocument(text, format);
  if (!document.ok) return document;
  const parsed = campaignSetSchema.safeParse(document.value);
  if (!parsed.success) return { ok: false, errors: parsed.error.issues.map((issue) => describeDocumentIssue(issue, document.value, 'campaigns', '(campaign file)')) };
  const errors = validateCampaignSet(parsed.data, knownFeatures);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, campaignSet: parsed.data };
}

/**
 * What a schema-valid campaign set still gets wrong: features nobody computes, placeholders that
 * name nothing, a tag or product both required and excluded, duplicate ids. Empty when loadable.
 */
export function validateCampaignSet(campaignSet: CampaignSet, knownFeatures: readonly string[] = CAMPAIGN_FEATURE_NAMES): string[] {
  const known = new Set(knownFeatures);
  const errors: string[] = [];
  const seen = new Set<string>();
  campaignSet.campaigns.forEach((campaign, index) => {
    const where = `campaigns.${index} (${campaign.id})`;
    if (seen.has(campaign.id)) errors.push(`${where}.id: duplicate campaign id "${campaign.id}"`);
    seen.add(campaign.id);
    const condition = campaign.trigger.condition;
    for (const { comparison, path } of condition ? comparisonsOf(condition, 'trigger.condition') : []) {
      const problem = unknownFeature(comparison.field, known);
      if (problem) errors.push(`${where}.${path}.field: ${problem}`);
    }
    for (const channel of MARKETING_CHANNELS) {
      const message = campaign.content[channel];
      if (!message) continue;
      for (const part of ['title', 'body'] as const) {
        for (const field of placeholderFields(message[part])) {
          const problem = fieldPathProblem(field) ?? unknownFeature(field, known);
          if (problem) errors.push(`${where}.content.${channel}.${part}: {${field}}: ${problem}`);
        }
      }
    }
    const { required_tags, excluded_tags, products_required, products_excluded } = campaign.eligibility;
    for (const tag of required_tags.filter((t) => excluded_tags.includes(t))) {
      errors.push(`${where}.eligibility: tag "${tag}" is both required and excluded`);
    }
    for (const product of products_required.filter((p) => products_excluded.includes(p))) {
      errors.push(`${where}.eligibility: product "${product}" is both required and excluded`);
    }
  });
  return errors;
}

function unknownFeature(path: string, known: ReadonlySet<string>): string | undefined {
  // Model scores (a fraud model's) are for rules: marketing does not target on them.
  if (path.startsWith('model.')) return `"${path}": model scores are for rules, not campaigns`;
  if (!path.startsWith('features.')) return undefined;
  const name = path.slice('features.'.length);
  return known.has(name) ? undefined : `unknown feature "${name}"${didYouMean(name, known)}`;
}
