import type { Cluster, Redis } from 'ioredis';
import { z } from 'zod';
import { isCluster } from '../core/redis.js';
import { identifier } from '../core/events/index.js';
import { VigilError } from '../core/errors.js';
import { partitionKeys, partitionOf } from '../core/streams/index.js';
import { PROFILE_FIELDS, type CustomerProfile } from './profile.js';

/** A customer's profile as Vigil keeps it: the CRM's fields plus who wrote which version when. */
export interface StoredProfile {
  customerId: string;
  /** The profile without `version`, which lives beside it. */
  profile: CustomerProfile;
  version: number;
  updatedAt: string;
  updatedBy: string;
}

export type PutResult =
  | { status: 'created' | 'updated' | 'unchanged'; version: number }
  | { status: 'stale'; version: number; currentVersion: number };

export interface ProfileStoreOptions {
  prefix: string;
  partitions: number;
  /** Previous versions kept per customer; default 10, 0 keeps none. */
  historyLength?: number;
  /** Profiles (and their history) expire this long after the CRM last sent them; default never. */
  ttlSeconds?: number;
}

/** Customer ids follow the rules of the events' customer_id (one definition), so every event can find its profile. */
export const customerIdSchema = identifier;
/** The path params of every /v1/customers/:customerId… route: a bad id is a 400 there, never echoed back or looked up. */
export const customerParams = z.object({ customerId: customerIdSchema });

export class InvalidCustomerIdError extends VigilError {
  constructor(customerId: string) {
    super('INVALID_CUSTOMER_ID', `customer id ${JSON.stringify(customerId.slice(0, 140))} is not valid: 1-128 letters, digits and . _ : @ -`, 400);
  }
}

export class ProfileNotFoundError extends VigilError {
  constructor(customerId: string) {
    super('PROFILE_NOT_FOUND', `no profile for customer ${customerId}`, 404);
  }
}

/** The CRM sent a record no newer than the one stored: a newer profile replaces an older one, never the reverse. */
export class StaleProfileVersionError extends VigilError {
  constructor(customerId: string, offered: number, current: number) {
    super('STALE_PROFILE_VERSION', `customer ${customerId} has profile version ${current}; version ${offered} is not newer`, 409);
  }
}

/**
 * Decides and writes one profile atomically. The document is assembled here from JSON the caller
 * encoded, with the profile before the version: JSON values are self-delimiting, so the stored
 * document starting with the new head means exactly "same customer, same content".
 * KEYS: profile, history. ARGV: head ('{"customerId":…,"profile":{…},'), tail (',"updatedAt":…}'),
 * offered version ('' when the CRM gave none), history length, ttl seconds ('' for none).
 * Equal content with a newer CRM version records that version (so the older records in flight
 * stay refused) without a history entry: the CRM bumps versions for fields Vigil does not keep.
 * Answers {status, version now stored, version before}.
 */
const PUT_PROFILE = `
local current = redis.call('GET', KEYS[1])
local stored = -1
if current then
  local ok, doc = pcall(cjson.decode, current)
  if ok and type(doc) == 'table' and type(doc.version) == 'number' then stored = doc.version end
end
local offered = tonumber(ARGV[3])
local same = current ~= false and stored >= 0 and string.sub(current, 1, #ARGV[1]) == ARGV[1]
local ttl = tonumber(ARGV[5])
local function write(version)
  local doc = ARGV[1] .. '"version":' .. string.format('%d', version) .. ARGV[2]
  if ttl then redis.call('SET', KEYS[1], doc, 'EX', ttl) else redis.call('SET', KEYS[1], doc) end
  if ttl then redis.call('EXPIRE', KEYS[2], ttl) end
end
if offered and stored >= 0 and (offered < stored or (offered == stored and not same)) then
  return {'stale', offered, stored}
end
if same then
  if offered and offered > stored then
    write(offered)
    return {'unchanged', offered, stored}
  end
  if ttl then
    redis.call('EXPIRE', KEYS[1], ttl)
    redis.call('EXPIRE', KEYS[2], ttl)
  end
  return {'unchanged', stored, stored}
end
local version = offered or (math.max(stored, 0) + 1)
local keep = tonumber(ARGV[4])
if current and keep > 0 then
  redis.call('LPUSH', KEYS[2], current)
  redis.call('LTRIM', KEYS[2], 0, keep - 1)
end
write(version)
if current then return {'updated', version, stored} end
return {'created', version, version}
`;

