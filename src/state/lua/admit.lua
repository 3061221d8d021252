-- Enrolls contacts at a scenario's entry step, pinned to a version, and schedules that step.
-- Idempotent: a contact that already has an enrollment (in progress or finished) is left alone,
-- so "contacts who already went through never receive it again" (001) and a crashed admission
-- can simply run again. The caller has already filtered the ids (segment, suppression).
-- KEYS[1]  enrollments:<scenario>   hash id -> "version|step|status|since|due|attempts"
-- KEYS[2]  counts:<scenario>        hash "version|step|status" -> n, and "_active" -> n
-- KEYS[3]  due:<scenario>:<minute>  list of contact ids due in that minute
-- KEYS[4]  due-index                zset "<scenario>|<minute>" -> minute * 60
-- KEYS[5]  blocked:<scenario>       list of blocked ids, let in as places free up
-- ARGV[1]  version (short digest)
-- ARGV[2]  entry step id
-- ARGV[3]  now, in epoch seconds
-- ARGV[4]  active cap (0: none); contacts over it are enrolled as "blocked" (000), unscheduled
-- ARGV[5]  due time of the entry step, in epoch seconds (its minute is KEYS[3]'s)
-- ARGV[6]  the due-index member for KEYS[3]
-- ARGV[7…] contact ids
-- Returns { admitted, blocked, already }
local version, step, now, cap, due = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5]
local active = tonumber(redis.call('HGET', KEYS[2], '_active') or '0')
local admitted, blocked, already = 0, 0, 0
local scheduled = {}
for i = 7, #ARGV do
  local id = ARGV[i]
  if redis.call('HEXISTS', KEYS[1], id) == 1 then
    already = already + 1
  else
    local status, at = 'waiting', due
    if cap > 0 and active >= cap then status, at = 'blocked', '0' else active = active + 1 end
    redis.call('HSET', KEYS[1], id, version .. '|' .. step .. '|' .. status .. '|' .. now .. '|' .. at .. '|0')
    redis.call('HINCRBY', KEYS[2], version .. '|' .. step .. '|' .. status, 1)
    if status == 'blocked' then
      redis.call('RPUSH', KEYS[5], id)
      blocked = blocked + 1
    else
      admitted = admitted + 1
      scheduled[#scheduled + 1] = id
    end
  end
end
if #scheduled > 0 then
  redis.call('RPUSH', KEYS[3], unpack(scheduled))
  redis.call('ZADD', KEYS[4], 'NX', math.floor(tonumber(due) / 60) * 60, ARGV[6])
end
redis.call('HSET', KEYS[2], '_active', active)
return { admitted, blocked, already }
