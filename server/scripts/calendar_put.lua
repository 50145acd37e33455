-- calendar_put.lua: store a calendar (native JSON) and tell every daemon.
--
-- KEYS[1] ps:calendar:{id}   KEYS[2] ps:calendars
-- ARGV: 1 id, 2 native JSON, 3 change channel, 4 "1" to write only when absent
--
-- Returns "created", "replaced", or "exists" (only-when-absent and present).

local existed = redis.call('EXISTS', KEYS[1]) == 1
if existed and ARGV[4] == '1' then
  return 'exists'
end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('SADD', KEYS[2], ARGV[1])
-- Calendars carry no version of their own: the message says "reload it".
redis.call('PUBLISH', ARGV[3], cjson.encode({type = 'calendar', id = ARGV[1]}))
return existed and 'replaced' or 'created'