type ScriptReply = [PutResult['status'], number, number];
// Keys and arguments in the order PUT_PROFILE reads them (the key count is fixed at definition).
type PutArgs = (string | number)[];
type ScriptedRedis = Redis & { vigilPutProfile(...args: PutArgs): Promise<ScriptReply> };
type ScriptedPipeline = ReturnType<Redis['pipeline']> & { vigilPutProfile(...args: PutArgs): unknown };

/**
 * Customer profiles in Redis, one JSON document per customer under its event partition's hash
 * tag, so the batch processor reads them with the partition's other state in one MGET.
 */
export class ProfileStore {
  private readonly redis: ScriptedRedis;
  private readonly historyLength: number;

  constructor(redis: Redis, private readonly opts: ProfileStoreOptions) {
    this.historyLength = opts.historyLength ?? 10;
    redis.defineCommand('vigilPutProfile', { numberOfKeys: 2, lua: PUT_PROFILE });
    this.redis = redis as ScriptedRedis;
  }

  /** The key the profile lives under; the processors read it with MGET. */
  profileKey(customerId: string): string {
    return partitionKeys(this.opts.prefix, partitionOf(customerId, this.opts.partitions)).profilePrefix + customerId;
  }

  // '#' is never part of a customer id, so no customer's profile key can be another's history key.
  private historyKey(customerId: string): string {
    return `${this.profileKey(customerId)}#history`;
  }

  /**
   * Stores the profile unless it is stale. With `profile.version` the CRM's numbering rules: it
   * must exceed the stored version (an equal version with equal content is a harmless resend,
   * `unchanged`). Without it the version is the stored one plus 1. Equal content is `unchanged`:
   * nothing is written but a newer CRM version number.
   */
  async put(customerId: string, profile: CustomerProfile, actor: string, nowMs = Date.now()): Promise<PutResult> {
    const [status, version, current] = await this.redis.vigilPutProfile(...this.putArgs(customerId, profile, actor, nowMs));
    return toPutResult(status, version, current);
  }

  /** Many profiles in one pipelined round trip, each still decided atomically on its own, in order. */
  async importMany(rows: readonly { customerId: string; profile: CustomerProfile }[], actor: string, nowMs = Date.now()): Promise<PutResult[]> {
    if (rows.length === 0) return [];
    const pipeline = this.redis.pipeline() as ScriptedPipeline;
    for (const row of rows) pipeline.vigilPutProfile(...this.putArgs(row.customerId, row.profile, actor, nowMs));
    const replies = (await pipeline.exec()) ?? [];
    return replies.map(([err, reply]) => {
      if (err) throw err;
      const [status, version, current] = reply as ScriptReply;
      return toPutResult(status, version, current);
    });
  }

  async get(customerId: string): Promise<StoredProfile | undefined> {
    assertCustomerId(customerId);
    return decodeStoredProfile(await this.redis.get(this.profileKey(customerId)));
  }

  /** Previous versions, newest first (the current one is not included). */
  async history(customerId: string, limit: number): Promise<StoredProfile[]> {
    assertCustomerId(customerId);
    if (limit <= 0) return [];
    const raws = await this.redis.lrange(this.historyKey(customerId), 0, limit - 1);
    return raws.map(decodeStoredProfile).filter((p): p is StoredProfile => p !== undefined);
  }

  /**
   * Every customer's profile with its kept history (oldest versions may have been let go), one
   * partition after another by SCAN: for a job that replays history (backtests), not for requests.
   */
  async *everyCustomer(): AsyncGenerator<{ customerId: string; versions: StoredProfile[] }> {
    // On a Redis Cluster every master holds some partitions; SCAN asks one node, so each is asked.
    const nodes = isCluster(this.redis) ? (this.redis as unknown as Cluster).nodes('master') : [this.redis];
    for (let partition = 0; partition < this.opts.partitions; partition++) {
      const prefix = partitionKeys(this.opts.prefix, partition).profilePrefix;
      for (const node of nodes) yield* this.scanNode(node, prefix);
    }
  }

