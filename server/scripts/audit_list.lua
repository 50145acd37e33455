-- audit_list.lua: a page of the audit: every entry, or one lot's entries found in the
-- stream of every lot (reads only: scripts named *_list are not followed by WAIT).
--
-- KEYS[1] ps:audit
-- ARGV: 1 lot id, or "" for every entry, 2 where to start (an entry id, "(" and an id, or "-"),
-- 3 how many entries at most, 4 how many entries of the stream to look at
-- at most (the bound on this call's work, whatever the lot)
--
-- Returns {entries, resume}: entries as XRANGE gives them, oldest first;
-- resume is the id of the last entry looked at when the page is full or the
-- bound was reached (the next call starts after it), "" at the end of the
-- stream. Read only.

local wanted = tonumber(ARGV[3])
local budget = tonumber(ARGV[4])
local start = ARGV[2]
local found = {}
local last = ''

while budget > 0 do
  local chunk = budget < 500 and budget or 500
  local entries = redis.call('XRANGE', KEYS[1], start, '+', 'COUNT', chunk)
  for _, entry in ipairs(entries) do
    budget = budget - 1
    last = entry[1]
    local fields = entry[2]
    -- Every writer puts the lot first; look further only for entries of another shape.
    local lot = ARGV[1] == '' and '' or (fields[1] == 'lot' and fields[2] or nil)
    if lot == nil then
      for i = 1, #fields, 2 do
        if fields[i] == 'lot' then lot = fields[i + 1] break end
      end
    end
    if lot == ARGV[1] then
      found[#found + 1] = entry
      if #found == wanted then
        return {found, last}
      end
    end
  end
  if #entries < chunk then
    return {found, ''}
  end
  start = '(' .. last
end
return {found, last}
