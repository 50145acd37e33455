-- calendar_delete.lua: forget a calendar and tell every daemon.
--
-- KEYS[1] ps:calendar:{id}   KEYS[2] ps:calendars
-- ARGV: 1 id, 2 change channel
--
-- Returns "deleted" or "not-found". Whether lots still use it is the
-- caller's check (409) before it gets here.

if redis.call('DEL', KEYS[1]) == 0 then
  return 'not-found'
end
redis.call('SREM', KEYS[2], ARGV[1])
redis.call('PUBLISH', ARGV[2], cjson.encode({type = 'calendar_deleted', id = ARGV[1]}))
return 'deleted'
