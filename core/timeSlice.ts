import { setImmediate as nextTurn } from 'node:timers/promises';

// One process can serve the API (in-line decisions above all) and assess stream batches on the
// same event loop. A batch of hundreds of events assessed in one synchronous run holds every
// waiting request and Redis reply for its whole length (tens of milliseconds on a loaded core),
// and an authorisation system's deadline is shorter than that. Long loops over a batch therefore
// work in slices: when a slice's time is spent they give the loop one turn, so what waits gets in
// between. Checking the clock costs well under a microsecond per item; a turn is taken once a slice.

/** Long enough that the turns cost nothing measurable, short against a decision's deadline. */
const DEFAULT_SLICE_MS = 4;

export class TimeSlice {
  #startedAt: number;

  /** `sliceMs` 0 yields after every item (tests), undefined takes the default; `now` is injectable for tests. */
  constructor(
    private readonly sliceMs: number = DEFAULT_SLICE_MS,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.#startedAt = now();
  }

  /** True once this slice has run its time: the caller should `await yield()` before the next item. */
  spent(): boolean {
    return this.now() - this.#startedAt >= this.sliceMs;
  }

  /** One turn of the event loop (after pending I/O callbacks), then a new slice. */
  async yield(): Promise<void> {
    await nextTurn();
    this.#startedAt = this.now();
  }
}
