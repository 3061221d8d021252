-- Records what a contact did (engagement flags) and makes it due now if it waits, so its
-- conditions and exit rules are looked at again when an event arrives (a reply, a click, a
-- form), not only when its wait ends.
-- KEYS[1]  enrollments:<scenario>
-- KEYS[2]  due:<scenario>:<minute of now>
-- KEYS[3]  due-index
-- KEYS[4]  engagement:<scenario>
-- ARGV[1]  contact id
-- ARGV[2]  now, epoch seconds
-- ARGV[3]  KEYS[2]'s due-index member
-- ARGV[4]  KEYS[2]'s minute * 60
-- ARGV[5…] engagement flags to add ('f', 'v' or '<flag>:<step>'), only if the contact is enrolled
-- Returns 1 when woken, 0 when not in a state to wake (not enrolled, finished, paused, on a task).
-- #include lib/enrollment.lua
local value = redis.call('HGET', KEYS[1], ARGV[1])
if not value then return 0 end
if #ARGV > 4 then add_flags(KEYS[4], ARGV[1], { unpack(ARGV, 5) }) end
local version, step, status, since, due, attempts = unpack_enrollment(value)
if not version or (status ~= 'waiting' and status ~= 'deferred') or due == '0' then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], pack_enrollment(version, step, status, since, ARGV[2], attempts))
redis.call('RPUSH', KEYS[2], ARGV[1])
redis.call('ZADD', KEYS[3], 'NX', ARGV[4], ARGV[3])
return 1
