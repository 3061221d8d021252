-- Repairs one scenario's derived structures from what `relance doctor` recomputed from the
-- enrollments (src/enroll/doctor.ts). Every repair re-checks what it relies on, so a contact
-- that moved since the doctor read it is left to the engine.
-- KEYS[1]   enrollments:<scenario>
-- KEYS[2]   counts:<scenario>
-- KEYS[3]   blocked:<scenario>
-- KEYS[4]   due-index
-- KEYS[5]   ledger:<scenario>
-- KEYS[6]   unknown-sends
-- KEYS[7…]  due buckets named by the repairs below
-- ARGV[1]   JSON:
--   counts:   [[field, delta]]        counts from a consistent snapshot: the drift, added back
--   active:   delta                   the same for `_active`
--   unblock:  [id]                    entries of the blocked queue whose contact is not blocked
--   block:    [[id, value]]           blocked contacts missing from the queue (if still `value`)
--   schedule: [[id, value, bucket, member, score, due]]  contacts nothing will ever look at
--             again: queued in KEYS[bucket] (and due at `due` when it was 0), if still `value`
--   index:    [[bucket, member, score]]  non-empty buckets missing from the index
--   drop:     [[bucket, member]]      index members whose bucket is empty
--   ledger:   [[field, value, unknown, json]]  reservations with no outcome, older than the
--             in-flight window: a started one (`sending`) is marked `value` and reported in
--             unknown-sends as `unknown`; one never attempted (`pending`, value '') is released
-- Returns the number of repairs made.
local r = cjson.decode(ARGV[1])
local n = 0
for _, c in ipairs(r.counts) do
  redis.call('HINCRBY', KEYS[2], c[1], c[2])
  n = n + 1
end
if r.active ~= 0 then
  redis.call('HINCRBY', KEYS[2], '_active', r.active)
  n = n + 1
end
for _, id in ipairs(r.unblock) do
  n = n + redis.call('LREM', KEYS[3], 0, id)
end
for _, b in ipairs(r.block) do
  if redis.call('HGET', KEYS[1], b[1]) == b[2] then
    redis.call('RPUSH', KEYS[3], b[1])
    n = n + 1
  end
end
for _, s in ipairs(r.schedule) do
  local id, value, bucket, member, score, due = s[1], s[2], s[3], s[4], s[5], s[6]
  if redis.call('HGET', KEYS[1], id) == value then
    if due ~= cjson.null and due then
      local v, step, status, since, _, attempts = string.match(value, '^([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|(.*)$')
      redis.call('HSET', KEYS[1], id, v .. '|' .. step .. '|' .. status .. '|' .. since .. '|' .. due .. '|' .. attempts)
    end
    redis.call('RPUSH', KEYS[bucket], id)
    redis.call('ZADD', KEYS[4], 'NX', score, member)
    n = n + 1
  end
end
for _, i in ipairs(r.index) do
  if redis.call('LLEN', KEYS[i[1]]) > 0 then
    redis.call('ZADD', KEYS[4], i[3], i[2])
    n = n + 1
  end
end
for _, d in ipairs(r.drop) do
  if redis.call('LLEN', KEYS[d[1]]) == 0 then
    n = n + redis.call('ZREM', KEYS[4], d[2])
  end
end
for _, l in ipairs(r.ledger) do
  local current = redis.call('HGET', KEYS[5], l[1])
  if current and string.sub(current, 1, 8) == 'sending|' and l[2] ~= '' then
    redis.call('HSET', KEYS[5], l[1], l[2])
    redis.call('HSETNX', KEYS[6], l[3], l[4])
    n = n + 1
  elseif current and string.sub(current, 1, 8) == 'pending|' and l[2] == '' then
    redis.call('HDEL', KEYS[5], l[1])
    n = n + 1
  end
end
return n
