-- Removes entries the sweep has queued from the head of a due bucket, and drops the bucket from
-- the index once it is empty, atomically, so an entry pushed meanwhile is never orphaned.
-- KEYS[1]  due:<scenario>:<minute>
-- KEYS[2]  due-index
-- ARGV[1]  how many entries were queued (from the head)
-- ARGV[2]  the bucket's due-index member
-- Returns the entries left in the bucket.
redis.call('LTRIM', KEYS[1], tonumber(ARGV[1]), -1)
local left = redis.call('LLEN', KEYS[1])
if left == 0 then redis.call('ZREM', KEYS[2], ARGV[2]) end
return left
