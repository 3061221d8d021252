-- Records one event of a contact in a scenario: appends it to the scenario's event log and,
-- unless a bot made it, adds the engagement flags it implies and makes the contact due now if it
-- waits, so exit rules and wait-for conditions see it at once. The flags are what the engine
-- reads; the log is what reports read. A repeated event (a second open) is logged again but sets
-- no new flag: its entry has no `n`, and no counter of contacts moves.
-- KEYS[1]  events:<scenario>        stream
-- KEYS[2]  enrollments:<scenario>
-- KEYS[3]  due:<scenario>:<minute of now>
-- KEYS[4]  due-index
-- KEYS[5]  engagement:<scenario>
-- ARGV[1]  contact id
-- ARGV[2]  now, epoch seconds
-- ARGV[3]  KEYS[3]'s due-index member
-- ARGV[4]  KEYS[3]'s minute * 60
-- ARGV[5]  the oldest stream id to keep (milliseconds): older entries are trimmed (MINID ~)
-- ARGV[6]  '1' when a bot made the event (logged, no flag, no wake), else '0'
-- ARGV[7]  how many flags follow (n)
-- ARGV[8 … 7+n]   engagement flags ('f', 'v' or '<flag>:<step>'), only if the contact is enrolled
-- ARGV[8+n …]     the entry's fields, name and value pairs (see src/enroll/engage.ts)
-- Returns { woken (1/0), first (1 when a flag was new, 0 otherwise) }
-- #include lib/enrollment.lua
local n = tonumber(ARGV[7])
local value = redis.call('HGET', KEYS[2], ARGV[1])
local first, woken = false, 0
local entry = { unpack(ARGV, 8 + n) }
if value then
  local version, step, status, since, due, attempts = unpack_enrollment(value)
  entry[#entry + 1] = 'v'
  entry[#entry + 1] = version
  if ARGV[6] ~= '1' then
    if n > 0 then first = add_flags(KEYS[5], ARGV[1], { unpack(ARGV, 8, 7 + n) }) end
    if version and (status == 'waiting' or status == 'deferred') and due ~= '0' then
      redis.call('HSET', KEYS[2], ARGV[1], pack_enrollment(version, step, status, since, ARGV[2], attempts))
      redis.call('RPUSH', KEYS[3], ARGV[1])
      redis.call('ZADD', KEYS[4], 'NX', ARGV[4], ARGV[3])
      woken = 1
    end
  end
end
if first then
  entry[#entry + 1] = 'n'
  entry[#entry + 1] = '1'
end
redis.call('XADD', KEYS[1], 'MINID', '~', ARGV[5], '*', unpack(entry))
return { woken, first and 1 or 0 }
