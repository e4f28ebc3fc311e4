// The Lua scripts every list change goes through. A change, its record in the change stream
// (with the next value of the revision counter) and its audit record are written together: no
// worker applies a change that has no audit record, and the sequence numbers of the change
// stream have no gaps unless records were trimmed or erased, which is how a worker knows it must
// reload in full rather than apply changes incrementally.
//
// Common KEYS: 1 definitions, 2 entries, 3 expiries, 4 changes, 5 revision, 6 audit.
// Common ARGV: 1 list name, 2 audit cap, 3 change cap, 4 number of audit field/value items, then
// the audit items, then the script's own arguments.

const PRELUDE = `
local list, auditCap, changeCap, nAudit = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local audit = {}
for i = 5, 4 + nAudit do audit[#audit + 1] = ARGV[i] end
local rest = 5 + nAudit
local function change(...)
  local seq = redis.call('INCR', KEYS[5])
  redis.call('XADD', KEYS[4], 'MAXLEN', '~', changeCap, '*', 'seq', seq, 'list', list, ...)
end
local function record(...)
  local fields = {unpack(audit)}
  for _, v in ipairs({...}) do fields[#fields + 1] = v end
  redis.call('XADD', KEYS[6], 'MAXLEN', '~', auditCap, '*', unpack(fields))
end
`;

/** Creates (ARGV rest: 'create', json) or updates ('update', json) a list. Answers 1, or -1 exists / -2 missing. */
export const WRITE_LIST = `${PRELUDE}
local mode, json = ARGV[rest], ARGV[rest + 1]
local exists = redis.call('HEXISTS', KEYS[1], list) == 1
if mode == 'create' and exists then return -1 end
if mode == 'update' and not exists then return -2 end
redis.call('HSET', KEYS[1], list, json)
change('op', 'list', 'data', json)
record()
return 1
`;

/** Deletes a list and its entries. Answers the number of entries it held, or -1 when it does not exist. */
export const DELETE_LIST = `${PRELUDE}
if redis.call('HDEL', KEYS[1], list) == 0 then return -1 end
local held = redis.call('HLEN', KEYS[2])
redis.call('UNLINK', KEYS[2], KEYS[3])
change('op', 'list_deleted')
record('count', held)
return held
`;

/**
 * Adds or replaces entries: ARGV rest holds (value, entry JSON, expiry ms) triples. Answers
 * {created, replaced}, or {-1, 0} when the list does not exist.
 */
export const PUT_ENTRIES = `${PRELUDE}
if redis.call('HEXISTS', KEYS[1], list) == 0 then return {-1, 0} end
local created, replaced = 0, 0
for i = rest, #ARGV, 3 do
  if redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) == 1 then created = created + 1 else replaced = replaced + 1 end
  redis.call('ZADD', KEYS[3], ARGV[i + 2], ARGV[i])
  change('op', 'put', 'value', ARGV[i], 'data', ARGV[i + 1])
end
record('created', created, 'replaced', replaced)
return {created, replaced}
`;

/** Removes one entry (ARGV rest: value). Answers 1, or 0 when it was not on the list. */
export const REMOVE_ENTRY = `${PRELUDE}
local value = ARGV[rest]
if redis.call('HDEL', KEYS[2], value) == 0 then return 0 end
redis.call('ZREM', KEYS[3], value)
change('op', 'del', 'value', value)
record()
return 1
`;

/**
 * Removes entries whose expiry has passed (ARGV rest: now ms, at most this many). The audit
 * record counts them without naming them. Answers how many were removed.
 */
export const SWEEP_EXPIRED = `${PRELUDE}
local due = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', ARGV[rest], 'LIMIT', 0, tonumber(ARGV[rest + 1]))
if #due == 0 then return 0 end
for _, value in ipairs(due) do
  redis.call('HDEL', KEYS[2], value)
  redis.call('ZREM', KEYS[3], value)
  change('op', 'del', 'value', value)
end
record('count', #due)
return #due
`;
