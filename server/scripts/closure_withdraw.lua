-- closure_withdraw.lua: withdraw an announced closure of a lot as one atomic step.
--
-- KEYS[1] ps:lot:{id}   KEYS[2] ps:token:{sha256}   KEYS[3] ps:audit
-- ARGV: 1 lot id, 2 closure id, 3 client address, 4 change channel,
-- 5 audit stream cap
--
-- Returns {"ok", closure, version, closures} with the withdrawn closure's JSON text
-- "unauthorized", "forbidden", or "not-found" with "lot" or "closure" (one
-- that is over is pruned, and no longer found).

local token_key = KEYS[2]
--@include token_scope.lua

local lot = redis.call('HMGET', KEYS[1], 'capacity', 'version', 'closures')
if not lot[1] then
  return {'not-found', 'lot'}
end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
--@include closures_current.lua
local kept, withdrawn = current_closures(lot[3], now), nil
for at, closure in ipairs(kept) do
  if closure['id'] == ARGV[2] then
    withdrawn = table.remove(kept, at)
    break
  end
end
if not withdrawn then
  return {'not-found', 'closure'}
end

local version = (tonumber(lot[2]) or 0) + 1
local record = cjson.encode(withdrawn)
-- cjson writes an empty table as {}: the list is spelled out when empty.
local list = #kept > 0 and cjson.encode(kept) or '[]'
redis.call('HSET', KEYS[1], 'closures', list, 'version', version)

local entry = {'lot', ARGV[1], 'kind', 'closure_withdrawn', 'token', token[1],
               'closure', ARGV[2], 'reason', withdrawn['reason'], 'client', ARGV[3],
               'version', tostring(version)}
-- The stream of every lot, the lot first so that audit_list.lua finds it.
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[5], '*', unpack(entry))

local message = cjson.encode({type = 'closures', id = ARGV[1], version = version,
                              event = 'withdrawn'})
redis.call('PUBLISH', ARGV[4], message:sub(1, -2) .. ',"closure":' .. record ..
                               ',"closures":' .. list .. '}')
return {'ok', record, version, list}
