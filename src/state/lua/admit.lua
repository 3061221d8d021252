-- Enrolls contacts at a scenario's entry step, pinned to a version, and schedules that step.
-- Idempotent: a contact that already has an enrollment is left alone, so "contacts who already
-- went through never receive it again" (001) and a crashed admission can simply run again.
-- With re-entry (`reentry: always`), a contact whose run has ended starts a new one; a contact
-- still in its run is left alone (re-entry is for contacts who finished). The caller has
-- already filtered the ids (segment, suppression, exclusivity, rate limits).
-- KEYS[1]  enrollments:<scenario>   hash id -> "version|step|status|since|due|attempts"
-- KEYS[2]  counts:<scenario>        hash "version|step|status" -> n, and "_active" -> n
-- KEYS[3]  due:<scenario>:<minute>  list of contact ids due in that minute
-- KEYS[4]  due-index                zset "<scenario>|<minute>" -> minute * 60
-- KEYS[5]  blocked:<scenario>       list of blocked ids, let in as places free up
-- KEYS[6]  engagement:<scenario>    what the contact did in its run (cleared on re-entry)
-- KEYS[7]  errors:<scenario>        why a run ended in error (cleared on re-entry)
-- ARGV[1]  version (short digest)
-- ARGV[2]  entry step id
-- ARGV[3]  now, in epoch seconds
-- ARGV[4]  active cap (0: none); contacts over it are enrolled as "blocked" (000), unscheduled
-- ARGV[5]  due time of the entry step, in epoch seconds (its minute is KEYS[3]'s)
-- ARGV[6]  the due-index member for KEYS[3]
-- ARGV[7]  1 when contacts whose run ended enter again, else 0
-- ARGV[8…] contact ids
-- Returns { admitted, blocked, already, reentered } (reentered are also in admitted or blocked)
-- #include lib/enrollment.lua
local version, step, now, cap, due, reenter = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5], ARGV[7] == '1'
local active = tonumber(redis.call('HGET', KEYS[2], '_active') or '0')
local admitted, blocked, already, reentered = 0, 0, 0, 0
local scheduled = {}
for i = 8, #ARGV do
  local id = ARGV[i]
  local previous = redis.call('HGET', KEYS[1], id)
  local enter = not previous
  if previous and reenter then
    local v, s, status = unpack_enrollment(previous)
    if v and not IN_PROGRESS[status] then
      count(KEYS[2], v, s, status, -1)
      redis.call('HDEL', KEYS[6], id)
      redis.call('HDEL', KEYS[7], id)
      reentered = reentered + 1
      enter = true
    end
  end
  if not enter then
    already = already + 1
  else
    local status, at = 'waiting', due
    if cap > 0 and active >= cap then status, at = 'blocked', '0' else active = active + 1 end
    redis.call('HSET', KEYS[1], id, pack_enrollment(version, step, status, now, at, 0))
    count(KEYS[2], version, step, status, 1)
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
return { admitted, blocked, already, reentered }
