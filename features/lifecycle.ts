import type { ComplaintEntry, CustomerFeatureState } from './state.js';
import { DAY, wholeDays, WINDOW_SECONDS } from './windows.js';

// Salary and complaint signals: slow-moving facts about the relationship (churn, financial stress).

/** Newest salary credits kept; enough for weekly pay over 90 days' worth of monthly pay. */
export const SALARY_HISTORY_CAP = 16;
/** A monthly pattern allows pay days to move with weekends and month lengths. */
const SALARY_GAP_MIN = 25 * DAY;
const SALARY_GAP_MAX = 35 * DAY;
/** Days without salary after which a regular salary counts as stopped. */
const SALARY_STOPPED_AFTER_DAYS = 40;

/** Salary credit times are kept whatever their age, so "stopped" stays known however long ago. */
export function recordSalaryCredit(times: readonly number[], t: number): number[] {
  const next = [...times, t].sort((a, b) => a - b);
  return next.length > SALARY_HISTORY_CAP ? next.slice(next.length - SALARY_HISTORY_CAP) : next;
}

export interface SalarySignals {
  credits90d: number;
  daysSince: number;
  regular: boolean;
  stopped: boolean;
}

/**
 * `regular`: at least 2 credits within 90 days of t, every gap 25–35 days, and not stopped.
 * `stopped`: the credits up to the last one formed that pattern, and more than 40 whole days have
 * passed since it. The two are never both true.
 */
export function salarySignals(times: readonly number[], t: number): SalarySignals {
  // Loops rather than filtered copies: this runs on every event and every review.
  let last: number | undefined;
  let credits90d = 0;
  for (const time of times) {
    if (time > t) continue;
    last = time;
    if (time >= t - WINDOW_SECONDS['90d']) credits90d++;
  }
  const daysSince = last === undefined ? -1 : wholeDays(t - last);
  const stopped = last !== undefined && daysSince > SALARY_STOPPED_AFTER_DAYS && monthlyPattern(times, t, last);
  const regular = !stopped && daysSince !== -1 && daysSince <= SALARY_STOPPED_AFTER_DAYS && monthlyPattern(times, t, t);
  return { credits90d, daysSince, regular, stopped };
}

/** Whether the credits up to t that fall in the 90 days up to `at` are at least 2, every gap 25–35 days. */
function monthlyPattern(times: readonly number[], t: number, at: number): boolean {
  let previous: number | undefined;
  let credits = 0;
  for (const time of times) {
    if (time > t || time > at || time < at - WINDOW_SECONDS['90d']) continue;
    if (previous !== undefined) {
      const gap = time - previous;
      if (gap < SALARY_GAP_MIN || gap > SALARY_GAP_MAX) return false;
    }
    previous = time;
    credits++;
  }
  return credits >= 2;
}

type Complaints = CustomerFeatureState['cp'];
const OPENED = 1;
const RESOLVED = 2;
/** Open complaints tracked; a customer with more is already an escalation. */
export const COMPLAINT_CAP = 16;

/**
 * Complaints are matched by id, and "resolved" is sticky: a resolution that arrives before its
 * opening (out of order) still closes it, so the open count does not depend on arrival order.
 */
export function recordComplaint(complaints: Complaints, key: string, t: number, resolved: boolean): Complaints {
  const status = resolved ? RESOLVED : OPENED;
  const position = complaints.findIndex((entry) => entry[0] === key);
  const existing = complaints[position];
  if (!existing) return [...complaints, [key, t, status]];
  const next = complaints.slice();
  next[position] = [key, Math.max(existing[1], t), existing[2] | status];
  return next;
}

/** Resolved complaints are forgotten with the rest of the history; the cap drops the stalest. */
export function pruneComplaints(complaints: Complaints, oldestKept: number): Complaints {
  const forgotten = (entry: ComplaintEntry) => (entry[2] & RESOLVED) !== 0 && entry[1] < oldestKept;
  // Runs on every event; nearly always there is nothing to forget.
  if (complaints.length <= COMPLAINT_CAP && !complaints.some(forgotten)) return complaints;
  let kept = complaints.filter((entry) => !forgotten(entry));
  while (kept.length > COMPLAINT_CAP) {
    let stalest = 0;
    for (let i = 1; i < kept.length; i++) {
      const [key, last] = kept[i]!;
      const [staleKey, staleLast] = kept[stalest]!;
      if (last < staleLast || (last === staleLast && key < staleKey)) stalest = i;
    }
    kept = kept.filter((_, i) => i !== stalest);
  }
  return kept.length === complaints.length ? complaints : kept;
}

export function openComplaints(complaints: Complaints): number {
  let open = 0;
  for (const entry of complaints) if (entry[2] === OPENED) open++;
  return open;
}
