-- Shared by the enrollment scripts (scripts.ts inlines it where a script says `-- #include`).
-- An enrollment is `version|step|status|since|due|attempts` (src/state/enrollment.ts); counts
-- hold `version|step|status` -> n and `_active` -> contacts holding a place under the cap.

local IN_PROGRESS = { running = true, waiting = true, paused = true, blocked = true, deferred = true }

local function unpack_enrollment(value)
  return string.match(value, '^([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|(.*)$')
end

local function pack_enrollment(version, step, status, since, due, attempts)
  return version .. '|' .. step .. '|' .. status .. '|' .. since .. '|' .. due .. '|' .. attempts
end

-- In progress and not blocked: the contact holds one of the scenario's active places.
local function holds_place(status)
  return IN_PROGRESS[status] == true and status ~= 'blocked'
end

local function count(counts, version, step, status, by)
  redis.call('HINCRBY', counts, version .. '|' .. step .. '|' .. status, by)
end

-- A place is free: the longest-blocked contact that is still blocked enters now (000). Entries
-- of contacts no longer blocked (removed, archived, repaired) are dropped on the way.
local function let_in(enrollments, counts, blocked, bucket, index, now, member, score)
  while true do
    local id = redis.call('LPOP', blocked)
    if not id then return nil end
    local value = redis.call('HGET', enrollments, id)
    if value then
      local version, step, status = unpack_enrollment(value)
      if status == 'blocked' then
        redis.call('HSET', enrollments, id, pack_enrollment(version, step, 'waiting', now, now, 0))
        count(counts, version, step, 'blocked', -1)
        count(counts, version, step, 'waiting', 1)
        redis.call('HINCRBY', counts, '_active', 1)
        redis.call('RPUSH', bucket, id)
        redis.call('ZADD', index, 'NX', score, member)
        return id
      end
    end
  end
end

-- Adds engagement flags to a contact's JSON `{ s = { <step> = 'rdocpb' }, f = 1, v = 1 }`.
-- `flags` is a list of 'f' (form submitted), 'v' (converted) or '<flag>:<step>'. Flags only
-- accumulate, so two writers never undo each other. Returns whether any flag was new.
local function add_flags(engagement, id, flags)
  local json = redis.call('HGET', engagement, id)
  local ok, e = false, nil
  if json then ok, e = pcall(cjson.decode, json) end
  if not ok or type(e) ~= 'table' then e = {} end
  if type(e.s) ~= 'table' then e.s = {} end
  local changed = not json
  for _, item in ipairs(flags) do
    if item == 'f' or item == 'v' then
      if e[item] ~= 1 then e[item] = 1; changed = true end
    else
      local flag, step = string.sub(item, 1, 1), string.sub(item, 3)
      local current = e.s[step] or ''
      if not string.find(current, flag, 1, true) then e.s[step] = current .. flag; changed = true end
    end
  end
  if changed then redis.call('HSET', engagement, id, cjson.encode(e)) end
  return changed
end
