// The one Lua script every campaign change goes through. The definition, its audit entry and the
// change counter other processes poll are written together, so no process reloads a change that
// has no audit entry, and no audit entry exists for a change that did not happen.

/**
 * Compare-and-set of one campaign: writes the new document only if the stored one is still
 * exactly what the caller read ('' = the id must be absent), so of two concurrent creates or
 * edits exactly one wins and the other re-reads. Answers the new change-counter value, or false
 * on a conflict.
 * KEYS: definitions hash, audit stream, change counter.
 * ARGV: id, expected JSON ('' = absent), new JSON, audit cap, then the audit entry's field/value pairs.
 */
export const WRITE_CAMPAIGN = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if ARGV[2] == '' then
  if current then return false end
elseif current ~= ARGV[2] then
  return false
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[4], '*', unpack(ARGV, 5))
return redis.call('INCR', KEYS[3])
`;
