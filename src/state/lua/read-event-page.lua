-- Reads a page of a scenario's event log for the report (src/report/event-pages.ts), as one
-- string: per entry only what the report reads (`e c t s i b`, and for a form submission its
-- stream id and `x`), fields split by \31 (unit separator), a \30 (record separator) field after
-- each entry. An XRANGE reply is sixteen strings an entry, which the client parses at about 6 µs
-- an entry; this costs Redis about 3 µs an entry and the client little. JSON text escapes both
-- separators, and no other field can hold one (types, ids, steps, epoch seconds). Writes nothing.
-- KEYS[1]  events:<scenario>        stream
-- ARGV[1]  the first stream id of the page (XRANGE start: `-`, or `(<id>` after the last one read)
-- ARGV[2]  the last stream id to read (the report's end)
-- ARGV[3]  how many entries at most
-- Returns { the page's last stream id ('' when empty), how many entries, the page's text }
local page = redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[2], 'COUNT', tonumber(ARGV[3]))
local out = {}
local o = 0
local last = ''
for _, entry in ipairs(page) do
  local f = entry[2]
  local e, c, t, s, i, b, x = '', '', '', '', '', '', ''
  for j = 1, #f, 2 do
    local k = f[j]
    if k == 'e' then e = f[j + 1] elseif k == 'c' then c = f[j + 1] elseif k == 't' then t = f[j + 1]
    elseif k == 's' then s = f[j + 1] elseif k == 'i' then i = f[j + 1] elseif k == 'b' then b = f[j + 1]
    elseif k == 'x' then x = f[j + 1] end
  end
  out[o + 1] = e; out[o + 2] = c; out[o + 3] = t; out[o + 4] = s; out[o + 5] = i; out[o + 6] = b
  if e == 'form-submitted' then
    out[o + 7] = entry[1]; out[o + 8] = x; o = o + 8
  else
    o = o + 6
  end
  out[o + 1] = '\30'
  o = o + 1
  last = entry[1]
end
return { last, #page, table.concat(out, '\31') }
