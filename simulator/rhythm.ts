// The daily and weekly shape of banking traffic. Times are read on the bank's home clock,
// approximated as UTC (the book is mostly British), so hour 3 is the quiet middle of the night.

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Relative activity per hour on a working day: dead at night, commute, lunch and evening peaks. */
const WEEKDAY_HOURS = [
  0.14, 0.08, 0.05, 0.04, 0.05, 0.12, 0.35, 0.7, 0.95, 1.0, 1.05, 1.2,
  1.5, 1.35, 1.1, 1.05, 1.15, 1.4, 1.55, 1.45, 1.25, 1.0, 0.65, 0.32,
];
/** Weekends start later and spread shopping through the afternoon. */
const WEEKEND_HOURS = [
  0.22, 0.13, 0.07, 0.05, 0.04, 0.05, 0.1, 0.25, 0.5, 0.8, 1.1, 1.3,
  1.45, 1.4, 1.35, 1.3, 1.25, 1.3, 1.35, 1.3, 1.15, 0.95, 0.65, 0.4,
];
/** Sunday first, as Date#getUTCDay counts; Friday is payday-heavy, Sunday the quietest. */
const DAY_FACTORS = [0.8, 0.95, 0.97, 1.0, 1.03, 1.12, 1.05];

const WEEKLY_MEAN = weeklyMean();

/** The 1970 epoch fell on a Thursday (day 4). */
export function dayOfWeek(atMs: number): number {
  return (Math.floor(atMs / DAY_MS) + 4) % 7;
}

export function hourOfDay(atMs: number): number {
  return Math.floor((((atMs % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS);
}

/** Traffic intensity at an instant, normalised so its average over a week is 1. */
export function activityIntensity(atMs: number): number {
  return rawIntensity(dayOfWeek(atMs), hourOfDay(atMs)) / WEEKLY_MEAN;
}

/** The highest intensity of the week: the envelope for thinning a Poisson process. */
export const PEAK_INTENSITY = peakIntensity();

/** Branches: weekdays 9–17, Saturday mornings. */
export function isBranchOpen(atMs: number): boolean {
  const day = dayOfWeek(atMs);
  const hour = hourOfDay(atMs);
  if (day === 0) return false;
  if (day === 6) return hour >= 9 && hour < 13;
  return hour >= 9 && hour < 17;
}

/** The contact centre: 8–20 daily, shorter on Sundays. */
export function isCallCentreOpen(atMs: number): boolean {
  const hour = hourOfDay(atMs);
  return dayOfWeek(atMs) === 0 ? hour >= 10 && hour < 16 : hour >= 8 && hour < 20;
}

function rawIntensity(day: number, hour: number): number {
  const hours = day === 0 || day === 6 ? WEEKEND_HOURS : WEEKDAY_HOURS;
  return (hours[hour] ?? 0) * (DAY_FACTORS[day] ?? 1);
}

function weeklyMean(): number {
  let sum = 0;
  for (let day = 0; day < 7; day++) for (let hour = 0; hour < 24; hour++) sum += rawIntensity(day, hour);
  return sum / (7 * 24);
}

function peakIntensity(): number {
  let peak = 0;
  for (let day = 0; day < 7; day++) for (let hour = 0; hour < 24; hour++) peak = Math.max(peak, rawIntensity(day, hour));
  return peak / WEEKLY_MEAN;
}
