-- history_import.lua: past counts written into a lot's history as one atomic step.
--
-- KEYS[1] ps:lot:{id}   KEYS[2] ps:hist:{id}:d (the lot's days)
-- ARGV: 1 retention in seconds; then for each day written, in order: the
-- day (days since 1970), the first and last bucket of the day the import
-- spans, the span's records (the layout of core/history.h; hourly for a
-- day past the detail kept) as hex
--
-- Returns "ok", or "not-found" (nothing written). Within the span a day's
-- records are replaced, outside it kept; the records are computed by
-- core/history.c from the samples alone, so the same import twice writes
-- the same bytes. (The lot's latest bucket, in its hash, is read after
-- its day's records: a live count wins over an imported one.)

if redis.call('EXISTS', KEYS[1]) == 0 then
  return 'not-found'
end
local size = 17
local retention = tonumber(ARGV[1])
-- known's records outside [first, last], with span's after them (an hourly
-- record, 288 + hour, is inside when any bucket of its hour is).
local function merge(known, first, last, span)
  local kept = {}
  for at = 1, #known - size + 1, size do
    local bucket = struct.unpack('<I2', known, at)
    local low, high = bucket, bucket
    if bucket >= 288 then low, high = (bucket - 288) * 12, (bucket - 288) * 12 + 11 end
    if high < first or low > last then
      kept[#kept + 1] = string.sub(known, at, at + size - 1)
    end
  end
  return table.concat(kept) .. span
end
local newest = 0
for base = 2, #ARGV, 4 do
  local day, first, last = tonumber(ARGV[base]), tonumber(ARGV[base + 1]), tonumber(ARGV[base + 2])
  local span = ARGV[base + 3]:gsub('%x%x', function(pair) return string.char(tonumber(pair, 16)) end)
  local records = merge(redis.call('HGET', KEYS[2], day) or '', first, last, span)
  if #records > 0 then
    redis.call('HSET', KEYS[2], day, records)
  else
    redis.call('HDEL', KEYS[2], day)
  end
  newest = math.max(newest, day)
end
local expire_at = (newest + 1) * 86400 + retention
if redis.call('EXISTS', KEYS[2]) == 1 and redis.call('EXPIRETIME', KEYS[2]) < expire_at then
  redis.call('EXPIREAT', KEYS[2], expire_at)
end
return 'ok'
