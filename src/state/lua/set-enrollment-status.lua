-- Pauses, resumes or removes one contact's enrollment (SPEC 4: these work for single contacts).
-- KEYS[1]  enrollments:<scenario>
-- KEYS[2]  counts:<scenario>
-- KEYS[3]  due:<scenario>:<minute>   where a resumed contact is queued (its due time, or now)
-- KEYS[4]  due-index
-- ARGV[1]  contact id
-- ARGV[2]  "pause", "resume" or "remove"
-- ARGV[3]  now, in epoch seconds
-- ARGV[4]  the value the caller read (the bucket was chosen from it); anything else: retry
-- ARGV[5]  KEYS[3]'s due-index member
-- ARGV[6]  KEYS[3]'s minute * 60
-- Returns the previous status, "retry" when the enrollment changed meanwhile, or false.
local value = redis.call('HGET', KEYS[1], ARGV[1])
if not value then return false end
if value ~= ARGV[4] then return 'retry' end
local version, step, status, since, due, attempts = string.match(value, '^([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|(.*)$')
local progress = { running = true, waiting = true, paused = true, blocked = true, deferred = true }
local function move(to)
  redis.call('HINCRBY', KEYS[2], version .. '|' .. step .. '|' .. status, -1)
  if to then redis.call('HINCRBY', KEYS[2], version .. '|' .. step .. '|' .. to, 1) end
end
if ARGV[2] == 'pause' and progress[status] and status ~= 'paused' and status ~= 'blocked' then
  -- Its queued entry is dropped by the worker (a paused contact is not runnable).
  move('paused')
  redis.call('HSET', KEYS[1], ARGV[1], version .. '|' .. step .. '|paused|' .. since .. '|' .. due .. '|' .. attempts)
elseif ARGV[2] == 'resume' and status == 'paused' then
  -- Back in line at its place: due again when its wait ends, or now if that is past (000).
  move('waiting')
  redis.call('HSET', KEYS[1], ARGV[1], version .. '|' .. step .. '|waiting|' .. since .. '|' .. due .. '|' .. attempts)
  if due ~= '0' then
    redis.call('RPUSH', KEYS[3], ARGV[1])
    redis.call('ZADD', KEYS[4], 'NX', ARGV[6], ARGV[5])
  end
elseif ARGV[2] == 'remove' then
  -- Removal forgets the contact's run: added again, it starts from the beginning (000).
  move(nil)
  redis.call('HDEL', KEYS[1], ARGV[1])
  if progress[status] and status ~= 'blocked' then redis.call('HINCRBY', KEYS[2], '_active', -1) end
end
return status
