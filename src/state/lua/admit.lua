-- Enrolls contacts at a scenario's entry step, pinned to a version. Idempotent: a contact that
-- already has an enrollment (in progress or finished) is left alone, so "contacts who already
-- went through never receive it again" (001) and a crashed admission can simply run again.
-- The caller has already filtered the ids (segment, suppression).
-- KEYS[1]  enrollments:<scenario>   hash id -> "version|step|status|since"
-- KEYS[2]  counts:<scenario>        hash "version|step|status" -> n, and "_active" -> n
-- ARGV[1]  version (short digest)
-- ARGV[2]  entry step id
-- ARGV[3]  now, in epoch seconds
-- ARGV[4]  active cap (0: none); contacts over it are enrolled as "blocked" (000)
-- ARGV[5…] contact ids
-- Returns { admitted, blocked, already }
local version, step, now, cap = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local active = tonumber(redis.call('HGET', KEYS[2], '_active') or '0')
local admitted, blocked, already = 0, 0, 0
for i = 5, #ARGV do
  local id = ARGV[i]
  if redis.call('HEXISTS', KEYS[1], id) == 1 then
    already = already + 1
  else
    local status = 'waiting'
    if cap > 0 and active >= cap then status = 'blocked' else active = active + 1 end
    redis.call('HSET', KEYS[1], id, version .. '|' .. step .. '|' .. status .. '|' .. now)
    redis.call('HINCRBY', KEYS[2], version .. '|' .. step .. '|' .. status, 1)
    if status == 'blocked' then blocked = blocked + 1 else admitted = admitted + 1 end
  end
end
redis.call('HSET', KEYS[2], '_active', active)
return { admitted, blocked, already }
