import { DAY } from './windows.js';

// Session context: when the customer's access last changed in a way a takeover changes it. A
// payment minutes after a login from a device first seen that day, a password reset or a new phone
// number is the takeover sequence; the same payment a month after a new phone is not. Each mark
// keeps its newest few times, so "seconds since" has an answer at any event time, late ones too.

/** Logins judged "from a new device" (network, country) when it was first seen at most this long before. */
export const NEW_DEVICE_LOGIN_SECONDS = DAY;
/** Times kept per mark: enough for a late event to find the one before it. */
const MARK_CAP = 4;
/** Marks older than this (behind the newest event) are forgotten: no rule looks further back. */
export const MARK_HISTORY_SECONDS = 30 * DAY;

export interface SessionMarks {
  /** logins from a device first seen at most 24 h before */ nd?: number[];
  /** logins from a network (IPv4 /24, IPv6 /48) first seen at most 24 h before */ nn?: number[];
  /** logins from a country first seen at most 24 h before */ nc?: number[];
  /** phone number or e-mail address changed */ cc?: number[];
}
export type SessionMark = keyof SessionMarks;
export const SESSION_MARKS: readonly SessionMark[] = ['nd', 'nn', 'nc', 'cc'];

/** Adds the marks an event sets, keeping the newest MARK_CAP times of each; the input is not changed. */
export function recordMarks(marks: SessionMarks, set: readonly SessionMark[], t: number, oldestKept: number): SessionMarks {
  let next = marks;
  for (const mark of set) {
    const times = [...(marks[mark] ?? []), t].sort((a, b) => a - b);
    next = { ...next, [mark]: times.length > MARK_CAP ? times.slice(times.length - MARK_CAP) : times };
  }
  return pruneMarks(next, oldestKept);
}

export function pruneMarks(marks: SessionMarks, oldestKept: number): SessionMarks {
  if (!SESSION_MARKS.some((mark) => marks[mark]?.some((t) => t < oldestKept))) return marks;
  const next: SessionMarks = {};
  for (const mark of SESSION_MARKS) {
    const kept = marks[mark]?.filter((t) => t >= oldestKept);
    if (kept && kept.length > 0) next[mark] = kept;
  }
  return next;
}

/** The newest time of a mark at or before t, within MARK_HISTORY_SECONDS of it. */
export function lastMarkAtOrBefore(marks: SessionMarks, mark: SessionMark, t: number): number | undefined {
  const times = marks[mark];
  if (!times) return undefined;
  for (let i = times.length - 1; i >= 0; i--) {
    const at = times[i]!;
    if (at <= t) return t - at <= MARK_HISTORY_SECONDS ? at : undefined;
  }
  return undefined;
}
