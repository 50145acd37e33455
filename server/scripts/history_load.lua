-- history_load.lua: days of lots' or groups' count history, read at once.
--
-- KEYS, three for each owner: the hash whose field ARGV[3] holds its
-- latest bucket as text (ps:lot:{id} "hist", or ps:ghist:{group} "*hist"),
-- its hash of days (ps:hist:{id}:d, or ps:ghist:{group}:d) and the day
-- being written (ps:hist:{id}:t, or ps:ghist:{group}:t: the day number and
-- its records); occupancy.lua writes them
-- ARGV: 1 the first day (days since 1970), 2 the number of days, 3 the field
--
-- Returns, owner by owner then day by day, each day's records (the layout
-- of core/history.h: the hash's, the day being written's, the latest
-- bucket's, in that order), or nil for a day with none.

local first, count = tonumber(ARGV[1]), tonumber(ARGV[2])
local fields = {}
for d = 1, count do fields[d] = first + d - 1 end
local out = {}
for owner = 1, #KEYS, 3 do
  local days = redis.call('HMGET', KEYS[owner + 1], unpack(fields))
  local open = redis.call('GET', KEYS[owner + 2])
  if open and #open >= 4 then
    local d = struct.unpack('<I4', open) - first + 1
    if d >= 1 and d <= count then days[d] = (days[d] or '') .. string.sub(open, 5) end
  end
  local latest = redis.call('HGET', KEYS[owner], ARGV[3])
  if latest then
    local v = {}
    for n in string.gmatch(latest, '%d+') do v[#v + 1] = tonumber(n) end
    local d = v[1] - first + 1
    if d >= 1 and d <= count then
      days[d] = (days[d] or '') .. struct.pack('<I2I4I2I3I3I3', v[2], v[3], v[4], v[5], v[6], v[7])
    end
  end
  for d = 1, count do out[#out + 1] = days[d] end
end
return out
