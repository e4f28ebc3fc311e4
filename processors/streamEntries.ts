// ioredis returns stream entries as [id, [field, value, ...]] tuples.
export type RawStreamEntry = [id: string, fields: string[] | null];

export interface StreamEntry {
  id: string;
  /** The event JSON as appended at ingest; undefined when the entry has no event field. */
  payload: string | undefined;
}

export function toStreamEntries(raw: readonly RawStreamEntry[]): StreamEntry[] {
  return raw.map(([id, fields]) => {
    const at = (fields ?? []).indexOf('event');
    return { id, payload: fields && at >= 0 && at % 2 === 0 ? fields[at + 1] : undefined };
  });
}

/** Milliseconds part of a stream id: when Redis accepted the entry at ingest. */
export function streamIdMs(id: string): number {
  return Number(id.slice(0, id.indexOf('-')));
}

/** Orders stream ids numerically ("10-0" after "9-5"). */
export function compareStreamIds(a: string, b: string): number {
  const [aMs, aSeq] = a.split('-').map(BigInt) as [bigint, bigint];
  const [bMs, bSeq] = b.split('-').map(BigInt) as [bigint, bigint];
  if (aMs !== bMs) return aMs < bMs ? -1 : 1;
  if (aSeq !== bSeq) return aSeq < bSeq ? -1 : 1;
  return 0;
}
