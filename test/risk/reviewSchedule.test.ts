import { describe, expect, it } from 'vitest';
import { nextAnniversaryNoon, nextBirthdayNoon, nextReviewAt, profileDates } from '../../risk/reviewSchedule.js';

const DAY = 86_400_000;
const T = Date.UTC(2026, 2, 10, 15, 30);

describe('when a customer is next reviewed', () => {
  it.each([
    ['a day after an event', { assessedAtMs: T, lastActivityMs: T }, T + DAY],
    ['a day after a review while quiet under 30 days', { assessedAtMs: T + 29 * DAY, lastActivityMs: T }, T + 30 * DAY],
    ['a week after a review once quiet 30 days', { assessedAtMs: T + 30 * DAY, lastActivityMs: T }, T + 37 * DAY],
    ['never once quiet 400 days (the state expires)', { assessedAtMs: T + 400 * DAY, lastActivityMs: T }, undefined],
    ['never without any activity', { assessedAtMs: T, lastActivityMs: undefined }, undefined],
    ['on the birthday when it comes before the regular review', { assessedAtMs: T, lastActivityMs: T - 40 * DAY, birthday: '1980-03-12' }, Date.UTC(2026, 2, 12, 12)],
    ['at the regular review when the birthday is later', { assessedAtMs: T, lastActivityMs: T, birthday: '1980-03-25' }, T + DAY],
    ['on the nearest product anniversary when it comes first', { assessedAtMs: T, lastActivityMs: T - 40 * DAY, productsOpenedOn: ['2020-07-01', '2019-03-14'] }, Date.UTC(2026, 2, 14, 12)],
    ['on the birthday when it comes before any anniversary', { assessedAtMs: T, lastActivityMs: T - 40 * DAY, birthday: '1980-03-12', productsOpenedOn: ['2019-03-14'] }, Date.UTC(2026, 2, 12, 12)],
    ['not on the day a product is opened', { assessedAtMs: T, lastActivityMs: T - 40 * DAY, productsOpenedOn: ['2026-03-12'] }, T + 7 * DAY],
  ])('%s', (_name, timing, expected) => {
    expect(nextReviewAt(timing)).toBe(expected);
  });

  it('moves birthdays to next year once passed, and 29 February to the 28th in other years', () => {
    expect(nextBirthdayNoon('1990-01-05', T)).toBe(Date.UTC(2027, 0, 5, 12));
    expect(nextBirthdayNoon('1992-02-29', Date.UTC(2026, 0, 1))).toBe(Date.UTC(2026, 1, 28, 12));
    expect(nextBirthdayNoon('1992-02-29', Date.UTC(2027, 11, 31))).toBe(Date.UTC(2028, 1, 29, 12));
    expect(nextBirthdayNoon('not a date', T)).toBeUndefined();
  });

  it('takes a product\'s anniversaries from a year after its opening, never the opening day', () => {
    expect(nextAnniversaryNoon('2019-03-14', T)).toBe(Date.UTC(2026, 2, 14, 12));
    expect(nextAnniversaryNoon('2026-03-12', T)).toBe(Date.UTC(2027, 2, 12, 12));
    expect(nextAnniversaryNoon('2026-01-05', T)).toBe(Date.UTC(2027, 0, 5, 12));
    expect(nextAnniversaryNoon('2026-06-01', T)).toBe(Date.UTC(2027, 5, 1, 12));
    expect(nextAnniversaryNoon('2024-02-29', Date.UTC(2026, 0, 1))).toBe(Date.UTC(2026, 1, 28, 12));
  });

  it('reads the dates of a profile', () => {
    expect(profileDates({ birthday: '1980-03-12', products_opened: [{ product: 'mortgage', opened_on: '2019-03-14' }] }))
      .toEqual({ birthday: '1980-03-12', productsOpenedOn: ['2019-03-14'] });
    expect(profileDates(undefined)).toEqual({ birthday: undefined, productsOpenedOn: undefined });
  });
});
