import type { EventBuilder } from './envelope.js';

/** An event due at a known instant: a payday, a direct debit, the session after a login. */
export interface DueEvent {
  readonly atMs: number;
  /** Insertion order, so events due at the same millisecond come out in a reproducible order. */
  readonly seq: number;
  readonly build: EventBuilder;
  /** Runs once the event is emitted, e.g. to book next month's occurrence. */
  readonly then?: () => void;
}

/** Binary min-heap on (atMs, seq): the calendar of due events, earliest first. */
export class DueEventQueue {
  private readonly heap: DueEvent[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  add(atMs: number, build: EventBuilder, then?: () => void): void {
    this.heap.push({ atMs, seq: this.seq++, build, ...(then ? { then } : {}) });
    this.siftUp(this.heap.length - 1);
  }

  peek(): DueEvent | undefined {
    return this.heap[0];
  }

  pop(): DueEvent | undefined {
    const top = this.heap[0];
    const last = this.heap.pop();
    if (top === undefined || last === undefined || this.heap.length === 0) return top;
    this.heap[0] = last;
    this.siftDown(0);
    return top;
  }

  private siftUp(index: number): void {
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.before(index, parent)) return;
      this.swap(index, parent);
      index = parent;
    }
  }

  private siftDown(index: number): void {
    for (;;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let smallest = index;
      if (left < this.heap.length && this.before(left, smallest)) smallest = left;
      if (right < this.heap.length && this.before(right, smallest)) smallest = right;
      if (smallest === index) return;
      this.swap(index, smallest);
      index = smallest;
    }
  }

  private before(a: number, b: number): boolean {
    const x = this.heap[a] as DueEvent;
    const y = this.heap[b] as DueEvent;
    return x.atMs < y.atMs || (x.atMs === y.atMs && x.seq < y.seq);
  }

  private swap(a: number, b: number): void {
    const x = this.heap[a] as DueEvent;
    this.heap[a] = this.heap[b] as DueEvent;
    this.heap[b] = x;
  }
}

/** Months since year 0, so "next month" is plain arithmetic across year ends. */
export function monthIndexOf(atMs: number): number {
  const date = new Date(atMs);
  return date.getUTCFullYear() * 12 + date.getUTCMonth();
}

/**
 * UTC midnight of `dayOfMonth` (1–28) in the given month. Payroll moves a weekend payday back to
 * the Friday before, as UK employers do; each month still pays exactly once.
 */
export function monthlyDate(monthIndex: number, dayOfMonth: number, weekendToFriday: boolean): number {
  const date = new Date(Date.UTC(Math.floor(monthIndex / 12), monthIndex % 12, dayOfMonth));
  const weekday = date.getUTCDay();
  if (weekendToFriday && weekday === 6) date.setUTCDate(dayOfMonth - 1);
  if (weekendToFriday && weekday === 0) date.setUTCDate(dayOfMonth - 2);
  return date.getTime();
}
