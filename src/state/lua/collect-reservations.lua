-- Settles send reservations whose batch is gone (its worker was killed, or the batch failed)
-- and that nobody will come back for: the contact moved on (paused, left, replied) before the
-- batch could look again. A reservation never attempted (`pending`) is released; one whose SMTP
-- transaction may have started (`sending`) becomes "outcome unknown" and is reported, as a retry
-- of the send would have done. A reservation a live batch holds, or one that changed since it
-- was read, is left alone.
-- KEYS[1]  ledger:<scenario>
-- KEYS[2]  workers
-- KEYS[3]  unknown-sends
-- ARGV[1]  seconds without a heartbeat after which a worker is dead
-- ARGV[2]  now, epoch seconds (the engine's clock: ledger times)
-- ARGV[3…] per reservation, 3 values: ledger field, its value as read, its unknown-sends record
--          (field and JSON value joined by a newline)
-- Returns how many reservations were settled.
-- #include lib/reservations.lua
local now, dead_after = tonumber(redis.call('TIME')[1]), tonumber(ARGV[1])
local n = 0
for i = 3, #ARGV, 3 do
  local field, read = ARGV[i], ARGV[i + 1]
  local current = redis.call('HGET', KEYS[1], field)
  if current == read then
    local state, owner = string.match(current, '^(%a+)|([^|]*)|')
    if (state == 'pending' or state == 'sending') and not reservation_alive(KEYS[2], owner, now, dead_after) then
      if state == 'pending' then
        redis.call('HDEL', KEYS[1], field)
      else
        redis.call('HSET', KEYS[1], field, 'unknown|' .. ARGV[2])
        local nl = string.find(ARGV[i + 2], '\n', 1, true)
        redis.call('HSETNX', KEYS[3], string.sub(ARGV[i + 2], 1, nl - 1), string.sub(ARGV[i + 2], nl + 1))
      end
      n = n + 1
    end
  end
end
return n
