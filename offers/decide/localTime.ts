// Wall-clock time in a customer's time zone, from the runtime's own tz database (Intl), so no
// dependency and no hand-kept offset table: DST rules follow the Node release.

/** A local calendar date and time of day, as a clock on the customer's wall shows it. */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    // h23: midnight is 00, not 24 (which some locales print with hour12: false).
    formatter = new Intl.DateTimeFormat('en-GB', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The wall clock in `timeZone` at an instant (epoch ms). Seconds are dropped: quiet hours are set in minutes. */
export function wallClockAt(instantMs: number, timeZone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(instantMs)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return { year: parts.year ?? 0, month: parts.month ?? 0, day: parts.day ?? 0, hour: parts.hour ?? 0, minute: parts.minute ?? 0 };
}

/** 'YYYY-MM-DD' of the local date at an instant. */
export function localDate(instantMs: number, timeZone: string): string {
  const { year, month, day } = wallClockAt(instantMs, timeZone);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** A wall clock read as if it were UTC: a number that orders wall times, used to compare and convert them. */
export function wallAsUtc(wall: WallClock): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
}

/** How far the zone's wall clock is ahead of UTC at an instant (ms; negative west of Greenwich). */
function offsetAt(instantMs: number, timeZone: string): number {
  const floored = Math.floor(instantMs / MINUTE_MS) * MINUTE_MS;
  return wallAsUtc(wallClockAt(floored, timeZone)) - floored;
}

/**
 * The first instant, not before `notBeforeMs`, at which the zone's wall clock reads `wall` or
 * later. A time that occurs twice (the hour repeated when clocks go back) gives its first
 * occurrence not before `notBeforeMs`; a time that never occurs (skipped when clocks go forward)
 * gives the moment the clocks jump past it, which is when a quiet window ending then is over.
 */
export function firstInstantAtWall(wall: WallClock, timeZone: string, notBeforeMs = -Infinity): number {
  const target = wallAsUtc(wall);
  // The offsets a day either side bracket any transition near the target (zones change at most
  // twice a year), so one of the two candidates is right unless the time falls in a gap.
  const candidates = [target - offsetAt(target - DAY_MS, timeZone), target - offsetAt(target + DAY_MS, timeZone)].sort((a, b) => a - b);
  for (const candidate of candidates) {
    if (candidate >= notBeforeMs && wallAsUtc(wallClockAt(candidate, timeZone)) === target) return candidate;
  }
  // In a gap: the wall clock is before the target at the earlier candidate and past it at the
  // later one; the jump is on a whole minute, so a binary search over minutes finds it exactly.
  let before = candidates[0] ?? target;
  let after = candidates[1] ?? target;
  while (after - before > MINUTE_MS) {
    const middle = before + Math.floor((after - before) / 2 / MINUTE_MS) * MINUTE_MS;
    if (wallAsUtc(wallClockAt(middle, timeZone)) >= target) after = middle;
    else before = middle;
  }
  return after;
}

/**
 * The first instant in (fromMs, toMs] at which the zone's offset differs from the one at
 * `fromMs` (a DST change), or undefined when the offset is the same at both ends. Assumes at most
 * one change in between, which holds for spans of a few days.
 */
export function clockChangeBetween(fromMs: number, toMs: number, timeZone: string): number | undefined {
  const before = offsetAt(fromMs, timeZone);
  if (offsetAt(toMs, timeZone) === before) return undefined;
  // Changes happen on whole minutes; search minute starts in (from, to].
  let unchanged = Math.floor(fromMs / MINUTE_MS) * MINUTE_MS;
  let changed = toMs;
  while (changed - unchanged > MINUTE_MS) {
    const middle = unchanged + Math.floor((changed - unchanged) / 2 / MINUTE_MS) * MINUTE_MS;
    if (offsetAt(middle, timeZone) === before) unchanged = middle;
    else changed = middle;
  }
  return changed;
}

/** The calendar date `days` after a wall clock's date (month and year roll over), same time of day. */
export function addLocalDays(wall: WallClock, days: number): WallClock {
  const shifted = new Date(Date.UTC(wall.year, wall.month - 1, wall.day + days));
  return { ...wall, year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}
