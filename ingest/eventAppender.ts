import type { Redis } from 'ioredis';
import { toWireEvent, type VigilEvent } from '../core/events/index.js';
import { isCluster } from '../core/redis.js';
import { globalKeys, partitionKeys, partitionOf } from '../core/streams/index.js';

// An event_id names one event of one customer, unique across the deployment for the dedup window
// (senders whose id spaces overlap prefix them: "card:123", "core:123"). Two steps enforce it:
//
// 1. Claim: SET ids:<event_id> <customer> NX GET, one command per event on its own key, so it works
//    on a Redis Cluster too. Unset → claimed; set to the same customer → a retry, go on; set to
//    another customer → refused as a conflict. A claim left by a failed append only lets the same
//    customer's retry through.
// 2. Append (one Lua script per partition): SET seen:<event_id> <customer> NX and XADD only when it
//    was unset, so marking and appending are one atomic step and a retried post can neither lose
//    an event nor append it twice. A seen marker holding another customer (the claim expired a
//    moment before the marker) is a conflict too, never a silent "duplicate".
//
// KEYS[1] = partition stream, KEYS[2..] = seen markers; ARGV[1] = dedup window (s),
// ARGV[2..] = customer id then payload, per event. Answers 1 appended, 0 duplicate, 2 conflict.
const APPEND_UNSEEN = `
local appended = {}
for i = 2, #KEYS do
  local customer, payload = ARGV[2 * i - 2], ARGV[2 * i - 1]
  local previous = redis.call('SET', KEYS[i], customer, 'NX', 'GET', 'EX', ARGV[1])
  if not previous then
    redis.call('XADD', KEYS[1], '*', 'event', payload)
    appended[i - 1] = 1
  elseif previous == customer or previous == '1' then
    appended[i - 1] = 0
  else
    appended[i - 1] = 2
  end
end
return appended
`;

// On a single Redis node both steps run in the one script per partition, claim first for each
// event: the same checks in the same order, without a command (and its promise) per event and a
// round trip before the append. On a Cluster the claim keys lie in other hash slots than the
// partition, so there the claims stay separate commands.
// KEYS[1] = partition stream, KEYS[2..n+1] = seen markers, KEYS[n+2..2n+1] = claims (same order);
// ARGV as APPEND_UNSEEN. Answers as APPEND_UNSEEN.
const CLAIM_AND_APPEND = `
local n = (#KEYS - 1) / 2
local appended = {}
for i = 1, n do
  local customer, payload = ARGV[2 * i], ARGV[2 * i + 1]
  local owner = redis.call('SET', KEYS[1 + n + i], customer, 'NX', 'GET', 'EX', ARGV[1])
  if owner and owner ~= customer then
    appended[i] = 2
  else
    local previous = redis.call('SET', KEYS[1 + i], customer, 'NX', 'GET', 'EX', ARGV[1])
    if not previous then
      redis.call('XADD', KEYS[1], '*', 'event', payload)
      appended[i] = 1
    elseif previous == customer or previous == '1' then
      appended[i] = 0
    else
      appended[i] = 2
    end
  end
end
return appended
`;

// An event decided in-line (POST /v1/decisions) enters the stream once, with its decision
// recorded beside its seen marker for the dedup window: a retry answers the recorded decision,
// whatever the customer's state has become since.
// KEYS: stream, seen marker, decision record; ARGV: window (s), customer, payload, decision JSON.
// Answers [outcome, decision JSON]: recorded (a retry), appended, duplicate (the event came
// through /v1/events first: not appended again), conflict (the id is another customer's).
const APPEND_DECIDED = `
local recorded = redis.call('GET', KEYS[3])
if recorded then return {'recorded', recorded} end
local previous = redis.call('SET', KEYS[2], ARGV[2], 'NX', 'GET', 'EX', ARGV[1])
if previous and previous ~= ARGV[2] and previous ~= '1' then return {'conflict', ''} end
redis.call('SET', KEYS[3], ARGV[4], 'EX', ARGV[1])
if previous then return {'duplicate', ARGV[4]} end
redis.call('XADD', KEYS[1], '*', 'event', ARGV[3])
return {'appended', ARGV[4]}
`;

type AppendingRedis = Redis & {
  vigilAppendUnseen(numKeys: number, ...args: (string | number)[]): Promise<number[]>;
  vigilClaimAndAppend(numKeys: number, ...args: (string | number)[]): Promise<number[]>;
  vigilAppendDecided(stream: string, seen: string, decision: string, ...args: (string | number)[]): Promise<[string, string]>;
};

/** What became of an event decided in-line, with the decision that stands for it. */
export type DecidedAppend =
  | { outcome: 'accepted' | 'duplicate'; decision: string }
  | { outcome: 'recorded'; decision: string }
  | { outcome: 'id_conflict' };

/** What became of one event: appended, already there for this customer, or its id taken by another customer. */
export type AppendOutcome = 'accepted' | 'duplicate' | 'id_conflict';

const OUTCOMES: readonly AppendOutcome[] = ['duplicate', 'accepted', 'id_conflict'];

export class EventAppender {
  private readonly redis: AppendingRedis;
  private readonly claimPrefix: string;
  private readonly oneNode: boolean;

