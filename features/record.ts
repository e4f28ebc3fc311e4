import { recordHourOfDay } from './hoursOfDay.js';
import { amountGroupOf, recordBaselineAmount } from './amountBaselines.js';
import { addOutgoingAmount } from './amountStats.js';
import {
  bucketRetained, DAY_FIELD, DAY_TIER, HOUR_FIELD, HOUR_TIER, pruneBuckets, updateBucket, updateBucketInPlace,
  type Bucket, type Buckets, type BucketTier,
} from './buckets.js';
import { latenessSeconds, type FeatureConfig } from './config.js';
import { anotherEstablished, familiarityAt, pruneSeen, recordSighting, recordSightingInPlace, SEEN_HISTORY } from './distinct.js';
import { recordCounterpartyFlow } from './borrowing.js';
import { recordCredit } from './credit.js';
import { postedByTheBank, type EventFacts } from './eventFacts.js';
import { pruneComplaints, recordComplaint, recordSalaryCredit } from './lifecycle.js';
import { pruneNewPayeeRuns, recordNewPayeeTransfer } from './newPayees.js';
import { keepOnlineCardPayments, onlineCardPaymentOf } from './onlineCard.js';
import { lastTimeAtOrBefore, recordRecent } from './recentLog.js';
import { keepOwnMoneyIn } from './ownMoneyIn.js';
import { MARK_HISTORY_SECONDS, NEW_DEVICE_LOGIN_SECONDS, recordMarks, type SessionMark } from './session.js';
import type { CustomerFeatureState, Reactivation, RecentEvent, SeenSetName } from './state.js';
import { DAY, WINDOW_SECONDS, wholeDays } from './windows.js';

/** A silence at least this long is remembered when it ends (dormant accounts). */
export const REACTIVATION_MIN_IDLE_SECONDS = 30 * DAY;
const REACTIVATIONS_KEPT = 2;

/**
 * Records one event into the state and prunes what no window can need any more, measured from the
 * newest event time seen. Returns a new state; the input is never changed (the caller may still
 * hold it). Features read from the result depend only on the set of events recorded, not their
 * arrival order, as long as none was too late (see the permutation property tests); the two
 * exceptions are the last digits of M2 (amountStats.ts) and the seen-set cap (distinct.ts).
 * `reuse`: the caller gives `state` up, so its hour and day buckets and its seen sets are changed
 * in place instead; nothing may read them through `state` afterwards.
 */
export function recordEvent(state: CustomerFeatureState, facts: EventFacts, cfg: FeatureConfig, reuse = false): CustomerFeatureState {
  const lateness = latenessSeconds(cfg);
  const newest = state.e === 0 ? facts.t : Math.max(state.n, facts.t);
  const recent = recordRecent(state.r, state.p, recentEvent(facts), newest, lateness);
  const historyStart = newest - lateness;
  const group = amountGroupOf(facts);
  const baselineStart = newest - lateness - WINDOW_SECONDS['90d'];
  // Judged against the seen sets before the event, so before they may change in place.
  const marks = sessionMarks(state, facts, newest - lateness - MARK_HISTORY_SECONDS);
  const onlineCard = onlineCardPaymentOf(facts);
  return {
    v: 3,
    n: newest,
    f: state.e === 0 ? facts.t : Math.min(state.f, facts.t),
    e: state.e + 1,
    po: state.po + (facts.type === 'product_opened' ? 1 : 0),
    pc: state.pc + (facts.type === 'product_closed' ? 1 : 0),
    r: recent.log,
    p: recent.previous,
    h: (reuse ? updateBucketInPlace : recordInTier)(state.h, HOUR_TIER, facts.t, hourChange(facts), newest, lateness),
    d: (reuse ? updateBucketInPlace : recordInTier)(state.d, DAY_TIER, facts.t, dayChange(facts), newest, lateness),
    s: (reuse ? recordSightingsInPlace : recordSightings)(state.s, facts, historyStart),
    sal: facts.type === 'salary_credit' ? recordSalaryCredit(state.sal, facts.t) : state.sal,
    cp: pruneComplaints(
      facts.complaint ? recordComplaint(state.cp, facts.complaint.key, facts.t, facts.complaint.resolved) : state.cp,
      historyStart - SEEN_HISTORY.m,
    ),
    // Pruned as amounts are added: a group's stale amounts stay until then, and are read only for a
    // customer with too few recent ones (their habits before a silence; compareWithBaseline).
    b: group ? recordBaselineAmount(state.b, group, facts.t, facts.amountMilli, baselineStart) : state.b,
    sm: marks,
    rv: reactivations(state, facts),
    cr: facts.credit ? recordCredit(state.cr, facts.credit, facts.t, newest) : state.cr,
    oc: keepOnlineCardPayments(state.oc, onlineCard, newest, lateness),
    hd: recordHourOfDay(state.hd, facts),
    oi: keepOwnMoneyIn(state.oi, facts.fromOwnAccount ? [facts.t, facts.amountMilli] : undefined, newest, lateness),
    np: facts.type === 'transfer_out'
      ? recordNewPayeeTransfer(state.np, facts, facts.payee !== undefined && familiarityAt(state.s.p, facts.payee, facts.t, SEEN_HISTORY.p).first === undefined, newest, lateness)
      : pruneNewPayeeRuns(state.np, newest, lateness),
    cf: recordCounterpartyFlow(state.cf, facts, newest, lateness),
  };
}

