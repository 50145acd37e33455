-- calendar_load.lua: every calendar at once, ids and values read together.
--
-- KEYS[1] ps:calendars   ARGV[1] the calendar key prefix ("ps:calendar:")
--
-- Returns {ids, values}; a value is "" when its key vanished.

local ids = redis.call('SMEMBERS', KEYS[1])
local values = {}
for i, id in ipairs(ids) do
  values[i] = redis.call('GET', ARGV[1] .. id) or ''
end
return {ids, values}
