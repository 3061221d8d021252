-- Commits a worker's batch: each contact moves only if its enrollment is still what the worker
-- read (compare and set), so an event or a pause that happened meanwhile wins.
-- KEYS[1]   enrollments:<scenario>
-- KEYS[2]   counts:<scenario>
-- KEYS[3]   engagement:<scenario>
-- KEYS[4]   ledger:<scenario>
-- KEYS[5]   contact:data
-- KEYS[6]   due-index
-- KEYS[7]   errors:<scenario>  (why an enrollment ended in error)
-- KEYS[8]   blocked:<scenario> (contacts over the active cap, let in as places free up)
-- KEYS[9]   the due bucket of the current minute (where a let-in contact goes)
-- KEYS[10…] due buckets used by this batch
-- ARGV[2]   now, epoch seconds
-- ARGV[3]   KEYS[9]'s due-index member
-- ARGV[4]   KEYS[9]'s minute * 60
-- ARGV[1]   JSON array of operations:
--   { id, old, new, from, to, bucket (KEYS index or 0), member, score, eng, fields, ledger, value, done, passed, reason, outcome }
--   `from`/`to` are "version|step|status" count fields; `done` frees an active place;
--   `passed` lists the steps the contact went through (the live view's "went through" counts).
-- Returns the ids whose enrollment had changed (not committed).
local ops = cjson.decode(ARGV[1])
local skipped = {}
for _, op in ipairs(ops) do
  -- An email that went out is recorded as sent whatever happened to the enrollment meanwhile.
  -- A failed attempt clears its reservation (value ""), so the retry can reserve again.
  if op.ledger ~= cjson.null and op.ledger then
    if op.value == '' then redis.call('HDEL', KEYS[4], op.ledger) else redis.call('HSET', KEYS[4], op.ledger, op.value) end
  end
  if redis.call('HGET', KEYS[1], op.id) ~= op.old then
    skipped[#skipped + 1] = op.id
  else
    redis.call('HSET', KEYS[1], op.id, op.new)
    if op.from ~= op.to then
      redis.call('HINCRBY', KEYS[2], op.from, -1)
      redis.call('HINCRBY', KEYS[2], op.to, 1)
    end
    if op.done then
      redis.call('HINCRBY', KEYS[2], '_active', -1)
      -- A place is free: the first blocked contact enters now (000).
      local waiting = redis.call('LPOP', KEYS[8])
      local value = waiting and redis.call('HGET', KEYS[1], waiting)
      if value then
        local version, step, status = string.match(value, '^([^|]*)|([^|]*)|([^|]*)|')
        if status == 'blocked' then
          redis.call('HSET', KEYS[1], waiting, version .. '|' .. step .. '|waiting|' .. ARGV[2] .. '|' .. ARGV[2] .. '|0')
          redis.call('HINCRBY', KEYS[2], version .. '|' .. step .. '|blocked', -1)
          redis.call('HINCRBY', KEYS[2], version .. '|' .. step .. '|waiting', 1)
          redis.call('HINCRBY', KEYS[2], '_active', 1)
          redis.call('RPUSH', KEYS[9], waiting)
          redis.call('ZADD', KEYS[6], 'NX', ARGV[4], ARGV[3])
        end
      end
    end
    if op.reason ~= cjson.null and op.reason then redis.call('HSET', KEYS[7], op.id, op.reason) end
    if op.outcome ~= cjson.null and op.outcome then redis.call('HINCRBY', KEYS[2], '_outcome|' .. op.outcome, 1) end
    for _, step in ipairs(op.passed) do redis.call('HINCRBY', KEYS[2], '_passed|' .. step, 1) end
    if op.bucket > 0 then
      redis.call('RPUSH', KEYS[op.bucket], op.id)
      redis.call('ZADD', KEYS[6], 'NX', op.score, op.member)
    end
    if op.eng ~= cjson.null and op.eng then redis.call('HSET', KEYS[3], op.id, op.eng) end
    if op.fields ~= cjson.null and op.fields then redis.call('HSET', KEYS[5], op.id, op.fields) end
  end
end
return skipped
