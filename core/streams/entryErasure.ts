import type { Redis } from 'ioredis';

// Streams that carry customer data in transit (the alert outbox, the offer log, dead letters)
// are capped, not trimmed as they are consumed, so an entry about a customer may sit there long
// after its effect is done. Erasure walks such a stream page by page, reading it from the start
// to the newest entry, and deletes the entries that name the customer. The walk reads the whole
// stream (bounded by its cap): affordable for a rare admin operation, not for a hot path.

const PAGE = 500;

/**
 * XDELs every entry whose fields `names` says belong to the customer; answers how many. Entries
 * added while the walk runs may be missed if they arrive behind its position; erasure runs after
 * the customer's state is gone, so such an entry comes from an event still in the pipeline.
 */
export async function deleteStreamEntries(redis: Redis, stream: string, names: (fields: string[]) => boolean): Promise<number> {
  let start = '-';
  let deleted = 0;
  for (;;) {
    const page = await redis.xrange(stream, start, '+', 'COUNT', PAGE);
    const matching = page.filter(([, fields]) => names(fields)).map(([id]) => id);
    if (matching.length > 0) deleted += await redis.xdel(stream, ...matching);
    if (page.length < PAGE) return deleted;
    start = `(${page.at(-1)![0]}`;
  }
}

