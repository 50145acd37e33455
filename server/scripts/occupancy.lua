-- occupancy.lua: one attendant update as one atomic step.
--
-- KEYS[1] ps:lot:{id}   KEYS[2] ps:replay:{id}:{key} (unused when ARGV[4] is "0")
-- KEYS[3] ps:token:{sha256}   KEYS[4] ps:audit
-- ARGV: 1 lot id, 2 "delta" or "occupied", 3 the number, 4 "1" when an
-- idempotency key is given, 5 the request's fingerprint, 6 idempotency TTL
-- in seconds, 7 client address, 8 change channel, 9 audit stream cap,
-- 10 the history key prefix (ps:hist:{id}:), 11 history retention in seconds
-- 12 a space type whose count this is, or "" for the whole lot's
--
-- Returns {outcome, answer-or-detail}: "ok" (then also the version, the
-- count and its time in ms) or "replay" with the answer's JSON text;
-- "unauthorized", "forbidden", "not-found", "mismatch", "no-space" (the
-- lot declares no such type), or "over-capacity" with the capacity.
--
-- Written for its cost (docs/benchmarks.md, "The occupancy script's cost"):
-- each redis.call costs 0.2 to 0.8 microseconds beyond its command, so the
-- script makes no call its guarantees do not need, nor a table it can avoid.

local token_key = KEYS[3]
--@include token_scope.lua

-- A retry with the same key and body gets the first answer and changes nothing.
-- Keys are per lot, so one lot's keys never block another's; the token is
-- not part of the key, so a replay after the token was rotated still counts once.
-- The record: see include/replay.lua.
local replay_key = ARGV[4] == '1' and KEYS[2] or nil
local fingerprint = ARGV[5]
--@include replay.lua

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

-- The audit entry first: its stream id, "<ms>-<n>", is the write's time,
-- taken from Redis's clock as TIME would give it (and never behind the
-- previous entry's), which saves a call. Every lot entry has the same
-- fields in the same order, "" where one does not apply: Redis then stores
-- only the values (a third less memory). A type's count adds its space.
-- One stream for every lot: a stream per lot would cost Redis some 4 KB a
-- lot (each new stream node is preallocated), and a lot's entries are
-- found by their "lot" field (audit_list.lua).
local space_fields = space ~= '' and {'space', space} or {}
local entry_id = redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[9], '*', 'lot', ARGV[1],
                            'kind', ARGV[2] == 'delta' and 'delta' or 'recount',
                            'token', token[1], 'old', old and lot[2] or '', 'new', new,
                            'requested', ARGV[3], 'clamped', clamped and '1' or '0',
                            'client', ARGV[7], 'version', version, 'old_capacity', '',
                            'capacity', '', unpack(space_fields))
local now = tonumber(string.sub(entry_id, 1, string.find(entry_id, '-', 1, true) - 1))
redis.call('HSET', KEYS[1], count_field, new, 'version', version, time_field, now)

local answer = string.format(
  '{"id":"%s",%s"occupied":%d,"free":%d,"capacity":%d,"version":%d,"clamped":%s}',
  ARGV[1], space ~= '' and ('"space":"' .. space .. '",') or '', new, capacity - new, capacity,
  version, clamped and 'true' or 'false')
if replay_key then
  redis.call('SET', replay_key, fingerprint .. '\n' .. answer, 'EX', ARGV[6])
end

