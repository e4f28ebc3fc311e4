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

  private push(item: { atMs: number; customer: string }): void {
    const heap = this.heap;
    heap.push(item);
    for (let i = heap.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.atMs <= heap[i]!.atMs) break;
      [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
      i = parent;
    }
  }

  private pop(): { atMs: number; customer: string } {
    const heap = this.heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      for (let i = 0; ;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < heap.length && heap[left]!.atMs < heap[smallest]!.atMs) smallest = left;
        if (right < heap.length && heap[right]!.atMs < heap[smallest]!.atMs) smallest = right;
        if (smallest === i) break;
        [heap[smallest], heap[i]] = [heap[i]!, heap[smallest]!];
        i = smallest;
      }
    }
    return top;
  }
}
