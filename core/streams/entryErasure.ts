import type { Redis } from 'ioredis';

// Streams that carry customer data in transit (the alert outbox, the offer log, dead letters)
// are capped, not trimmed as they are consumed, so an entry about a customer may sit there long
// after its effect is done. Subject access and erasure walk such a stream page by page, from the
// oldest entry to the newest, and read or delete the entries that name the customer. The walk
// reads the whole stream (bounded by its cap): affordable for a rare admin request, not for a hot path.

const PAGE = 500;

type Entry = [id: string, fields: string[]];

async function walk(redis: Redis, stream: string, onPage: (page: Entry[]) => Promise<void>): Promise<void> {
  let start = '-';
  for (;;) {
    const page = (await redis.xrange(stream, start, '+', 'COUNT', PAGE)) as Entry[];
    await onPage(page);
    if (page.length < PAGE) return;
    start = `(${page.at(-1)![0]}`;
  }
}

/** The entries whose fields `names` says belong to the customer, oldest first. */
export async function findStreamEntries(redis: Redis, stream: string, names: (fields: string[]) => boolean): Promise<Entry[]> {
  const found: Entry[] = [];
  await walk(redis, stream, async (page) => {
    found.push(...page.filter(([, fields]) => names(fields)));
  });
  return found;
}

/**
 * XDELs every entry whose fields `names` says belong to the customer; answers how many. An entry
 * added while the walk runs, behind its position, is missed: it comes from an event of the
 * customer still in the pipeline, which the erasure documents as starting new data.
 */
export async function deleteStreamEntries(redis: Redis, stream: string, names: (fields: string[]) => boolean): Promise<number> {
  let deleted = 0;
  await walk(redis, stream, async (page) => {
    const matching = page.filter(([, fields]) => names(fields)).map(([id]) => id);
    if (matching.length > 0) deleted += await redis.xdel(stream, ...matching);
  });
  return deleted;
}
