-- A worker's per-send records, for many sends at once, in the order the worker gave them:
--   begin   the last look before an SMTP transaction starts: the send goes only if the scenario
--           still runs, the contact is where the worker read it (not paused, removed, replied
--           meanwhile), the address is not suppressed and the reservation is still this batch's.
--           Then the attempt is marked started, so a crash from here on reports the send as
--           "outcome unknown", and only then; and its Message-ID is indexed, so that a reply or
--           a bounce finds the send it answers. Otherwise the reservation is released and its
--           quota given back.
--   finish  a transaction's outcome, the moment it ends: sent, refused for good, or released for
--           a retry; a hard bounce suppresses the address in the same script, for every scenario.
-- KEYS[1]   suppressed
-- KEYS[2]   message-ids
-- KEYS[3…]  the ledger:<scenario>, scenario:<scenario> (its `state`), enrollments:<scenario>,
--           quota counters, links:<scenario> and threads:<scenario> the operations name, each
--           once; operations give their index in KEYS
-- ARGV      the operations, one after another:
--   'b', ledger#, scenario#, enrollments#, quota#, field, owner ("<worker id>/<batch>"), now
--        (epoch seconds, the engine's clock), contact id, the enrollment as the worker read it, email,
--        the Message-ID's 32 hex digits ('' for none), what they index ("<scenario>|<field>")
--   'f', ledger#, field, value ('' releases the reservation), email to suppress ('' for none),
--        its suppression record
--   'n', links:<scenario>#, link id, URL              a tracked link of the email about to go (HSETNX)
--   't', threads:<scenario>#, "<contact>|<step>", id  the Message-ID a later step replies to (HSET)
-- Returns one word per begin or finish, in order: go | suppressed | paused | archived | moved |
-- lost for a begin, ok for a finish ('n' and 't' answer nothing).
local out = {}
local function begin(ledger, scenario, enrollments, quota, field, owner, now, contact, enrollment, email, id, send)
  local mine = redis.call('HGET', ledger, field)
  if not mine or string.sub(mine, 1, 9 + #owner) ~= 'pending|' .. owner .. '|' then return 'lost' end
  local answer = 'go'
  local state = redis.call('HGET', scenario, 'state')
  if state == 'paused' then answer = 'paused'
  elseif state ~= 'running' then answer = 'archived'
  elseif redis.call('HGET', enrollments, contact) ~= enrollment then answer = 'moved'
  elseif redis.call('HEXISTS', KEYS[1], email) == 1 then answer = 'suppressed'
  end
  if answer == 'go' then
    redis.call('HSET', ledger, field, 'sending|' .. owner .. '|' .. now)
    if id ~= '' then redis.call('HSET', KEYS[2], id, send) end
  else
    redis.call('HDEL', ledger, field)
    if redis.call('EXISTS', quota) == 1 then redis.call('DECR', quota) end
  end
  return answer
end
local function key(j) return KEYS[tonumber(ARGV[j])] end
local i = 1
while i <= #ARGV do
  if ARGV[i] == 'b' then
    out[#out + 1] = begin(key(i + 1), key(i + 2), key(i + 3), key(i + 4), ARGV[i + 5], ARGV[i + 6], ARGV[i + 7], ARGV[i + 8], ARGV[i + 9], ARGV[i + 10], ARGV[i + 11], ARGV[i + 12])
    i = i + 13
  elseif ARGV[i] == 'f' then
    local ledger = key(i + 1)
    if ARGV[i + 3] == '' then redis.call('HDEL', ledger, ARGV[i + 2])
    else redis.call('HSET', ledger, ARGV[i + 2], ARGV[i + 3]) end
    if ARGV[i + 4] ~= '' then redis.call('HSETNX', KEYS[1], ARGV[i + 4], ARGV[i + 5]) end
    out[#out + 1] = 'ok'
    i = i + 6
  elseif ARGV[i] == 'n' then
    redis.call('HSETNX', key(i + 1), ARGV[i + 2], ARGV[i + 3])
    i = i + 4
  elseif ARGV[i] == 't' then
    redis.call('HSET', key(i + 1), ARGV[i + 2], ARGV[i + 3])
    i = i + 4
  else
    return redis.error_reply('send-steps: unknown operation ' .. tostring(ARGV[i]) .. ' at argument ' .. i)
  end
end
return out
