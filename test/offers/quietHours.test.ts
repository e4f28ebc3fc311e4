import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { QuietHours } from '../../customers/profile.js';
import { isQuietTime, localDate, nextAllowedSendTime, wallClockAt } from '../../offers/index.js';

const NIGHT: QuietHours = { start: '21:00', end: '08:00' };
const LUNCH: QuietHours = { start: '13:00', end: '14:00' };
const at = (iso: string): number => Date.parse(iso);

describe('isQuietTime', () => {
  it.each<[string, boolean, QuietHours, string, string]>([
    // Berlin is UTC+1 in winter (CET).
    ['20:59 local, a minute before the window', false, NIGHT, 'Europe/Berlin', '2026-01-15T19:59:00Z'],
    ['21:00 local, the window starts (inclusive)', true, NIGHT, 'Europe/Berlin', '2026-01-15T20:00:00Z'],
    ['23:30 local, before midnight', true, NIGHT, 'Europe/Berlin', '2026-01-15T22:30:00Z'],
    ['00:00 local, midnight', true, NIGHT, 'Europe/Berlin', '2026-01-15T23:00:00Z'],
    ['03:00 local, after midnight', true, NIGHT, 'Europe/Berlin', '2026-01-16T02:00:00Z'],
    ['07:59 local, last quiet minute', true, NIGHT, 'Europe/Berlin', '2026-01-16T06:59:59Z'],
    ['08:00 local, the window is over (end exclusive)', false, NIGHT, 'Europe/Berlin', '2026-01-16T07:00:00Z'],
    ['noon local', false, NIGHT, 'Europe/Berlin', '2026-01-16T11:00:00Z'],
    ['a daytime window, inside', true, LUNCH, 'Europe/Berlin', '2026-01-16T12:30:00Z'],
    ['a daytime window, before', false, LUNCH, 'Europe/Berlin', '2026-01-16T11:59:00Z'],
    ['a daytime window, at its end', false, LUNCH, 'Europe/Berlin', '2026-01-16T13:00:00Z'],
  ])('%s → quiet %s', (_, expected, quiet, zone, iso) => {
    expect(isQuietTime(quiet, zone, at(iso))).toBe(expected);
  });

  // One instant, 20:30 UTC on 10 March 2026 (the US is already on summer time, Europe not yet).
  it.each<[string, string, boolean]>([
    ['Europe/Berlin', '21:30 CET', true],
    ['Europe/London', '20:30 GMT', false],
    ['America/New_York', '16:30 EDT', false],
    ['Asia/Tokyo', '05:30 next day', true],
    ['Asia/Kolkata', '02:00 next day (+05:30)', true],
    ['Pacific/Auckland', '09:30 next day (NZDT)', false],
    ['America/St_Johns', '17:00 NDT (−02:30)', false],
  ])('the same instant in %s (%s) → quiet %s', (zone, _, expected) => {
    expect(isQuietTime(NIGHT, zone, at('2026-03-10T20:30:00Z'))).toBe(expected);
  });

  it('starts at 21:00 local on both sides of a DST change, not at a fixed UTC hour', () => {
    // Berlin moves to CEST (UTC+2) on 29 March 2026.
    expect(isQuietTime(NIGHT, 'Europe/Berlin', at('2026-03-27T19:59:00Z'))).toBe(false);
    expect(isQuietTime(NIGHT, 'Europe/Berlin', at('2026-03-27T20:00:00Z'))).toBe(true);
    expect(isQuietTime(NIGHT, 'Europe/Berlin', at('2026-03-30T18:59:00Z'))).toBe(false);
    expect(isQuietTime(NIGHT, 'Europe/Berlin', at('2026-03-30T19:00:00Z'))).toBe(true);
  });
});

