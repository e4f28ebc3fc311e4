import { z } from 'zod';
import { PROFILE_FIELDS, type CustomerProfile, type FeatureVector } from '../customers/profile.js';
import type { CustomerTier } from '../customers/tiers.js';
import { eventSchema, minorUnitDigits, type RiskEvent } from '../core/events/index.js';
import type { ListLookup } from '../lists/membership.js';
import { didYouMean } from './suggest.js';

/** One input's share in a model's score for this event, in log-odds (models/). */
export interface FeatureContribution {
  feature: string;
  value: number;
  contribution: number;
}

/**
 * A model's output for the event being assessed: its score, and on demand the features that
 * raised it most (worked out only for rules that fire, as the other explanations are).
 */
export interface ModelOutput {
  score: number;
  /** The version that gave the score (the model file's SHA-256), named in the explanation. */
  version: string;
  topFeatures(): readonly FeatureContribution[];
}

/** What a rule sees while it is evaluated: the event, the customer's live features and segment. */
export interface RuleContext {
  event: RiskEvent;
  features: FeatureVector;
  /** Scores of the loaded models that score this event (`model.<name>`); absent when none does. */
  models?: Readonly<Record<string, ModelOutput>> | undefined;
  tier: CustomerTier;
  tags: readonly string[];
  profile?: CustomerProfile | undefined;
  /** Allow, block and watch lists at this instant, for `in_list` / `not_in_list`; none → every list is empty. */
  lists?: ListLookup | undefined;
}

const FIELD_PATH = /^(?:features\.[a-z0-9_]+|model\.[a-z0-9_]+|event(?:\.[A-Za-z0-9_]+)+|tags|tier|profile\.[a-z_]+)$/;

/**
 * Every path into an event the schema allows, derived from `eventSchema` so a new event field is
 * addressable by rules without touching this module. Objects are included for `exists`.
 */
export const EVENT_FIELD_PATHS: ReadonlySet<string> = collectEventPaths();

function collectEventPaths(): Set<string> {
  const paths = new Set<string>(['event.amount_minor']);
  for (const option of eventSchema.options) addShape(paths, 'event', option.shape);
  return paths;
}

function addShape(paths: Set<string>, prefix: string, shape: Record<string, z.ZodType>): void {
  for (const [key, schema] of Object.entries(shape)) {
    const path = `${prefix}.${key}`;
    paths.add(path);
    const inner = unwrap(schema);
    if (inner instanceof z.ZodObject) addShape(paths, path, inner.shape as Record<string, z.ZodType>);
  }
}

function unwrap(schema: z.ZodType): z.ZodType {
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodDefault) return unwrap(schema.unwrap() as z.ZodType);
  return schema;
}

const TOP_LEVEL_EVENT_FIELDS = [...EVENT_FIELD_PATHS].filter((p) => p.split('.').length === 2).join(', ');

/** Why a field path cannot be evaluated, or undefined when it can. Feature names are checked against the catalogue separately. */
export function fieldPathProblem(path: string): string | undefined {
  if (!FIELD_PATH.test(path)) {
    return `"${path}" is not a field: use features.<name>, model.<name>, event.<path>, tags, tier or profile.<name>`;
  }
  if (path.startsWith('event.') && !EVENT_FIELD_PATHS.has(path) && !path.startsWith('event.attributes.')) {
    const hint = didYouMean(path, EVENT_FIELD_PATHS) || `; events have ${TOP_LEVEL_EVENT_FIELDS}`;
    return `"${path}" is not an event field${hint}`;
  }
  if (path.startsWith('profile.') && !(PROFILE_FIELDS as readonly string[]).includes(path.slice('profile.'.length))) {
    return `"${path}" is not a profile field; the profile has ${PROFILE_FIELDS.join(', ')}`;
  }
  return undefined;
}

/** The feature name of a `features.*` path, or undefined for other roots. */
export function featureName(path: string): string | undefined {
  return path.startsWith('features.') ? path.slice('features.'.length) : undefined;
}

/** The model name of a `model.*` path, or undefined for other roots. */
export function modelName(path: string): string | undefined {
  return path.startsWith('model.') ? path.slice('model.'.length) : undefined;
}

/**
 * The value at a field path, undefined when absent (a model that does not score this type of
 * event leaves `model.<name>` absent, so no comparison on it holds). `event.amount` is a number in major units,
 * computed from the integer minor units so it is exact to the cent.
 */
export function resolveField(path: string, ctx: RuleContext): unknown {
  return fieldReader(path)(ctx);
}

/**
 * resolveField with the path taken apart once: rules are evaluated on every event, and splitting
 * and matching each path there cost more than the comparisons themselves.
 */
export function fieldReader(path: string): (ctx: RuleContext) => unknown {
  if (path === 'tags') return (ctx) => ctx.tags;
  if (path === 'tier') return (ctx) => ctx.tier;
  const feature = featureName(path);
  if (feature !== undefined) return (ctx) => (Object.hasOwn(ctx.features, feature) ? ctx.features[feature] : undefined);
  const model = modelName(path);
  if (model !== undefined) return (ctx) => (ctx.models && Object.hasOwn(ctx.models, model) ? ctx.models[model]!.score : undefined);
  if (path.startsWith('profile.')) {
    const name = path.slice('profile.'.length) as keyof CustomerProfile;
    return (ctx) => ctx.profile?.[name];
  }
  if (path === 'event.amount') return (ctx) => eventAmount(ctx.event);
  const keys = path.split('.').slice(1);
  return (ctx) => walk(ctx.event, keys);
}

/** `event.amount` as the integer it is held in, for comparisons that must not round (rules/operators). */
export function exactEventAmount(event: RiskEvent): { minor: number; digits: number } | undefined {
  if (!('amount_minor' in event)) return undefined;
  return { minor: event.amount_minor, digits: minorUnitDigits(event.currency) };
}

export function eventAmount(event: RiskEvent): number | undefined {
  const exact = exactEventAmount(event);
  return exact && exact.minor / 10 ** exact.digits;
}

function walk(value: unknown, keys: readonly string[]): unknown {
  let current = value;
  for (const key of keys) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
