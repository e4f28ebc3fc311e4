import { AMOUNT_GROUPS, type AmountBaselines, type BaselineEntry } from './amountBaselines.js';
import { bucketIndex, DAY_FIELD, DAY_TIER, HOUR_TIER, zeroBuckets, type Buckets, type BucketTier } from './buckets.js';
import { emptyCreditState, isEmptyCredit, type CreditState } from './credit.js';
import { addSeen, emptySeenSet, mapSeen } from './distinct.js';
import { compareFlows, type CounterpartyFlow } from './borrowing.js';
import { compareRuns, type NewPayeeRun } from './newPayees.js';
import { compareOwnMoneyIn, type OwnMoneyIn } from './ownMoneyIn.js';
import { compare as compareOnlineCard, type OnlineCardPayment } from './onlineCard.js';
import { compareRecent } from './recentLog.js';
import { SESSION_MARKS, type SessionMarks } from './session.js';
import {
  emptyFeatureState, type ComplaintEntry, type CustomerFeatureState, type PreviousActivity, type Reactivation,
  type RecentEvent, type SeenSets,
} from './state.js';

// The stored form of a customer's feature state. It is read and written once per customer per
// batch, so it is kept small: every time is an age before the newest event `n` (seconds, or
// buckets for buckets), bucket counters lose trailing zeros, recent events are arrays.
//
//   { v, n, f: n − first, e, po, pc,
//     r: [[age, kind, amount|0, merchant|"", country|"", lat?, lon?]],
//     p: { a|l|m|r|d: age, g: [age, lat, lon], c: [age, country] },
//     h, d: [[age in buckets, ...counters]],
//     s: { m|k|c|d|p|n|i|a|q: [[key, age of last sighting, last − first, times seen]] },
//     sal: [age], cp: [[key, age, status]],
//     b: { <group>: [[age, log bin]] }, sm: { nd|nn|nc|cc: [age] }, rv: [[age, idle days]],
//     cr?, oc?: [[age, merchant, merchant's country]], hd?: [24 counts], np?: [[payee, age of first, transfers, total, largest]],
//     oi?: [[age, amount in thousandths]],
//     cf?: [[age, counterparty, account|"", signed thousandths]] }
//
// Versions 1 and 2 are still read. Version 1's day buckets had no channel counts and another
// counter order (DAY_LAYOUT_V1), so its days decode with those counts 0: channel features then
// read low for up to 30 days after the upgrade, which is better than forgetting 90 days of history.
// Versions 1 and 2 had no sighting counts (each remembered key reads as seen once), no networks, payers,
// amount baselines, session marks or reactivations (they start empty and fill as events arrive:
// robust amount features read 0 until five amounts of a kind are seen again).
//
// Day buckets stored before the gambling and scheduled-payment counters were added (appended, so
// nothing else moves) read them as 0: for up to 90 days the customer's own payments then include
// their pay and direct debits, which reads as steady, never as a decline. Credit state (`cr`) is
// absent for customers no lending system reported on, and reads as empty.
//
// Card-not-present payments of the last six hours (`oc`, onlineCard.ts), the hours of the day the
// customer acts in (`hd`, hoursOfDay.ts), the runs of transfers to
// new payees (`np`, newPayees.ts), money moved in from the customer's own accounts (`oi`,
// ownMoneyIn.ts) and the money received from and paid back to counterparties (`cf`,
// borrowing.ts) came later, in keys of their own: readers before them ignore the keys (and drop
// them when they write the state back, so during a rolling upgrade a customer's last hour online,
// a run or a quarter's flows may be forgotten once), and read every state they write, so no
// version change was needed. The same holds for the credit state's overdraft lines (`cr.o`).
//
// Decoding is hand-written rather than a zod schema: this runs on the hot path, and validating a
// year of history with zod cost ~20× the JSON.parse itself. Anything unexpected rejects the whole
// value (decodeFeatureState then starts empty), so no half-read state is ever used.

type Json = unknown;

