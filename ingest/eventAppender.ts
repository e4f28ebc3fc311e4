import type { Redis } from 'ioredis';
import { toWireEvent, type VigilEvent } from '../core/events/index.js';
import { partitionKeys, partitionOf } from '../core/streams/index.js';

// Marks the event id as seen and appends it in one atomic step, so a retried post can neither
// lose an event (seen but not appended) nor append it twice.
// KEYS[1] = partition stream, KEYS[2..] = seen markers; ARGV[1] = dedup window (s), ARGV[2..] = payloads.
const APPEND_UNSEEN = `
local appended = {}
for i = 2, #KEYS do
  if redis.call('SET', KEYS[i], '1', 'NX', 'EX', ARGV[1]) then
    redis.call('XADD', KEYS[1], '*', 'event', ARGV[i])
    appended[i - 1] = 1
  else
    appended[i - 1] = 0
  end
end
return appended
`;

type AppendingRedis = Redis & {
  vigilAppendUnseen(numKeys: number, ...args: (string | number)[]): Promise<number[]>;
};

export interface AppendResult {
  accepted: number;
  duplicates: number;
}

export class EventAppender {
  private readonly redis: AppendingRedis;

  constructor(
    redis: Redis,
    private readonly opts: { prefix: string; partitions: number; dedupWindowSeconds: number },
  ) {
    redis.defineCommand('vigilAppendUnseen', { lua: APPEND_UNSEEN });
    this.redis = redis as AppendingRedis;
  }

  /** Appends each event to its customer's partition unless its event_id was seen in the window. */
  async append(events: readonly VigilEvent[]): Promise<AppendResult> {
    const byPartition = new Map<number, VigilEvent[]>();
    for (const event of events) {
      const p = partitionOf(event.customer_id, this.opts.partitions);
      const list = byPartition.get(p);
      if (list) list.push(event);
      else byPartition.set(p, [event]);
    }
    const flags = await Promise.all(
      [...byPartition].map(([p, list]) => {
        const keys = partitionKeys(this.opts.prefix, p);
        const seen = list.map((e) => keys.seenPrefix + e.event_id);
        const payloads = list.map(toWireEvent);
        return this.redis.vigilAppendUnseen(seen.length + 1, keys.stream, ...seen, this.opts.dedupWindowSeconds, ...payloads);
      }),
    );
    const accepted = flags.flat().reduce<number>((sum, f) => sum + Number(f), 0);
    return { accepted, duplicates: events.length - accepted };
  }
}
