import { alertDedupKey } from '../alerts/identity.js';
import type { NewAlert } from '../alerts/index.js';
import { isReview, type CustomerReview, type RiskEvent, type VigilEvent } from '../core/events/index.js';
import { customerSegment, type CustomerProfile, type SegmentationConfig } from '../customers/index.js';
import { applyEvent, featuresAt, type ApplyOptions, type CustomerFeatureState, type FeatureConfig, type FeatureVector } from '../features/index.js';
import type { ListLookup } from '../lists/membership.js';
import { activeSnooze, type CustomerSnoozes, type Snooze } from '../lists/snooze.js';
import { scoreEvent, shadowOutcomes, type ScoringModel, type ShadowOutcome } from '../models/index.js';
import { evaluateRules, modelName, scoreCustomer, shouldRaise, type CustomerScores, type RuleMatch, type RuleSet } from '../rules/index.js';

/** Everything Vigil keeps about one customer's risk, stored as one value per customer. */
export interface CustomerRiskState {
  features: CustomerFeatureState;
  scores: { fraud: number; churn: number; credit: number; atMs: number };
  /** Rule id → when it last raised an alert for this customer (suppression windows). */
  lastRaised: Record<string, number>;
  /** The challenger rule set's own scores and suppression for this customer; never read by the champion. */
  challenger?: ChallengerState;
}

/**
 * What the challenger would have kept for the customer, as the champion keeps its own: scores and
 * when each of its rules last "raised". Kept per version: a new challenger starts afresh.
 */
export interface ChallengerState {
  version: string;
  scores: { fraud: number; churn: number; credit: number; atMs: number };
  lastRaised: Record<string, number>;
}

/** The challenger on one event: its matches and the alerts it would have raised (none is). */
export interface ChallengerOutcome {
  version: string;
  matches: RuleMatch[];
  alerts: NewAlert[];
}

export interface RiskContext {
  ruleSet: RuleSet;
  featureConfig: FeatureConfig;
  segmentation: SegmentationConfig;
  /** Hours to answer a complaint, by category; `default` for the rest. */
  complaintSlaHours: Record<string, number>;
  profile?: CustomerProfile;
  /** Allow, block and watch lists as they stand for this batch. */
  lists?: ListLookup;
  /** The customer's snoozed rules. */
  snoozes?: CustomerSnoozes;
  /** The processing instant snoozes are judged at; the event's time when absent. */
  nowMs?: number;
  /** The live model versions (models/registry.ts) as they stand for this batch; each scores the events it was trained on, as `model.<name>`. */
  models?: readonly ScoringModel[];
  /** The shadow versions of live models (the registry's candidates): scored and counted, never seen by rules. */
  shadowModels?: readonly ScoringModel[];
  /** The challenger rule set (risk/challengerRegistry.ts): evaluated on events beside the champion, raises nothing. */
  challenger?: RuleSet;
}

export interface RiskAssessment {
  state: CustomerRiskState;
  features: FeatureVector;
  tier: string;
  tags: string[];
  /** Each model's score for this event, by name; empty when no model scores it. */
  modelScores: Record<string, number>;
  /** The version (model file SHA-256) of each model that scored this event, by name: which version spoke. */
  modelVersions: Record<string, string>;
  /** What each shadow model scored and which rules on its name would have fired with that score. */
  shadowModels: ShadowOutcome[];
  matches: RuleMatch[];
  /** Matches of rules snoozed for this customer: evaluated and counted, but neither raised nor scored. */
  snoozed: { match: RuleMatch; snooze: Snooze }[];
  alerts: NewAlert[];
  /** Set when a challenger ran on this event; its alerts are records, never raised. */
  challenger?: ChallengerOutcome;
  late: 'on_time' | 'late' | 'too_late';
}

/**
 * One event through the risk pipeline, as a pure function: update the features, segment the
 * customer, evaluate the rules, update the scores, and decide which alerts to raise (one per
 * alert type, carrying every rule that fired for it, unless suppressed or snoozed). The alert's
 * dedup key is the customer, the event and the type, so however often the event is redelivered it
 * raises one alert, and an event id reused for another customer still raises that customer's.
 * `options.consume`: the caller keeps only the new state (applyEvent).
 */
export function assessEvent(state: CustomerRiskState, event: VigilEvent, ctx: RiskContext, options?: ApplyOptions): RiskAssessment {
  const updated = applyEvent(state.features, event, ctx.featureConfig, options);
  return judge(state, { state: updated.state, vector: updated.features, late: updated.late }, event, ctx);
}

/**
 * assessEvent for several rule sets at once (a backtest's published set and its candidate): the
 * features do not depend on the rules, so they are computed once and each set judges them. Each
 * set has its own state (scores, suppression), all holding the same feature state, and its own
 * context, alike but for the rule set. One assessment per set, in the order given.
 */
export function assessEventForSets(
  states: readonly CustomerRiskState[], event: VigilEvent, contexts: readonly RiskContext[], options?: ApplyOptions,
): RiskAssessment[] {
  const updated = applyEvent(states[0]!.features, event, contexts[0]!.featureConfig, options);
  const features = { state: updated.state, vector: updated.features, late: updated.late };
  return states.map((state, i) => judge(state, features, event, contexts[i]!));
}

