import type { RiskEvent } from '../../core/events/index.js';
import type { CustomerProfile, CustomerTier, FeatureVector } from '../../customers/index.js';
import { FEATURE_NAMES } from '../../features/index.js';
import type { ListLookup } from '../../lists/membership.js';
import type { RuleContext } from '../../rules/index.js';
import { localDate } from './localTime.js';

/** Everything an offer decision knows about the customer at one event. */
export interface OfferCustomer {
  customerId: string;
  profile?: CustomerProfile | undefined;
  tier: CustomerTier;
  tags: readonly string[];
  features: FeatureVector;
  /** The risk pipeline's current scores, each in [0, 1]; absent before the first scored event. */
  scores?: { churn: number; fraud: number } | undefined;
  /** An open fraud alert: the account may be in a fraudster's hands, so no marketing reaches it. */
  openFraudAlert: boolean;
}

/**
 * Values campaigns need that the features engine does not compute. They are added to the
 * trigger's feature vector because the rules evaluator reads `features.*` and nothing else
 * beyond event, tags, tier and profile; one evaluator, one field syntax.
 */
export const OFFER_FEATURES = ['score_churn', 'score_fraud', 'birthday_today', 'product_anniversary_today', 'product_anniversary_years'] as const;

/** What a campaign trigger may name under `features.`: the catalogue plus the offer features. */
export const CAMPAIGN_FEATURE_NAMES: readonly string[] = Object.freeze([...FEATURE_NAMES, ...OFFER_FEATURES]);

/** The rules context a campaign trigger is evaluated in; `lists` for triggers that use `in_list`. */
export function triggerContext(event: RiskEvent, customer: OfferCustomer, nowMs: number, defaultTimeZone: string, lists?: ListLookup): RuleContext {
  const features: Record<string, number | boolean> = { ...customer.features };
  if (customer.scores) {
    features.score_churn = customer.scores.churn;
    features.score_fraud = customer.scores.fraud;
  }
  const birthday = customer.profile?.birthday;
  if (birthday !== undefined) {
    features.birthday_today = isBirthday(birthday, localDate(nowMs, customer.profile?.time_zone ?? defaultTimeZone));
  }
  const opened = customer.profile?.products_opened;
  if (opened !== undefined && opened.length > 0) {
    const years = anniversaryYears(opened.map((p) => p.opened_on), localDate(nowMs, customer.profile?.time_zone ?? defaultTimeZone));
    features.product_anniversary_today = years > 0;
    features.product_anniversary_years = years;
  }
  return { event, features, tier: customer.tier, tags: customer.tags, profile: customer.profile, lists };
}

/**
 * The most whole years any product reaches today (local 'YYYY-MM-DD'), or 0 when today is no
 * product's anniversary. Leap-day openings are kept on 28 February, as birthdays are.
 */
export function anniversaryYears(openedOn: readonly string[], today: string): number {
  let most = 0;
  for (const day of openedOn) {
    const years = Number(today.slice(0, 4)) - Number(day.slice(0, 4));
    if (years > most && isBirthday(day, today)) most = years;
  }
  return most;
}

/**
 * Whether `today` (local 'YYYY-MM-DD') is the birthday. A 29 February birthday is celebrated on
 * 28 February in other years, so a leap-day customer is not skipped three years in four.
 */
export function isBirthday(birthday: string, today: string): boolean {
  const monthDay = birthday.slice(5);
  const todayMonthDay = today.slice(5);
  if (monthDay === todayMonthDay) return true;
  const year = Number(today.slice(0, 4));
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return monthDay === '02-29' && !leap && todayMonthDay === '02-28';
}
