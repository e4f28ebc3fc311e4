import { describe, expect, it } from 'vitest';
import { keepInOrder } from '../../features/keptInOrder.js';

const byContent = (a: readonly [number, string], b: readonly [number, string]) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);

describe('keepInOrder', () => {
  it('adds a row in time-then-content order whatever the order rows arrive in', () => {
    const rows: [number, string][] = [[30, 'b'], [10, 'a'], [30, 'a'], [20, 'c']];
    const forwards = rows.reduce<[number, string][]>((kept, row) => keepInOrder(kept, row, 0, 10, byContent), []);
    const backwards = [...rows].reverse().reduce<[number, string][]>((kept, row) => keepInOrder(kept, row, 0, 10, byContent), []);
    expect(forwards).toEqual([[10, 'a'], [20, 'c'], [30, 'a'], [30, 'b']]);
    expect(backwards).toEqual(forwards);
  });

  it('drops rows older than the window, a late row among them, then the oldest beyond the cap', () => {
    const kept: [number, string][] = [[5, 'old'], [20, 'x'], [30, 'y']];
    expect(keepInOrder(kept, [8, 'late'], 10, 10, byContent)).toEqual([[20, 'x'], [30, 'y']]);
    expect(keepInOrder(kept, [40, 'z'], 10, 2, byContent)).toEqual([[30, 'y'], [40, 'z']]);
  });

  it('answers the list itself when nothing is added and nothing is old, and never changes the list it is given', () => {
    const kept: [number, string][] = [[20, 'x'], [30, 'y']];
    expect(keepInOrder(kept, undefined, 10, 10, byContent)).toBe(kept);
    const copy = structuredClone(kept);
    keepInOrder(kept, [25, 'm'], 21, 10, byContent);
    expect(kept).toEqual(copy);
  });
});
