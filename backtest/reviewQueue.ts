// The replay's stand-in for a partition's review-due sorted set.

/**
 * Each customer's next review, earliest first: a binary heap with lazy removal (a customer's entry
 * counts only while it matches their current due time), as the partition's sorted set does.
 */
export class ReviewQueue {
  private readonly heap: { atMs: number; customer: string }[] = [];
  private readonly current = new Map<string, number>();

  set(customer: string, atMs: number | undefined): void {
    if (atMs === undefined) {
      this.current.delete(customer);
      return;
    }
    if (this.current.get(customer) === atMs) return;
    this.current.set(customer, atMs);
    this.push({ atMs, customer });
  }

  /** The earliest review due at or before `untilMs` (removed), or undefined. */
  popDue(untilMs: number): { atMs: number; customer: string } | undefined {
    while (this.heap.length > 0 && this.heap[0]!.atMs <= untilMs) {
      const top = this.pop();
      if (this.current.get(top.customer) !== top.atMs) continue;
      this.current.delete(top.customer);
      return top;
    }
    return undefined;
  }

  // Sifting moves the entries on the path along and writes the moving one once, at its place: a
  // swap by destructuring allocated an array per step, and every event pushes an entry.
  private push(item: { atMs: number; customer: string }): void {
    const heap = this.heap;
    let i = heap.length;
    heap.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.atMs <= item.atMs) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = item;
  }

  private pop(): { atMs: number; customer: string } {
    const heap = this.heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      let smallestAtMs = last.atMs;
      if (left < heap.length && heap[left]!.atMs < smallestAtMs) {
        smallest = left;
        smallestAtMs = heap[left]!.atMs;
      }
      if (right < heap.length && heap[right]!.atMs < smallestAtMs) smallest = right;
      if (smallest === i) break;
      heap[i] = heap[smallest]!;
      i = smallest;
    }
    heap[i] = last;
    return top;
  }
}
