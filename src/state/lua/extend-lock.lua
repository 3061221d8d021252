-- Extends a lock's time to live if this caller still holds it.
-- KEYS[1]  the lock key
-- ARGV[1]  the holder's token
-- ARGV[2]  the new time to live, in milliseconds
-- Returns 1 when extended, 0 when the lock was lost.
local value = redis.call('GET', KEYS[1])
if value and string.sub(value, 1, #ARGV[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
