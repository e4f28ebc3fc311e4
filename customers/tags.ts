import { flagFeature, numericFeature, type CustomerProfile, type FeatureVector } from './profile.js';
import type { SegmentationConfig, ServiceChannel } from './segmentationConfig.js';

/** One tag and the sentence that justifies it; tags are `family:value` so rules can match a family. */
export interface CustomerTag {
  tag: string;
  reason: string;
}

export const LIFE_STAGES = ['student', 'young_professional', 'family', 'pre_retirement', 'retired', 'unknown'] as const;
export type LifeStage = (typeof LIFE_STAGES)[number];

const money = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });
const percent = (ratio: number): string => `${Math.round(ratio * 100)}%`;

/**
 * A tag that applies, its sentence written only when asked for: segmentation runs on every event,
 * where only the tags are read, and formatting the amounts in every sentence cost more than
 * deciding the tags.
 */
interface TagCandidate {
  tag: string;
  reason: () => string;
}

/** Every tag that applies, in a stable order: life stage, needs, behaviour, preferred channel. */
export function customerTags(features: FeatureVector, profile: CustomerProfile | undefined, cfg: SegmentationConfig): CustomerTag[] {
  return tagCandidates(features, profile, cfg).map(({ tag, reason }) => ({ tag, reason: reason() }));
}

/** The tags of customerTags, without their sentences. */
export function customerTagNames(features: FeatureVector, profile: CustomerProfile | undefined, cfg: SegmentationConfig): string[] {
  return tagCandidates(features, profile, cfg).map(({ tag }) => tag);
}

function tagCandidates(features: FeatureVector, profile: CustomerProfile | undefined, cfg: SegmentationConfig): TagCandidate[] {
  const tags = [lifeStage(profile?.age, cfg.life_stage)];
  needTags(features, cfg.needs, tags);
  behaviourTags(features, cfg, tags);
  preferredChannelTag(features, cfg.preferred_channel, tags);
  return tags;
}

export function lifeStageTag(age: number | undefined, cfg: SegmentationConfig['life_stage']): CustomerTag {
  const { tag, reason } = lifeStage(age, cfg);
  return { tag, reason: reason() };
}

const UNKNOWN_LIFE_STAGE: TagCandidate = { tag: 'life_stage:unknown', reason: () => 'life stage unknown: no age in the profile' };

function lifeStage(age: number | undefined, cfg: SegmentationConfig['life_stage']): TagCandidate {
  if (age === undefined) return UNKNOWN_LIFE_STAGE;
  const stage: LifeStage =
    age <= cfg.student_max_age ? 'student'
      : age <= cfg.young_professional_max_age ? 'young_professional'
        : age <= cfg.family_max_age ? 'family'
          : age <= cfg.pre_retirement_max_age ? 'pre_retirement'
            : 'retired';
  return { tag: `life_stage:${stage}`, reason: () => `life stage ${stage.replaceAll('_', ' ')}: age ${age}` };
}

function needTags(features: FeatureVector, cfg: SegmentationConfig['needs'], tags: TagCandidate[]): void {
  const outflowRatio = numericFeature(features, 'outflow_ratio_30d');
  const inflow = numericFeature(features, 'amount_in_30d');
  if (outflowRatio !== undefined && inflow !== undefined) {
    if (outflowRatio < cfg.savings.max_outflow_ratio_30d && inflow >= cfg.savings.min_inflow_30d) {
      tags.push({ tag: 'needs:savings', reason: () => `needs savings: spends ${percent(outflowRatio)} of ${money.format(inflow)} received in 30 days` });
    }
    const salaried = flagFeature(features, 'salary_regular') === true;
    if (salaried && outflowRatio >= cfg.credit.min_outflow_ratio_30d && inflow >= cfg.credit.min_inflow_30d) {
      tags.push({ tag: 'needs:credit', reason: () => `needs credit: regular salary but spends ${percent(outflowRatio)} of what comes in` });
    }
  }
  const countries = numericFeature(features, 'distinct_countries_24h');
  if (countries !== undefined && countries >= cfg.travel.min_distinct_countries_24h) {
    tags.push({ tag: 'needs:travel', reason: () => `needs travel services: active in ${countries} countries in 24 h` });
  }
}

