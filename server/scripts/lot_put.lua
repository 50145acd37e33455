-- lot_put.lua: create or replace a lot's static fields as one atomic step.
--
-- KEYS[1] ps:lot:{id}   KEYS[2] ps:lots   KEYS[3] ps:audit:{id}   KEYS[4] ps:audit
-- (KEYS[3] is no longer written: older versions kept a stream per lot.)
-- ARGV: 1 lot id, 2 static JSON, 3 capacity, 4 token id, 5 client address,
-- 6 change channel, 7 audit stream cap
--
-- Returns {"created" or "replaced", version, occupied (-1: never reported),
-- updated_at (-1: never)}.
-- A capacity below the current count lowers the count to the capacity, and
-- the audit entry says so; so does a space type's capacity below its count
-- ("space_clamped": "charging 12>10").

local old = redis.call('HMGET', KEYS[1], 'capacity', 'occupied', 'version', 'updated_at')
local created = not old[1]
local capacity = tonumber(ARGV[3])
local version = (tonumber(old[3]) or 0) + 1
local occupied = tonumber(old[2])
local updated_at = tonumber(old[4])
local clamped = occupied ~= nil and occupied > capacity

if clamped then
  redis.call('HSET', KEYS[1], 'occupied', capacity)
end
redis.call('HSET', KEYS[1], 'json', ARGV[2], 'capacity', capacity, 'version', version)

-- Space types: a type's capacity lowered below its count lowers the count
-- to it, as the lot's own count is lowered above; the audit names each one.
local space_clamps = {}
if string.find(ARGV[2], '"spaces"', 1, true) then
  local plan = cjson.decode(ARGV[2]).spaces
  if type(plan) == 'table' then
    for space, type_plan in pairs(plan) do
      local field = 'space:' .. space
      local count = tonumber(redis.call('HGET', KEYS[1], field))
      local type_capacity = tonumber(type_plan.capacity)
      if count and type_capacity and count > type_capacity then
        redis.call('HSET', KEYS[1], field, type_capacity)
        table.insert(space_clamps, space .. ' ' .. count .. '>' .. type_capacity)
      end
    end
  end
end
table.sort(space_clamps)
-- End of space types' block.
redis.call('SADD', KEYS[2], ARGV[1])

local new_occupied = clamped and capacity or occupied

-- Group history (docs/forecast.md): the lot's groups as ",a,b," in its
-- "groups" field, which occupancy.lua reads on every write instead of
-- decoding the JSON; and each group's record of its lots' counts
-- (ps:ghist:{group}, with their sum in "*"): a lot that joins adds its
-- count, one that leaves takes it away, a lowered count is lowered there.
--@include group_leave.lua
local groups = {}
if string.find(ARGV[2], '"groups"', 1, true) then
  local list = cjson.decode(ARGV[2]).groups
  if type(list) == 'table' then
    for _, group in ipairs(list) do
      if type(group) == 'string' then groups[#groups + 1] = group end
    end
  end
end
local joined = #groups > 0 and (',' .. table.concat(groups, ',') .. ',') or ''
local had = redis.call('HGET', KEYS[1], 'groups') or ''
if joined ~= had or (clamped and joined ~= '') then
  local root = string.sub(KEYS[1], 1, #KEYS[1] - #ARGV[1] - 4) -- ps:
  for group in string.gmatch(had, '[^,]+') do
    if not string.find(joined, ',' .. group .. ',', 1, true) then
      group_leave(root .. 'ghist:' .. group)
    end
  end
  for _, group in ipairs(groups) do
    local lots = root .. 'ghist:' .. group
    local count = tonumber(redis.call('HGET', lots, ARGV[1]))
    if new_occupied and count ~= new_occupied then
      redis.call('HSET', lots, ARGV[1], new_occupied)
      redis.call('HINCRBY', lots, '*', new_occupied - (count or 0))
    end
  end
  if joined == '' then
    redis.call('HDEL', KEYS[1], 'groups')
  else
    redis.call('HSET', KEYS[1], 'groups', joined)
  end
end
-- End of group history's block.
-- The fields of every lot entry, in occupancy.lua's order (see there).
local entry = {'lot', ARGV[1], 'kind', created and 'create' or 'replace', 'token', ARGV[4],
               'old', occupied and tostring(occupied) or '',
               'new', new_occupied and tostring(new_occupied) or '', 'requested', '',
               'clamped', clamped and '1' or '0', 'client', ARGV[5], 'version', tostring(version),
               'old_capacity', old[1] or '', 'capacity', ARGV[3]}
-- Space types: only a PUT that lowered a type's count says so (entries of another shape).
if #space_clamps > 0 then
  table.insert(entry, 'space_clamped')
  table.insert(entry, table.concat(space_clamps, ','))
end
-- One stream for every lot: a stream per lot would cost Redis some 4 KB a
-- lot (each new stream node is preallocated), and a lot's entries are found
-- by their "lot" field (audit_list.lua).
redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[7], '*', unpack(entry))

-- The static JSON goes in as stored: decoded in Lua it would lose its member order.
local message = cjson.encode({type = 'lot', id = ARGV[1], version = version,
                              occupied = new_occupied or cjson.null,
                              updated_at = updated_at or cjson.null})
redis.call('PUBLISH', ARGV[6], message:sub(1, -2) .. ',"lot":' .. ARGV[2] .. '}')
return {created and 'created' or 'replaced', version, new_occupied or -1, updated_at or -1}