export function encodeFeatureState(state: CustomerFeatureState): string {
  const n = state.n;
  const age = (t: number) => n - t;
  return JSON.stringify({
    v: state.v, n, f: age(state.f), e: state.e, po: state.po, pc: state.pc,
    r: state.r.map((entry) => encodeRecent(entry, n)),
    p: encodePrevious(state.p, n),
    h: encodeBuckets(state.h, HOUR_TIER, n),
    d: encodeBuckets(state.d, DAY_TIER, n),
    s: mapSets(state.s, (set) => mapSeen(set, (key, first, last, times) => [key, age(last), last - first, times])),
    sal: state.sal.map(age),
    cp: state.cp.map(([key, last, status]) => [key, age(last), status]),
    b: Object.fromEntries(AMOUNT_GROUPS.flatMap((group) => {
      const entries = state.b[group];
      return entries ? [[group, entries.map(([t, bin]) => [age(t), bin])]] : [];
    })),
    sm: Object.fromEntries(SESSION_MARKS.flatMap((mark) => {
      const times = state.sm[mark];
      return times ? [[mark, times.map(age)]] : [];
    })),
    rv: state.rv.map(([t, days]) => [age(t), days]),
    // Absent for the many customers the lending systems say nothing about.
    ...(isEmptyCredit(state.cr) ? {} : { cr: encodeCredit(state.cr, age) }),
    // Absent unless the card was used online in the last six hours.
    ...(state.oc.length === 0 ? {} : { oc: state.oc.map(([t, merchant, country]) => [age(t), merchant, country]) }),
    // Absent until the customer's first own event.
    ...(state.hd.length === 0 ? {} : { hd: state.hd }),
    // Absent unless a payee was first paid in the last 90 days.
    ...(state.np.length === 0 ? {} : { np: state.np.map(([payee, first, transfers, total, largest]) => [payee, age(first), transfers, total, largest]) }),
    ...(state.oi.length === 0 ? {} : { oi: state.oi.map(([t, amount]) => [age(t), amount]) }),
    // Absent unless money came in by transfer in the last 90 days.
    ...(state.cf.length === 0 ? {} : { cf: state.cf.map(([t, counterparty, account, milli]) => [age(t), counterparty, account, milli]) }),
  });
}

/** Tolerant: null, garbage or an unknown version gives an empty state (the caller may count it). */
export function decodeFeatureState(text: string | null): CustomerFeatureState {
  return tryDecodeFeatureState(text) ?? emptyFeatureState();
}

/** Like decodeFeatureState, but `undefined` when the text is not a valid state. */
export function tryDecodeFeatureState(text: string | null): CustomerFeatureState | undefined {
  if (text === null || text === '') return undefined;
  try {
    return decodeState(JSON.parse(text) as Json);
  } catch {
    return undefined;
  }
}

class CorruptState extends Error {}

/** The day-bucket counters version 1 stored, in its order; every other counter decodes as 0. */
const DAY_LAYOUT_V1: readonly number[] = [
  DAY_FIELD.txn, DAY_FIELD.outCount, DAY_FIELD.amountOutMilli, DAY_FIELD.outM2, DAY_FIELD.logins,
  DAY_FIELD.appSessions, DAY_FIELD.amountInMilli, DAY_FIELD.otherBanksOutMilli, DAY_FIELD.complaintsOpened,
  DAY_FIELD.productsClosed,
];

function decodeState(json: Json): CustomerFeatureState {
  const o = record(json);
  if (o.v !== 1 && o.v !== 2 && o.v !== 3) throw new CorruptState('version');
  const current = o.v === 3;
  const n = int(o.n);
  const time = (value: Json) => n - count(value);
  const sets = record(o.s);
  return {
    v: 3, n, f: time(o.f), e: count(o.e), po: count(o.po), pc: count(o.pc),
    r: sorted(list(o.r).map((entry) => decodeRecent(entry, n)), compareRecent),
    p: decodePrevious(record(o.p), n),
    h: decodeBuckets(o.h, HOUR_TIER, n),
    d: decodeBuckets(o.d, DAY_TIER, n, o.v === 1 ? DAY_LAYOUT_V1 : undefined),
    // Payee accounts (`a`) and payee names (`q`) came later: a state written before them has none, and readers before them ignore the sets.
    s: mapSets({ m: sets.m, k: sets.k, c: sets.c, d: sets.d, p: sets.p, n: current ? sets.n : [], i: current ? sets.i : [], a: current ? sets.a ?? [] : [], q: current ? sets.q ?? [] : [] }, (set) => {
      const seen = emptySeenSet();
      for (const entry of list(set)) {
        const [key, lastAge, span, times] = current ? tuple(entry, 4) : [...tuple(entry, 3), 1];
        const last = time(lastAge);
        const sightings = count(times);
        if (sightings < 1) throw new CorruptState('times seen');
        addSeen(seen, str(key), last - count(span), last, sightings);
      }
      return seen;
    }),
    sal: sorted(list(o.sal).map(time), (a, b) => a - b),
    cp: list(o.cp).map((entry): ComplaintEntry => {
      const [key, lastAge, status] = tuple(entry, 3);
      const bits = count(status);
      if (bits > 3) throw new CorruptState('complaint status');
      return [str(key), time(lastAge), bits];
    }),
    b: current ? decodeBaselines(record(o.b), time) : {},
    sm: current ? decodeMarks(record(o.sm), time) : {},
    rv: current ? sorted(list(o.rv).map((entry): Reactivation => {
      const [endedAge, days] = tuple(entry, 2);
      return [time(endedAge), count(days)];
    }), (a, b) => a[0] - b[0] || a[1] - b[1]) : [],
    cr: o.cr === undefined ? emptyCreditState() : decodeCredit(record(o.cr), time),
    oc: o.oc === undefined ? [] : sorted(list(o.oc).map((entry): OnlineCardPayment => {
      const [ageOf, merchant, country] = tuple(entry, 3);
      return [time(ageOf), str(merchant), str(country)];
    }), compareOnlineCard),
    hd: o.hd === undefined ? [] : decodeHours(list(o.hd)),
    np: o.np === undefined ? [] : list(o.np).map((entry): NewPayeeRun => {
      const [payee, firstAge, transfers, total, largest] = tuple(entry, 5);
      return [str(payee), time(firstAge), count(transfers), count(total), count(largest)];
    }).sort(compareRuns),
    oi: o.oi === undefined ? [] : sorted(list(o.oi).map((entry): OwnMoneyIn => {
      const [ageOf, amount] = tuple(entry, 2);
      return [time(ageOf), count(amount)];
    }), compareOwnMoneyIn),
    cf: o.cf === undefined ? [] : sorted(list(o.cf).map((entry): CounterpartyFlow => {
      const [ageOf, counterparty, account, milli] = tuple(entry, 4);
      const signed = int(milli);
      if (signed === 0) throw new CorruptState('flow amount');
      return [time(ageOf), str(counterparty), str(account), signed];
    }), compareFlows),
  };
}

