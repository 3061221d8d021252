-- Releases a lock only if this caller still holds it (the value starts with its token).
-- KEYS[1]  the lock key
-- ARGV[1]  the holder's token
-- Returns 1 when released, 0 when the lock was lost or taken by someone else.
local value = redis.call('GET', KEYS[1])
if value and string.sub(value, 1, #ARGV[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
