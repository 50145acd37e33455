-- lot_delete.lua: remove a lot as one atomic step; its audit stream stays.
--
-- KEYS[1] ps:lot:{id}   KEYS[2] ps:lots   KEYS[3] ps:audit:{id}   KEYS[4] ps:audit
-- (KEYS[3] is no longer written: older versions kept a stream per lot.)
-- ARGV: 1 lot id, 2 token id, 3 client address, 4 change channel, 5 audit cap
--
-- Returns {"deleted", version} or {"not-found", 0}.

local old = redis.call('HMGET', KEYS[1], 'capacity', 'occupied', 'version')
if not old[1] then
  return {'not-found', 0}
end
local version = (tonumber(old[3]) or 0) + 1
-- Group history (see lot_put.lua): the lot's count leaves its groups' sums.
--@include group_leave.lua
local root = string.sub(KEYS[1], 1, #KEYS[1] - #ARGV[1] - 4) -- ps:
for group in string.gmatch(redis.call('HGET', KEYS[1], 'groups') or '', '[^,]+') do
  group_leave(root .. 'ghist:' .. group)
end
-- End of group history's block.
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[1])
-- The fields of every lot entry, in occupancy.lua's order (see there).
local entry = {'lot', ARGV[1], 'kind', 'delete', 'token', ARGV[2], 'old', old[2] or '',
               'new', '', 'requested', '', 'clamped', '0', 'client', ARGV[3],
               'version', tostring(version), 'old_capacity', old[1], 'capacity', ''}
-- One stream for every lot: a stream per lot would cost Redis some 4 KB a
-- lot (each new stream node is preallocated), and a lot's entries are found
-- by their "lot" field (audit_list.lua).
redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[5], '*', unpack(entry))
redis.call('PUBLISH', ARGV[4], cjson.encode({type = 'delete', id = ARGV[1], version = version}))
return {'deleted', version}
