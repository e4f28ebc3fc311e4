import type { RuleMatch } from './evaluate.js';

export { parseDuration } from './duration.js';

/**
 * Whether a match should raise an alert now. A rule that raised for a customer stays quiet for
 * that customer for its `suppress_for` window, so an ongoing pattern that fires on every event
 * becomes one alert, not hundreds. The caller keys `lastRaisedAtMs` by customer and rule id.
 * Shadow rules never raise; a zero window ('0s') always raises; otherwise an event earlier than
 * the last raise (events out of order) counts as inside the window.
 */
export function shouldRaise(match: Pick<RuleMatch, 'mode' | 'suppressForMs'>, lastRaisedAtMs: number | undefined, nowMs: number): boolean {
  if (match.mode === 'shadow') return false;
  if (lastRaisedAtMs === undefined || match.suppressForMs === 0) return true;
  return nowMs - lastRaisedAtMs >= match.suppressForMs;
}