  private async *scanNode(node: Redis, prefix: string): AsyncGenerator<{ customerId: string; versions: StoredProfile[] }> {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `${escapeGlob(prefix)}*`, 'COUNT', 1000);
      cursor = next;
      const profileKeys = keys.filter((key) => !key.endsWith('#history'));
      if (profileKeys.length === 0) continue;
      const pipeline = this.redis.pipeline();
      for (const key of profileKeys) pipeline.get(key).lrange(`${key}#history`, 0, -1);
      const replies = (await pipeline.exec()) ?? [];
      for (let i = 0; i < profileKeys.length; i++) {
        const [currentError, current] = replies[2 * i]!;
        const [historyError, history] = replies[2 * i + 1]!;
        if (currentError || historyError) throw currentError ?? historyError;
        const versions = [current as string | null, ...(history as string[])].map((raw) => decodeStoredProfile(raw ?? null)).filter((p): p is StoredProfile => p !== undefined);
        if (versions.length > 0) yield { customerId: versions[0]!.customerId, versions };
      }
    } while (cursor !== '0');
  }

  /** Deletes the profile and its history in one step; answers how many of each there were. */
  async erase(customerId: string): Promise<{ profiles: number; versions: number }> {
    assertCustomerId(customerId);
    const profileKey = this.profileKey(customerId);
    const historyKey = this.historyKey(customerId);
    const replies = await this.redis.multi().exists(profileKey).llen(historyKey).del(profileKey, historyKey).exec();
    const [exists, versions] = (replies ?? []).map(([error, reply]) => {
      if (error) throw error;
      return Number(reply);
    });
    return { profiles: exists ?? 0, versions: versions ?? 0 };
  }

  private putArgs(customerId: string, profile: CustomerProfile, actor: string, nowMs: number): PutArgs {
    assertCustomerId(customerId);
    if (profile.version !== undefined && !(Number.isSafeInteger(profile.version) && profile.version >= 0)) {
      throw new VigilError('INVALID_PROFILE_VERSION', `profile version must be a whole number ≥ 0, not ${profile.version}`, 400);
    }
    const head = `{"customerId":${JSON.stringify(customerId)},"profile":${canonicalProfileJson(profile)},`;
    const tail = `,"updatedAt":${JSON.stringify(new Date(nowMs).toISOString())},"updatedBy":${JSON.stringify(actor)}}`;
    const ttl = this.opts.ttlSeconds === undefined ? '' : Math.max(1, Math.ceil(this.opts.ttlSeconds));
    return [this.profileKey(customerId), this.historyKey(customerId), head, tail, profile.version ?? '', this.historyLength, ttl];
  }
}

/**
 * Reads a stored profile document. Only its shape is checked, not every field: the profile was
 * validated when written, and the batch processor decodes one per event.
 */
export function decodeStoredProfile(text: string | null): StoredProfile | undefined {
  if (text === null) return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof doc !== 'object' || doc === null) return undefined;
  const { customerId, profile, version, updatedAt, updatedBy } = doc as Record<string, unknown>;
  if (typeof customerId !== 'string' || typeof updatedAt !== 'string' || typeof updatedBy !== 'string') return undefined;
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0) return undefined;
  if (typeof profile !== 'object' || profile === null || Array.isArray(profile)) return undefined;
  return { customerId, profile: profile as CustomerProfile, version, updatedAt, updatedBy };
}

/** The profile's content in a fixed field order and without `version`, so equal content is equal text. */
function canonicalProfileJson(profile: CustomerProfile): string {
  const ordered: Record<string, unknown> = {};
  for (const field of PROFILE_FIELDS) {
    const value = profile[field];
    if (field === 'version' || value === undefined) continue;
    ordered[field] = isPlainObject(value) ? sortedObject(value) : value;
  }
  return JSON.stringify(ordered);
}

function sortedObject(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(value).sort().map((key) => [key, value[key]]));
}

/** The key prefix as a SCAN pattern: its hash tag's braces and any glob character taken literally. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function assertCustomerId(customerId: string): void {
  if (!customerIdSchema.safeParse(customerId).success) throw new InvalidCustomerIdError(customerId);
}

function toPutResult(status: PutResult['status'], version: number, current: number): PutResult {
  return status === 'stale' ? { status, version, currentVersion: current } : { status, version };
}