  constructor(
    redis: Redis,
    private readonly opts: { prefix: string; partitions: number; dedupWindowSeconds: number },
  ) {
    redis.defineCommand('vigilAppendUnseen', { lua: APPEND_UNSEEN });
    redis.defineCommand('vigilAppendDecided', { numberOfKeys: 3, lua: APPEND_DECIDED });
    redis.defineCommand('vigilClaimAndAppend', { lua: CLAIM_AND_APPEND });
    this.redis = redis as AppendingRedis;
    this.oneNode = !isCluster(redis);
    this.claimPrefix = globalKeys(opts.prefix).eventIdClaimPrefix;
  }

  /** Each event's outcome, in input order. Appends each to its customer's partition unless its event_id was seen in the window. */
  async append(events: readonly VigilEvent[]): Promise<AppendOutcome[]> {
    if (this.oneNode) return this.claimAndAppend(events);
    const outcomes: AppendOutcome[] = new Array(events.length);
    const claimed = await this.claim(events);
    claimed.forEach((ok, i) => {
      if (!ok) outcomes[i] = 'id_conflict';
    });
    await Promise.all(
      [...this.byPartition(events, events.flatMap((_, i) => (claimed[i] ? [i] : [])))].map(async ([p, indexes]) => {
        const keys = partitionKeys(this.opts.prefix, p);
        const seen = indexes.map((i) => keys.seenPrefix + events[i]!.event_id);
        const args = indexes.flatMap((i) => [events[i]!.customer_id, toWireEvent(events[i]!)]);
        const flags = await this.redis.vigilAppendUnseen(seen.length + 1, keys.stream, ...seen, this.opts.dedupWindowSeconds, ...args);
        indexes.forEach((i, k) => (outcomes[i] = OUTCOMES[flags[k]!] ?? 'duplicate'));
      }),
    );
    return outcomes;
  }

  /** append() on a single Redis node: claim, mark and append in one script per partition. */
  private async claimAndAppend(events: readonly VigilEvent[]): Promise<AppendOutcome[]> {
    const outcomes: AppendOutcome[] = new Array(events.length);
    await Promise.all(
      [...this.byPartition(events, events.map((_, i) => i))].map(async ([p, indexes]) => {
        const keys = partitionKeys(this.opts.prefix, p);
        const args: (string | number)[] = [keys.stream];
        for (const i of indexes) args.push(keys.seenPrefix + events[i]!.event_id);
        for (const i of indexes) args.push(this.claimPrefix + events[i]!.event_id);
        args.push(this.opts.dedupWindowSeconds);
        for (const i of indexes) args.push(events[i]!.customer_id, toWireEvent(events[i]!));
        const flags = await this.redis.vigilClaimAndAppend(2 * indexes.length + 1, ...args);
        indexes.forEach((i, k) => (outcomes[i] = OUTCOMES[flags[k]!] ?? 'duplicate'));
      }),
    );
    return outcomes;
  }

  /**
   * Appends one event decided in-line with its decision, under the same claim and seen marker as
   * any event: exactly once, whichever of /v1/events and /v1/decisions saw it first. A retry gets
   * the decision recorded the first time. The caller has claimed the id for the event's customer
   * already (decisions/decisionInputs.ts does so with the read the decision is made on, in the
   * same round trip, or through claimOne on a Cluster).
   */
  async appendDecided(event: VigilEvent, decisionJson: string): Promise<DecidedAppend> {
    const keys = partitionKeys(this.opts.prefix, partitionOf(event.customer_id, this.opts.partitions));
    const [outcome, decision] = await this.redis.vigilAppendDecided(
      keys.stream, keys.seenPrefix + event.event_id, keys.decisionPrefix + event.event_id,
      this.opts.dedupWindowSeconds, event.customer_id, toWireEvent(event), decisionJson,
    );
    if (outcome === 'conflict') return { outcome: 'id_conflict' };
    if (outcome === 'recorded') return { outcome: 'recorded', decision };
    return { outcome: outcome === 'appended' ? 'accepted' : 'duplicate', decision };
  }

  /** The given indexes of events by their customer's partition, in input order within each. */
  private byPartition(events: readonly VigilEvent[], indexes: readonly number[]): Map<number, number[]> {
    const byPartition = new Map<number, number[]>();
    for (const i of indexes) {
      const p = partitionOf(events[i]!.customer_id, this.opts.partitions);
      const list = byPartition.get(p);
      if (list) list.push(i);
      else byPartition.set(p, [i]);
    }
    return byPartition;
  }

  /** Whether the event's id is (now) claimed by its own customer: one SET, for a Cluster, where the claim cannot join a script. */
  async claimOne(event: VigilEvent): Promise<boolean> {
    const [claimed] = await this.claim([event]);
    return claimed!;
  }

  /** Per event: whether its id is (now) claimed by its own customer. Sent together (auto-pipelined). */
  private async claim(events: readonly VigilEvent[]): Promise<boolean[]> {
    const previous = await Promise.all(events.map((event) =>
      this.redis.set(this.claimPrefix + event.event_id, event.customer_id, 'EX', this.opts.dedupWindowSeconds, 'NX', 'GET')));
    return previous.map((owner, i) => owner === null || owner === events[i]!.customer_id);
  }
}
