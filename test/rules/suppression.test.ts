import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseDuration, shouldRaise } from '../../rules/index.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('parseDuration', () => {
  it.each<[string, number | undefined]>([
    ['0s', 0], ['500ms', 500], ['30s', 30_000], ['30m', 30 * MINUTE], ['24h', 24 * HOUR], ['7d', 7 * 24 * HOUR],
    ['2w', 14 * 24 * HOUR], ['1h30m', 90 * MINUTE], [' 15m ', 15 * MINUTE],
    ['', undefined], ['24', undefined], ['24 hours', undefined], ['1.5h', undefined], ['-1h', undefined], ['h', undefined], ['1y', undefined],
  ])('%j is %s ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });
});

describe('shouldRaise', () => {
  const active = { mode: 'active' as const, suppressForMs: 24 * HOUR };

  it.each<[string, number | undefined, number, boolean]>([
    ['never raised before', undefined, 1_000, true],
    ['raised an hour ago', 0, HOUR, false],
    ['one millisecond before the window ends', 0, 24 * HOUR - 1, false],
    ['exactly when the window ends', 0, 24 * HOUR, true],
    ['after the window', 0, 30 * HOUR, true],
    ['an event older than the last raise', 10 * HOUR, 9 * HOUR, false],
  ])('%s: %s', (_, last, now, expected) => {
    expect(shouldRaise(active, last, now)).toBe(expected);
  });

  it('never raises a shadow match', () => {
    expect(shouldRaise({ mode: 'shadow', suppressForMs: 0 }, undefined, 0)).toBe(false);
  });

  it('always raises with a zero window, even out of order', () => {
    expect(shouldRaise({ mode: 'active', suppressForMs: 0 }, 10 * HOUR, 9 * HOUR)).toBe(true);
  });

  it('raises exactly when the time since the last raise reaches the window', () => {
    fc.assert(fc.property(fc.nat(1e9), fc.nat(1e9), fc.nat(1e9), (window, last, elapsed) => {
      expect(shouldRaise({ mode: 'active', suppressForMs: window }, last, last + elapsed)).toBe(window === 0 || elapsed >= window);
    }));
  });
});
