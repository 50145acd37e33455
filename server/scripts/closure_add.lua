-- closure_add.lua: announce a closure of a lot as one atomic step.
--
-- KEYS[1] ps:lot:{id}   KEYS[2] ps:token:{sha256}   KEYS[3] ps:audit
-- KEYS[4] ps:replay:{id}:closure {key} (unused when ARGV[3] is "0")
-- ARGV: 1 lot id, 2 the closure's stored form without its id (core/closure.h),
-- 3 "1" when an idempotency key is given, 4 the request's fingerprint (no newline),
-- 5 idempotency TTL in seconds, 6 client address, 7 change channel,
-- 8 audit stream cap, 9 most closures a lot may hold, 10 and 11 from and to
-- as RFC 3339 text, for the audit
--
-- Returns {"ok", closure, version, closures} with the stored closure's JSON text (its
-- id is the lot's new version, unique for the lot); {"replay", closure};
-- "unauthorized", "forbidden", "not-found", "mismatch", or "over-capacity"
-- with the number of current and upcoming closures the lot already has.
-- Closures already over are pruned from the lot's list on the way.

local token_key = KEYS[2]
--@include token_scope.lua

-- The same record as occupancy.lua's (include/replay.lua).
local replay_key = ARGV[3] == '1' and KEYS[4] or nil
local fingerprint = ARGV[4]
--@include replay.lua

local lot = redis.call('HMGET', KEYS[1], 'capacity', 'version', 'closures')
if not lot[1] then
  return {'not-found', ''}
end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
--@include closures_current.lua
local kept = current_closures(lot[3], now)
if #kept >= tonumber(ARGV[9]) then
  return {'over-capacity', tostring(#kept)}
end

local version = (tonumber(lot[2]) or 0) + 1
local closure = cjson.decode(ARGV[2])
closure['id'] = tostring(version)
table.insert(kept, closure)
local record = cjson.encode(closure)
local list = cjson.encode(kept)
redis.call('HSET', KEYS[1], 'closures', list, 'version', version)
if replay_key then
  redis.call('SET', replay_key, fingerprint .. '\n' .. record, 'EX', ARGV[5])
end

local entry = {'lot', ARGV[1], 'kind', 'closure', 'token', token[1], 'closure', closure['id'],
               'from', ARGV[10], 'to', ARGV[11], 'reason', closure['reason'], 'client', ARGV[6], 'version', tostring(version)}
-- The stream of every lot, the lot first so that audit_list.lua finds it.
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[8], '*', unpack(entry))

local message = cjson.encode({type = 'closures', id = ARGV[1], version = version,
                              event = 'announced'})
redis.call('PUBLISH', ARGV[7], message:sub(1, -2) .. ',"closure":' .. record ..
                               ',"closures":' .. list .. '}')
return {'ok', record, version, list}
