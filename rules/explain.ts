import { formatMoney, groupDecimal, minorUnitDigits } from '../core/events/index.js';
import type { ListHit } from '../lists/membership.js';
import type { Comparison, ComparisonOp, ComparisonValue } from './condition.js';
import { featureName, modelName, type FeatureContribution, type RuleContext } from './fields.js';
import { featureText, formatInUnit, formatPlain } from './featureText.js';

/** Why one comparison counted towards a rule firing: the words an officer reads, and the data behind them. */
export interface ComparisonReason {
  field: string;
  op: ComparisonOp;
  actual: unknown;
  threshold: ComparisonValue | undefined;
  /** True when the comparison did not hold and counts because a `not` around it fired. */
  negated: boolean;
  text: string;
  /** List comparisons: the entry the value was found as (its list, purpose, reason, expiry). */
  listed?: ListHit;
  /** Model comparisons: the version (file SHA-256) of the model that gave the score. */
  modelVersion?: string;
  /** Model comparisons that held: the features that raised the model's score most, each in words. */
  contributions?: readonly ContributionReason[];
}

export interface ContributionReason extends FeatureContribution {
  /** "new payee (+1.10 log-odds)": the feature as the officer reads it and its push on the score. */
  text: string;
}

const SYMBOLS: Partial<Record<ComparisonOp, string>> = { gt: '>', gte: '≥', lt: '<', lte: '≤' };

const EVENT_LABELS: Readonly<Record<string, string>> = {
  'event.type': 'event type',
  'event.merchant.mcc': 'merchant category',
  'event.merchant.country': "merchant's country",
  'event.geo.country': 'country',
  'event.counterparty.bank': "payee's bank",
  'event.counterparty.country': "payee's country",
  'event.complaint.status': 'complaint status',
  'event.complaint.category': 'complaint category',
  'event.product.type': 'product',
  'event.device.id': 'device',
  'event.device.ip': 'IP',
  'event.customer_id': 'customer',
  'event.counterparty.account': 'payee account',
  'event.merchant.id': 'merchant',
};

/** A field's name in words: "payee's bank", "tier", "risk tolerance". */
export function fieldLabel(field: string): string {
  const feature = featureName(field);
  if (feature !== undefined) return feature;
  const model = modelName(field);
  if (model !== undefined) return `model ${model} score`;
  if (field === 'tier') return 'customer tier';
  return EVENT_LABELS[field] ?? field.replace(/^(event|profile)\./, '').replaceAll('.', ' ').replaceAll('_', ' ');
}

// Fields whose value is the event's own amount. Shown to a person they are written from the integer
// minor units, never from the float the comparison used: 90071992547409.91 has no double.
const EVENT_AMOUNT_FIELDS: ReadonlySet<string> = new Set(['event.amount', 'features.amount_current']);

function exactEventAmount(field: string, ctx: RuleContext): string | undefined {
  if (!EVENT_AMOUNT_FIELDS.has(field) || !('amount_minor' in ctx.event)) return undefined;
  const money = formatMoney(ctx.event.amount_minor, ctx.event.currency);
  // Features carry no currency in their texts ("amount 45.00"); the event field does.
  return field === 'event.amount' ? money : money.slice(0, -(ctx.event.currency.length + 1));
}

/** The value a field has in this context, in its unit, exact for money: "2,500.00 EUR", "82%". */
export function formatActual(field: string, actual: unknown, ctx: RuleContext): string {
  return exactEventAmount(field, ctx) ?? formatFieldValue(field, actual, ctx);
}

/** A value of a field in its unit: "82%" for a ratio feature, "2,500.00 EUR" for a rule's amount threshold. */
export function formatFieldValue(field: string, value: unknown, ctx: RuleContext): string {
  const feature = featureName(field);
  if (feature !== undefined) return formatInUnit(value, featureText(feature).unit);
  if (modelName(field) !== undefined && typeof value === 'number') return value.toFixed(2);
  if (field === 'event.amount' && typeof value === 'number' && 'currency' in ctx.event) {
    // A threshold as the rule wrote it (its shortest decimal text), padded to the currency's decimals.
    return `${groupDecimal(String(value), minorUnitDigits(ctx.event.currency))} ${ctx.event.currency}`;
  }
  return formatPlain(value);
}

/** The threshold of a comparison as a reader would write it: "5", "80%", "10 and 20", "GB, IE". */
export function formatThreshold(comparison: Comparison, ctx: RuleContext): string {
  const { field, value } = comparison;
  if (Array.isArray(value)) {
    const parts = value.map((v) => formatFieldValue(field, v, ctx));
    return comparison.op === 'between' ? parts.join(' and ') : parts.join(', ');
  }
  return formatFieldValue(field, value, ctx);
}

/** The explanation of one comparison that either held (fired) or failed under a `not`. */
export function explainComparison(comparison: Comparison, actual: unknown, held: boolean, ctx: RuleContext, hit?: ListHit): ComparisonReason {
  const text = comparison.op === 'in_list' || comparison.op === 'not_in_list'
    ? membershipText(comparison, actual, hit)
    : held ? heldText(comparison, actual, ctx) : failedText(comparison, actual, ctx);
  // The amount travels on (alerts, webhooks) as the event's decimal text, not as the float compared.
  const shownActual = comparison.field === 'event.amount' && 'amount' in ctx.event ? ctx.event.amount : actual;
  const contributions = held ? modelContributions(comparison.field, ctx) : undefined;
  const version = modelVersion(comparison.field, ctx);
  return {
    field: comparison.field, op: comparison.op, actual: shownActual, threshold: comparison.value, negated: !held,
    // The version that scored it, named with the score: a promoted or rolled-back model changes the
    // score of the same features, and the officer (and the archive) must know which version spoke.
    text: version ? `${text} by model version ${version}` : text,
    ...(version ? { modelVersion: version } : {}),
    ...(hit ? { listed: hit } : {}), ...(contributions ? { contributions } : {}),
  };
}