/** assessReview for several rule sets at once, as assessEventForSets: the features once, each set's judgement. */
export function assessReviewForSets(states: readonly CustomerRiskState[], review: CustomerReview, contexts: readonly RiskContext[]): RiskAssessment[] {
  const vector = featuresAt(states[0]!.features, Date.parse(review.occurred_at));
  const features = { state: states[0]!.features, vector, late: 'on_time' as const };
  return states.map((state, i) => judge(state, features, review, contexts[i]!));
}

/**
 * A scheduled look at the customer at the review's moment, as a pure function: the features as
 * they stand then (windows aged, nothing counted), the rules that name `customer_review`, scores
 * and alerts as for an event. What a quiet customer's silence says is only seen this way.
 */
export function assessReview(state: CustomerRiskState, review: CustomerReview, ctx: RiskContext): RiskAssessment {
  const vector = featuresAt(state.features, Date.parse(review.occurred_at));
  return judge(state, { state: state.features, vector, late: 'on_time' }, review, ctx);
}

/** Segment, rules, scores and alerts from the features as they stand after the event (or at the review). */
function judge(
  state: CustomerRiskState,
  features: { state: CustomerFeatureState; vector: FeatureVector; late: RiskAssessment['late'] },
  event: RiskEvent,
  ctx: RiskContext,
): RiskAssessment {
  const segment = customerSegment(features.vector, ctx.profile, ctx.segmentation);
  // Scored from the features as the rules see them, before any rule: a model is one more feature.
  const models = ctx.models && ctx.models.length > 0 ? scoreEvent(ctx.models, event, features.vector) : undefined;
  const ruleContext = { event, features: features.vector, models, tier: segment.tier, tags: segment.tags, profile: ctx.profile, lists: ctx.lists };
  const matches = evaluateRules(ctx.ruleSet, ruleContext);
  const shadowModels = ctx.shadowModels && ctx.shadowModels.length > 0 ? shadowOutcomes(ctx.shadowModels, ctx.ruleSet, ruleContext) : [];
  const atMs = Date.parse(event.occurred_at);
  const snoozed = snoozedMatches(matches, ctx.snoozes, ctx.nowMs ?? atMs);
  // A snoozed rule is treated like a shadow rule for this customer: the officer judged the pattern
  // explained, so it neither alerts nor pushes the score that other alerts and offers read.
  const inForce = matches.filter((m) => m.mode === 'active' && !snoozed.some((s) => s.match === m));
  const scored = scoreCustomer(inForce, state.scores.atMs ? state.scores : undefined, atMs);
  const scores = { ...scored, atMs: Math.max(atMs, state.scores.atMs) };

  const raising = inForce.filter((m) => shouldRaise(m, state.lastRaised[m.ruleId], atMs));
  // Copied only when a rule raises: on nearly every event nothing does, and the record is shared.
  const lastRaised = raising.length === 0 ? state.lastRaised : { ...state.lastRaised };
  for (const match of raising) lastRaised[match.ruleId] = atMs;

  // The challenger sees the same event, features, model scores, segment, lists and snoozes, and
  // keeps its own scores and suppression. Reviews are the champion's alone: they are no stream
  // entry, so their records would have no flush to ride (rules/README.md, "Challenger").
  const challenger = ctx.challenger && !isReview(event) ? judgeChallenger(state.challenger, ctx.challenger, ruleContext, event, atMs, ctx) : undefined;
  const keptChallenger = challenger ? challenger.state : isReview(event) ? state.challenger : undefined;
  const nextState: CustomerRiskState = { features: features.state, scores, lastRaised };
  if (keptChallenger) nextState.challenger = keptChallenger;

  return {
    state: nextState,
    features: features.vector,
    tier: segment.tier,
    tags: segment.tags,
    modelScores: models ? Object.fromEntries(Object.entries(models).map(([name, output]) => [name, output.score])) : {},
    modelVersions: models ? Object.fromEntries(Object.entries(models).map(([name, output]) => [name, output.version])) : {},
    shadowModels,
    matches,
    snoozed,
    alerts: alertsFor(raising, snoozed, event, scores, ctx),
    ...(challenger ? { challenger: challenger.outcome } : {}),
    late: features.late,
  };
}

