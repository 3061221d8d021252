-- Pauses, resumes or removes one contact's enrollment (SPEC 4: these work for single contacts).
-- KEYS[1]  enrollments:<scenario>
-- KEYS[2]  counts:<scenario>
-- ARGV[1]  contact id
-- ARGV[2]  "pause", "resume" or "remove"
-- ARGV[3]  now, in epoch seconds
-- Returns the previous status, or false when the contact is not enrolled.
local value = redis.call('HGET', KEYS[1], ARGV[1])
if not value then return false end
local version, step, status = string.match(value, '^([^|]*)|([^|]*)|([^|]*)|')
local progress = { running = true, waiting = true, paused = true, blocked = true, deferred = true }
local function move(to)
  redis.call('HINCRBY', KEYS[2], version .. '|' .. step .. '|' .. status, -1)
  if to then
    redis.call('HINCRBY', KEYS[2], version .. '|' .. step .. '|' .. to, 1)
    redis.call('HSET', KEYS[1], ARGV[1], version .. '|' .. step .. '|' .. to .. '|' .. ARGV[3])
  end
end
if ARGV[2] == 'pause' and progress[status] and status ~= 'paused' then
  move('paused')
elseif ARGV[2] == 'resume' and status == 'paused' then
  -- Back to waiting: the scheduler queues it again if its delay or condition is met.
  move('waiting')
elseif ARGV[2] == 'remove' then
  -- Removal forgets the contact's run: added again, it starts from the beginning (000).
  move(nil)
  redis.call('HDEL', KEYS[1], ARGV[1])
  if progress[status] and status ~= 'blocked' then redis.call('HINCRBY', KEYS[2], '_active', -1) end
end
return status