-- History: fold the whole-lot count, and the sum of each of the lot's
-- groups, into 5-minute buckets, O(1) per write (docs/forecast.md;
-- core/history.c reads them and folds imports the same way). A bucket's
-- record: sum (occupied x seconds), covered seconds, min, max, last.
-- The bucket of the latest change is kept as text in the lot hash's "hist"
-- field ("day bucket sum covered min max last"; a group's in the "*hist"
-- field of ps:ghist:{group}); when a later bucket begins it is finished and
-- appended, 17 bytes, to the day being written, ps:hist:{id}:t
-- (ps:ghist:{group}:t), and that day, when a later one begins, to
-- ps:hist:{id}:d (ps:ghist:{group}:d), a hash of days (days since 1970)
-- whose values are the records of the buckets that had a change. The old
-- count's share goes to the previous change's bucket (finishing it) and to
-- the current bucket only; buckets between have no record and readers
-- carry the last count through them.
-- (Space types: a type's count is not folded; only the whole lot's is.)
if space == '' then
  local record = '<I2I4I2I3I3I3'
  local root = string.sub(ARGV[10], 1, #ARGV[10] - #ARGV[1] - 6) -- ps:
  local retention = tonumber(ARGV[11])
  local now_s = math.floor(now / 1000)
  local bucket = math.floor(now_s / 300)
  local start = bucket * 300
  -- A day's records as {bucket of the day = {sum, covered, min, max, last}};
  -- an hourly record (288 + hour) stands for the hour's buckets it covers.
  local function buckets_of(text)
    local found = {}
    for at = 1, #text - 16, 17 do
      local b, sum, covered, low, high, last = struct.unpack(record, text, at)
      if b < 288 then
        found[b] = {sum, covered, low, high, last}
      else
        local n = math.floor(covered / 300)
        for k = 12 - n, 11 do
          found[(b - 288) * 12 + k] = {math.floor(sum / n + 0.5), 300, low, high, last}
        end
      end
    end
    return found
  end
  -- A day older than the detail kept as hourly records (288 + hour): each
  -- the time-weighted sum over the part of the hour with a known count (the
  -- end of the hour: a day's first count is not known before it), min, max, last.
  local function hourly(text)
    local found, out, carry = buckets_of(text), {}, nil
    for hour = 0, 23 do
      local sum, covered, low, high
      for k = 0, 11 do
        local r = found[hour * 12 + k]
        local part, b_low, b_high
        if r then
          part, b_low, b_high, carry = r[1] + r[5] * (300 - r[2]), r[3], r[4], r[5]
        elseif carry then
          part, b_low, b_high = carry * 300, carry, carry
        end
        if part then
          sum, covered = (sum or 0) + part, (covered or 0) + 300
          low, high = math.min(low or b_low, b_low), math.max(high or b_high, b_high)
        end
      end
      if sum then
        out[#out + 1] = struct.pack(record, 288 + hour, math.min(sum, 4294967295), covered, low,
                                    high, carry)
      end
    end
    return table.concat(out)
  end
  -- Once a day an owner: the days past retention leave its days hash, and
  -- the days older than 35 (the 5-minute answers' reach) not yet looked at
  -- (field "c": the last day that was) become hourly when longer than 24 records.
  local function maintain(days_key)
    local stale, today = {}, math.floor(now_s / 86400)
    local compacted = tonumber(redis.call('HGET', days_key, 'c')) or -1
    for _, field in ipairs(redis.call('HKEYS', days_key)) do
      local d = tonumber(field)
      if d == nil then -- "c"
      elseif (d + 1) * 86400 + retention <= now_s then
        stale[#stale + 1] = field
      elseif d > compacted and d < today - 35 and
             redis.call('HSTRLEN', days_key, field) > 24 * 17 then
        redis.call('HSET', days_key, field, hourly(redis.call('HGET', days_key, field)))
      end
    end
    if #stale > 0 then redis.call('HDEL', days_key, unpack(stale)) end
    redis.call('HSET', days_key, 'c', today - 36)
  end
  -- A day's records join its days hash (after any there), which expires
  -- history_days after its latest day, so an owner that stops leaves none.
  local function keep(days_key, day, records)
    local known = redis.call('HGET', days_key, day)
    redis.call('HSET', days_key, day, (known or '') .. records)
    local expire_at = (day + 1) * 86400 + retention
    if redis.call('EXPIRETIME', days_key) < expire_at then
      redis.call('EXPIREAT', days_key, expire_at)
    end
  end
  -- A finished record {bucket since 1970, sum, covered, min, max, last} is
  -- appended (APPEND: no copy of the day) to the day being written, a string
  -- of its day number and records (ps:hist:{id}:t); on a new day that one
  -- moves into the days hash.
  local function finish(days_key, day_key, r)
    local day = math.floor(r[1] / 288)
    local bytes = struct.pack(record, r[1] - day * 288, r[2], r[3], r[4], r[5], r[6])
    local head = redis.call('GETRANGE', day_key, 0, 3)
    local open_day = #head == 4 and struct.unpack('<I4', head) or nil
    if open_day == day then
      redis.call('APPEND', day_key, bytes)
    elseif open_day and open_day > day then
      keep(days_key, day, bytes) -- a record older than the day being written
    else
      if open_day then keep(days_key, open_day, string.sub(redis.call('GET', day_key), 5)) end
      maintain(days_key)
      redis.call('SET', day_key, struct.pack('<I4', day) .. bytes, 'EXAT',
                 (day + 1) * 86400 + retention)
    end
  end
  -- held since since_s, now new_count; held nil: taken from the latest
  -- record (a group's), or a first report, taken to have held since its bucket began.
  -- Returns the latest bucket's new text ("day bucket sum covered min max last"), or nil.
  local function fold(days_key, day_key, text, held, since_s, new_count)
    local last
    if text then
      local v = {}
      for n in string.gmatch(text, '%d+') do v[#v + 1] = tonumber(n) end
      last = {v[1] * 288 + v[2], v[3], v[4], v[5], v[6], v[7]}
      if last[1] > bucket then return nil end -- the clock stepped back: nothing folded
      if held == nil then held, since_s = last[6], last[1] * 300 + last[3] end
    end
    if held == nil or since_s == nil then held, since_s = new_count, start end
    since_s = math.min(since_s, now_s)
    local previous = math.floor(since_s / 300)
    local current
    if last and last[1] == bucket and previous == bucket then
      current = last
      current[2] = current[2] + held * (now_s - since_s)
      current[3] = now_s - start
    else
      if last and last[1] ~= bucket then
        if last[1] == previous then
          last[2] = last[2] + held * ((previous + 1) * 300 - since_s)
          last[3] = 300
        end
        finish(days_key, day_key, last)
      end
      local edge = now_s > start and held or new_count -- at the bucket's start the old count never held
      current = {bucket, held * (now_s - start), now_s - start, edge, edge, edge}
    end
    local day = math.floor(bucket / 288)
    return string.format('%d %d %d %d %d %d %d', day, bucket - day * 288, current[2], current[3],
                         math.min(current[4], new_count), math.max(current[5], new_count),
                         new_count)
  end
  local mine = redis.call('HMGET', KEYS[1], 'hist', 'groups')
  local text = fold(ARGV[10] .. 'd', ARGV[10] .. 't', mine[1], old,
                    lot[4] and math.floor(tonumber(lot[4]) / 1000), new)
  if text then redis.call('HSET', KEYS[1], 'hist', text) end
  -- Each group (ps:ghist:{group}): its lots' last counts, their sum ("*"; kept
  -- by this script, lot_put.lua and lot_delete.lua) and its latest bucket
  -- ("*hist"; no lot id begins with "*").
  for group in string.gmatch(mine[2] or '', '[^,]+') do
    local lots = root .. 'ghist:' .. group
    local known = redis.call('HMGET', lots, ARGV[1], '*', '*hist')
    local sum = (tonumber(known[2]) or 0) - (tonumber(known[1]) or 0) + new
    -- (a sum x 300 seconds must fit the record's 32 bits)
    text = fold(lots .. ':d', lots .. ':t', known[3], nil, nil, math.min(sum, 14316557))
    if text then
      redis.call('HSET', lots, ARGV[1], new, '*', sum, '*hist', text)
    else
      redis.call('HSET', lots, ARGV[1], new, '*', sum)
    end
  end
end
-- End of the history block.

-- Formatted, not cjson.encode'd: a fifth of the cost, and every value is a
-- lot id, a vocabulary word or a number, none of which JSON must escape.
-- (One literal each: Lua 5.1 joins constant strings at run time, not at load.)
local message
if space == '' then
  message = string.format(
    '{"type":"occupancy","id":"%s","version":%d,"occupied":%d,"updated_at":%d}',
    ARGV[1], version, new, now)
else
  message = string.format(
    '{"type":"occupancy","id":"%s","version":%d,"occupied":%d,"updated_at":%d,"space":"%s"}',
    ARGV[1], version, new, now, space)
end
redis.call('PUBLISH', ARGV[8], message)
-- The count as stored, so that the daemon that took the write shows it at once.
return {'ok', answer, version, new, now}
