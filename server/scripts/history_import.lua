-- history_import.lua: past counts written into a lot's history as one atomic step.
--
-- KEYS[1] ps:lot:{id}; KEYS[2..n] ps:hist:{id}:{day}, one per day written
-- ARGV: 1 retention in seconds; then for each day key, in order: the day
-- (days since 1970), the byte offset of its span, the span's bytes as hex
--
-- Returns "ok", or "not-found" (nothing written). The spans are computed by
-- core/history.c from the samples alone, so the same import twice writes
-- the same bytes.

if redis.call('EXISTS', KEYS[1]) == 0 then
  return 'not-found'
end
local retention = tonumber(ARGV[1])
for i = 2, #KEYS do
  local base = 2 + (i - 2) * 3
  local day, offset, hex = tonumber(ARGV[base]), tonumber(ARGV[base + 1]), ARGV[base + 2]
  local bytes = hex:gsub('%x%x', function(pair) return string.char(tonumber(pair, 16)) end)
  redis.call('SETRANGE', KEYS[i], offset, bytes)
  redis.call('EXPIREAT', KEYS[i], (day + 1) * 86400 + retention)
end
return 'ok'
