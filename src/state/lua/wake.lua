-- Makes a waiting contact due now, so its conditions and exit rules are looked at again when an
-- event arrives (a reply, a click, a form), not only when its wait ends.
-- KEYS[1]  enrollments:<scenario>
-- KEYS[2]  due:<scenario>:<minute of now>
-- KEYS[3]  due-index
-- ARGV[1]  contact id
-- ARGV[2]  now, epoch seconds
-- ARGV[3]  KEYS[2]'s due-index member
-- ARGV[4]  KEYS[2]'s minute * 60
-- Returns 1 when woken, 0 when not in a state to wake (finished, paused, on a task).
local value = redis.call('HGET', KEYS[1], ARGV[1])
if not value then return 0 end
local version, step, status, since, due, attempts = string.match(value, '^([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|(.*)$')
if not version or (status ~= 'waiting' and status ~= 'deferred') or due == '0' then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], version .. '|' .. step .. '|' .. status .. '|' .. since .. '|' .. ARGV[2] .. '|' .. attempts)
redis.call('RPUSH', KEYS[2], ARGV[1])
redis.call('ZADD', KEYS[3], 'NX', ARGV[4], ARGV[3])
return 1
