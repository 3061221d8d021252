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
-- ARGV[1]   JSON array of operations (built by src/enroll/commit.ts):
--   { id, old, new, from, to, bucket (KEYS index or 0), member, score, flags, fields, ledger,
--     value, done, passed, reason, outcome, visit }
--   `from`/`to` are "version|step|status" count fields; `done` frees an active place; `flags`
--   are engagement flags to add ('r:<step>'); `passed` lists the steps the contact went through
--   (the live view's "went through" counts); `visit` is the ledger field of the visit the contact
--   leaves, whose reservation, if still `pending` (never attempted: a batch that died), is released.
-- ARGV[2]   now, epoch seconds
-- ARGV[3]   KEYS[9]'s due-index member
-- ARGV[4]   KEYS[9]'s minute * 60
-- Returns the ids whose enrollment had changed (not committed).
-- #include lib/enrollment.lua
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
    if op.visit ~= cjson.null and op.visit then
      local held = redis.call('HGET', KEYS[4], op.visit)
      if held and string.sub(held, 1, 8) == 'pending|' then redis.call('HDEL', KEYS[4], op.visit) end
    end
    if op.done then
      redis.call('HINCRBY', KEYS[2], '_active', -1)
      let_in(KEYS[1], KEYS[2], KEYS[8], KEYS[9], KEYS[6], ARGV[2], ARGV[3], ARGV[4])
    end
    if op.reason ~= cjson.null and op.reason then redis.call('HSET', KEYS[7], op.id, op.reason) end
    if op.outcome ~= cjson.null and op.outcome then redis.call('HINCRBY', KEYS[2], '_outcome|' .. op.outcome, 1) end
    for _, step in ipairs(op.passed) do redis.call('HINCRBY', KEYS[2], '_passed|' .. step, 1) end
    if op.bucket > 0 then
      redis.call('RPUSH', KEYS[op.bucket], op.id)
      redis.call('ZADD', KEYS[6], 'NX', op.score, op.member)
    end
    if #op.flags > 0 then add_flags(KEYS[3], op.id, op.flags) end
    if op.fields ~= cjson.null and op.fields then redis.call('HSET', KEYS[5], op.id, op.fields) end
  end
end
return skipped