function behaviourTags(features: FeatureVector, cfg: SegmentationConfig, tags: TagCandidate[]): void {
  const b = cfg.behaviour;
  const txn30d = numericFeature(features, 'txn_count_30d');
  const txn90d = numericFeature(features, 'txn_count_90d');
  const trend = numericFeature(features, 'txn_trend_30d_vs_90d');
  const outflowRatio = numericFeature(features, 'outflow_ratio_30d');

  if (txn30d !== undefined && txn30d >= b.high_frequency_min_txn_30d) {
    tags.push({ tag: 'behaviour:high_frequency_spender', reason: () => `high-frequency spender: ${txn30d} transactions in 30 days` });
  }
  const steadyTrend = trend !== undefined && trend >= b.steady_trend_min && trend <= b.steady_trend_max;
  if (flagFeature(features, 'salary_regular') === true && outflowRatio !== undefined && outflowRatio <= b.steady_saver_max_outflow_ratio_30d && steadyTrend) {
    tags.push({ tag: 'behaviour:steady_saver', reason: () => `steady saver: regular salary, spends ${percent(outflowRatio)} of inflow, steady activity` });
  }
  const digital = digitalShare(features, cfg);
  if (digital && digital.sessions >= b.digital_min_sessions_30d && digital.share >= b.digital_min_share) {
    tags.push({ tag: 'behaviour:digital_first', reason: () => `digital first: ${digital.sessions} digital sessions in 30 days, ${percent(digital.share)} of contacts` });
  }
  const idleDays = numericFeature(features, 'days_since_last_txn_before_current');
  if (idleDays !== undefined && idleDays >= b.dormant_min_days_without_txn) {
    tags.push({ tag: 'behaviour:dormant', reason: () => `dormant: ${idleDays} days without a transaction before this one` });
  }
  if (trend !== undefined && trend < b.declining_max_trend && txn90d !== undefined && txn90d >= b.declining_min_txn_90d) {
    tags.push({ tag: 'behaviour:declining', reason: () => `declining: 30-day activity at ${percent(trend)} of the 90-day rate (${txn90d} transactions in 90 days)` });
  }
}

/** A login opens every digital session, so logins (or sessions, if higher) measure digital contact. */
function digitalShare(features: FeatureVector, cfg: SegmentationConfig): { sessions: number; share: number } | undefined {
  const logins = numericFeature(features, 'login_count_30d');
  const sessions = numericFeature(features, 'app_session_count_30d');
  if (logins === undefined && sessions === undefined) return undefined;
  const digital = Math.max(logins ?? 0, sessions ?? 0);
  const counts = cfg.preferred_channel.features;
  const assisted = channelCount(features, counts.branch) + channelCount(features, counts.call_centre);
  const total = digital + assisted;
  return { sessions: digital, share: total === 0 ? 0 : digital / total };
}

function preferredChannelTag(features: FeatureVector, cfg: SegmentationConfig['preferred_channel'], tags: TagCandidate[]): void {
  let best: ServiceChannel | undefined;
  let bestCount = 0;
  let total = 0;
  for (const channel in cfg.features) {
    const count = channelCount(features, cfg.features[channel as ServiceChannel]);
    total += count;
    // Ties keep the first channel listed, so the tag does not flip between equal counts.
    if (best === undefined || count > bestCount) {
      best = channel as ServiceChannel;
      bestCount = count;
    }
  }
  if (best === undefined || total < cfg.min_contacts_30d || bestCount === 0) return;
  const channel = best;
  tags.push({ tag: `channel:${channel}`, reason: () => `prefers ${channel.replaceAll('_', ' ')}: ${bestCount} of ${total} contacts in 30 days` });
}

function channelCount(features: FeatureVector, names: readonly string[] | undefined): number {
  let sum = 0;
  for (const name of names ?? []) sum += numericFeature(features, name) ?? 0;
  return sum;
}
