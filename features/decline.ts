import { bucketIndex, DAY_FIELD, DAY_TIER, type Buckets } from './buckets.js';

// How strongly a customer's recent days say their banking with us has fallen away from their own
// usual: a likelihood-ratio scan, the standard detector for a drop in a rate (CUSUM without the
// restart). Each whole day of the last 30 is scored by how much likelier it is if the customer now
// does a fifth of what they usually do than if they carry on as usual; the evidence is the best
// sum over a run of days ending yesterday. A busy customer who falls quiet builds evidence within
// days; an occasional user cannot, whatever they do, because their silence is ordinary. Ratios of
// counts (`own_txn_trend_*`) cannot tell those two apart.
//
// Two streams, independent given the customer's habits:
// - the payments they make themselves (pay, standing orders and direct debits run on without
//   them), counted per day (Poisson);
// - whether they used the app or online banking that day at all (logins, sessions), as days with
//   any use (Bernoulli): sessions come in bursts, so counting them would read a quiet week after a
//   busy one as a decline.
// The usual is the 60 days before the last 30, so a decline already under way does not lower its
// own baseline; today is left out, being unfinished.

/** The drop the evidence is weighed for: a customer now doing a fifth of their usual. */
const DECLINED_SHARE = 0.2;
/** The days scanned, ending yesterday. */
const RECENT_DAYS = 30;
/** The usual is taken from up to 60 days before the recent ones. */
const BASELINE_DAYS = 60;
/** Less history than this before the recent days and there is no usual to fall from. */
const MIN_BASELINE_DAYS = 42;
/**
 * Nobody's daily app use is a certainty: a customer seen in the app every day of the baseline is
 * taken to use it on nine days in ten, so one day away weighs ln(0.82 / 0.1) ≈ 2.1, not the ~5 an
 * unbroken record would give it, and a week away on holiday is outweighed by a week back as usual.
 */
const MAX_USUAL_DIGITAL_SHARE = 0.9;

export interface DeclineEvidence {
  /** Natural-log likelihood ratio from the customer's own payments alone. */
  ownPayments: number;
  /** The same from days with app or online-banking use alone. */
  digitalUse: number;
  /** From both together, day by day: the figure rules use. */
  activity: number;
}

export const NO_DECLINE_EVIDENCE: Readonly<DeclineEvidence> = Object.freeze({ ownPayments: 0, digitalUse: 0, activity: 0 });

/** `firstSeenMs`: the customer's first event; the baseline never reaches before it. Pure. */
export function declineEvidence(days: Readonly<Buckets>, t: number, firstSeenMs: number): DeclineEvidence {
  const today = bucketIndex(DAY_TIER, t);
  const recentFrom = today - RECENT_DAYS;
  const baselineFrom = Math.max(recentFrom - BASELINE_DAYS, bucketIndex(DAY_TIER, firstSeenMs));
  const baselineDays = recentFrom - baselineFrom;
  if (baselineDays < MIN_BASELINE_DAYS) return NO_DECLINE_EVIDENCE;

  let baselinePayments = 0;
  let baselineDigitalDays = 0;
  const recentPayments = new Array<number>(RECENT_DAYS).fill(0);
  const recentDigital = new Array<boolean>(RECENT_DAYS).fill(false);
  const stride = DAY_TIER.fields + 1;
  for (let day = days.length - stride; day >= 0; day -= stride) {
    const index = days[day]!;
    if (index < baselineFrom) break;
    if (index >= today) continue;
    const payments = ownPayments(days, day);
    const digital = usedDigital(days, day);
    if (index >= recentFrom) {
      recentPayments[index - recentFrom] = payments;
      recentDigital[index - recentFrom] = digital;
    } else {
      baselinePayments += payments;
      if (digital) baselineDigitalDays += 1;
    }
  }

  // Half an event (half a day) added to the usual: a customer seen doing nothing in the baseline
  // still has a small usual, never zero, so nothing divides by it.
  const usualPayments = (baselinePayments + 0.5) / baselineDays;
  const usualDigital = Math.min(MAX_USUAL_DIGITAL_SHARE, (baselineDigitalDays + 0.5) / (baselineDays + 1));
  const paymentDay = poissonDayScore(usualPayments);
  const digitalDay = bernoulliDayScore(usualDigital);

  // The best sums are kept in locals, not an object: this runs on every event and every review.
  let own = 0;
  let digital = 0;
  let both = 0;
  let bestOwn = 0;
  let bestDigital = 0;
  let bestBoth = 0;
  for (let d = RECENT_DAYS - 1; d >= 0; d--) {
    const payments = recentPayments[d]! * paymentDay.perPayment + paymentDay.perDay;
    const use = recentDigital[d]! ? digitalDay.used : digitalDay.unused;
    own += payments;
    digital += use;
    both += payments + use;
    if (own > bestOwn) bestOwn = own;
    if (digital > bestDigital) bestDigital = digital;
    if (both > bestBoth) bestBoth = both;
  }
  return { ownPayments: bestOwn, digitalUse: bestDigital, activity: bestBoth };
}

/** Log-likelihood ratio of a day with n payments, n × perPayment + perDay: Poisson at a fifth of the usual rate against the usual. */
function poissonDayScore(usual: number): { perPayment: number; perDay: number } {
  return { perPayment: Math.log(DECLINED_SHARE), perDay: usual * (1 - DECLINED_SHARE) };
}

/** Log-likelihood ratio of a day with or without app use: use a fifth as likely against as usual. */
function bernoulliDayScore(usual: number): { used: number; unused: number } {
  const declined = usual * DECLINED_SHARE;
  return { used: Math.log(declined / usual), unused: Math.log((1 - declined) / (1 - usual)) };
}

/** `day`: where the day's bucket starts in `days`. */
function ownPayments(days: Readonly<Buckets>, day: number): number {
  return days[day + DAY_FIELD.txn]! - days[day + DAY_FIELD.scheduledTxn]!;
}

function usedDigital(days: Readonly<Buckets>, day: number): boolean {
  return days[day + DAY_FIELD.logins]! + days[day + DAY_FIELD.appSessions]! > 0;
}
