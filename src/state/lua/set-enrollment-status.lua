-- Pauses, resumes or removes one contact's enrollment (SPEC 4: these work for single contacts).
-- KEYS[1]  enrollments:<scenario>
-- KEYS[2]  counts:<scenario>
-- KEYS[3]  due:<scenario>:<minute>   where a resumed contact is queued (its due time, or now)
-- KEYS[4]  due-index
-- KEYS[5]  blocked:<scenario>
-- KEYS[6]  engagement:<scenario>
-- KEYS[7]  errors:<scenario>
-- KEYS[8]  due:<scenario>:<minute of now>   where a contact let in by a removal is queued
-- KEYS[9]  ledger:<scenario>   a reservation of the current visit never attempted is released on
--                              pause and removal (a live batch then finds it gone: no send)
-- ARGV[1]  contact id
-- ARGV[2]  "pause", "resume" or "remove"
-- ARGV[3]  now, in epoch seconds
-- ARGV[4]  the value the caller read (the bucket was chosen from it); anything else: retry
-- ARGV[5]  KEYS[3]'s due-index member
-- ARGV[6]  KEYS[3]'s minute * 60
-- ARGV[7]  KEYS[8]'s due-index member
-- ARGV[8]  KEYS[8]'s minute * 60
-- Returns the previous status, "retry" when the enrollment changed meanwhile, or false.
-- #include lib/enrollment.lua
local value = redis.call('HGET', KEYS[1], ARGV[1])
if not value then return false end
if value ~= ARGV[4] then return 'retry' end
local version, step, status, since, due, attempts = unpack_enrollment(value)
if ARGV[2] == 'pause' or ARGV[2] == 'remove' then
  local visit = ARGV[1] .. '|' .. step .. '|' .. since
  local held = redis.call('HGET', KEYS[9], visit)
  if held and string.sub(held, 1, 8) == 'pending|' then redis.call('HDEL', KEYS[9], visit) end
end
if ARGV[2] == 'pause' and IN_PROGRESS[status] and status ~= 'paused' and status ~= 'blocked' then
  -- Its queued entry is dropped by the worker (a paused contact is not runnable).
  count(KEYS[2], version, step, status, -1)
  count(KEYS[2], version, step, 'paused', 1)
  redis.call('HSET', KEYS[1], ARGV[1], pack_enrollment(version, step, 'paused', since, due, attempts))
elseif ARGV[2] == 'resume' and status == 'paused' then
  -- Back in line at its place: due again when its wait ends, or now if that is past (000).
  count(KEYS[2], version, step, 'paused', -1)
  count(KEYS[2], version, step, 'waiting', 1)
  redis.call('HSET', KEYS[1], ARGV[1], pack_enrollment(version, step, 'waiting', since, due, attempts))
  if due ~= '0' then
    redis.call('RPUSH', KEYS[3], ARGV[1])
    redis.call('ZADD', KEYS[4], 'NX', ARGV[6], ARGV[5])
  end
elseif ARGV[2] == 'remove' then
  -- Removal forgets the contact's run: added again, it starts from the beginning (000).
  count(KEYS[2], version, step, status, -1)
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('HDEL', KEYS[6], ARGV[1])
  redis.call('HDEL', KEYS[7], ARGV[1])
  if status == 'blocked' then redis.call('LREM', KEYS[5], 0, ARGV[1]) end
  if holds_place(status) then
    redis.call('HINCRBY', KEYS[2], '_active', -1)
    let_in(KEYS[1], KEYS[2], KEYS[5], KEYS[8], KEYS[4], ARGV[3], ARGV[7], ARGV[8])
  end
end
return status
