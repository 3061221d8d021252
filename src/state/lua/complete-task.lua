-- Marks a manual task done (003): the contact moves on to the step after the task, due now, or
-- its run ends when the task was the last step. Exactly one caller wins a task: the first to
-- remove it from the open tasks.
-- KEYS[1]  tasks                    hash task id -> JSON
-- KEYS[2]  enrollments:<scenario>
-- KEYS[3]  counts:<scenario>
-- KEYS[4]  due:<scenario>:<minute of now>
-- KEYS[5]  due-index
-- KEYS[6]  blocked:<scenario>
-- ARGV[1]  task id
-- ARGV[2]  contact id
-- ARGV[3]  the task's step id
-- ARGV[4]  the step after it ("" when the run ends there)
-- ARGV[5]  now, epoch seconds
-- ARGV[6]  KEYS[4]'s due-index member
-- ARGV[7]  KEYS[4]'s minute * 60
-- Returns "moved" (the contact went on), "left" (it had left the task meanwhile: a reply, a
-- removal; the task is closed), "paused" (the contact is paused: the task stays open), or
-- "unknown" (no such open task: already done, by this caller or another).
-- #include lib/enrollment.lua
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 'unknown' end
local value = redis.call('HGET', KEYS[2], ARGV[2])
local version, step, status
if value then version, step, status = unpack_enrollment(value) end
if step == ARGV[3] and status == 'paused' then return 'paused' end
redis.call('HDEL', KEYS[1], ARGV[1])
if step ~= ARGV[3] or status ~= 'waiting' then return 'left' end
local now = ARGV[5]
count(KEYS[3], version, step, 'waiting', -1)
redis.call('HINCRBY', KEYS[3], '_passed|' .. step, 1)
if ARGV[4] ~= '' then
  redis.call('HSET', KEYS[2], ARGV[2], pack_enrollment(version, ARGV[4], 'waiting', now, now, 0))
  count(KEYS[3], version, ARGV[4], 'waiting', 1)
  redis.call('RPUSH', KEYS[4], ARGV[2])
  redis.call('ZADD', KEYS[5], 'NX', ARGV[7], ARGV[6])
else
  redis.call('HSET', KEYS[2], ARGV[2], pack_enrollment(version, step, 'finished', now, 0, 0))
  count(KEYS[3], version, step, 'finished', 1)
  redis.call('HINCRBY', KEYS[3], '_outcome|end', 1)
  redis.call('HINCRBY', KEYS[3], '_active', -1)
  let_in(KEYS[2], KEYS[3], KEYS[6], KEYS[4], KEYS[5], now, ARGV[6], ARGV[7])
end
return 'moved'
