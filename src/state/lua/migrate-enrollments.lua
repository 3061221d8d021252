-- Moves in-progress enrollments of older versions to a new version (updateStrategy: migrate).
-- A contact keeps its step when the new version has it, else follows the step map; a contact
-- with nowhere to go stays pinned to its version (the plan refused that case before apply).
-- KEYS[1]  enrollments:<scenario>
-- KEYS[2]  counts:<scenario>
-- ARGV[1]  new version (short digest)
-- ARGV[2]  JSON object: step id of the new version -> true
-- ARGV[3]  JSON object: old step id -> new step id
-- ARGV[4…] contact ids
-- Returns the number of enrollments moved.
local target = ARGV[1]
local steps = cjson.decode(ARGV[2])
local map = cjson.decode(ARGV[3])
local progress = { running = true, waiting = true, paused = true, blocked = true, deferred = true }
local moved = 0
for i = 4, #ARGV do
  local value = redis.call('HGET', KEYS[1], ARGV[i])
  if value then
    local version, step, status, since = string.match(value, '^([^|]*)|([^|]*)|([^|]*)|(.*)$')
    if version ~= target and progress[status] then
      local to = steps[step] and step or map[step]
      if to and steps[to] then
        redis.call('HSET', KEYS[1], ARGV[i], target .. '|' .. to .. '|' .. status .. '|' .. since)
        redis.call('HINCRBY', KEYS[2], version .. '|' .. step .. '|' .. status, -1)
        redis.call('HINCRBY', KEYS[2], target .. '|' .. to .. '|' .. status, 1)
        moved = moved + 1
      end
    end
  end
end
return moved
