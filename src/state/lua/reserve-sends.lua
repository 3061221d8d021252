-- Reserves sends before they go out: at most once per visit of an email step, never to a
-- suppressed address, never over the weekly quota. Atomic across every worker process.
-- KEYS[1]   ledger:<scenario>   hash "contactId|step|since" -> "pending|<owner>|<ts>" (reserved, not
--                                 attempted), "sending|<owner>|<ts>" (its SMTP transaction may have
--                                 started), "sent|<messageId>|<ts>", "failed|<bounced|rejected>|<ts>"
--                                 or "unknown|<ts>" (a send whose worker died mid-transaction);
--                                 <owner> is "<worker id>/<batch>": the batch that reserved it
-- KEYS[2]   suppressed          hash email -> reason
-- KEYS[3]   workers             hash worker id -> "<last heartbeat, Redis TIME seconds>|<its running batches>"
-- KEYS[4…]  quota counters      one per (sender, provider, week) used by this batch
-- ARGV[1]   this batch: "<worker id>/<batch>"
-- ARGV[2]   now, epoch seconds (the engine's clock: ledger times)
-- ARGV[3]   quota counters' time to live, in seconds
-- ARGV[4]   seconds without a heartbeat after which a worker is dead
-- ARGV[5]   the batches this worker is running now, comma-separated (this one included)
-- ARGV[6…]  per send, 4 values: ledger field, email, quota key index (into KEYS, from 4), quota limit
-- Returns one word per send: ok | sent | bounced | failed | busy | pending | suppressed | quota
--   busy: a batch still running holds it; pending: a batch that is gone (its worker died, or it
--   failed) may have started the transaction: outcome unknown, never sent again. A reservation
--   such a batch never attempted is taken over ('ok', its quota already counted).
-- #include lib/reservations.lua
local out = {}
local now, dead_after = tonumber(redis.call('TIME')[1]), tonumber(ARGV[4])
local worker = string.match(ARGV[1], '^(.*)/[^/]*$')
local running = {}
for batch in string.gmatch(ARGV[5], '[^,]+') do running[batch] = true end
local function alive(owner) return reservation_alive(KEYS[3], owner, now, dead_after, worker, running) end
for i = 6, #ARGV, 4 do
  local field, email, q, limit = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2]), tonumber(ARGV[i + 3])
  local previous = redis.call('HGET', KEYS[1], field)
  if previous then
    local state = string.match(previous, '^(%a+)')
    local owner = string.match(previous, '^%a+|([^|]*)|') or ''
    if state == 'sent' then
      out[#out + 1] = 'sent'
    elseif string.sub(previous, 1, 14) == 'failed|bounced' then
      -- Bounced before its batch could commit: a bounce still, never a rejection.
      out[#out + 1] = 'bounced'
    elseif state == 'failed' then
      out[#out + 1] = 'failed'
    elseif (state == 'pending' or state == 'sending') and alive(owner) then
      out[#out + 1] = 'busy'
    elseif state == 'pending' then
      -- Never attempted by a batch that is gone: this batch sends it.
      redis.call('HSET', KEYS[1], field, 'pending|' .. ARGV[1] .. '|' .. ARGV[2])
      out[#out + 1] = 'ok'
    else
      -- `sending` by a dead worker, or `unknown`: it may have gone out.
      out[#out + 1] = 'pending'
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