/** The version of the model whose score a `model.<name>` comparison read, when it scored the event. */
function modelVersion(field: string, ctx: RuleContext): string | undefined {
  const model = modelName(field);
  return model === undefined ? undefined : ctx.models?.[model]?.version;
}

/** The features that raised a model's score most on this event, in words, for a model comparison that held. */
function modelContributions(field: string, ctx: RuleContext): ContributionReason[] | undefined {
  const model = modelName(field);
  const output = model === undefined ? undefined : ctx.models?.[model];
  if (!output) return undefined;
  return output.topFeatures().map((c) => ({
    ...c,
    text: `${describe(`features.${c.feature}`, c.value, ctx)} (${c.contribution >= 0 ? '+' : ''}${c.contribution.toFixed(2)} log-odds)`,
  }));
}

/**
 * Whether it held or failed under a `not`, a list comparison says what was found: "device dev-9
 * is on block list blocked-devices: reported stolen (until 2027-01-31)", or that it is not on it.
 */
function membershipText(c: Comparison, actual: unknown, hit: ListHit | undefined): string {
  const label = fieldLabel(c.field);
  if (actual === undefined || actual === null) return `no ${label}`;
  if (!hit) return `${label} ${formatPlain(actual)} is not on list ${String(c.value)}`;
  return `${label} ${hit.value} is on ${hit.purpose} list ${hit.list}: ${hit.reason} (until ${hit.expiresAt.slice(0, 10)})`;
}

function heldText(c: Comparison, actual: unknown, ctx: RuleContext): string {
  const label = fieldLabel(c.field);
  const shown = formatActual(c.field, actual, ctx);
  const threshold = formatThreshold(c, ctx);
  switch (c.op) {
    case 'gt': case 'gte': case 'lt': case 'lte':
      return `${describe(c.field, actual, ctx)} (threshold ${SYMBOLS[c.op]} ${threshold})`;
    case 'between': return `${describe(c.field, actual, ctx)} (threshold between ${threshold})`;
    case 'eq': return isFlagComparison(c) ? describe(c.field, actual, ctx) : `${label} is ${shown}`;
    case 'neq': return `${label} is ${shown}, not ${threshold}`;
    case 'in': return Array.isArray(actual) ? `${label} include ${listedIn(actual, c.value)}` : `${label} ${shown} is one of ${threshold}`;
    case 'not_in': return `${label} ${shown} is none of ${threshold}`;
    case 'contains': return Array.isArray(actual) ? `${label} include ${threshold}` : `${label} "${shown}" contains "${threshold}"`;
    case 'exists': return featureName(c.field) ? describe(c.field, actual, ctx) : `${label} present: ${shown}`;
    case 'in_list': case 'not_in_list': return `${label} ${shown} (list ${threshold})`;
  }
}

function failedText(c: Comparison, actual: unknown, ctx: RuleContext): string {
  const label = fieldLabel(c.field);
  if (actual === undefined || actual === null) return featureName(c.field) ? `no value for feature ${label}` : `no ${label}`;
  const shown = formatActual(c.field, actual, ctx);
  const threshold = formatThreshold(c, ctx);
  switch (c.op) {
    case 'gt': case 'gte': case 'lt': case 'lte':
      return `${describe(c.field, actual, ctx)} (not ${SYMBOLS[c.op]} ${threshold})`;
    case 'between': return `${describe(c.field, actual, ctx)} (not between ${threshold})`;
    case 'eq': return isFlagComparison(c) ? describe(c.field, actual, ctx) : `${label} is ${shown}, not ${threshold}`;
    case 'neq': return `${label} is ${shown}`;
    case 'in': return `${label} ${shown} is none of ${threshold}`;
    case 'not_in': return Array.isArray(actual) ? `${label} include ${listedIn(actual, c.value)}` : `${label} ${shown} is one of ${threshold}`;
    case 'contains': return Array.isArray(actual) ? `${label} do not include ${threshold}` : `${label} "${shown}" does not contain "${threshold}"`;
    case 'exists': return `no ${label}`;
    case 'in_list': case 'not_in_list': return `${label} ${shown} (list ${threshold})`;
  }
}

/** The items of a list value (tags) that appear in the rule's list: the ones that decided it. */
function listedIn(actual: readonly unknown[], listed: ComparisonValue | undefined): string {
  const wanted = Array.isArray(listed) ? listed : [];
  return formatPlain(actual.filter((item) => (wanted as readonly unknown[]).includes(item)));
}

function isFlagComparison(c: Comparison): boolean {
  const feature = featureName(c.field);
  return typeof c.value === 'boolean' && feature !== undefined && featureText(feature).unit === 'flag';
}

/** A value in a sentence: "12 card payments at new merchants in 10 min", "new device", "amount 2,500.00 EUR". */
function describe(field: string, actual: unknown, ctx: RuleContext): string {
  const feature = featureName(field);
  if (feature === undefined) return `${fieldLabel(field)} ${formatActual(field, actual, ctx)}`;
  const text = featureText(feature);
  if (text.unit === 'flag') return truthy(actual) ? text.text : (text.whenFalse ?? `not ${text.text}`);
  if (typeof actual === 'number' && actual < 0 && text.whenNegative) return text.whenNegative;
  return text.text.replace('{v}', formatActual(field, actual, ctx));
}

function truthy(value: unknown): boolean {
  return value === true || value === 1;
}
