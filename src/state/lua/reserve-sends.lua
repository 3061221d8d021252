-- Reserves sends before they go out: at most once per (contact, step), never to a suppressed
-- address, never over the weekly quota. Atomic across every worker process.
-- KEYS[1]   ledger:<scenario>   hash "contactId|step|since" -> "pending|<worker>|<ts>", "sent|<messageId>|<ts>",
--                                 "failed|<bounced|rejected>|<ts>" or "unknown|<ts>" (a reservation whose worker died)
-- KEYS[2]   suppressed          hash email -> reason
-- KEYS[3…]  quota counters      one per (sender, provider, week) used by this batch
-- ARGV[1]   worker id
-- ARGV[2]   now, epoch seconds
-- ARGV[3]   quota counters' time to live, in seconds
-- ARGV[4]   seconds after which a reservation with no outcome means its worker died
-- ARGV[5…]  per send, 4 values: ledger field, email, quota key index (into KEYS, from 3), quota limit
-- Returns one word per send: ok | sent | failed | busy | pending | suppressed | quota
--   busy: another worker is sending it right now; pending: reserved long ago and never
--   finished (the worker died mid-send): outcome unknown, never sent again.
local out = {}
local now, stale = tonumber(ARGV[2]), tonumber(ARGV[4])
for i = 5, #ARGV, 4 do
  local field, email, q, limit = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2]), tonumber(ARGV[i + 3])
  local previous = redis.call('HGET', KEYS[1], field)
  if previous then
    local state = string.sub(previous, 1, 4)
    if state == 'sent' then
      out[#out + 1] = 'sent'
    elseif state == 'fail' then
      out[#out + 1] = 'failed'
    elseif state == 'unkn' then
      out[#out + 1] = 'pending'
    else
      local since = tonumber(string.match(previous, '|(%d+)$') or '0')
      out[#out + 1] = (now - since >= stale) and 'pending' or 'busy'
    end
  elseif redis.call('HEXISTS', KEYS[2], email) == 1 then
    out[#out + 1] = 'suppressed'
  else
    local used = tonumber(redis.call('GET', KEYS[q]) or '0')
    if used >= limit then
      out[#out + 1] = 'quota'
    else
      redis.call('INCR', KEYS[q])
      redis.call('EXPIRE', KEYS[q], ARGV[3])
      redis.call('HSET', KEYS[1], field, 'pending|' .. ARGV[1] .. '|' .. ARGV[2])
      out[#out + 1] = 'ok'
    end
  end
end
return out
