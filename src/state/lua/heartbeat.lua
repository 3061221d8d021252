-- A worker says it is alive, and which batches it is running, on Redis's own clock (so every
-- worker is judged by one clock). A reservation is held only by a batch its worker lists here.
-- KEYS[1]  workers   hash worker id -> "<last heartbeat, epoch seconds>|<batch>,<batch>…"
-- ARGV[1]  worker id
-- ARGV[2]  "beat" or "leave" (a clean stop: its reservations are free at once)
-- ARGV[3]  the batches it is running, comma-separated
-- Returns the time recorded, or 0 on leave.
if ARGV[2] == 'leave' then
  redis.call('HDEL', KEYS[1], ARGV[1])
  return 0
end
local now = redis.call('TIME')[1]
redis.call('HSET', KEYS[1], ARGV[1], now .. '|' .. (ARGV[3] or ''))
return tonumber(now)
