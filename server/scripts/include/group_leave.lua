-- group_leave.lua: take lot ARGV[1]'s last count out of a group's history sum.
--
-- Included by lot_put.lua (a lot leaving a group) and lot_delete.lua (a lot
-- deleted) where they say "--@include group_leave.lua" (server/scripts/embed.py).
-- Defines the local function group_leave(lots), lots being the group's
-- ps:ghist:{group} hash: its lots' last counts and their sum "*", which
-- occupancy.lua folds into the group's own history (docs/forecast.md).
local function group_leave(lots)
  local count = tonumber(redis.call('HGET', lots, ARGV[1]))
  if count then
    redis.call('HDEL', lots, ARGV[1])
    redis.call('HINCRBY', lots, '*', -count)
  end
end
