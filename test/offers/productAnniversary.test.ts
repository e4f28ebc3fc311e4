import { describe, expect, it } from 'vitest';
import { anniversaryYears, triggerContext } from '../../offers/index.js';
import { salaryCredit } from '../rules/fixtures.js';
import { customer, NOON } from './fixtures.js';

describe('product anniversaries for campaigns', () => {
  it.each([
    ['no product opened on this day', ['2020-05-01'], '2026-03-10', 0],
    ['a mortgage opened six years ago today', ['2020-03-10'], '2026-03-10', 6],
    ['the most years when two products share the day', ['2024-03-10', '2016-03-10'], '2026-03-10', 10],
    ['not the opening day itself', ['2026-03-10'], '2026-03-10', 0],
    ['a 29 February opening on 28 February of other years', ['2024-02-29'], '2026-02-28', 2],
    ['a 29 February opening on the 29th in leap years', ['2024-02-29'], '2028-02-29', 4],
  ])('%s', (_name, openedOn, today, years) => {
    expect(anniversaryYears(openedOn, today)).toBe(years);
  });

  it('gives a trigger product_anniversary_today and the years, on the customer\'s local date', () => {
    // 23:30 UTC on 9 March is already 10 March in Tokyo.
    const lateEvening = Date.parse('2026-03-09T23:30:00Z');
    const opened = { products_opened: [{ product: 'savings', opened_on: '2021-03-10' }] };
    const inTokyo = triggerContext(salaryCredit(), customer({}, { ...opened, time_zone: 'Asia/Tokyo' }), lateEvening, 'Europe/Berlin');
    expect(inTokyo.features).toMatchObject({ product_anniversary_today: true, product_anniversary_years: 5 });
    const inLondon = triggerContext(salaryCredit(), customer({}, { ...opened, time_zone: 'Europe/London' }), lateEvening, 'Europe/Berlin');
    expect(inLondon.features).toMatchObject({ product_anniversary_today: false, product_anniversary_years: 0 });
    const unknown = triggerContext(salaryCredit(), customer({}, {}), NOON, 'Europe/Berlin');
    expect(unknown.features).not.toHaveProperty('product_anniversary_today');
  });
});
