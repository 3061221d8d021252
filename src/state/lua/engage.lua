-- Records events of contacts in one scenario, in order: each is appended to the scenario's event
-- log and, unless a bot made it, adds the engagement flags it implies and makes the contact due
-- now if it waits, so exit rules and wait-for conditions see it at once. The flags are what the
-- engine reads; the log is what reports read. A repeated event (a second open) is logged again
-- but sets no new flag and wakes nobody: its entry has no `n`, and no counter of contacts moves.
-- An event of a contact erased since (no contact record) is not recorded at all.
-- Many events go in one call (the HTTP server records those of one moment together).
-- KEYS[1]  events:<scenario>        stream
-- KEYS[2]  enrollments:<scenario>
-- KEYS[3]  due:<scenario>:<minute of now>
-- KEYS[4]  due-index
-- KEYS[5]  engagement:<scenario>
-- KEYS[6]  contact-data
-- ARGV[1]  now, epoch seconds
-- ARGV[2]  KEYS[3]'s due-index member
-- ARGV[3]  KEYS[3]'s minute * 60
-- ARGV[4]  the oldest stream id to keep (milliseconds): older entries are trimmed (MINID ~)
-- ARGV[5]  the events, a JSON array (src/enroll/engage.ts), each [id, bot, flags, entry]:
--          contact id, '1' if a bot made it (logged, no flag, no wake) else '0',
--          the engagement flags ('f', 'v' or '<flag>:<step>', set only if the contact is enrolled),
--          the entry's fields, name and value one after the other
-- Returns, per event in order, { woken (1/0, or -1: no such contact), first (1 when a flag was new) }
-- #include lib/enrollment.lua
local ok, events = pcall(cjson.decode, ARGV[5])
if not ok or type(events) ~= 'table' then return redis.error_reply('ERR engage: the events argument is not a JSON array') end
local out = {}
local woke = false
for _, event in ipairs(events) do
  local id, bot, flags, entry = event[1], event[2], event[3], event[4]
  local n = #flags
  local first, woken = false, 0
  if redis.call('HEXISTS', KEYS[6], id) == 0 then
    woken = -1
  else
    local value = redis.call('HGET', KEYS[2], id)
    if value then
      local version, step, status, since, due, attempts = unpack_enrollment(value)
      entry[#entry + 1] = 'v'
      entry[#entry + 1] = version
      if bot ~= '1' then
        if n > 0 then first = add_flags(KEYS[5], id, flags) end
        -- A repeat (a second open: its flags all set before) changes nothing the engine reads,
        -- so it wakes nobody; an event that carries no flag wakes as it always did.
        if (n == 0 or first) and version and (status == 'waiting' or status == 'deferred') and due ~= '0' then
          redis.call('HSET', KEYS[2], id, pack_enrollment(version, step, status, since, ARGV[1], attempts))
          redis.call('RPUSH', KEYS[3], id)
          woke = true
          woken = 1
        end
      end
    end
    if first then
      entry[#entry + 1] = 'n'
      entry[#entry + 1] = '1'
    end
    redis.call('XADD', KEYS[1], 'MINID', '~', ARGV[4], '*', unpack(entry))
  end
  out[#out + 1] = woken
  out[#out + 1] = first and 1 or 0
end
if woke then redis.call('ZADD', KEYS[4], 'NX', ARGV[3], ARGV[2]) end
return out
