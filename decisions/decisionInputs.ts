import type { Redis } from 'ioredis';
import type { VigilEvent } from '../core/events/index.js';
import { isCluster } from '../core/redis.js';
import { globalKeys, partitionKeys, partitionOf } from '../core/streams/index.js';
import type { EventAppender } from '../ingest/eventAppender.js';
import { decodeCustomerInputs, type CustomerInputs } from '../risk/customerInputs.js';

// What an in-line decision is made on, in one round trip: the event id's claim (as ingest claims
// it: SET ids:<event_id> <customer> NX GET), the answer recorded for an earlier request with the
// same id, and, when there is none, the customer's risk state, profile and snoozes. A retry is
// answered from its record without assessing anything; an id held by another customer is refused
// before anything is read. The claim key lies in no partition's slot, so on a Cluster the claim
// goes as its own command beside the script (still one round trip: they are sent together).
// KEYS: decision record, risk state, profile, snoozes[, claim]; ARGV: dedup window (s), customer.
// Answers {'conflict'}, {'recorded', decision JSON} or {'read', state, profile, snoozes}.
const CLAIM_AND_READ = `
if #KEYS == 5 then
  local owner = redis.call('SET', KEYS[5], ARGV[2], 'NX', 'GET', 'EX', ARGV[1])
  if owner and owner ~= ARGV[2] then return {'conflict'} end
end
local recorded = redis.call('GET', KEYS[1])
if recorded then return {'recorded', recorded} end
return {'read', redis.call('GET', KEYS[2]), redis.call('GET', KEYS[3]), redis.call('GET', KEYS[4])}
`;

type ReadingRedis = Redis & {
  vigilClaimAndReadForDecision(numKeys: number, ...args: (string | number)[]): Promise<[string, ...(string | null)[]]>;
};

/** What a decision starts from: its id taken by another customer, the answer recorded for it, or the customer's inputs. */
export type DecisionStart =
  | { kind: 'id_conflict' }
  | { kind: 'recorded'; decision: string }
  | { kind: 'fresh'; inputs: CustomerInputs };

export class DecisionInputs {
  private readonly redis: ReadingRedis;
  private readonly claimPrefix: string;
  private readonly oneNode: boolean;

  constructor(
    redis: Redis,
    private readonly appender: EventAppender,
    private readonly opts: { prefix: string; partitions: number; dedupWindowSeconds: number },
  ) {
    redis.defineCommand('vigilClaimAndReadForDecision', { lua: CLAIM_AND_READ });
    this.redis = redis as ReadingRedis;
    this.oneNode = !isCluster(redis);
    this.claimPrefix = globalKeys(opts.prefix).eventIdClaimPrefix;
  }

  /** Claims the event's id for its customer and reads what deciding on it needs (one round trip). */
  async start(event: VigilEvent): Promise<DecisionStart> {
    const keys = partitionKeys(this.opts.prefix, partitionOf(event.customer_id, this.opts.partitions));
    const customer = event.customer_id;
    const read = [keys.decisionPrefix + event.event_id, keys.riskStatePrefix + customer, keys.profilePrefix + customer, keys.snoozePrefix + customer];
    let reply: [string, ...(string | null)[]];
    if (this.oneNode) {
      reply = await this.redis.vigilClaimAndReadForDecision(5, ...read, this.claimPrefix + event.event_id, this.opts.dedupWindowSeconds, customer);
    } else {
      const [claimed, answer] = await Promise.all([
        this.appender.claimOne(event), this.redis.vigilClaimAndReadForDecision(4, ...read, this.opts.dedupWindowSeconds, customer),
      ]);
      reply = claimed ? answer : ['conflict'];
    }
    if (reply[0] === 'conflict') return { kind: 'id_conflict' };
    if (reply[0] === 'recorded') return { kind: 'recorded', decision: reply[1]! };
    return { kind: 'fresh', inputs: decodeCustomerInputs(reply[1], reply[2], reply[3]) };
  }
}
