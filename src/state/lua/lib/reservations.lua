-- Whether the batch that holds a send reservation may still be working on it: its worker beats
-- (within `dead_after` seconds of `now`, Redis's clock) and lists it among the batches it runs.
-- A batch that failed (in a Redis outage, say) is not listed, so not alive either.
-- `workers` is the workers hash; `me` and `mine` (optional) are the calling worker's id and the
-- set of batches it runs, which it knows better than its last heartbeat does.
local function reservation_alive(workers, owner, now, dead_after, me, mine)
  local process = string.match(owner, '^(.*)/[^/]*$') or owner
  if me and process == me then return mine[owner] == true end
  local beat = redis.call('HGET', workers, process)
  if not beat then return false end
  local at, batches = string.match(beat, '^(%d+)|?(.*)$')
  if not at or now - tonumber(at) >= dead_after then return false end
  for batch in string.gmatch(batches, '[^,]+') do
    if batch == owner then return true end
  end
  return false
end
