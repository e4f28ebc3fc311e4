// Short lists of single events a customer's state keeps for a window ([time, ...] rows): the last
// hour's card payments online, a quarter's money moved in from the customer's own accounts, a
// quarter's flows with counterparties. Each is kept in a total order (time, then content), so what
// is stored does not depend on the order events arrived in; rows older than the window are
// dropped, then the oldest beyond a cap. Written once here for all of them.

/**
 * `kept` with `entry` added in order (unless it is older than `oldest`), rows older than `oldest`
 * dropped, then the oldest beyond `cap`. The list itself when there is nothing to add and nothing
 * is old (the common case); `kept` is never changed.
 */
export function keepInOrder<T extends readonly [number, ...unknown[]]>(
  kept: readonly T[], entry: T | undefined, oldest: number, cap: number, compare: (a: T, b: T) => number,
): T[] {
  if (entry === undefined && (kept.length === 0 || kept[0]![0] >= oldest)) return kept as T[];
  const next = kept.filter((row) => row[0] >= oldest);
  if (entry !== undefined && entry[0] >= oldest) {
    let at = next.length;
    while (at > 0 && compare(next[at - 1]!, entry) > 0) at--;
    next.splice(at, 0, entry);
  }
  return next.length > cap ? next.slice(next.length - cap) : next;
}