describe('nextAllowedSendTime', () => {
  it.each<[string, QuietHours, string, string, string]>([
    ['outside the window: now', NIGHT, 'Europe/Berlin', '2026-01-15T11:00:00Z', '2026-01-15T11:00:00Z'],
    ['before midnight: 08:00 the next local day', NIGHT, 'Europe/Berlin', '2026-01-15T22:00:00Z', '2026-01-16T07:00:00.000Z'],
    ['after midnight: 08:00 the same local day', NIGHT, 'Europe/Berlin', '2026-01-16T02:00:00Z', '2026-01-16T07:00:00.000Z'],
    ['across a month and year end', NIGHT, 'Europe/Berlin', '2026-12-31T21:00:00Z', '2027-01-01T07:00:00.000Z'],
    ['a daytime window: its end today', LUNCH, 'Asia/Tokyo', '2026-01-16T04:30:00Z', '2026-01-16T05:00:00.000Z'],
    ['Tokyo, no DST', NIGHT, 'Asia/Tokyo', '2026-01-16T13:00:00Z', '2026-01-16T23:00:00.000Z'],
    ['Kolkata, a half-hour offset', NIGHT, 'Asia/Kolkata', '2026-01-16T17:00:00Z', '2026-01-17T02:30:00.000Z'],
    // Berlin springs forward at 01:00Z on 29 March: the night is an hour shorter.
    ['the night the clocks go forward', NIGHT, 'Europe/Berlin', '2026-03-28T22:00:00Z', '2026-03-29T06:00:00.000Z'],
    // …and falls back at 01:00Z on 25 October: an hour longer.
    ['the night the clocks go back', NIGHT, 'Europe/Berlin', '2026-10-24T20:00:00Z', '2026-10-25T07:00:00.000Z'],
    // New York skips 02:00–03:00 EST on 8 March (07:00Z): a window ending 02:30 ends at the jump.
    ['a window ending in the skipped hour', { start: '22:00', end: '02:30' }, 'America/New_York', '2026-03-08T05:00:00Z', '2026-03-08T07:00:00.000Z'],
    // New York repeats 01:00–02:00 on 1 November (EDT until 06:00Z, then EST).
    ['a window ending in the repeated hour: its first occurrence', { start: '22:00', end: '01:30' }, 'America/New_York', '2026-11-01T04:00:00Z', '2026-11-01T05:30:00.000Z'],
    ['inside the repeated hour after the first 01:30: the second one', { start: '22:00', end: '01:30' }, 'America/New_York', '2026-11-01T06:10:00Z', '2026-11-01T06:30:00.000Z'],
    // Sydney falls back on 5 April 2026 (03:00 AEDT → 02:00 AEST, at 16:00Z on the 4th).
    ['southern hemisphere, clocks go back', NIGHT, 'Australia/Sydney', '2026-04-04T11:00:00Z', '2026-04-04T22:00:00.000Z'],
  ])('%s', (_, quiet, zone, fromIso, expectedIso) => {
    expect(new Date(nextAllowedSendTime(quiet, zone, at(fromIso))).toISOString()).toBe(new Date(expectedIso).toISOString());
  });

  const ZONES = [
    'UTC', 'Europe/Berlin', 'Europe/London', 'America/New_York', 'America/St_Johns', 'America/Sao_Paulo',
    'Asia/Tokyo', 'Asia/Kolkata', 'Australia/Sydney', 'Australia/Lord_Howe', 'Pacific/Chatham', 'Pacific/Auckland',
  ];
  const clock = fc.record({ h: fc.integer({ min: 0, max: 23 }), m: fc.constantFrom(0, 15, 30, 45) }).map(({ h, m }) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
  const window = fc.tuple(clock, clock).filter(([s, e]) => s !== e).map(([start, end]) => ({ start, end }));
  const anyInstant = fc.tuple(fc.constantFrom(...ZONES), fc.integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2027-12-31T00:00:00Z') }));
  // Uniform instants rarely land on the two nights a year that matter, so also draw within 30 h of real changes.
  const TRANSITIONS: [string, string][] = [
    ['Europe/Berlin', '2026-03-29T01:00:00Z'], ['Europe/Berlin', '2026-10-25T01:00:00Z'],
    ['America/New_York', '2026-03-08T07:00:00Z'], ['America/New_York', '2026-11-01T06:00:00Z'],
    ['America/St_Johns', '2026-03-08T05:30:00Z'], ['Australia/Sydney', '2026-04-04T16:00:00Z'],
    ['Australia/Sydney', '2026-10-03T16:00:00Z'], ['Australia/Lord_Howe', '2026-04-04T15:00:00Z'],
    ['Australia/Lord_Howe', '2026-10-03T15:30:00Z'], ['Pacific/Chatham', '2026-04-04T14:00:00Z'],
  ];
  const nearTransition = fc.tuple(fc.constantFrom(...TRANSITIONS), fc.integer({ min: -30 * 3_600_000, max: 30 * 3_600_000 }))
    .map(([[zone, iso], offset]) => [zone, Date.parse(iso) + offset] as [string, number]);

  it.each([['any instant', anyInstant], ['near a DST change', nearTransition]] as const)('is the earliest instant not in quiet hours (%s)', (_, zoneAndInstant) => {
    fc.assert(fc.property(zoneAndInstant, window, ([zone, t], quiet) => {
      const next = nextAllowedSendTime(quiet, zone, t);
      expect(next).toBeGreaterThanOrEqual(t);
      expect(isQuietTime(quiet, zone, next)).toBe(false);
      if (next === t) return;
      // At most a day, or two when DST skips the one allowed slot of the day.
      expect(next - t).toBeLessThanOrEqual(48 * 3_600_000);
      // Everything from t up to the answer is quiet: the answer is the first allowed minute.
      for (let k = 0; k < 8; k++) expect(isQuietTime(quiet, zone, t + Math.floor(((next - t) * k) / 8))).toBe(true);
      expect(isQuietTime(quiet, zone, Math.max(t, next - 60_000))).toBe(true);
    }), { numRuns: 5_000 });
  });
});

describe('local wall clock', () => {
  it('reads midnight as 00, and the local date in the zone', () => {
    expect(wallClockAt(at('2026-01-15T23:00:00Z'), 'Europe/Berlin')).toEqual({ year: 2026, month: 1, day: 16, hour: 0, minute: 0 });
    expect(localDate(at('2026-01-15T23:00:00Z'), 'Europe/Berlin')).toBe('2026-01-16');
    expect(localDate(at('2026-01-15T23:00:00Z'), 'America/New_York')).toBe('2026-01-15');
  });
});