/**
 * The access changes this event makes, judged against the history before it in event time: a
 * login from a device, a network or a country first seen at most a day before (a failed attempt
 * from the same place a minute earlier does not make it familiar) while the customer already has
 * an older one (a new customer's first phone, home network and country are new to everyone), and
 * a change of phone number or e-mail.
 */
function sessionMarks(state: CustomerFeatureState, facts: EventFacts, oldestKept: number) {
  const set: SessionMark[] = [];
  if (facts.contactChange) set.push('cc');
  if (facts.type === 'login') {
    const recent = (name: 'd' | 'n' | 'c', key: string | undefined) => {
      if (key === undefined) return false;
      const { first } = familiarityAt(state.s[name], key, facts.t, SEEN_HISTORY[name]);
      const isRecent = first === undefined || facts.t - first <= NEW_DEVICE_LOGIN_SECONDS;
      return isRecent && anotherEstablished(state.s[name], key, facts.t, NEW_DEVICE_LOGIN_SECONDS, SEEN_HISTORY[name]);
    };
    if (recent('d', facts.device)) set.push('nd');
    if (recent('n', facts.network)) set.push('nn');
    if (recent('c', facts.country)) set.push('nc');
  }
  // Pruned as marks are added; reads ignore marks past their history (session.ts).
  return set.length > 0 ? recordMarks(state.sm, set, facts.t, oldestKept) : state.sm;
}

/** A money event after 30 days or more without one ends a silence: remembered for dormancy rules. */
function reactivations(state: CustomerFeatureState, facts: EventFacts): Reactivation[] {
  if (facts.direction === '') return state.rv;
  const previous = lastTimeAtOrBefore(state.r, state.p, facts.t, 'money');
  if (previous === undefined || facts.t - previous < REACTIVATION_MIN_IDLE_SECONDS) return state.rv;
  const next = [...state.rv, [facts.t, wholeDays(facts.t - previous)] as Reactivation].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return next.slice(-REACTIVATIONS_KEPT);
}

function recentEvent(facts: EventFacts): RecentEvent {
  const entry: RecentEvent = { t: facts.t, k: facts.kind };
  if (facts.direction !== '') entry.a = facts.amountMilli;
  if (facts.merchant !== undefined) entry.m = facts.merchant;
  else if (facts.payee !== undefined) entry.m = facts.payee;
  if (facts.country !== undefined) entry.c = facts.country;
  if (facts.geo) entry.g = [facts.geo[0], facts.geo[1]];
  return entry;
}

type BucketChange = ((bucket: Bucket) => void) | undefined;

function recordInTier(
  buckets: Buckets, tier: BucketTier, t: number, change: BucketChange, newest: number, lateness: number,
): Buckets {
  // A too-late event still counts where its bucket is kept; where it is gone, it is not recreated.
  // Pruned first (a retained bucket is never pruned), so what is left is copied once more at most.
  const kept = pruneBuckets(buckets, tier, newest, lateness);
  return change && bucketRetained(tier, t, newest, lateness) ? updateBucket(kept, tier, t, change) : kept;
}

const HOUR_COUNTER: Partial<Record<EventFacts['type'], number>> = {
  card_payment: HOUR_FIELD.cardPayments,
  transfer_out: HOUR_FIELD.transfersOut,
  transfer_in: HOUR_FIELD.transfersIn,
  cash_withdrawal: HOUR_FIELD.cashWithdrawals,
  cash_deposit: HOUR_FIELD.cashDeposits,
  login_failed: HOUR_FIELD.failedLogins,
  password_reset: HOUR_FIELD.passwordResets,
  device_added: HOUR_FIELD.devicesAdded,
  profile_change: HOUR_FIELD.profileChanges,
};