function encodeCredit(credit: CreditState, age: (t: number) => number): Json {
  return {
    m: credit.m.map(([t, days, product]) => [age(t), days, product]),
    p: credit.p.map(([product, t]) => [product, age(t)]),
    r: credit.r.map(age),
    b: credit.b.map(([t, product, owed, limit]) => [age(t), product, owed, limit]),
    c: credit.c.map(([t, milli]) => [age(t), milli]),
    ...(credit.o.length === 0 ? {} : { o: credit.o }),
  };
}

function decodeCredit(o: Record<string, Json>, time: (value: Json) => number): CreditState {
  const byTime = <T extends [number, ...unknown[]]>(entries: T[]) => sorted(entries, (a, b) => a[0] - b[0]);
  return {
    m: byTime(list(o.m).map((entry) => {
      const [at, days, product] = tuple(entry, 3);
      return [time(at), count(days), str(product)] as [number, number, string];
    })),
    p: sorted(list(o.p).map((entry) => {
      const [product, at] = tuple(entry, 2);
      return [str(product), time(at)] as [string, number];
    }), (a, b) => a[1] - b[1]),
    r: sorted(list(o.r).map(time), (a, b) => a - b),
    b: byTime(list(o.b).map((entry) => {
      const [at, product, owed, limit] = tuple(entry, 4);
      return [time(at), str(product), count(owed), count(limit)] as [number, string, number, number];
    })),
    c: byTime(list(o.c).map((entry) => {
      const [at, milli] = tuple(entry, 2);
      return [time(at), count(milli)] as [number, number];
    })),
    o: o.o === undefined ? [] : list(o.o).map(str).sort(),
  };
}

function decodeBaselines(o: Record<string, Json>, time: (value: Json) => number): AmountBaselines {
  const baselines: AmountBaselines = {};
  for (const [group, entries] of Object.entries(o)) {
    if (!(AMOUNT_GROUPS as readonly string[]).includes(group)) throw new CorruptState('amount group');
    baselines[group as keyof AmountBaselines] = sorted(list(entries).map((entry): BaselineEntry => {
      const [entryAge, bin] = tuple(entry, 2);
      return [time(entryAge), int(bin)];
    }), (a, b) => a[0] - b[0] || a[1] - b[1]);
  }
  return baselines;
}

function decodeMarks(o: Record<string, Json>, time: (value: Json) => number): SessionMarks {
  const marks: SessionMarks = {};
  for (const [mark, times] of Object.entries(o)) {
    if (!(SESSION_MARKS as readonly string[]).includes(mark)) throw new CorruptState('session mark');
    marks[mark as keyof SessionMarks] = sorted(list(times).map(time), (a, b) => a - b);
  }
  return marks;
}

function encodeRecent(entry: RecentEvent, n: number): Json[] {
  const row: Json[] = [n - entry.t, entry.k, entry.a ?? 0, entry.m ?? '', entry.c ?? ''];
  if (entry.g) return [...row, entry.g[0], entry.g[1]];
  while (row.length > 2 && (row.at(-1) === '' || row.at(-1) === 0)) row.pop();
  return row;
}

