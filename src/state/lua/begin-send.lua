-- The last look before an SMTP transaction starts: the send goes only if the scenario still runs,
-- the contact is where the worker read it (not paused, removed, replied meanwhile), the address
-- is not suppressed and the reservation is still this worker's. Then the attempt is marked
-- started, so a crash from here on reports the send as "outcome unknown", and only then.
-- Otherwise the reservation is released and its quota given back.
-- KEYS[1]  ledger:<scenario>
-- KEYS[2]  suppressed
-- KEYS[3]  scenario:<scenario>     (its `state`)
-- KEYS[4]  enrollments:<scenario>
-- KEYS[5]  the send's quota counter
-- ARGV[1]  ledger field
-- ARGV[2]  this batch: "<worker id>/<batch>" (the reservation's owner)
-- ARGV[3]  now, epoch seconds (the engine's clock)
-- ARGV[4]  contact id
-- ARGV[5]  the enrollment as the worker read it
-- ARGV[6]  email
-- Returns go | suppressed | paused | archived | moved | lost
local mine = redis.call('HGET', KEYS[1], ARGV[1])
if not mine or string.sub(mine, 1, 9 + #ARGV[2]) ~= 'pending|' .. ARGV[2] .. '|' then return 'lost' end
local answer = 'go'
local state = redis.call('HGET', KEYS[3], 'state')
if state == 'paused' then answer = 'paused'
elseif state ~= 'running' then answer = 'archived'
elseif redis.call('HGET', KEYS[4], ARGV[4]) ~= ARGV[5] then answer = 'moved'
elseif redis.call('HEXISTS', KEYS[2], ARGV[6]) == 1 then answer = 'suppressed'
end
if answer == 'go' then
  redis.call('HSET', KEYS[1], ARGV[1], 'sending|' .. ARGV[2] .. '|' .. ARGV[3])
else
  redis.call('HDEL', KEYS[1], ARGV[1])
  if redis.call('EXISTS', KEYS[5]) == 1 then redis.call('DECR', KEYS[5]) end
end
return answer
