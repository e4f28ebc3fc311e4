import type { Redis } from 'ioredis';
import { InvalidCursorError } from './errors.js';

// Newest-first paging over a sorted set scored by createdAt (ms), with filters applied while
// reading. Several alerts can share a millisecond (one raise call stamps a whole batch), so a
// position is (score, how many members with that score were already passed): ZRANGE … REV LIMIT
// <skip> resumes exactly there. Work per call is bounded by `maxScan` index entries: a page may
// hold fewer than `limit` alerts and still carry a cursor, meaning "more may match further back".

export interface IndexPosition {
  score: number;
  skip: number;
}

export function encodeCursor(pos: IndexPosition): string {
  return `${pos.score}.${pos.skip}`;
}

export function decodeCursor(cursor: string): IndexPosition {
  const match = /^(\d{1,15})\.(\d{1,6})$/.exec(cursor);
  if (!match) throw new InvalidCursorError(cursor);
  return { score: Number(match[1]), skip: Number(match[2]) };
}

export interface IndexScan<T> {
  index: string;
  /** Inclusive createdAt bounds in ms. */
  minScore?: number;
  maxScore?: number;
  cursor?: string;
  limit: number;
  maxScan: number;
  /** Loads the items of a chunk of ids, undefined where one no longer exists. */
  load(ids: string[]): Promise<(T | undefined)[]>;
  accept(item: T): boolean;
}

const CHUNK = 200;

export async function scanIndex<T>(redis: Redis, scan: IndexScan<T>): Promise<{ items: T[]; nextCursor?: string }> {
  const min = scan.minScore === undefined ? '-inf' : String(scan.minScore);
  let pos: IndexPosition = scan.cursor ? decodeCursor(scan.cursor) : { score: scan.maxScore ?? Infinity, skip: 0 };
  if (scan.maxScore !== undefined && pos.score > scan.maxScore) pos = { score: scan.maxScore, skip: 0 };
  const items: T[] = [];
  let scanned = 0;
  while (items.length < scan.limit && scanned < scan.maxScan) {
    const count = Math.min(CHUNK, scan.maxScan - scanned);
    const max = pos.score === Infinity ? '+inf' : String(pos.score);
    const raw = await redis.zrange(scan.index, max, min, 'BYSCORE', 'REV', 'LIMIT', pos.skip, count, 'WITHSCORES');
    const ids = raw.filter((_, i) => i % 2 === 0);
    const loaded = ids.length ? await scan.load(ids) : [];
    let consumed = 0;
    for (let i = 0; i < ids.length && items.length < scan.limit; i++) {
      const score = Number(raw[2 * i + 1]);
      pos = score === pos.score ? { score, skip: pos.skip + 1 } : { score, skip: 1 };
      consumed++;
      const item = loaded[i];
      if (item !== undefined && scan.accept(item)) items.push(item);
    }
    scanned += consumed;
    if (ids.length < count && consumed === ids.length) return { items };
  }
  return { items, nextCursor: encodeCursor(pos) };
}
