-- Puts contacts back in a due bucket without changing their enrollments: a batch withdrawn
-- because its scenario was paused goes back where it was until the scenario resumes.
-- KEYS[1]  due:<scenario>:<minute>
-- KEYS[2]  due-index
-- ARGV[1]  KEYS[1]'s due-index member
-- ARGV[2]  KEYS[1]'s minute * 60
-- ARGV[3…] contact ids
-- Returns the bucket's length.
local n = redis.call('RPUSH', KEYS[1], unpack(ARGV, 3))
redis.call('ZADD', KEYS[2], 'NX', ARGV[2], ARGV[1])
return n
