-- occupancy.lua: one attendant update as one atomic step.
--
-- KEYS[1] ps:lot:{id}   KEYS[2] ps:idem:{id}:{key} (unused when ARGV[4] is "0")
-- KEYS[3] ps:token:{sha256}   KEYS[4] ps:audit:{id}   KEYS[5] ps:audit
-- (KEYS[4] is no longer written: older versions kept a stream per lot.)
-- KEYS[6] ps:idem:{key}, where older versions kept a key for every lot (read only)
-- ARGV: 1 lot id, 2 "delta" or "occupied", 3 the number, 4 "1" when an
-- idempotency key is given, 5 the request's fingerprint, 6 idempotency TTL
-- in seconds, 7 client address, 8 change channel, 9 audit stream cap,
-- 10 a space type whose count this is, or "" for the whole lot's
--
-- Returns {outcome, answer-or-detail}: "ok" or "replay" with the answer's
-- JSON text; "unauthorized", "forbidden", "not-found", "mismatch",
-- "no-space" (the lot declares no such type), or "over-capacity" with the
-- capacity.

local token = redis.call('HMGET', KEYS[3], 'id', 'role', 'scope')
if not token[1] then
  return {'unauthorized', ''}
end
if token[2] ~= 'admin' and not string.find(token[3] or '', ',' .. ARGV[1] .. ',', 1, true) then
  return {'forbidden', token[1]}
end

-- A retry with the same key and body gets the first answer and changes nothing.
-- Keys are per lot, so one lot's keys never block another's; the token is
-- not part of the key, so a replay after the token was rotated still counts once.
if ARGV[4] == '1' then
  local stored = redis.call('HMGET', KEYS[2], 'fingerprint', 'answer')
  if not stored[1] then
    -- A key stored before keys were per lot still answers for its own lot
    -- (its fingerprint starts with the lot id) until it expires.
    local legacy = redis.call('HMGET', KEYS[6], 'fingerprint', 'answer')
    if legacy[1] and string.sub(legacy[1], 1, #ARGV[1] + 1) == ARGV[1] .. ' ' then
      stored = legacy
    end
  end
  if stored[1] then
    if stored[1] == ARGV[5] then
      return {'replay', stored[2]}
    end
    return {'mismatch', stored[1]}
  end
end

-- Space types: which count this update writes. The whole lot's path reads
-- what it always read; a type's reads the type's count and its capacity
-- from the lot's plan, in the same single HMGET.
local space = ARGV[10] or ''
local count_field, time_field = 'occupied', 'updated_at'
local lot
if space == '' then
  lot = redis.call('HMGET', KEYS[1], 'capacity', 'occupied', 'version')
else
  count_field, time_field = 'space:' .. space, 'space:' .. space .. ':updated_at'
  lot = redis.call('HMGET', KEYS[1], 'capacity', count_field, 'version', 'json')
  if lot[1] then
    local plan = cjson.decode(lot[4]).spaces
    local type_plan = type(plan) == 'table' and plan[space]
    if type(type_plan) ~= 'table' or not tonumber(type_plan.capacity) then
      return {'no-space', space}
    end
    lot[1] = type_plan.capacity
  end
end
-- End of space types' block.
if not lot[1] then
  return {'not-found', ''}
end
local capacity = tonumber(lot[1])
local old = tonumber(lot[2])
local version = (tonumber(lot[3]) or 0) + 1
local value = tonumber(ARGV[3])
local new, clamped

if ARGV[2] == 'delta' then
  new = (old or 0) + value
  clamped = new < 0 or new > capacity
  if new < 0 then new = 0 elseif new > capacity then new = capacity end
else
  if value > capacity then
    return {'over-capacity', tostring(capacity)}
  end
  new = value
  clamped = false
end

local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('HSET', KEYS[1], count_field, new, 'version', version, time_field, now)

local answer = string.format(
  '{"id":"%s",%s"occupied":%d,"free":%d,"capacity":%d,"version":%d,"clamped":%s}',
  ARGV[1], space ~= '' and ('"space":"' .. space .. '",') or '', new, capacity - new, capacity,
  version, clamped and 'true' or 'false')
if ARGV[4] == '1' then
  redis.call('HSET', KEYS[2], 'fingerprint', ARGV[5], 'answer', answer)
  redis.call('EXPIRE', KEYS[2], tonumber(ARGV[6]))
end

local kind = ARGV[2] == 'delta' and 'delta' or 'recount'
-- Every lot entry has the same fields in the same order, "" where one does
-- not apply: Redis then stores only the values (a third less memory).
local entry = {'lot', ARGV[1], 'kind', kind, 'token', token[1], 'old', old and tostring(old) or '',
               'new', tostring(new), 'requested', ARGV[3], 'clamped', clamped and '1' or '0',
               'client', ARGV[7], 'version', tostring(version), 'old_capacity', '',
               'capacity', ''}
-- Space types: a type's count names its space (the lot's own count keeps the common shape).
if space ~= '' then
  table.insert(entry, 'space')
  table.insert(entry, space)
end
-- One stream for every lot: a stream per lot would cost Redis some 4 KB a
-- lot (each new stream node is preallocated), and a lot's entries are found
-- by their "lot" field (audit_lot.lua).
redis.call('XADD', KEYS[5], 'MAXLEN', '~', ARGV[9], '*', unpack(entry))

redis.call('PUBLISH', ARGV[8], cjson.encode({type = 'occupancy', id = ARGV[1], version = version,
                                             occupied = new, updated_at = now,
                                             space = space ~= '' and space or nil}))
-- The count as stored, so that the daemon that took the write shows it at once.
return {'ok', answer, version, new, now}
