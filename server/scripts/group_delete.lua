-- group_delete.lua: forget a group's names, audit it and tell every daemon.
--
-- KEYS[1] ps:group:{id}   KEYS[2] ps:groups   KEYS[3] ps:audit
-- ARGV: 1 id, 2 token id, 3 client address, 4 change channel, 5 audit stream cap
--
-- Returns "deleted" or "not-found". The lots keep their group: only the
-- names go.

local old = redis.call('GET', KEYS[1])
if not old then
  return 'not-found'
end
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[1])
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[5], '*', 'group', ARGV[1],
           'kind', 'group_delete', 'token', ARGV[2], 'client', ARGV[3], 'old_names', old, 'new_names', '')
redis.call('PUBLISH', ARGV[4], cjson.encode({type = 'group_deleted', id = ARGV[1]}))
return 'deleted'