function decodeRecent(json: Json, n: number): RecentEvent {
  const row = list(json);
  if (row.length < 2 || row.length > 7 || row.length === 6) throw new CorruptState('recent event');
  const entry: RecentEvent = { t: n - count(row[0]), k: int(row[1]) };
  const amount = row.length > 2 ? count(row[2]) : 0;
  const merchant = row.length > 3 ? str(row[3]) : '';
  const country = row.length > 4 ? str(row[4]) : '';
  if (amount > 0) entry.a = amount;
  if (merchant !== '') entry.m = merchant;
  if (country !== '') entry.c = country;
  if (row.length === 7) entry.g = [num(row[5]), num(row[6])];
  return entry;
}

const PREVIOUS_TIMES = ['a', 'l', 'm', 'r', 'd'] as const;

function encodePrevious(previous: PreviousActivity, n: number): Record<string, Json> {
  const encoded: Record<string, Json> = {};
  for (const kind of PREVIOUS_TIMES) {
    const t = previous[kind];
    if (t !== undefined) encoded[kind] = n - t;
  }
  if (previous.g) encoded.g = [n - previous.g[0], previous.g[1], previous.g[2]];
  if (previous.c) encoded.c = [n - previous.c[0], previous.c[1]];
  return encoded;
}

function decodePrevious(o: Record<string, Json>, n: number): PreviousActivity {
  const previous: PreviousActivity = {};
  for (const kind of PREVIOUS_TIMES) if (o[kind] !== undefined) previous[kind] = n - count(o[kind]);
  if (o.g !== undefined) {
    const [age, lat, lon] = tuple(o.g, 3);
    previous.g = [n - count(age), num(lat), num(lon)];
  }
  if (o.c !== undefined) {
    const [age, country] = tuple(o.c, 2);
    previous.c = [n - count(age), str(country)];
  }
  return previous;
}

function encodeBuckets(buckets: Readonly<Buckets>, tier: BucketTier, n: number): Json[] {
  const newest = bucketIndex(tier, n);
  const stride = tier.fields + 1;
  const rows: Json[] = [];
  for (let at = 0; at < buckets.length; at += stride) {
    let end = stride;
    while (end > 1 && buckets[at + end - 1] === 0) end--;
    const row = buckets.slice(at, at + end);
    row[0] = newest - buckets[at]!;
    rows.push(row);
  }
  return rows;
}

/** `layout`: the counter each stored position holds, for an older version's buckets. */
function decodeBuckets(json: Json, tier: BucketTier, n: number, layout?: readonly number[]): Buckets {
  const newest = bucketIndex(tier, n);
  const storedFields = layout?.length ?? tier.fields;
  const rows = list(json);
  const buckets = zeroBuckets(rows.length, tier);
  let previous = -Infinity;
  for (let r = 0; r < rows.length; r++) {
    const row = list(rows[r]);
    if (row.length < 1 || row.length > storedFields + 1) throw new CorruptState('bucket');
    const index = newest - count(row[0]);
    if (index <= previous) throw new CorruptState('bucket order');
    previous = index;
    const at = r * (tier.fields + 1);
    buckets[at] = index;
    for (let i = 1; i < row.length; i++) buckets[at + (layout?.[i - 1] ?? i)] = num(row[i]);
  }
  return buckets;
}

function decodeHours(hours: Json[]): number[] {
  if (hours.length !== 24) throw new CorruptState('hours of day');
  return hours.map(count);
}

function mapSets<T, U>(sets: { [K in keyof SeenSets]: T }, map: (set: T) => U): { [K in keyof SeenSets]: U } {
  return { m: map(sets.m), k: map(sets.k), c: map(sets.c), d: map(sets.d), p: map(sets.p), n: map(sets.n), i: map(sets.i), a: map(sets.a), q: map(sets.q) };
}

function sorted<T>(items: T[], compare: (a: T, b: T) => number): T[] {
  for (let i = 1; i < items.length; i++) if (compare(items[i - 1]!, items[i]!) > 0) return items.sort(compare);
  return items;
}

function record(json: Json): Record<string, Json> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new CorruptState('object');
  return json as Record<string, Json>;
}
function list(json: Json): Json[] {
  if (!Array.isArray(json)) throw new CorruptState('array');
  return json;
}
function tuple(json: Json, length: number): Json[] {
  const items = list(json);
  if (items.length !== length) throw new CorruptState('tuple');
  return items;
}
function num(json: Json): number {
  if (typeof json !== 'number' || !Number.isFinite(json)) throw new CorruptState('number');
  return json;
}
function int(json: Json): number {
  if (!Number.isSafeInteger(json)) throw new CorruptState('integer');
  return json as number;
}
function count(json: Json): number {
  const value = int(json);
  if (value < 0) throw new CorruptState('negative');
  return value;
}
function str(json: Json): string {
  if (typeof json !== 'string') throw new CorruptState('string');
  return json;
}
