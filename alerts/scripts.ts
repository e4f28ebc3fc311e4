// Lua scripts of the alert store. Each change of an alert, its indexes, its outbox entry and its
// live-feed message happen in one script, so no reader ever sees an alert without its index, and
// no alert or transition exists without the outbox entry that drives webhooks and the archive
// (even if the process dies right after). The feed message carries the outbox entry id as its id.

/**
 * Creates each alert whose document does not exist yet (SET NX on an id derived from the dedup
 * key): exactly once under concurrency and redelivery. Answers the ids it created. An alert with
 * a deadline (a complaint's SLA) enters the due index the escalation sweep reads.
 * KEYS: by-created, by-status:open, outbox, due-at, then per alert [doc, by-customer].
 * ARGV: feed channel, outbox cap, then per alert [id, JSON, createdAt ms, dueAt ms or ''].
 */
export const RAISE_ALERTS = `
local created = {}
for i = 1, (#KEYS - 4) / 2 do
  local a = 2 + (i - 1) * 4
  local id, doc, score, due = ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], ARGV[a + 4]
  if redis.call('SET', KEYS[3 + 2 * i], doc, 'NX') then
    redis.call('ZADD', KEYS[1], score, id)
    redis.call('ZADD', KEYS[2], score, id)
    redis.call('ZADD', KEYS[4 + 2 * i], score, id)
    if due ~= '' then redis.call('ZADD', KEYS[4], due, id) end
    local sid = redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[2], '*', 'event', 'alert.created', 'alert', doc)
    redis.call('PUBLISH', ARGV[1], '{"id":"' .. sid .. '","event":"alert.created","alert":' .. doc .. '}')
    created[#created + 1] = id
  end
end
return created
`;

/**
 * Compare-and-set of one alert: replaces the document only if it is still exactly what the caller
 * read, so two concurrent transitions never both win and no history entry is lost (the loser
 * re-reads and re-applies). Answers the outbox entry id, or false on a conflict.
 * KEYS: doc, by-status:<from>, by-status:<to>, resolved-at, outbox, due-at.
 * ARGV: expected JSON, new JSON, id, createdAt ms, feed channel, outbox cap, resolved at ms ('' unless
 * resolved), due at ms ('' once it is no longer to be escalated: resolved or escalated).
 */
export const TRANSITION_ALERT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return false end
redis.call('SET', KEYS[1], ARGV[2])
if KEYS[2] ~= KEYS[3] then
  redis.call('ZREM', KEYS[2], ARGV[3])
  redis.call('ZADD', KEYS[3], ARGV[4], ARGV[3])
end
if ARGV[7] ~= '' then redis.call('ZADD', KEYS[4], ARGV[7], ARGV[3]) else redis.call('ZREM', KEYS[4], ARGV[3]) end
if ARGV[8] ~= '' then redis.call('ZADD', KEYS[6], ARGV[8], ARGV[3]) else redis.call('ZREM', KEYS[6], ARGV[3]) end
local sid = redis.call('XADD', KEYS[5], 'MAXLEN', '~', ARGV[6], '*', 'event', 'alert.updated', 'alert', ARGV[2])
redis.call('PUBLISH', ARGV[5], '{"id":"' .. sid .. '","event":"alert.updated","alert":' .. ARGV[2] .. '}')
return sid
`;

/**
 * Deletes a resolved alert past retention with all its index entries, unless it changed since it
 * was read (reopened, commented). KEYS: doc, by-created, by-status:resolved, by-customer, resolved-at, due-at.
 * ARGV: expected JSON, id. Answers 1 when deleted.
 */
export const SWEEP_ALERT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
for i = 2, 6 do redis.call('ZREM', KEYS[i], ARGV[2]) end
return 1
`;

/**
 * Erases one alert whatever its state (privacy erasure): the document and its id in every index.
 * KEYS: doc, by-created, resolved-at, by-customer, due-at, then by-status:<status> for every status.
 * ARGV: id. Answers 1 when the document existed.
 */
export const ERASE_ALERT = `
local existed = redis.call('DEL', KEYS[1])
for i = 2, #KEYS do redis.call('ZREM', KEYS[i], ARGV[1]) end
return existed
`;
