-- Upserts one batch of imported contacts and adds them to a list, atomically: a batch is
-- written whole or not at all, and no other client sees a contact half-merged.
-- KEYS[1]  contact:ids    hash   normalised email -> contact id
-- KEYS[2]  contact:seq    string last contact id given
-- KEYS[3]  contact:data   hash   contact id -> JSON object of the contact's fields
-- KEYS[4]  lists          set    list names
-- KEYS[5]  list:<name>    set    contact ids of the list
-- KEYS[6]  suppressed     hash   email -> JSON { reason, at, source }; only read here
-- ARGV[1]  the list name
-- ARGV[2i], ARGV[2i+1]  (i >= 1) a normalised, valid email and the JSON object of the fields to
--          set: non-empty cells only, always with `email`. Values are strings.
-- Returns one character per contact, in order:
--   c created (and so newly in the list), j an existing contact newly in the list,
--   u updated (a field changed, already in the list), n unchanged,
--   x the stored JSON is unreadable: the contact is left untouched;
--   upper case (C, U, N, X) when the address is suppressed (the import never lifts a suppression).
local ids, seq, data, lists, list, suppressed = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
redis.call('SADD', lists, ARGV[1])
local out = {}
for i = 2, #ARGV, 2 do
  local email, json = ARGV[i], ARGV[i + 1]
  local id = redis.call('HGET', ids, email)
  local status
  if not id then
    id = redis.call('INCR', seq)
    redis.call('HSET', ids, email, id)
    redis.call('HSET', data, id, json)
    redis.call('SADD', list, id)
    status = 'c'
  else
    local stored = redis.call('HGET', data, id)
    local ok, fields = true, {}
    if stored then ok, fields = pcall(cjson.decode, stored) end
    if not ok or type(fields) ~= 'table' then
      status = 'x'
    else
      -- New values overwrite, fields absent from the row (empty cells) keep their value.
      local changed = not stored
      for k, v in pairs(cjson.decode(json)) do
        if fields[k] ~= v then
          fields[k] = v
          changed = true
        end
      end
      if changed then redis.call('HSET', data, id, cjson.encode(fields)) end
      local added = redis.call('SADD', list, id)
      if added == 1 then status = 'j' elseif changed then status = 'u' else status = 'n' end
    end
  end
  if redis.call('HEXISTS', suppressed, email) == 1 then status = string.upper(status) end
  out[#out + 1] = status
end
return table.concat(out)