/** The champion's judgement again with the challenger's rules and its own scores and suppression. */
function judgeChallenger(
  previous: ChallengerState | undefined, ruleSet: RuleSet, ruleContext: Parameters<typeof evaluateRules>[1], event: RiskEvent, atMs: number, ctx: RiskContext,
): { outcome: ChallengerOutcome; state: ChallengerState } {
  const own = previous?.version === ruleSet.version ? previous : undefined;
  const matches = evaluateRules(ruleSet, ruleContext);
  const snoozed = snoozedMatches(matches, ctx.snoozes, ctx.nowMs ?? atMs);
  const inForce = matches.filter((m) => m.mode === 'active' && !snoozed.some((s) => s.match === m));
  const scored = scoreCustomer(inForce, own?.scores.atMs ? own.scores : undefined, atMs);
  const scores = { ...scored, atMs: Math.max(atMs, own?.scores.atMs ?? 0) };
  const raising = inForce.filter((m) => shouldRaise(m, own?.lastRaised[m.ruleId], atMs));
  const lastRaised = { ...own?.lastRaised };
  for (const match of raising) lastRaised[match.ruleId] = atMs;
  return {
    outcome: { version: ruleSet.version, matches, alerts: alertsFor(raising, snoozed, event, scores, { ...ctx, ruleSet }) },
    state: { version: ruleSet.version, scores, lastRaised },
  };
}

const SEVERITY_ORDER = ['low', 'medium', 'high', 'critical'] as const;
/** alerts/schema.ts bounds a reason's text; a long list reason plus a snooze note must still fit. */
const MAX_REASON_TEXT = 1000;

function snoozedMatches(matches: readonly RuleMatch[], snoozes: CustomerSnoozes | undefined, nowMs: number): { match: RuleMatch; snooze: Snooze }[] {
  if (!snoozes || snoozes.size === 0) return [];
  return matches.flatMap((match) => {
    const snooze = match.mode === 'active' ? activeSnooze(snoozes, match.ruleId, nowMs) : undefined;
    return snooze ? [{ match, snooze }] : [];
  });
}

function alertsFor(
  matches: RuleMatch[], snoozed: readonly { match: RuleMatch; snooze: Snooze }[], event: RiskEvent,
  scores: CustomerScores, ctx: RiskContext,
): NewAlert[] {
  if (matches.length === 0) return [];
  const byType = new Map<RuleMatch['alertType'], RuleMatch[]>();
  for (const match of matches) byType.set(match.alertType, [...(byType.get(match.alertType) ?? []), match]);
  return [...byType].map(([type, fired]) => ({
    customerId: event.customer_id,
    type,
    severity: fired.map((m) => m.severity).sort((a, b) => SEVERITY_ORDER.indexOf(b) - SEVERITY_ORDER.indexOf(a))[0]!,
    score: type === 'complaint_sla' ? Math.max(...fired.map((m) => m.weight)) : scores[type],
    ruleIds: fired.map((m) => m.ruleId),
    reasons: [
      ...fired.flatMap((m) => m.reasons.flatMap((r) => [
        { ruleId: m.ruleId, text: r.text.slice(0, MAX_REASON_TEXT), field: r.field, actual: r.actual, threshold: r.threshold },
        // A model comparison is followed by the features that raised the model's score most.
        ...(r.contributions ?? []).map((c) => ({
          ruleId: m.ruleId, text: `${r.field}: ${c.text}`.slice(0, MAX_REASON_TEXT), field: `features.${c.feature}`, actual: c.value,
        })),
      ])),
      // Rules of the same type that also matched but are snoozed for this customer: the officer sees them, marked so.
      ...snoozed.filter(({ match }) => match.alertType === type).flatMap(({ match, snooze }) => match.reasons.map((r) => ({
        ruleId: match.ruleId,
        text: `[snoozed until ${snooze.until} by ${snooze.snoozedBy}: ${snooze.reason}] ${r.text}`.slice(0, MAX_REASON_TEXT),
        field: r.field, actual: r.actual, threshold: r.threshold,
      }))),
    ].slice(0, 100),
    triggeringEvents: [{ eventId: event.event_id, type: event.type, occurredAt: event.occurred_at }],
    ruleSetVersion: ctx.ruleSet.version,
    ...modelVersionsOf(fired, ctx.models),
    dedupKey: alertDedupKey(type, event.customer_id, event.event_id),
    ...(type === 'complaint_sla' ? { dueAt: complaintDueAt(event, ctx.complaintSlaHours) } : {}),
  }));
}

/**
 * The models each fired rule read through a comparison that held, as `<name>@<version id>` (the
 * SHA-256 of the file, as the model registry names versions): what an
 * officer's verdict on the alert says something about. Nothing when no rule read a model.
 */
function modelVersionsOf(fired: readonly RuleMatch[], models: readonly ScoringModel[] | undefined): { modelVersions?: Record<string, string[]> } {
  if (!models || models.length === 0) return {};
  let versions: Record<string, string[]> | undefined;
  for (const match of fired) {
    const read = new Set<string>();
    for (const reason of match.reasons) {
      const name = modelName(reason.field);
      const model = name === undefined ? undefined : models.find((m) => m.name === name);
      if (model) read.add(`${model.name}@${model.versionId}`);
    }
    if (read.size > 0) (versions ??= {})[match.ruleId] = [...read].sort();
  }
  return versions ? { modelVersions: versions } : {};
}

function complaintDueAt(event: RiskEvent, slaHours: Record<string, number>): string {
  const category = event.type === 'complaint' ? event.complaint.category : 'default';
  const hours = slaHours[category] ?? slaHours.default ?? 48;
  return new Date(Date.parse(event.occurred_at) + hours * 3_600_000).toISOString();
}
