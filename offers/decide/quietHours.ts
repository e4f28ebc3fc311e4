import type { QuietHours } from '../../customers/profile.js';
import { addLocalDays, clockChangeBetween, firstInstantAtWall, wallClockAt, type WallClock } from './localTime.js';

// Quiet hours are a wall-clock promise ("never between 21:00 and 08:00 where I live"), so they
// are evaluated in the customer's zone at the instant of sending, DST included: in the week the
// clocks change, the window still starts at 21:00 local, not at a fixed UTC hour.

function minutesOf(clock: string): number {
  const [hours = 0, minutes = 0] = clock.split(':').map(Number);
  return hours * 60 + minutes;
}

/** Whether a window crosses midnight (21:00–08:00), i.e. its end is on the next local day. */
function crossesMidnight(quiet: QuietHours): boolean {
  return minutesOf(quiet.start) > minutesOf(quiet.end);
}

function isQuietMinute(quiet: QuietHours, minuteOfDay: number): boolean {
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  // Start inclusive, end exclusive: at 08:00 sharp a window ending at 08:00 is over.
  return crossesMidnight(quiet) ? minuteOfDay >= start || minuteOfDay < end : minuteOfDay >= start && minuteOfDay < end;
}

/** Whether the instant falls inside the customer's quiet hours, read on their local wall clock. */
export function isQuietTime(quiet: QuietHours, timeZone: string, instantMs: number): boolean {
  const wall = wallClockAt(instantMs, timeZone);
  return isQuietMinute(quiet, wall.hour * 60 + wall.minute);
}

/**
 * The earliest instant at or after `instantMs` outside quiet hours: the instant itself when it is
 * not quiet, else the window's local end (on the next local day when the window has crossed
 * midnight). When the end falls in a skipped DST hour, the moment the clocks jump, unless that
 * lands in quiet hours again (an allowed slot of 02:00–03:00 does not exist that night): then
 * the end after that; and when the clocks go back and the repeated hour is outside the window,
 * the moment they do.
 */
export function nextAllowedSendTime(quiet: QuietHours, timeZone: string, instantMs: number): number {
  let candidate = instantMs;
  // Twice is enough: a skipped hour happens at most once a day, and the next day's end exists.
  for (let attempt = 0; attempt < 3; attempt++) {
    const wall = wallClockAt(candidate, timeZone);
    const minuteOfDay = wall.hour * 60 + wall.minute;
    if (!isQuietMinute(quiet, minuteOfDay)) return candidate;
    const end = windowEnd(quiet, timeZone, wall, minuteOfDay, candidate);
    // When the clocks go back inside the window, the wall clock may jump back out of it before
    // the window's end comes round: 02:50 CEST → 02:00 CET leaves a 02:45–03:00 window at once.
    const change = clockChangeBetween(candidate, end, timeZone);
    if (change !== undefined && !isQuietTime(quiet, timeZone, change)) return change;
    candidate = end;
  }
  return candidate;
}

function windowEnd(quiet: QuietHours, timeZone: string, wall: WallClock, minuteOfDay: number, notBeforeMs: number): number {
  const endMinutes = minutesOf(quiet.end);
  const endsTomorrow = crossesMidnight(quiet) && minuteOfDay >= minutesOf(quiet.start);
  const endDay = endsTomorrow ? addLocalDays(wall, 1) : wall;
  const end: WallClock = { ...endDay, hour: Math.floor(endMinutes / 60), minute: endMinutes % 60 };
  return firstInstantAtWall(end, timeZone, notBeforeMs);
}
