import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toMinorUnits } from '../../core/events/index.js';
import { amountFromGbp, cashAmount } from '../../simulator/amounts.js';
import { CURRENCIES } from '../../simulator/catalogue.js';
import { SeededRandom, deriveSeed } from '../../simulator/random.js';
import { DueEventQueue, monthlyDate } from '../../simulator/schedule.js';

const currencies = fc.constantFrom(...Object.keys(CURRENCIES));

describe('SeededRandom', () => {
  it('repeats its sequence for a seed and stays within [0, 1)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (seed) => {
        const a = new SeededRandom(seed);
        const b = new SeededRandom(seed);
        for (let i = 0; i < 50; i++) {
          const x = a.next();
          expect(x).toBe(b.next());
          expect(x).toBeGreaterThanOrEqual(0);
          expect(x).toBeLessThan(1);
        }
      }),
    );
  });

  it('derives different seeds for different purposes of one run', () => {
    expect(deriveSeed(42, 'population')).not.toBe(deriveSeed(42, 'stream'));
    expect(deriveSeed(42, 'stream')).toBe(deriveSeed(42, 'stream'));
  });

  it('picks weighted values in proportion to their weights', () => {
    const rng = new SeededRandom(1);
    let heavy = 0;
    for (let i = 0; i < 10_000; i++) if (rng.weighted([['light', 1], ['heavy', 3]] as const) === 'heavy') heavy += 1;
    expect(heavy / 10_000).toBeCloseTo(0.75, 1);
  });
});

describe('amounts', () => {
  it('writes any positive amount in a form the ingest contract accepts, in every simulated currency', () => {
    fc.assert(
      fc.property(currencies, fc.double({ min: 0, max: 1e7, noNaN: true }), (currency, gbp) => {
        const parsed = toMinorUnits(amountFromGbp(gbp, currency), currency);
        expect(parsed.ok && parsed.minor > 0).toBe(true);
      }),
    );
  });

  it('dispenses cash as a whole multiple of the currency\'s note step', () => {
    fc.assert(
      fc.property(currencies, fc.integer({ min: 0, max: 1000 }), fc.double({ min: 1, max: 3, noNaN: true }), (currency, seed, tierFactor) => {
        const amount = Number(cashAmount(new SeededRandom(seed), currency, tierFactor));
        expect(amount % (CURRENCIES[currency]?.cashStep ?? 1)).toBe(0);
        expect(amount).toBeGreaterThan(0);
      }),
    );
  });
});

describe('DueEventQueue', () => {
  it('hands events back earliest first, in insertion order on ties', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 200 }), (times) => {
        const queue = new DueEventQueue();
        times.forEach((atMs, index) => queue.add(atMs, () => ({ type: 'login', event_id: String(index), customer_id: 'c', occurred_at: '', channel: 'web' })));
        const popped: [number, number][] = [];
        for (let due = queue.pop(); due; due = queue.pop()) popped.push([due.atMs, due.seq]);
        const expected = times.map((atMs, seq) => [atMs, seq] as [number, number]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        expect(popped).toEqual(expected);
      }),
    );
  });
});

describe('monthlyDate', () => {
  const months = fc.integer({ min: 2000 * 12, max: 2100 * 12 });
  const days = fc.integer({ min: 1, max: 28 });

  it('falls on the requested day when weekends do not matter', () => {
    fc.assert(fc.property(months, days, (month, day) => {
      expect(new Date(monthlyDate(month, day, false)).getUTCDate()).toBe(day);
    }));
  });

  it('moves a weekend payday to the Friday before, at most two days early', () => {
    fc.assert(
      fc.property(months, days, (month, day) => {
        const shifted = monthlyDate(month, day, true);
        const weekday = new Date(shifted).getUTCDay();
        expect(weekday).not.toBe(0);
        expect(weekday).not.toBe(6);
        const earlyByDays = (monthlyDate(month, day, false) - shifted) / 86_400_000;
        expect(earlyByDays).toBeGreaterThanOrEqual(0);
        expect(earlyByDays).toBeLessThanOrEqual(2);
      }),
    );
  });
});