function hourChange(facts: EventFacts): BucketChange {
  const counter = HOUR_COUNTER[facts.type];
  if (counter === undefined && facts.direction === '') return undefined;
  return (hour) => {
    if (counter !== undefined) hour[counter]! += 1;
    if (facts.direction === '') return;
    hour[HOUR_FIELD.txn]! += 1;
    const sum = facts.direction === 'out' ? HOUR_FIELD.amountOutMilli : HOUR_FIELD.amountInMilli;
    hour[sum]! += facts.amountMilli;
  };
}

const DAY_COUNTER: Partial<Record<EventFacts['type'], number>> = {
  login: DAY_FIELD.logins,
  app_session: DAY_FIELD.appSessions,
  product_closed: DAY_FIELD.productsClosed,
};

/** Service channels counted per day, whatever the event type (a cash deposit at a branch counts). */
const CHANNEL_COUNTER: Partial<Record<EventFacts['channel'], number>> = {
  mobile_app: DAY_FIELD.mobileAppEvents,
  web: DAY_FIELD.webEvents,
  branch: DAY_FIELD.branchEvents,
  call_centre: DAY_FIELD.callCentreEvents,
};

function dayChange(facts: EventFacts): BucketChange {
  const opensComplaint = facts.complaint !== undefined && !facts.complaint.resolved;
  const counter = opensComplaint ? DAY_FIELD.complaintsOpened : DAY_COUNTER[facts.type];
  const channelCounter = CHANNEL_COUNTER[facts.channel];
  if (counter === undefined && channelCounter === undefined && facts.direction === '') return undefined;
  return (day) => {
    if (counter !== undefined) day[counter]! += 1;
    if (channelCounter !== undefined) day[channelCounter]! += 1;
    if (facts.direction === '') return;
    day[DAY_FIELD.txn]! += 1;
    // Pay, standing orders and direct debits run on without the customer. Counted rather than the
    // customer's own payments because they are rare: a day without any stores no number for it.
    if (postedByTheBank(facts)) day[DAY_FIELD.scheduledTxn]! += 1;
    if (facts.direction === 'in') {
      day[DAY_FIELD.amountInMilli]! += facts.amountMilli;
      return;
    }
    addOutgoingAmount(day, facts.amountMilli);
    if (facts.toOtherBank) day[DAY_FIELD.otherBanksOutMilli]! += facts.amountMilli;
    if (facts.gambling) day[DAY_FIELD.gamblingOutMilli]! += facts.amountMilli;
  };
}

const SIGHTINGS: readonly (readonly [SeenSetName, (facts: EventFacts) => string | undefined])[] = [
  ['m', (facts) => facts.merchant],
  ['k', (facts) => facts.mcc],
  ['c', (facts) => facts.country],
  ['d', (facts) => facts.device],
  ['p', (facts) => facts.payee],
  ['n', (facts) => facts.network],
  ['i', (facts) => facts.payer],
  ['a', (facts) => facts.payeeAccount],
  ['q', (facts) => facts.payeeName],
];

/**
 * `behindNewest`: the newest event time less the lateness; each set keeps its own history behind
 * it. A set is pruned when a key is added to it: every read judges by time (isNewAt, windows), so a
 * key past its history that lingers in a set nobody added to meanwhile changes no feature.
 */
function recordSightings(sets: CustomerFeatureState['s'], facts: EventFacts, behindNewest: number): CustomerFeatureState['s'] {
  let next = sets;
  for (const [name, keyOf] of SIGHTINGS) {
    const key = keyOf(facts);
    if (key === undefined) continue;
    if (next === sets) next = { ...sets };
    next[name] = pruneSeen(recordSighting(sets[name], key, facts.t), behindNewest - SEEN_HISTORY[name]);
  }
  return next;
}

/**
 * recordSightings changing `sets` and the sets in it, for a caller that gives the state up: a
 * set's times were copied on every sighting, up to 192 numbers for each of four or five sets an
 * event touches. Pruning still makes a new set when it drops a key (rare).
 */
function recordSightingsInPlace(sets: CustomerFeatureState['s'], facts: EventFacts, behindNewest: number): CustomerFeatureState['s'] {
  for (const [name, keyOf] of SIGHTINGS) {
    const key = keyOf(facts);
    if (key === undefined) continue;
    recordSightingInPlace(sets[name], key, facts.t);
    sets[name] = pruneSeen(sets[name], behindNewest - SEEN_HISTORY[name]);
  }
  return sets;
}
