import { describe, expect, it } from 'vitest';
import { TimeSlice } from '../../core/timeSlice.js';

describe('a time slice', () => {
  it('is spent once its time has run, and a yield starts a new one', async () => {
    let now = 100;
    const slice = new TimeSlice(4, () => now);
    expect(slice.spent()).toBe(false);
    now = 103.9;
    expect(slice.spent()).toBe(false);
    now = 104;
    expect(slice.spent()).toBe(true);
    await slice.yield();
    expect(slice.spent()).toBe(false);
    now = 108;
    expect(slice.spent()).toBe(true);
  });

  it('lets work that was waiting run when it yields', async () => {
    const slice = new TimeSlice(0);
    let waited = false;
    setImmediate(() => { waited = true; });
    expect(slice.spent()).toBe(true);
    await slice.yield();
    expect(waited).toBe(true);
  });
});
