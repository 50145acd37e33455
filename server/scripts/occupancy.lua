-- occupancy.lua: one attendant update as one atomic step.
--
-- KEYS[1] ps:lot:{id}   KEYS[2] ps:idem:{id}:{key} (unused when ARGV[4] is "0")
-- KEYS[3] ps:token:{sha256}   KEYS[4] ps:audit:{id}   KEYS[5] ps:audit
-- (KEYS[4] is no longer written: older versions kept a stream per lot.)
-- KEYS[6] ps:idem:{key}, where older versions kept a key for every lot (read only)
-- ARGV: 1 lot id, 2 "delta" or "occupied", 3 the number, 4 "1" when an
-- idempotency key is given, 5 the request's fingerprint, 6 idempotency TTL
-- in seconds, 7 client address, 8 change channel, 9 audit stream cap,
-- 10 the history key prefix (ps:hist:{id}:), 11 history retention in seconds
-- 12 a space type whose count this is, or "" for the whole lot's
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
local space = ARGV[12] or ''
local count_field, time_field = 'occupied', 'updated_at'
local lot
if space == '' then
  lot = redis.call('HMGET', KEYS[1], 'capacity', 'occupied', 'version', 'updated_at')
else
  count_field, time_field = 'space:' .. space, 'space:' .. space .. ':updated_at'
  lot = redis.call('HMGET', KEYS[1], 'capacity', count_field, 'version', time_field, 'json')
  if lot[1] then
    local plan = cjson.decode(lot[5]).spaces
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

-- History: fold the whole-lot count into 5-minute buckets, O(1) per write
-- (docs/forecast.md; core/history.c reads them and folds imports the same
-- way). One string per lot and UTC day, 288 records of 18 bytes:
-- sum (occupied x seconds), covered seconds, min, max, last + 1 (0: none).
-- The old count's share goes to the previous change's bucket (finishing it)
-- and to the current bucket only; buckets between stay absent and readers
-- carry the last count through them.
-- (Space types: a type's count is not folded; only the whole lot's is.)
if space == '' then
  local size, record = 18, '<I4I2I4I4I4'
  local function place(bucket)
    local day = math.floor(bucket / 288)
    return ARGV[10] .. day, (bucket - day * 288) * size, (day + 1) * 86400 + tonumber(ARGV[11])
  end
  local function load(bucket)
    local key, offset = place(bucket)
    local bytes = redis.call('GETRANGE', key, offset, offset + size - 1)
    if #bytes < size then return nil end
    local sum, covered, low, high, last = struct.unpack(record, bytes)
    if last == 0 then return nil end
    return {sum, covered, low, high, last - 1}
  end
  local function store(bucket, r)
    local key, offset, expire_at = place(bucket)
    redis.call('SETRANGE', key, offset, struct.pack(record, r[1], r[2], r[3], r[4], r[5] + 1))
    redis.call('EXPIREAT', key, expire_at)
  end
  local now_s = math.floor(now / 1000)
  local bucket = math.floor(now_s / 300)
  local start = bucket * 300
  local held, since = old, tonumber(lot[4])
  if held == nil or since == nil then
    held, since = new, start * 1000 -- a first report: taken to have held since its bucket began
  end
  since = math.min(math.floor(since / 1000), now_s)
  local previous = math.floor(since / 300)
  local current = previous == bucket and load(bucket) or nil
  if current then
    current[1] = current[1] + held * (now_s - since)
    current[2] = now_s - start
  else
    local finished = previous < bucket and load(previous) or nil
    if finished then
      finished[1] = finished[1] + held * ((previous + 1) * 300 - since)
      finished[2] = 300
      store(previous, finished)
    end
    local edge = now_s > start and held or new -- at the bucket's start the old count never held
    current = {held * (now_s - start), now_s - start, edge, edge, edge}
  end
  current[3] = math.min(current[3], new)
  current[4] = math.max(current[4], new)
  current[5] = new
  store(bucket, current)
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
-- by their "lot" field (audit_list.lua).
redis.call('XADD', KEYS[5], 'MAXLEN', '~', ARGV[9], '*', unpack(entry))

-- Formatted, not cjson.encode'd: a fifth of the cost, and every value is a
-- lot id, a vocabulary word or a number, none of which JSON must escape.
local message = string.format('{"type":"occupancy","id":"%s","version":%d,"occupied":%d,' ..
                              '"updated_at":%d', ARGV[1], version, new, now)
if space ~= '' then
  message = message .. string.format(',"space":"%s"', space)
end
redis.call('PUBLISH', ARGV[8], message .. '}')
-- The count as stored, so that the daemon that took the write shows it at once.
return {'ok', answer, version, new, now}
